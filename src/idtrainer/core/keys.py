"""Ed25519 keys: this installation's publisher key (certificates, content) and trusted keys.

The publisher key pair is made when trainer mode is first set up. Its private
half never leaves the ``keys`` table of this laptop (the bundle work adds a
passphrase-protected export); its public half is trusted here at once and is
what other laptops must trust to verify this trainer's certificates.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

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


@dataclass(frozen=True)
class TrustedKey:
    key_id: str
    kind: str
    name: str
    public_key: bytes


class KeyManager:
    def __init__(self, store: Store) -> None:
        self.store = store

    def publisher(self) -> tuple[str, Ed25519PrivateKey] | None:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        row = self.store.query_one(
            "SELECT key_id, private_key FROM keys WHERE kind = 'publisher' "
            "ORDER BY created_at LIMIT 1")
        if row is None or row["private_key"] is None:
            return None
        return row["key_id"], Ed25519PrivateKey.from_private_bytes(row["private_key"])

    def ensure_publisher(self, name: str = "") -> str:
        """This laptop's publisher key id, creating the pair (and trusting it) if needed."""
        if (found := self.publisher()) is not None:
            return found[0]
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        raw = serialization.Encoding.Raw
        private = Ed25519PrivateKey.generate()
        public = private.public_key().public_bytes(raw, serialization.PublicFormat.Raw)
        secret = private.private_bytes(raw, serialization.PrivateFormat.Raw,
                                       serialization.NoEncryption())
        kid = key_id(public)
        now = self.store.now()
        with self.store.transaction():
            self.store.conn.execute(
                "INSERT INTO keys (key_id, kind, public_key, private_key, created_at) "
                "VALUES (?, 'publisher', ?, ?, ?)", (kid, public, secret, now))
            self.trust(public, "publisher", name or "this laptop")
        return kid

    def sign(self, message: bytes) -> tuple[str, bytes]:
        found = self.publisher()
        if found is None:
            raise LookupError("no publisher key: set up trainer mode first")
        kid, private = found
        return kid, private.sign(message)

    def trust(self, public: bytes, kind: str, name: str) -> str:
        kid = key_id(public)
        with self.store.transaction():
            self.store.conn.execute(
                "INSERT INTO trusted_keys (key_id, kind, public_key, name, trusted_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (key_id) DO UPDATE SET revoked_at = NULL",
                (kid, kind, public, name, self.store.now()))
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
