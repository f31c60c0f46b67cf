"""USB bundles: signed zip files that carry content (trainer → laptops) and results
(laptops → trainer). The format is in docs/architecture.md, "Sync"::

    manifest.json   format, version, kind, bundle id, producer, signer, entries
    manifest.sig    Ed25519 signature of manifest.json's exact bytes
    data/T.jsonl    one file per synced table T, one JSON object per row
    media/<sha256>  media files named by their hash

Everything here is generic over the synced tables in :mod:`idtrainer.core.schema`:
columns, types and references are read from the database itself, so a table added
by a later migration travels without new code.

A bundle from outside is hostile until proven otherwise. :func:`import_bundle`
checks names and limits, the signature, every hash, every row and every
reference before it opens a transaction; then it applies the rows in one
transaction by the merge rule (higher ``(rev, updated_at, updated_by)`` wins;
submitted attempts and their answers never change) and records the bundle id, so a
second import changes nothing. Any failure raises :class:`BundleError` naming the
file and the reason, and leaves the database as it was.
"""

from __future__ import annotations

from idtrainer.core.bundles.apply import (
    BatchOutcome,
    backup_before_import,
    device_binding,
    import_bundle,
    import_many,
    pin_device,
    untrusted,
)
from idtrainer.core.bundles.export import (
    DEVICE_NAME_SETTING,
    MAX_DEVICE_NAME,
    DeviceNameError,
    check_device_name,
    default_device_name,
    export_bundle,
    hostname_name,
    select_content,
    set_device_name,
)
from idtrainer.core.bundles.manifest import (
    BATCH,
    FINAL_WHEN_SUBMITTED,
    FORMAT,
    FORMAT_VERSION,
    KEEP_ROWS_BYTES,
    KINDS,
    MANIFEST,
    MAX_ENTRIES,
    MAX_MANIFEST_BYTES,
    MAX_ROW_BYTES,
    MAX_TOTAL_BYTES,
    MAX_VALUE_CHARS,
    OWNED_BY_NAME,
    ROSTER_TABLES,
    SIGNATURE,
    SUFFIX,
    TABLES_BY_KIND,
    BundleError,
    Manifest,
    ManifestError,
    Progress,
    UntrustedDevice,
    UntrustedPublisher,
    parse_manifest,
)
from idtrainer.core.bundles.reader import (
    ZIP_ERRORS,
    BundleReader,
    Inspection,
    already_imported,
    inspect_bundle,
    is_trusted,
)
from idtrainer.core.bundles.rows import (
    Column,
    RowError,
    TableSpec,
    parse_row,
    table_specs,
    version_of,
)
from idtrainer.core.bundles.summary import (
    CAUSES,
    OUTCOMES,
    STAMPS,
    TABLE_LABELS,
    ExportResult,
    ImportSummary,
    describe,
    details,
    human_summary,
    table_label,
)

__all__ = [
    "BATCH",
    "CAUSES",
    "DEVICE_NAME_SETTING",
    "FINAL_WHEN_SUBMITTED",
    "FORMAT",
    "FORMAT_VERSION",
    "KEEP_ROWS_BYTES",
    "KINDS",
    "MANIFEST",
    "MAX_DEVICE_NAME",
    "MAX_ENTRIES",
    "MAX_MANIFEST_BYTES",
    "MAX_ROW_BYTES",
    "MAX_TOTAL_BYTES",
    "MAX_VALUE_CHARS",
    "OUTCOMES",
    "OWNED_BY_NAME",
    "ROSTER_TABLES",
    "SIGNATURE",
    "STAMPS",
    "SUFFIX",
    "TABLES_BY_KIND",
    "TABLE_LABELS",
    "ZIP_ERRORS",
    "BatchOutcome",
    "BundleError",
    "BundleReader",
    "Column",
    "DeviceNameError",
    "ExportResult",
    "ImportSummary",
    "Inspection",
    "Manifest",
    "ManifestError",
    "Progress",
    "RowError",
    "TableSpec",
    "UntrustedDevice",
    "UntrustedPublisher",
    "already_imported",
    "backup_before_import",
    "check_device_name",
    "default_device_name",
    "describe",
    "details",
    "device_binding",
    "export_bundle",
    "hostname_name",
    "human_summary",
    "import_bundle",
    "import_many",
    "inspect_bundle",
    "is_trusted",
    "parse_manifest",
    "parse_row",
    "pin_device",
    "select_content",
    "set_device_name",
    "table_label",
    "table_specs",
    "untrusted",
    "version_of",
]
