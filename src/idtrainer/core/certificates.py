"""Certificates: issuing with never-reused serials, a signed payload for the QR code,
offline verification, reprint and revoke, and class batches.

A certificate is identified by (publisher key, serial): two trainers' serials never
collide. Only a laptop with the publisher key open (trainer mode unlocked) issues or
revokes. A revocation is signed by the publisher key that issued the certificate and
travels in every content bundle (the ``revocations`` table), so an officer's laptop
shows "revoked, on DATE, reason" after its next sync (docs/security.md).

The payload is ASCII only (``IDT1.<data>.<signature>``, base64url), because USB QR
scanners type what they read as keystrokes and many cannot type Cyrillic.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from idtrainer.core.errors import IDTrainerError
from idtrainer.core.i18n import gettext as _
from idtrainer.core.keys import b64, unb64
from idtrainer.core.languages import codes as language_codes
from idtrainer.core.pictures import JPEG, PNG, MediaError, read_picture
from idtrainer.core.store import content_uuid, new_uuid

if TYPE_CHECKING:
    from idtrainer.core.store import Store

PAYLOAD_PREFIX = "IDT1"
TEMPLATE_SETTING = "certificate_template"
SEQUENCE_SETTING = "certificate_sequence_{year}"

#: Limits that keep a certificate printable: the name on one line of the page and the
#: course title in three (certificate_pdf shrinks the type down to a size where the
#: widest letters fit), and the QR code small enough to scan at its printed size
#: (version 26 is 121 modules in 4 cm, about 0.33 mm each). A name and course title
#: within the character limits stay within the QR limit unless they use characters
#: beyond the Basic Multilingual Plane; :meth:`CertificateManager.check_texts` checks all.
MAX_NAME_CHARS = 80
MAX_COURSE_CHARS = 120
MAX_QR_VERSION = 26
MAX_PREFIX_CHARS = 12
#: A payload longer than this is not one (a version-40 QR code holds at most 4,296
#: characters); it is refused before it is decoded.
MAX_PAYLOAD_CHARS = 4296


class CertificateError(IDTrainerError, ValueError):
    """A certificate cannot be issued or found; the message says why."""


@dataclass
class CertificateTemplate:
    """What a trainer sets once for all certificates printed on this laptop."""

    organisation: str = ""
    signatory: str = ""
    signatory_title: str = ""
    course_title: str = ""
    languages: list[str] = field(default_factory=lambda: ["ru"])  # main, optional second
    show_score: bool = True
    serial_prefix: str = "IDT"
    logo_path: str = ""
    signature_path: str = ""

    def validate(self) -> None:
        if not self.languages or len(self.languages) > 2 or any(
                lang not in language_codes() for lang in self.languages):
            raise CertificateError(_("Choose one or two certificate languages."))
        prefix = self.serial_prefix.strip()
        if not prefix or not prefix.replace("-", "").isalnum() or not prefix.isascii():
            raise CertificateError(_("The serial prefix uses Latin letters and digits, "
                                     "e.g. KZ."))
        if len(prefix) > MAX_PREFIX_CHARS:  # it is printed and carried in the QR code
            raise CertificateError(_("The serial prefix has at most {limit} characters.")
                                   .format(limit=MAX_PREFIX_CHARS))
        for image in (self.logo_path, self.signature_path):
            if image:
                certificate_picture(image)


#: What reportlab can draw into a certificate.
CERTIFICATE_PICTURES = frozenset({PNG, JPEG})


def certificate_picture(path: str) -> bytes:
    """The bytes of a logo or signature file that passed the picture gate (read once: draw
    these, not the file again), or :class:`CertificateError` saying why not."""
    try:
        return read_picture(Path(path), allowed=CERTIFICATE_PICTURES)[0]
    except MediaError as exc:
        raise CertificateError(str(exc)) from exc


@dataclass(frozen=True)
class Certificate:
    uuid: str
    serial: str
    trainee_uuid: str
    trainee_name: str
    course_title: str
    score: float | None
    locale: str
    issued_on: str
    issuer_key_id: str
    payload: str
    revoked_at: str | None
    revoke_reason: str | None
    kind: str = "course"  # course | attendance | achievement


#: The kinds an event prints, each with a template of its own.
EVENT_KINDS: tuple[str, ...] = ("attendance", "achievement")


@dataclass(frozen=True)
class Verdict:
    """What a check found. From the QR text: valid | invalid | revoked | unknown_issuer |
    malformed. From a printed serial, which proves nothing by itself: registered (in this
    laptop's register) | registered_revoked (revoked, by the register or a signed
    revocation) | unregistered (the laptop knows no such serial)."""

    status: str
    details: dict[str, Any]

    @property
    def ok(self) -> bool:
        return self.status == "valid"

    @property
    def by_serial(self) -> bool:
        return self.status in SERIAL_STATUSES


SERIAL_STATUSES = ("registered", "registered_revoked", "unregistered")

#: Cyrillic letters that look like Latin ones, as typed on a Russian keyboard layout.
_HOMOGLYPHS = str.maketrans("АВЕКМНОРСТХУ", "ABEKMHOPCTXY")
_DASHES = re.compile(r"[\s\-\u2010-\u2015\u2212_]+")
_SERIAL = re.compile(r"^([A-Z0-9]+(?:-[A-Z0-9]+)*?)-?(\d{4})-?(\d{6})$")


def normalise_serial(text: str) -> str | None:
    """A printed serial as issued (``KZ-2026-000123``) from what a person typed: any case,
    spaces or other dashes for the hyphens, or none; None when it does not look like one."""
    flat = _DASHES.sub("-", text.strip().upper().translate(_HOMOGLYPHS)).strip("-")
    match = _SERIAL.match(flat)
    if match is None or not flat.isascii():
        return None
    return "-".join(match.groups())


def _message(fields: dict[str, Any]) -> bytes:
    return json.dumps(fields, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")


def parse_payload(text: str) -> tuple[dict[str, Any], bytes, bytes] | None:
    """(fields, signed bytes, signature) or None when the text is not a payload.

    The text comes from anyone (a scanner types it): it is refused, never decoded,
    when longer than a QR code holds, and JSON nested deeper than Python can parse
    (RecursionError) or fields of the wrong type make it "not a certificate"."""
    if len(text) > MAX_PAYLOAD_CHARS:
        return None
    parts = "".join(text.split()).split(".")
    if len(parts) != 3 or parts[0] != PAYLOAD_PREFIX:
        return None
    try:
        message, signature = unb64(parts[1]), unb64(parts[2])
        fields = json.loads(message.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    if not isinstance(fields, dict) or not {"s", "n", "c", "d", "k"} <= fields.keys():
        return None
    if not all(isinstance(fields[key], str) for key in ("s", "n", "c", "d", "k")) or \
            not isinstance(fields.get("l", ""), str) or \
            not isinstance(fields.get("sc"), int | float | None) or \
            isinstance(fields.get("sc"), bool):
        return None
    return fields, message, signature


def _shown(name: str, limit: int = 40) -> str:
    return name if len(name) <= limit else name[:limit] + "…"


def _not_text(value: str) -> bool:
    """Lone surrogates (bytes that were not UTF-8, passed through by the command line)
    and control characters cannot be printed or put in a QR code."""
    return any(unicodedata.category(ch) in ("Cs", "Cc") for ch in value)


class CertificateManager:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- template ----------------------------------------------------------------------

    def template(self, kind: str = "course") -> CertificateTemplate:
        """The template for ``kind``; an event kind without its own uses the main one."""
        raw = self.store.get_setting(_template_key(kind)) if kind != "course" else None
        raw = raw or self.store.get_setting(TEMPLATE_SETTING)
        if not raw:
            return CertificateTemplate()
        known = CertificateTemplate.__dataclass_fields__
        return CertificateTemplate(**{k: v for k, v in json.loads(raw).items() if k in known})

    def save_template(self, template: CertificateTemplate, kind: str = "course") -> None:
        template.validate()
        self.store.set_setting(_template_key(kind), json.dumps(asdict(template),
                                                               ensure_ascii=False))

    # -- issuing -----------------------------------------------------------------------

    def issue(self, name: str, course: str, lang: str, *, score: float | None = None,
              trainee_uuid: str | None = None, class_uuid: str | None = None,
              quiz_uuid: str | None = None, attempt_uuid: str | None = None,
              on: dt.date | None = None, kind: str = "course",
              event_uuid: str | None = None) -> Certificate:
        """Issue and record one certificate, signed with this laptop's publisher key."""
        name, course = self.check_texts(name, course)
        if lang not in language_codes():
            raise CertificateError(_("Unknown certificate language {lang}.").format(lang=lang))
        if score is not None and not 0 <= score <= 100:
            raise CertificateError(_("A score is a percentage from 0 to 100."))
        if self.store.keys.publisher() is None:
            raise CertificateError(_("Certificates are signed with the publisher key: unlock "
                                     "trainer mode with the trainer password first."))
        day = on or self.store.clock().date()
        with self.store.transaction():
            if trainee_uuid is None:
                trainee_uuid = self.store.trainees.find_or_create(name)
            serial = self._next_serial(day.year)
            fields = {"s": serial, "n": name, "c": course, "d": day.isoformat(),
                      "sc": score, "l": lang}
            kid, _priv = self.store.keys.publisher()  # type: ignore[misc]
            fields["k"] = kid
            message = _message(fields)
            _kid, signature = self.store.keys.sign(message)
            payload = f"{PAYLOAD_PREFIX}.{b64(message)}.{b64(signature)}"
            uuid = new_uuid()
            self.store.put("certificates", {
                "uuid": uuid, "serial": serial, "trainee_uuid": trainee_uuid,
                "class_uuid": class_uuid, "quiz_uuid": quiz_uuid, "attempt_uuid": attempt_uuid,
                "trainee_name": name, "course_title": course, "score": score, "locale": lang,
                "issued_on": day.isoformat(), "issuer_key_id": kid, "payload": payload,
                "signature": b64(signature), "kind": kind, "event_uuid": event_uuid})
            self._event(uuid, "issued")
        return self.get(serial)  # type: ignore[return-value]

    def check_texts(self, name: str, course: str) -> tuple[str, str]:
        """The name and course title as printed (spaces normalised), or a
        :class:`CertificateError` stating the limit that one of them exceeds. Nothing is
        written; :meth:`issue` calls this first."""
        name, course = " ".join(name.split()), " ".join(course.split())
        if not name or not course:
            raise CertificateError(_("A certificate needs the trainee's name and the course."))
        if _not_text(name):
            raise CertificateError(_("The trainee's name contains characters that are not "
                                     "text (it was probably typed in another encoding)."))
        if _not_text(course):
            raise CertificateError(_("The course title contains characters that are not "
                                     "text (it was probably typed in another encoding)."))
        if len(name) > MAX_NAME_CHARS:
            raise CertificateError(_("The name {name} is too long for a certificate: at most "
                                     "{limit} characters, it has {n}.").format(
                name=_shown(name), limit=MAX_NAME_CHARS, n=len(name)))
        if len(course) > MAX_COURSE_CHARS:
            raise CertificateError(_("The course title {title} is too long for a certificate: "
                                     "at most {limit} characters, it has {n}.").format(
                title=_shown(course), limit=MAX_COURSE_CHARS, n=len(course)))
        # The QR code: the longest serial and any score, with a signature's length.
        fields = {"s": f"{self.template().serial_prefix.strip().upper()}-9999-999999",
                  "n": name, "c": course, "d": "2000-01-01", "sc": 33.333333333333336, "l": "ru",
                  "k": "0" * 16}
        if qr_version(f"{PAYLOAD_PREFIX}.{b64(_message(fields))}.{b64(bytes(64))}") > \
                MAX_QR_VERSION:
            raise CertificateError(_("The name {name} and the course title are too long "
                                     "together for the certificate's QR code: shorten them."
                                     ).format(name=_shown(name)))
        return name, course

    def check_target(self, path: Path) -> None:
        """Refuse a PDF path that cannot be written, before anything is recorded."""
        path = Path(path)
        if path.is_dir():
            raise CertificateError(_("{path} is a folder: give a file name for the PDF.")
                                   .format(path=path))
        if not path.parent.is_dir():
            raise CertificateError(_("The folder {folder} does not exist.").format(
                folder=path.parent))

    def write_pdf(self, make: Callable[[], list[Certificate]], path: Path,
                  progress: Callable[[int, int], None] | None = None) -> list[Certificate]:
        """Issue (or reprint) with ``make`` and print to ``path`` in one transaction: the
        certificates and their events are recorded only if the PDF was written, so a
        missing or read-only folder, a full disk or a name that cannot be printed never
        burns a serial. Returns what ``make`` returned (an empty list writes nothing)."""
        from idtrainer.core.certificate_pdf import render  # reportlab: only when printing

        path = Path(path)
        self.check_target(path)
        with self.store.transaction():
            certs = make()
            if not certs:
                return certs
            try:
                render(certs, self.template(), path, progress)
            except OSError as exc:
                raise CertificateError(_("{path}: the PDF cannot be written ({reason}); no "
                                         "certificate was recorded.").format(
                    path=path, reason=exc.strerror or exc)) from exc
        return certs

    def _next_serial(self, year: int) -> str:
        """PREFIX-YEAR-NNNNNN; the counter only grows, so a serial is never reused."""
        prefix = self.template().serial_prefix.strip().upper()
        key = SEQUENCE_SETTING.format(year=year)
        number = int(self.store.get_setting(key, "0") or 0)
        while True:
            number += 1
            serial = f"{prefix}-{year}-{number:06d}"
            if not self.store.scalar("SELECT 1 FROM certificates WHERE serial = ?", (serial,)):
                break
        self.store.set_setting(key, str(number))
        return serial

    def _event(self, certificate_uuid: str, kind: str, reason: str = "") -> None:
        self.store.put("certificate_events", {
            "uuid": new_uuid(), "certificate_uuid": certificate_uuid, "kind": kind,
            "at": self.store.now(), "reason": reason})

    # -- records -----------------------------------------------------------------------

    def get(self, serial: str, issuer: str | None = None) -> Certificate | None:
        """The certificate with this serial (from ``issuer``; without it, this laptop's
        own publisher keys' first)."""
        own = [k.key_id for k in self.store.keys.own_keys() if k.kind == "publisher"]
        row = self.store.query_one(
            "SELECT * FROM certificates WHERE serial = ? AND deleted = 0 AND "
            "(? IS NULL OR issuer_key_id = ?) ORDER BY issuer_key_id IN (SELECT value FROM "
            "json_each(?)) DESC, issued_on DESC LIMIT 1",
            (serial, issuer, issuer, json.dumps(own)))
        return _certificate(row) if row else None

    def all(self, class_uuid: str | None = None) -> list[Certificate]:
        if class_uuid:
            rows = self.store.query("SELECT * FROM certificates WHERE class_uuid = ? AND "
                                    "deleted = 0 ORDER BY serial", (class_uuid,))
        else:
            rows = self.store.query("SELECT * FROM certificates WHERE deleted = 0 "
                                    "ORDER BY serial")
        return [_certificate(r) for r in rows]

    def reprint(self, serial: str) -> Certificate:
        """The same certificate again (same serial and payload); the reprint is recorded."""
        found = self.get(serial)
        if found is None:
            raise CertificateError(_("No certificate with serial {serial}.").format(
                serial=serial))
        self._event(found.uuid, "reprinted")
        return found

    def revoke(self, serial: str, reason: str) -> Certificate:
        found = self.get(serial)
        if found is None:
            raise CertificateError(_("No certificate with serial {serial}.").format(
                serial=serial))
        if not reason.strip():
            raise CertificateError(_("Give the reason for revoking the certificate."))
        publisher = self.store.keys.publisher()
        if publisher is None:
            raise CertificateError(_("Revoking is signed with the publisher key: unlock "
                                     "trainer mode with the trainer password first."))
        with self.store.transaction():
            now = self.store.now()
            self._sign_revocation(found.issuer_key_id, found.serial, now, reason.strip())
            self.store.put("certificates", {"uuid": found.uuid, "revoked_at": now,
                                            "revoke_reason": reason.strip()})
            self._event(found.uuid, "revoked", reason.strip())
        return self.get(serial, found.issuer_key_id)  # type: ignore[return-value]

    def _sign_revocation(self, issuer: str, serial: str, on: str, reason: str) -> None:
        """A revocation signed by the key that issued the certificate; it travels in every
        content bundle. A certificate issued by another publisher key cannot be revoked
        here."""
        keys = self.store.keys
        if issuer not in keys.open_publishers():
            raise CertificateError(_("Certificate {serial} was issued with another publisher "
                                     "key; only a laptop holding that key can revoke it.")
                                   .format(serial=serial))
        fields = {"k": issuer, "s": serial, "d": on, "r": reason}
        signature = keys.sign_with(issuer, _message(fields))
        self.store.put("revocations", {
            "uuid": content_uuid("revocation", f"{issuer}/{serial}"), "issuer_key_id": issuer,
            "serial": serial, "revoked_on": on, "reason": reason, "signature": b64(signature)})

    def sign_missing_revocations(self) -> int:
        """Certificates revoked before revocations were signed (an older IDTrainer): sign
        them now, with the publisher keys open in this session."""
        rows = self.store.query(
            "SELECT c.issuer_key_id, c.serial, c.revoked_at, c.revoke_reason FROM certificates c "
            "WHERE c.revoked_at IS NOT NULL AND c.deleted = 0 AND NOT EXISTS (SELECT 1 FROM "
            "revocations r WHERE r.issuer_key_id = c.issuer_key_id AND r.serial = c.serial)")
        open_keys = self.store.keys.open_publishers()
        done = 0
        with self.store.transaction():
            for r in rows:
                if r["issuer_key_id"] in open_keys:
                    self._sign_revocation(r["issuer_key_id"], r["serial"], r["revoked_at"],
                                          r["revoke_reason"] or "")
                    done += 1
        return done

    def events(self, serial: str) -> list[str]:
        return [r[0] for r in self.store.conn.execute(
            "SELECT e.kind FROM certificate_events e JOIN certificates c "
            "ON c.uuid = e.certificate_uuid WHERE c.serial = ? ORDER BY e.at, e.rowid",
            (serial,))]

    def for_class(self, class_uuid: str, course: str, lang: str,
                  progress: Callable[[int, int], None] | None = None) -> list[Certificate]:
        """One certificate per member: the one already issued for this class (a reprint),
        else a new one. Without exam results the trainer vouches for the class."""
        members = self.store.classes.members(class_uuid)
        out = []
        with self.store.transaction():  # all or none, and one commit, not one each
            for i, person in enumerate(members, 1):
                existing = self.store.query_one(
                    "SELECT serial FROM certificates WHERE class_uuid = ? AND trainee_uuid = ? "
                    "AND deleted = 0 AND revoked_at IS NULL ORDER BY serial DESC LIMIT 1",
                    (class_uuid, person.uuid))
                if existing:
                    out.append(self.reprint(existing["serial"]))
                else:
                    out.append(self.issue(person.name, course, lang, trainee_uuid=person.uuid,
                                          class_uuid=class_uuid))
                if progress:
                    progress(i, len(members))
        return out

    def award(self, quiz: str, trainee: str, lang: str, course: str | None = None
              ) -> Certificate | None:
        """The certificate for the trainee's counted attempt at ``quiz`` if it passed:
        the one already issued for that attempt, else a new one with its score."""
        attempt = self.store.attempts.grade(quiz, trainee)
        if attempt is None or not attempt.passed:
            return None
        existing = self.store.query_one(
            "SELECT serial FROM certificates WHERE attempt_uuid = ? AND deleted = 0 AND "
            "revoked_at IS NULL", (attempt.uuid,))
        if existing:
            return self.get(existing["serial"])
        person = self.store.trainees.get(trainee)
        title = course or self.template().course_title or \
            self.store.quizzes.get(quiz, lang).title
        return self.issue(person.name if person else "", title, lang,
                          score=round(attempt.percent or 0.0, 1), trainee_uuid=trainee,
                          quiz_uuid=quiz, attempt_uuid=attempt.uuid)

    def for_quiz(self, quiz: str, lang: str, course: str | None = None,
                 progress: Callable[[int, int], None] | None = None) -> list[Certificate]:
        """A certificate for everyone whose counted attempt at ``quiz`` passed."""
        trainees = [r[0] for r in self.store.conn.execute(
            "SELECT DISTINCT trainee_uuid FROM attempts WHERE quiz_uuid = ? AND deleted = 0 "
            "AND submitted_at IS NOT NULL", (quiz,))]
        out = []
        with self.store.transaction():  # all or none, and one commit, not one each
            for i, trainee in enumerate(trainees, 1):
                if (cert := self.award(quiz, trainee, lang, course)) is not None:
                    out.append(cert)
                if progress:
                    progress(i, len(trainees))
        return sorted(out, key=lambda c: c.serial)

    def for_event(self, event: str, kind: str, lang: str,
                  progress: Callable[[int, int], None] | None = None) -> list[Certificate]:
        """Attendance certificates for everyone present at least one day, or achievement
        certificates (with the post-test score) for everyone who passed the post-test;
        a person who has one of this kind for the event gets it again (a reprint)."""
        if kind not in EVENT_KINDS:
            raise CertificateError(_("Unknown certificate kind {kind}.").format(kind=kind))
        found = self.store.events.get(event)
        if found is None:
            raise CertificateError(_("No such event."))
        outcomes = self.store.events.outcomes(event)
        chosen = [o for o in outcomes if (o.attended if kind == "attendance" else o.passed)]
        out = []
        with self.store.transaction():  # all or none, and one commit, not one each
            for i, o in enumerate(chosen, 1):
                existing = self.store.query_one(
                    "SELECT serial FROM certificates WHERE event_uuid = ? AND kind = ? AND "
                    "trainee_uuid = ? AND deleted = 0 AND revoked_at IS NULL ORDER BY serial DESC "
                    "LIMIT 1", (event, kind, o.trainee.uuid))
                if existing:
                    out.append(self.reprint(existing["serial"]))
                else:
                    score = round(o.post, 1) if kind == "achievement" and o.post is not None \
                        else None
                    out.append(self.issue(o.trainee.name, found.name, lang, score=score,
                                          trainee_uuid=o.trainee.uuid, kind=kind, event_uuid=event,
                                          quiz_uuid=found.post_quiz if kind == "achievement"
                                          else None, on=dt.date.fromisoformat(found.ends_on)))
                if progress:
                    progress(i, len(chosen))
        return out

    def issued_between(self, since: str, until: str) -> int:
        return int(self.store.scalar(
            "SELECT count(*) FROM certificates WHERE deleted = 0 AND revoked_at IS NULL AND "
            "issued_on BETWEEN ? AND ?", (since, until)))

    # -- verification ------------------------------------------------------------------

    def verify(self, text: str) -> Verdict:
        """Check the QR text (a signed payload); a printed serial is looked up instead."""
        parsed = parse_payload(text)
        if parsed is None:
            serial = normalise_serial(text)
            return self.look_up(serial) if serial else Verdict("malformed", {})
        fields, message, signature = parsed
        details = {"serial": fields["s"], "name": fields["n"], "course": fields["c"],
                   "date": fields["d"], "score": fields.get("sc"), "issuer": fields["k"]}
        issuer = self.store.keys.trusted(str(fields["k"]))
        if issuer is None or issuer.kind != "publisher":  # any trusted publisher, no other
            return Verdict("unknown_issuer", details)
        if not self.store.keys.verify(issuer.key_id, message, signature):
            return Verdict("invalid", details)
        revocation = self.revocation(issuer.key_id, str(fields["s"]))
        if revocation is not None:
            details["revoked_at"], details["reason"] = revocation
            return Verdict("revoked", details)
        return Verdict("valid", details)

    def look_up(self, serial: str) -> Verdict:
        """What this laptop's register says about a printed serial: the certificate (on
        the trainer's laptop that issued it), or a signed revocation (any laptop that has
        synced since). Only the QR code proves that a certificate is genuine."""
        details: dict[str, Any] = {"serial": serial}
        found = self.get(serial)
        if found is not None:
            details.update(name=found.trainee_name, course=found.course_title,
                           date=found.issued_on, score=found.score,
                           issuer=found.issuer_key_id)
            revoked = self.revocation(found.issuer_key_id, serial)
        else:
            rows = self.store.query("SELECT * FROM revocations WHERE serial = ? AND "
                                    "deleted = 0 ORDER BY revoked_on", (serial,))
            row = next((r for r in rows if revocation_verifies(self.store, r)), None)
            revoked = (row["revoked_on"], row["reason"]) if row else None
            if row is not None:
                details["issuer"] = row["issuer_key_id"]
        if revoked is not None:
            details["revoked_at"], details["reason"] = revoked
            return Verdict("registered_revoked", details)
        return Verdict("registered" if found is not None else "unregistered", details)

    def revocation(self, issuer: str, serial: str) -> tuple[str, str] | None:
        """(date, reason) when the publisher ``issuer`` revoked ``serial``: a signed
        revocation that verifies, or this laptop's own record."""
        row = self.store.query_one(
            "SELECT * FROM revocations WHERE issuer_key_id = ? AND serial = ? AND deleted = 0",
            (issuer, serial))
        if row is not None and revocation_verifies(self.store, row):
            return row["revoked_on"], row["reason"]
        own = self.store.query_one(
            "SELECT revoked_at, revoke_reason FROM certificates WHERE issuer_key_id = ? AND "
            "serial = ? AND deleted = 0 AND revoked_at IS NOT NULL", (issuer, serial))
        return (own["revoked_at"], own["revoke_reason"] or "") if own else None


def revocation_verifies(store: Store, row: dict[str, Any]) -> bool:
    """A revocation row is signed by the trusted publisher key that issued the certificate."""
    fields = {"k": row["issuer_key_id"], "s": row["serial"], "d": row["revoked_on"],
              "r": row["reason"]}
    key = store.keys.trusted(row["issuer_key_id"])
    if key is None or key.kind != "publisher":
        return False
    try:
        signature = unb64(row["signature"])
    except ValueError:
        return False
    return bool(store.keys.verify(key.key_id, _message(fields), signature))


def _template_key(kind: str) -> str:
    return TEMPLATE_SETTING if kind == "course" else f"{TEMPLATE_SETTING}_{kind}"


def qr_version(payload: str) -> int:
    """The QR version the certificate's code takes (as certificate_pdf draws it)."""
    import segno

    try:  # the version is chosen before the mask: one fixed mask is 4-5 times faster
        return int(segno.make_qr(payload, error="m", boost_error=False, mask=0).version)
    except segno.DataOverflowError:
        return 41


def _certificate(r: dict[str, Any]) -> Certificate:
    return Certificate(r["uuid"], r["serial"], r["trainee_uuid"], r["trainee_name"],
                       r["course_title"], r["score"], r["locale"], r["issued_on"],
                       r["issuer_key_id"], r["payload"], r["revoked_at"], r["revoke_reason"],
                       r["kind"])
