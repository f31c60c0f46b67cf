"""Ed25519 keys: this installation's publisher key (certificates, content) and trusted keys.

The publisher key pair is made when trainer mode is set up (``idtrainer trainer
setup`` or the first trainer password in the app), and by nothing else but
importing a key exported from the trainer's old laptop. Its private half is
stored *sealed*: encrypted with AES-256-GCM under a key derived from the trainer
password by scrypt (bounded settings, see :data:`SEAL_N`). Unlocking trainer mode
opens it for the session (:meth:`KeyManager.unlock`); locking forgets it; a copy
of the database file holds no usable key. A key stored in the clear by an older
IDTrainer is sealed at the first unlock after the upgrade. The public half is
trusted here at once and is what other laptops must trust to verify this
trainer's certificates and content bundles. See docs/security.md.

The device key pair is made on first run (and on first use by an older
database); it signs this laptop's results bundles, so a trainer can see which
laptop each bundle came from and that nobody changed it on the way.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from idtrainer.core.errors import IDTrainerError
from idtrainer.core.i18n import gettext as _
from idtrainer.core.paths import atomic_write

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from idtrainer.core.store import Store

# cryptography is imported where keys are used: start-up does without it.


def key_id(public: bytes) -> str:
    """A short, stable name for a public key: 16 hex digits of its sha256."""
    return hashlib.sha256(public).hexdigest()[:16]


def fingerprint(public: bytes) -> str:
    """What a person compares by eye: the sha256 in groups of four."""
    digest = hashlib.sha256(public).hexdigest()[:32].upper()
    return " ".join(digest[i:i + 4] for i in range(0, len(digest), 4))


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


PUBLIC_KEY_HEADER = "IDTrainer public key"
MAX_KEY_FILE_BYTES = 64 * 1024


class KeyFileError(IDTrainerError, ValueError):
    """A key file cannot be used; the message names the file and the reason."""


class PublisherLocked(IDTrainerError, LookupError):
    """Signing needs the publisher key, and it is locked (or there is none)."""


#: scrypt settings that seal the publisher key: 2^15 x 8 x 128 bytes = 32 MiB and about
#: 0.1 s on a training-centre laptop. ``cryptography``'s Scrypt and AES-GCM are used, so
#: sealing adds no dependency; argon2id would need argon2-cffi (a compiled wheel per
#: platform, for the offline installer) for no gain at this size of secret.
SEAL_N, SEAL_R, SEAL_P = 2**15, 8, 1
#: Settings above these are refused before any work is done (a planted file or row).
MAX_SEAL_N, MAX_SEAL_R, MAX_SEAL_P = 2**16, 8, 2


@dataclass(frozen=True)
class _Kek:
    """A key-encryption key derived from the trainer password, for one session."""

    salt: bytes
    n: int
    r: int
    p: int
    key: bytes


def derive_kek(password: str, salt: bytes | None = None, n: int = SEAL_N, r: int = SEAL_R,
               p: int = SEAL_P) -> _Kek:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    if not (1 < n <= MAX_SEAL_N and n & (n - 1) == 0 and 0 < r <= MAX_SEAL_R
            and 0 < p <= MAX_SEAL_P):
        raise PublisherLocked(_("The sealed publisher key has settings this IDTrainer "
                                "refuses."))
    salt = os.urandom(16) if salt is None else salt
    key = Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(password.encode("utf-8"))
    return _Kek(salt, n, r, p, key)


def seal(secret: bytes, kek: _Kek, kid: str) -> str:
    """The private key bytes encrypted under ``kek``; the key id is authenticated too."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    box = AESGCM(kek.key).encrypt(nonce, secret, kid.encode("ascii"))
    return json.dumps({"v": 1, "kdf": "scrypt", "n": kek.n, "r": kek.r, "p": kek.p,
                       "salt": b64(kek.salt), "nonce": b64(nonce), "box": b64(box)},
                      sort_keys=True)


def _sealed_settings(sealed: str) -> tuple[bytes, int, int, int]:
    try:
        data = json.loads(sealed)
        return unb64(data["salt"]), int(data["n"]), int(data["r"]), int(data["p"])
    except (ValueError, KeyError, TypeError) as exc:
        raise PublisherLocked(_("The publisher key cannot be opened with this password.")
                              ) from exc


def unseal(sealed: str, kek: _Kek, kid: str) -> bytes | None:
    """The private key bytes, or None when ``kek`` is not the one it was sealed with."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        data = json.loads(sealed)
        return AESGCM(kek.key).decrypt(unb64(data["nonce"]), unb64(data["box"]),
                                       kid.encode("ascii"))
    except (InvalidTag, ValueError, KeyError, TypeError):
        return None


@dataclass(frozen=True)
class OwnKey:
    key_id: str
    kind: str
    public_key: bytes
    created_at: str


@dataclass(frozen=True)
class TrustedKey:
    key_id: str
    kind: str
    name: str
    public_key: bytes


class KeyManager:
    def __init__(self, store: Store) -> None:
        self.store = store
        # The session: publisher keys opened with the trainer password, and the key that
        # seals new ones (an imported key). Forgotten by lock().
        self._open: dict[str, Ed25519PrivateKey] = {}
        self._kek: _Kek | None = None

    def _own(self, kind: str) -> tuple[str, Ed25519PrivateKey] | None:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        row = self.store.query_one(
            "SELECT key_id, private_key FROM keys WHERE kind = ? AND private_key IS NOT NULL "
            "ORDER BY created_at DESC LIMIT 1", (kind,))
        if row is None:
            return None
        return row["key_id"], Ed25519PrivateKey.from_private_bytes(row["private_key"])

    def _publisher_ids(self) -> list[str]:
        # The newest first: a publisher key imported from the trainer's old laptop takes over.
        return [r[0] for r in self.store.conn.execute(
            "SELECT key_id FROM keys WHERE kind = 'publisher' AND (sealed_key IS NOT NULL "
            "OR private_key IS NOT NULL) ORDER BY created_at DESC, rowid DESC")]

    def has_publisher(self) -> bool:
        """This laptop holds a publisher key (sealed or, before the upgrade, in the clear)."""
        return bool(self._publisher_ids())

    def publisher(self) -> tuple[str, Ed25519PrivateKey] | None:
        """The publisher key, when trainer mode is unlocked in this session; else None."""
        ids = self._publisher_ids()
        if not ids or ids[0] not in self._open:
            return None
        return ids[0], self._open[ids[0]]

    @property
    def unlocked(self) -> bool:
        return self._kek is not None

    def device(self) -> tuple[str, Ed25519PrivateKey]:
        """This installation's device key, made on first use."""
        if (found := self._own("device")) is None:
            self._create_device()
            found = self._own("device")
            assert found is not None
        return found

    def _create_device(self) -> str:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        private = Ed25519PrivateKey.generate()
        public, secret = _raw(private)
        kid = key_id(public)
        with self.store.transaction():
            self.store.conn.execute(
                "INSERT INTO keys (key_id, kind, public_key, private_key, created_at) "
                "VALUES (?, 'device', ?, ?, ?)", (kid, public, secret, self.store.now()))
            self.store.changed("keys", [kid])
        return kid

    # -- the sealed publisher key (core/trainer_auth.py drives these) -------------------

    def unlock(self, password: str) -> None:
        """Open every publisher key with the trainer password for this session; a key an
        older IDTrainer stored in the clear is sealed now, and the clear copy wiped."""
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        rows = self.store.query(
            "SELECT key_id, private_key, sealed_key FROM keys WHERE kind = 'publisher' "
            "AND (sealed_key IS NOT NULL OR private_key IS NOT NULL)")
        keks: dict[tuple[bytes, int, int, int], _Kek] = {}
        opened: dict[str, Ed25519PrivateKey] = {}
        plain: list[tuple[str, bytes]] = []
        kek: _Kek | None = None
        for row in rows:
            if row["sealed_key"] is None:
                plain.append((row["key_id"], bytes(row["private_key"])))
                continue
            settings = _sealed_settings(row["sealed_key"])
            if settings not in keks:
                keks[settings] = derive_kek(password, *settings)
            kek = keks[settings]
            secret = unseal(row["sealed_key"], kek, row["key_id"])
            if secret is None:
                raise PublisherLocked(_("The publisher key cannot be opened with this "
                                        "password."))
            opened[row["key_id"]] = Ed25519PrivateKey.from_private_bytes(secret)
        if kek is None:
            kek = derive_kek(password)
        if plain:
            self._seal_plain(plain, kek)
            for kid, secret in plain:
                opened[kid] = Ed25519PrivateKey.from_private_bytes(secret)
        self._open, self._kek = opened, kek

    def _seal_plain(self, plain: list[tuple[str, bytes]], kek: _Kek) -> None:
        # secure_delete: SQLite zeroes the bytes it frees, so the clear key leaves no trace
        # in the file; the checkpoint folds the WAL back so a copied file has no old page.
        self.store.conn.execute("PRAGMA secure_delete = ON")
        with self.store.transaction():
            for kid, secret in plain:
                self.store.conn.execute(
                    "UPDATE keys SET sealed_key = ?, private_key = NULL WHERE key_id = ?",
                    (seal(secret, kek, kid), kid))
        if not self.store.conn.in_transaction:
            self.wipe_clear_copies()

    def wipe_clear_copies(self) -> None:
        """After sealing a clear key: fold the WAL into the file, and wipe the clear key
        from the backups an older IDTrainer made beside it."""
        if self.store.path is not None:
            self.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            scrub_backups(self.store.path.parent / "backups")

    def lock(self) -> None:
        """Forget the opened keys and the sealing key."""
        self._open, self._kek = {}, None

    def reseal(self, new_password: str) -> None:
        """Seal every open publisher key under a new trainer password (after unlock)."""
        if self._kek is None:
            raise PublisherLocked(_("Unlock trainer mode first."))
        kek = derive_kek(new_password)
        with self.store.transaction():
            for kid, private in self._open.items():
                self.store.conn.execute(
                    "UPDATE keys SET sealed_key = ?, private_key = NULL WHERE key_id = ?",
                    (seal(_raw(private)[1], kek, kid), kid))
        self._kek = kek

    def create_publisher(self, password: str, name: str = "") -> str:
        """Trainer setup: a new publisher key pair, sealed with the trainer password."""
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        if self._kek is None:
            self._kek = derive_kek(password)
        return self._store_publisher(Ed25519PrivateKey.generate(), name)

    def _store_publisher(self, private: Ed25519PrivateKey, name: str) -> str:
        if self._kek is None:
            raise PublisherLocked(_("Unlock trainer mode first."))
        public, secret = _raw(private)
        kid = key_id(public)
        with self.store.transaction():
            self.store.conn.execute(
                "INSERT INTO keys (key_id, kind, public_key, sealed_key, created_at) "
                "VALUES (?, 'publisher', ?, ?, ?) ON CONFLICT (key_id) DO UPDATE SET "
                "created_at = excluded.created_at, sealed_key = excluded.sealed_key, "
                "private_key = NULL",
                (kid, public, seal(secret, self._kek, kid), self.store.now()))
            self.store.changed("keys", [kid])
            self.trust(public, "publisher", name or "this laptop")
        self._open[kid] = private
        return kid

    def own_keys(self) -> list[OwnKey]:
        return [OwnKey(r["key_id"], r["kind"], r["public_key"], r["created_at"])
                for r in self.store.query(
                    "SELECT key_id, kind, public_key, created_at FROM keys "
                    "WHERE private_key IS NOT NULL OR sealed_key IS NOT NULL "
                    "ORDER BY kind, created_at")]

    def trusted_keys(self) -> list[TrustedKey]:
        return [TrustedKey(r["key_id"], r["kind"], r["name"], r["public_key"])
                for r in self.store.query(
                    "SELECT * FROM trusted_keys WHERE revoked_at IS NULL "
                    "ORDER BY kind, trusted_at")]

    def sign(self, message: bytes) -> tuple[str, bytes]:
        found = self.publisher()
        if found is None:
            raise PublisherLocked(_("The publisher key is locked: unlock trainer mode with "
                                    "the trainer password first."))
        kid, private = found
        return kid, private.sign(message)

    def open_publishers(self) -> set[str]:
        """Ids of the publisher keys open in this session."""
        return set(self._open)

    def sign_with(self, kid: str, message: bytes) -> bytes:
        """Sign with one particular open publisher key (revoking what it issued)."""
        private = self._open.get(kid)
        if private is None:
            raise PublisherLocked(_("The publisher key is locked: unlock trainer mode with "
                                    "the trainer password first."))
        return private.sign(message)

    def sign_as_device(self, message: bytes) -> tuple[str, bytes]:
        kid, private = self.device()
        return kid, private.sign(message)

    def public_of(self, kid: str) -> bytes:
        value = self.store.scalar("SELECT public_key FROM keys WHERE key_id = ?", (kid,))
        if value is None:
            raise LookupError(kid)
        return bytes(value)

    # -- key files ---------------------------------------------------------------------

    def export_publisher(self, path: Path, passphrase: str) -> str:
        """Write the publisher key, encrypted with ``passphrase``, for a trainer's new laptop."""
        from cryptography.hazmat.primitives import serialization

        if len(passphrase) < MIN_PASSPHRASE:
            raise KeyFileError(_("the passphrase must have at least {n} characters").format(
                n=MIN_PASSPHRASE))
        found = self.publisher()
        if found is None:
            raise KeyFileError(_("The publisher key is locked: unlock trainer mode with the "
                                 "trainer password first."))
        kid, private = found
        pem = private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(passphrase.encode("utf-8")))
        _write_atomically(path, pem)
        return kid

    def import_publisher(self, path: Path, passphrase: str) -> str:
        """Take over a publisher key exported from another laptop; it signs from now on."""
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        data = _read_key_file(path)
        try:
            private = serialization.load_pem_private_key(data, passphrase.encode("utf-8"))
        except (ValueError, TypeError) as exc:
            raise KeyFileError(_("{file}: wrong passphrase, or not an IDTrainer publisher key "
                              "file").format(file=path)) from exc
        if not isinstance(private, Ed25519PrivateKey):
            raise KeyFileError(_("{file}: not an IDTrainer publisher key file").format(file=path))
        if self._kek is None:  # it is sealed with this laptop's trainer password
            raise PublisherLocked(_("Unlock trainer mode first."))
        return self._store_publisher(private, "")

    def export_public(self, path: Path, kind: str = "publisher", name: str = "") -> str:
        """Write this laptop's public key as a small text file others can trust."""
        if kind == "publisher":
            ids = self._publisher_ids()  # the public half needs no password
            if not ids:
                raise KeyFileError(_("this laptop has no publisher key: set up trainer mode "
                                     "first"))
            kid = ids[0]
        else:
            kid = self.device()[0]
        text = "\n".join([PUBLIC_KEY_HEADER, kind, name.replace("\n", " "),
                          b64(self.public_of(kid)), ""])
        _write_atomically(path, text.encode("utf-8"))
        return kid

    def revoke_trust(self, kid: str) -> bool:
        with self.store.transaction():
            cursor = self.store.conn.execute(
                "UPDATE trusted_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL",
                (self.store.now(), kid))
            if cursor.rowcount > 0:
                self.store.changed("trusted_keys", [kid])
        return cursor.rowcount > 0

    def trust(self, public: bytes, kind: str, name: str) -> str:
        if len(public) != 32:
            raise KeyFileError(_("an Ed25519 public key has 32 bytes, not {n}").format(
                n=len(public)))
        kid = key_id(public)
        with self.store.transaction():
            self.store.conn.execute(
                "INSERT INTO trusted_keys (key_id, kind, public_key, name, trusted_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (key_id) DO UPDATE SET revoked_at = NULL",
                (kid, kind, public, name, self.store.now()))
            self.store.changed("trusted_keys", [kid])
        return kid

    def trusted(self, kid: str) -> TrustedKey | None:
        row = self.store.query_one(
            "SELECT * FROM trusted_keys WHERE key_id = ? AND revoked_at IS NULL", (kid,))
        if row is None:
            return None
        return TrustedKey(row["key_id"], row["kind"], row["name"], row["public_key"])

    def verify(self, kid: str, message: bytes, signature: bytes) -> bool | None:
        """True/False for a trusted key; None when the key is not trusted here."""
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        key = self.trusted(kid)
        if key is None:
            return None
        try:
            Ed25519PublicKey.from_public_bytes(key.public_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True


MIN_PASSPHRASE = 8


def read_public_key_file(path: Path) -> tuple[str, str, bytes]:
    """(kind, name, public key) from a file written by :meth:`KeyManager.export_public`."""
    data = _read_key_file(path)
    try:
        lines = data.decode("utf-8").splitlines()
        if len(lines) < 4 or lines[0] != PUBLIC_KEY_HEADER or lines[1] not in (
                "publisher", "device"):
            raise ValueError("header")
        public = unb64(lines[3].strip())
        if len(public) != 32:
            raise ValueError("length")
    except (UnicodeDecodeError, ValueError) as exc:
        raise KeyFileError(_("{file}: not an IDTrainer public key file").format(file=path)) from exc
    return lines[1], lines[2], public


def _read_key_file(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_KEY_FILE_BYTES:
            raise KeyFileError(_("{file}: too large for a key file").format(file=path))
        return path.read_bytes()
    except OSError as exc:
        raise KeyFileError(_("{file}: cannot read the file ({reason})").format(
            file=path, reason=exc.strerror or exc)) from exc


def _raw(private: Ed25519PrivateKey) -> tuple[bytes, bytes]:
    # The *_raw() forms need no import of cryptography's serialization (about 10 ms, at
    # a first start's device key).
    return private.public_key().public_bytes_raw(), private.private_bytes_raw()


def scrub_backups(folder: Path) -> int:
    """Wipe clear publisher keys from database backups an older IDTrainer made (the copy
    taken before the upgrade holds one); return how many files were changed."""
    changed = 0
    for file in sorted(folder.glob("*.sqlite")) if folder.is_dir() else []:
        try:
            conn = sqlite3.connect(file)
            try:
                conn.execute("PRAGMA secure_delete = ON")
                cursor = conn.execute("UPDATE keys SET private_key = NULL WHERE kind = "
                                      "'publisher' AND private_key IS NOT NULL")
                conn.commit()
                if cursor.rowcount:
                    conn.execute("VACUUM")
                    changed += 1
            finally:
                conn.close()
        except sqlite3.Error:
            continue  # not a database of ours; nothing to wipe
    return changed


def _write_atomically(path: Path, data: bytes) -> None:
    try:
        with atomic_write(path) as fh:
            fh.write(data)
    except OSError as exc:
        raise KeyFileError(_("{file}: cannot write the file ({reason})").format(
            file=path, reason=exc.strerror or exc)) from exc
