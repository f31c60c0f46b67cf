"""Ed25519 keys: this installation's publisher key (certificates, content) and trusted keys.

The publisher key pair is made when trainer mode is first set up. Its private
half stays in the ``keys`` table of this laptop, or travels to a trainer's new
laptop as a passphrase-protected file (:meth:`KeyManager.export_publisher`); its
public half is trusted here at once and is what other laptops must trust to
verify this trainer's certificates and content bundles.

The device key pair is made on first run (and on first use by an older
database); it signs this laptop's results bundles, so a trainer can see which
laptop each bundle came from and that nobody changed it on the way.
"""

from __future__ import annotations

import base64
import hashlib
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

    def _own(self, kind: str) -> tuple[str, Ed25519PrivateKey] | None:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        # The newest: a publisher key imported from the trainer's old laptop takes over.
        row = self.store.query_one(
            "SELECT key_id, private_key FROM keys WHERE kind = ? AND private_key IS NOT NULL "
            "ORDER BY created_at DESC LIMIT 1", (kind,))
        if row is None:
            return None
        return row["key_id"], Ed25519PrivateKey.from_private_bytes(row["private_key"])

    def publisher(self) -> tuple[str, Ed25519PrivateKey] | None:
        return self._own("publisher")

    def device(self) -> tuple[str, Ed25519PrivateKey]:
        """This installation's device key, made on first use."""
        if (found := self._own("device")) is None:
            self._create("device")
            found = self._own("device")
            assert found is not None
        return found

    def ensure_publisher(self, name: str = "") -> str:
        """This laptop's publisher key id, creating the pair (and trusting it) if needed."""
        if (found := self.publisher()) is not None:
            return found[0]
        return self._create("publisher", name)

    def _create(self, kind: str, name: str = "") -> str:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        return self._store_private(Ed25519PrivateKey.generate(), kind, name)

    def _store_private(self, private: Ed25519PrivateKey, kind: str, name: str) -> str:
        from cryptography.hazmat.primitives import serialization

        raw = serialization.Encoding.Raw
        public = private.public_key().public_bytes(raw, serialization.PublicFormat.Raw)
        secret = private.private_bytes(raw, serialization.PrivateFormat.Raw,
                                       serialization.NoEncryption())
        kid = key_id(public)
        with self.store.transaction():
            self.store.conn.execute(
                "INSERT INTO keys (key_id, kind, public_key, private_key, created_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (key_id) DO UPDATE SET "
                "created_at = excluded.created_at", (kid, kind, public, secret, self.store.now()))
            self.store.changed("keys", [kid])
            if kind == "publisher":
                self.trust(public, "publisher", name or "this laptop")
        return kid

    def own_keys(self) -> list[OwnKey]:
        return [OwnKey(r["key_id"], r["kind"], r["public_key"], r["created_at"])
                for r in self.store.query(
                    "SELECT key_id, kind, public_key, created_at FROM keys "
                    "WHERE private_key IS NOT NULL ORDER BY kind, created_at")]

    def trusted_keys(self) -> list[TrustedKey]:
        return [TrustedKey(r["key_id"], r["kind"], r["name"], r["public_key"])
                for r in self.store.query(
                    "SELECT * FROM trusted_keys WHERE revoked_at IS NULL "
                    "ORDER BY kind, trusted_at")]

    def sign(self, message: bytes) -> tuple[str, bytes]:
        found = self.publisher()
        if found is None:
            raise LookupError("no publisher key: set up trainer mode first")
        kid, private = found
        return kid, private.sign(message)

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
            raise KeyFileError(_("this laptop has no publisher key: set up trainer mode first"))
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
        return self._store_private(private, "publisher", "")

    def export_public(self, path: Path, kind: str = "publisher", name: str = "") -> str:
        """Write this laptop's public key as a small text file others can trust."""
        found = self.publisher() if kind == "publisher" else self.device()
        if found is None:
            raise KeyFileError(_("this laptop has no publisher key: set up trainer mode first"))
        kid = found[0]
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


def _write_atomically(path: Path, data: bytes) -> None:
    try:
        with atomic_write(path) as fh:
            fh.write(data)
    except OSError as exc:
        raise KeyFileError(_("{file}: cannot write the file ({reason})").format(
            file=path, reason=exc.strerror or exc)) from exc
