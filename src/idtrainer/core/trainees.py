"""Trainee profiles on this laptop: a name in any script and an optional 4-digit PIN."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from idtrainer.core.collation import sort_key
from idtrainer.core.i18n import gettext as _
from idtrainer.core.store import new_uuid

if TYPE_CHECKING:
    from idtrainer.core.store import Store

# scrypt cost for PINs and passwords: about 50 ms on a 2-core laptop.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


def hash_secret(secret: str) -> str:
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
            "SELECT uuid FROM trainees WHERE name = ? AND deleted = 0", (name,))
        return existing or self.create(name)

    def list(self) -> list[Trainee]:
        rows = self.store.query("SELECT * FROM trainees WHERE deleted = 0")
        people = [Trainee(r["uuid"], r["name"], r["organisation"], r["locale"],
                          r["pin_hash"] is not None) for r in rows]
        # Names come in any script; Kazakh order keeps Cyrillic (ru and kk) and Latin right.
        return sorted(people, key=lambda t: sort_key(t.name, "kk"))

    def get(self, trainee_uuid: str) -> Trainee | None:
        r = self.store.query_one("SELECT * FROM trainees WHERE uuid = ? AND deleted = 0",
                                 (trainee_uuid,))
        if r is None:
            return None
        return Trainee(r["uuid"], r["name"], r["organisation"], r["locale"],
                       r["pin_hash"] is not None)

    def set_locale(self, trainee_uuid: str, locale: str) -> None:
        """Remember the trainee's language (used when they pick their profile again)."""
        self.store.put("trainees", {"uuid": trainee_uuid, "locale": locale})

    def check_pin(self, trainee_uuid: str, pin: str) -> bool:
        stored = self.store.scalar("SELECT pin_hash FROM trainees WHERE uuid = ?",
                                   (trainee_uuid,))
        return stored is None or verify_secret(pin, stored)

    def count(self) -> int:
        return self.store.count("trainees")
