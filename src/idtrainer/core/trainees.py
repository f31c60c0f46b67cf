"""Trainee profiles on this laptop: a name in any script and an optional 4-digit PIN."""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from idtrainer.core.collation import sort_key
from idtrainer.core.errors import IDTrainerError
from idtrainer.core.i18n import gettext as _
from idtrainer.core.store import new_uuid

if TYPE_CHECKING:
    from idtrainer.core.store import Store

# scrypt cost for PINs and passwords: about 50 ms on a 2-core laptop.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


def hash_secret(secret: str) -> str:
    import hashlib  # here, not at start-up: loading OpenSSL is most of its import

    salt = os.urandom(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    parts = ["scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P),
             base64.b64encode(salt).decode(), base64.b64encode(digest).decode()]
    return "$".join(parts)


#: The most a stored PIN or password hash may ask for. A hash from elsewhere (a results
#: bundle, a planted row) with heavier settings is refused before scrypt runs: N=2^20
#: would need 1 GiB and stop the app (docs/security.md).
MAX_SCRYPT_N, MAX_SCRYPT_R, MAX_SCRYPT_P = 2**15, 8, 2
MAX_SALT_BYTES, MIN_DIGEST_BYTES, MAX_DIGEST_BYTES = 64, 16, 64


def secret_settings_ok(stored: str) -> bool:
    """True when ``stored`` is a scrypt hash within the fixed maxima (checked without
    running the hash)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        n_, r_, p_ = int(n), int(r), int(p)
        salt_len = len(base64.b64decode(salt, validate=True))
        digest_len = len(base64.b64decode(digest, validate=True))
    except (ValueError, TypeError):
        return False
    return (scheme == "scrypt" and 1 < n_ <= MAX_SCRYPT_N and n_ & (n_ - 1) == 0
            and 0 < r_ <= MAX_SCRYPT_R and 0 < p_ <= MAX_SCRYPT_P
            and 0 < salt_len <= MAX_SALT_BYTES
            and MIN_DIGEST_BYTES <= digest_len <= MAX_DIGEST_BYTES)


def verify_secret(secret: str, stored: str) -> bool:
    if not secret_settings_ok(stored):
        return False
    import hashlib
    import hmac

    _scheme, n, r, p, salt, digest = stored.split("$")
    expected = base64.b64decode(digest)
    actual = hashlib.scrypt(secret.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r),
                            p=int(p), dklen=len(expected), maxmem=64 * 2**20)
    return hmac.compare_digest(actual, expected)


@dataclass(frozen=True)
class Trainee:
    uuid: str
    name: str
    organisation: str
    locale: str | None
    has_pin: bool
    gender: str = ""
    agency: str = ""
    subdivision: str = ""
    region: str = ""
    position: str = ""
    contact: str = ""


#: Roster fields a trainer may set on a profile.
PROFILE_FIELDS: tuple[str, ...] = ("gender", "agency", "subdivision", "region", "position",
                                   "contact")


def _trainee(r: dict) -> Trainee:
    return Trainee(r["uuid"], r["name"], r["organisation"], r["locale"],
                   r["pin_hash"] is not None, r["gender"], r["agency"], r["subdivision"],
                   r["region"], r["position"], r["contact"])


class MergeError(IDTrainerError, ValueError):
    """Two records cannot be merged; the text says why."""


class TraineeManager:
    def __init__(self, store: Store) -> None:
        self.store = store

    def create(self, name: str, *, pin: str | None = None, locale: str | None = None,
               organisation: str = "") -> str:
        name = " ".join(name.split())
        if not name:
            raise ValueError(_("A profile needs a name."))
        if pin is not None and not (len(pin) == 4 and pin.isdigit()):
            raise ValueError(_("A PIN is four digits."))
        uuid = new_uuid()
        self.store.put("trainees", {
            "uuid": uuid, "name": name, "organisation": organisation, "locale": locale,
            "pin_hash": hash_secret(pin) if pin else None, "created_on": self.store.device_id,
        })
        return uuid

    def find_or_create(self, name: str) -> str:
        """The profile with exactly this name (spaces tidied), made if there is none:
        for rosters and certificates issued to people tested on paper."""
        name = " ".join(name.split())
        existing = self.store.scalar(
            "SELECT uuid FROM trainees WHERE name = ? AND deleted = 0 AND merged_into IS NULL",
            (name,))
        return existing or self.create(name)

    def upsert(self, name: str, **fields: str) -> tuple[str, str]:
        """(uuid, added | updated | unchanged) for the roster person with this name and
        agency: the known record gets the given fields, else a new one is made."""
        name = " ".join(name.split())
        unknown = set(fields) - set(PROFILE_FIELDS)
        if unknown:
            raise ValueError(f"unknown trainee fields {sorted(unknown)}")
        agency = fields.get("agency", "")
        existing = next((r["uuid"] for r in self.store.query(
            "SELECT uuid, agency FROM trainees WHERE name = ? AND deleted = 0 AND "
            "merged_into IS NULL ORDER BY rowid", (name,))
            if r["agency"].casefold() == agency.casefold()), None)
        if existing is None:
            uuid = self.create(name)
            self.store.put("trainees", {"uuid": uuid, **fields})
            return uuid, "added"
        outcome = self.store.put("trainees", {"uuid": existing, **fields})
        return existing, outcome

    def update(self, trainee_uuid: str, **fields: str) -> None:
        unknown = set(fields) - {*PROFILE_FIELDS, "name"}
        if unknown:
            raise ValueError(f"unknown trainee fields {sorted(unknown)}")
        self.store.put("trainees", {"uuid": trainee_uuid, **fields})

    def all(self, *, include_merged: bool = False) -> list[Trainee]:
        where = "deleted = 0" + ("" if include_merged else " AND merged_into IS NULL")
        rows = self.store.query(f"SELECT * FROM trainees WHERE {where}")
        people = [_trainee(r) for r in rows]
        # Names come in any script; Kazakh order keeps Cyrillic (ru and kk) and Latin right.
        return sorted(people, key=lambda t: sort_key(t.name, "kk"))

    def get(self, trainee_uuid: str) -> Trainee | None:
        r = self.store.query_one("SELECT * FROM trainees WHERE uuid = ? AND deleted = 0",
                                 (trainee_uuid,))
        return None if r is None else _trainee(r)

    # -- the same person twice ---------------------------------------------------------

    def canonical_map(self) -> dict[str, str]:
        """uuid -> the record it is now (itself unless merged), following merges made on
        any laptop; a loop (two laptops merging each way) ends at the smaller uuid."""
        pointers = dict(self.store.conn.execute(
            "SELECT uuid, merged_into FROM trainees WHERE merged_into IS NOT NULL"))
        out: dict[str, str] = {}
        for start in pointers:
            seen = [start]
            current = start
            while current in pointers and pointers[current] not in seen:
                current = pointers[current]
                seen.append(current)
            if current in pointers:  # a loop
                current = min(seen)
            out[start] = current
        return out

    def canonical(self, trainee_uuid: str) -> str:
        return self.canonical_map().get(trainee_uuid, trainee_uuid)

    def merge(self, keep: str, drop: str) -> None:
        """Make ``drop`` the same person as ``keep``: the record stays, pointing at
        ``keep`` (the pointer syncs), so attempts and certificates made under either
        count for ``keep`` in every report; class places and attendance move over."""
        keep, drop = self.canonical(keep), self.canonical(drop)
        if keep == drop:
            raise MergeError(_("These are already the same record."))
        if self.get(keep) is None or self.get(drop) is None:
            raise MergeError(_("No such trainee."))
        with self.store.transaction():
            for r in self.store.query("SELECT uuid FROM trainees WHERE merged_into = ? OR "
                                      "uuid = ?", (drop, drop)):
                self.store.put("trainees", {"uuid": r["uuid"], "merged_into": keep})
            for r in self.store.query("SELECT uuid, class_uuid FROM class_members WHERE "
                                      "trainee_uuid = ? AND deleted = 0", (drop,)):
                self.store.classes.add_member(r["class_uuid"], keep)
                self.store.tombstone("class_members", r["uuid"])
            for r in self.store.query("SELECT * FROM attendance WHERE trainee_uuid = ? AND "
                                      "deleted = 0", (drop,)):
                self.store.events.set_attendance(r["event_uuid"], keep, r["day"],
                                                 bool(r["present"]), only_if_better=True)
                self.store.tombstone("attendance", r["uuid"])
            mine = self.get(keep)
            other = self.get(drop)
            assert mine is not None and other is not None
            filled = {f: getattr(other, f) for f in PROFILE_FIELDS
                      if not getattr(mine, f) and getattr(other, f)}
            if filled:
                self.store.put("trainees", {"uuid": keep, **filled})

    def possible_duplicates(self) -> list[list[Trainee]]:
        """Groups of records with the same name and agency (e.g. made on two laptops)."""
        groups: dict[tuple[str, str], list[Trainee]] = {}
        for person in self.all():
            key = (" ".join(person.name.casefold().split()), person.agency.casefold().strip())
            groups.setdefault(key, []).append(person)
        return [g for g in groups.values() if len(g) > 1]

    def set_locale(self, trainee_uuid: str, locale: str) -> None:
        """Remember the trainee's language (used when they pick their profile again)."""
        self.store.put("trainees", {"uuid": trainee_uuid, "locale": locale})

    def check_pin(self, trainee_uuid: str, pin: str) -> bool:
        stored = self.store.scalar("SELECT pin_hash FROM trainees WHERE uuid = ?",
                                   (trainee_uuid,))
        return stored is None or verify_secret(pin, stored)

    def count(self) -> int:
        return self.store.count("trainees")
