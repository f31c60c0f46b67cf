"""The manifest: constants and limits of the format, the errors, the signed manifest.

See the package docstring and docs/architecture.md, "Sync".
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from idtrainer.core import keys as keylib
from idtrainer.core.errors import IDTrainerError
from idtrainer.core.i18n import gettext as _
from idtrainer.core.schema import CONTENT_TABLES, RESULTS_TABLES, TEXTS_TABLE

if TYPE_CHECKING:
    pass


FORMAT = "idtrainer-bundle"
FORMAT_VERSION = 1
SUFFIX = ".idtb"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
KINDS = ("content", "results")

MAX_ENTRIES = 100_000
MAX_TOTAL_BYTES = 4 * 2**30  # uncompressed, all entries: a zip bomb stops here
MAX_MANIFEST_BYTES = 16 * 2**20
MAX_ROW_BYTES = 4 * 2**20
MAX_VALUE_CHARS = 2 * 2**20
BATCH = 500
KEEP_ROWS_BYTES = 64 * 2**20  # data up to this size is parsed once and kept for applying

#: Rosters travel with content: a quiz assigned to a class must find its members.
ROSTER_TABLES = ("trainees", "class_members")
TABLES_BY_KIND: dict[str, tuple[str, ...]] = {
    "content": (*CONTENT_TABLES, *ROSTER_TABLES, TEXTS_TABLE),
    "results": (*RESULTS_TABLES, TEXTS_TABLE),
}
#: Rows that are final once their attempt is submitted here (docs/architecture.md, "Sync"),
#: by the column naming the attempt: such rows are never changed, and no answer is added.
FINAL_WHEN_SUBMITTED = {"attempts": "uuid", "answers": "attempt_uuid"}
#: Tables whose rows name their owner by (owner_table, owner_uuid) instead of a foreign key.
OWNED_BY_NAME = ("texts", "media_links")

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_KEY_ID = re.compile(r"^[0-9a-f]{16}$")
#: A sync stamp, whole (fullmatch: "$" would let a final newline through) and in ASCII
#: digits (``\d`` takes any script's).
_STAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?Z")
_SPECIES_LINK = re.compile(r"species:([a-z0-9][a-z0-9-]*)")

Progress = Callable[[int, int, str], None]


class BundleError(IDTrainerError, ValueError):
    """A bundle cannot be written or accepted; says which file and why."""

    #: Why, for the summary a person reads (summary.CAUSES): damaged | unreadable |
    #: untrusted | error.
    cause = "damaged"

    def __init__(self, file: Path | str, reason: str, *, cause: str | None = None) -> None:
        self.file, self.reason = Path(file), reason
        if cause is not None:
            self.cause = cause
        super().__init__(_("{file}: {reason}").format(file=self.file.name, reason=reason))


class UntrustedPublisher(BundleError):
    """A content bundle signed by a key this laptop does not trust (yet)."""

    cause = "untrusted"

    def __init__(self, file: Path | str, manifest: Manifest) -> None:
        self.manifest = manifest
        super().__init__(file, _(
            "signed by a publisher key this laptop does not trust: {name}, fingerprint "
            "{fingerprint}").format(name=manifest.producer_name or manifest.producer_device,
                                    fingerprint=manifest.fingerprint))


class UntrustedDevice(BundleError):
    """A results bundle from a laptop the trainer has not pinned (yet)."""

    cause = "untrusted"

    def __init__(self, file: Path | str, manifest: Manifest) -> None:
        self.manifest = manifest
        super().__init__(file, _(
            "results from a laptop this laptop has not accepted yet: {name}, device key "
            "fingerprint {fingerprint}").format(
            name=manifest.producer_name or manifest.producer_device,
            fingerprint=manifest.fingerprint))


#: A device id derived from the device key (core/store.py): the key id itself.
DERIVED_DEVICE_ID = re.compile(r"^[0-9a-f]{16}$")


# -- the manifest -------------------------------------------------------------------------


@dataclass(frozen=True)
class Manifest:
    kind: str
    bundle_id: str
    created_at: str
    producer_device: str
    producer_name: str
    signer_key_id: str
    signer_public_key: bytes
    entries: dict[str, tuple[str, int]]
    counts: dict[str, int]
    title: str = ""
    schema_version: int = 0
    app_version: str = ""

    @property
    def fingerprint(self) -> str:
        return keylib.fingerprint(self.signer_public_key)

    def to_json(self) -> bytes:
        data = {
            "format": FORMAT, "version": FORMAT_VERSION, "kind": self.kind,
            "bundle_id": self.bundle_id, "created_at": self.created_at,
            "producer": {"device_id": self.producer_device, "name": self.producer_name},
            "signer": {"key_id": self.signer_key_id,
                       "public_key": keylib.b64(self.signer_public_key)},
            "title": self.title, "schema_version": self.schema_version,
            "app_version": self.app_version, "counts": self.counts,
            "entries": {name: {"sha256": sha, "size": size}
                        for name, (sha, size) in self.entries.items()},
        }
        return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


class ManifestError(IDTrainerError, ValueError):
    """The manifest is not one this IDTrainer can read; the text says why."""


def parse_manifest(raw: bytes) -> Manifest:
    """Read and check a manifest, raising :class:`ManifestError` with the reason."""
    if len(raw) > MAX_MANIFEST_BYTES:
        raise ManifestError(_("the manifest is larger than {n} MB").format(
            n=MAX_MANIFEST_BYTES // 2**20))
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ManifestError(_("the manifest is not valid JSON ({reason})").format(
            reason=exc)) from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ManifestError(_("not an IDTrainer bundle (the manifest names another format)"))
    version = data.get("version")
    if type(version) is not int:
        raise ManifestError(_("the manifest has no format version"))
    if version != FORMAT_VERSION:
        raise ManifestError(_("bundle format version {found} is not supported; this "
                              "IDTrainer reads version {supported}").format(
            found=version, supported=FORMAT_VERSION))
    kind = _field(data, "kind", str)
    if kind not in KINDS:
        raise ManifestError(_("unknown bundle kind {kind}").format(kind=kind))
    producer = _field(data, "producer", dict)
    signer = _field(data, "signer", dict)
    public_text = _field(signer, "public_key", str, "signer.public_key")
    try:
        public = keylib.unb64(public_text)
    except ValueError as exc:
        raise ManifestError(_("{field}: not a key").format(field="signer.public_key")) from exc
    kid = _field(signer, "key_id", str, "signer.key_id")
    if len(public) != 32 or not _KEY_ID.match(kid) or keylib.key_id(public) != kid:
        raise ManifestError(_("{field}: not a key").format(field="signer.public_key"))
    entries: dict[str, tuple[str, int]] = {}
    for name, entry in _field(data, "entries", dict).items():
        if not isinstance(entry, dict):
            raise ManifestError(_("{field}: wrong type").format(field=f"entries.{name}"))
        sha = _field(entry, "sha256", str, f"entries.{name}.sha256")
        size = _field(entry, "size", int, f"entries.{name}.size")
        if not _HEX64.match(sha) or size < 0:
            raise ManifestError(_("{field}: wrong value").format(field=f"entries.{name}"))
        entries[name] = (sha, size)
    counts = _field(data, "counts", dict)
    if not all(type(v) is int and v >= 0 for v in counts.values()):
        raise ManifestError(_("{field}: wrong value").format(field="counts"))
    return Manifest(
        kind=kind, bundle_id=_short(_field(data, "bundle_id", str), "bundle_id"),
        created_at=_short(_field(data, "created_at", str), "created_at"),
        producer_device=_short(_field(producer, "device_id", str, "producer.device_id"),
                               "producer.device_id"),
        producer_name=_short(_field(producer, "name", str, "producer.name"), "producer.name"),
        signer_key_id=kid, signer_public_key=public, entries=entries, counts=counts,
        title=_short(data.get("title", ""), "title", 500),
        schema_version=schema if type(schema := data.get("schema_version")) is int else 0,
        app_version=_short(data.get("app_version", ""), "app_version"))


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


_DECODER = json.JSONDecoder(parse_constant=_no_constant)  # NaN and Infinity are refused


def _field(data: dict, key: str, kind: type, label: str | None = None) -> Any:
    value = data.get(key)
    if value is None:
        raise ManifestError(_("{field}: missing").format(field=label or key))
    if type(value) is not kind:
        raise ManifestError(_("{field}: wrong type").format(field=label or key))
    return value


def _short(value: Any, label: str, limit: int = 200) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise ManifestError(_("{field}: wrong value").format(field=label))
    return value
