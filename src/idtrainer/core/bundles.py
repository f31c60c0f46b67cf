"""USB bundles: signed zip files that carry content (trainer → laptops) and results
(laptops → trainer). The format is in DESIGN.md, "USB bundles"::

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

import contextlib
import hashlib
import json
import math
import os
import re
import shutil
import sqlite3
import stat
import tempfile
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from idtrainer import __version__
from idtrainer.core import keys as keylib
from idtrainer.core.errors import IDTrainerError
from idtrainer.core.i18n import N_, ngettext
from idtrainer.core.i18n import gettext as _
from idtrainer.core.media import MAX_BYTES as MAX_MEDIA_BYTES
from idtrainer.core.paths import atomic_write
from idtrainer.core.schema import CONTENT_TABLES, RESULTS_TABLES, SYNC_COLUMNS, TEXTS_TABLE

if TYPE_CHECKING:
    from idtrainer.core.store import Store

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
#: Rows that are final once their attempt is submitted here (DESIGN.md: a union), by the
#: column naming the attempt: such rows are never changed, and no answer is added.
FINAL_WHEN_SUBMITTED = {"attempts": "uuid", "answers": "attempt_uuid"}
#: Tables whose rows name their owner by (owner_table, owner_uuid) instead of a foreign key.
OWNED_BY_NAME = ("texts", "media_links")

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_KEY_ID = re.compile(r"^[0-9a-f]{16}$")
_STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$")
_SPECIES_LINK = re.compile(r"species:([a-z0-9][a-z0-9-]*)")

Progress = Callable[[int, int, str], None]


class BundleError(IDTrainerError, ValueError):
    """A bundle cannot be written or accepted; says which file and why."""

    def __init__(self, file: Path | str, reason: str) -> None:
        self.file, self.reason = Path(file), reason
        super().__init__(_("{file}: {reason}").format(file=self.file.name, reason=reason))


class UntrustedPublisher(BundleError):
    """A content bundle signed by a key this laptop does not trust (yet)."""

    def __init__(self, file: Path | str, manifest: Manifest) -> None:
        self.manifest = manifest
        super().__init__(file, _(
            "signed by a publisher key this laptop does not trust: {name}, fingerprint "
            "{fingerprint}").format(name=manifest.producer_name or manifest.producer_device,
                                    fingerprint=manifest.fingerprint))


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


# -- rows ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    affinity: str  # INTEGER, REAL, TEXT, BLOB
    required: bool  # NOT NULL without a default


_TYPES: dict[str, tuple[type, ...]] = {"INTEGER": (int,), "REAL": (int, float),
                                       "TEXT": (str,), "BLOB": ()}


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: dict[str, Column]
    references: tuple[tuple[str, str], ...]  # (column, parent table)

    @cached_property
    def types(self) -> dict[str, tuple[type, ...]]:
        return {c.name: _TYPES[c.affinity] for c in self.columns.values()}

    @cached_property
    def required(self) -> frozenset[str]:
        return frozenset(c.name for c in self.columns.values() if c.required)


def table_specs(store: Store) -> dict[str, TableSpec]:
    """Columns and references of every synced table, read from the database."""
    specs = {}
    for table in dict.fromkeys((*TABLES_BY_KIND["content"], *TABLES_BY_KIND["results"])):
        columns = {}
        for _cid, name, decl, notnull, default, _pk in store.conn.execute(
                f"PRAGMA table_info([{table}])"):
            affinity = next((a for a in ("INTEGER", "REAL", "BLOB") if a in decl.upper()),
                            "TEXT")
            columns[name] = Column(name, affinity, bool(notnull) and default is None)
        refs = tuple((row[3], row[2]) for row in store.conn.execute(
            f"PRAGMA foreign_key_list([{table}])"))
        specs[table] = TableSpec(table, columns, refs)
    return specs


class RowError(IDTrainerError, ValueError):
    """One row of a data file is wrong; the text says which column and why."""


def parse_row(spec: TableSpec, line: bytes, kind: str) -> dict[str, Any]:
    """One JSON line as a row of ``spec``'s table, or :class:`RowError`."""
    if len(line) > MAX_ROW_BYTES:
        raise RowError(_("the row is larger than {n} MB").format(n=MAX_ROW_BYTES // 2**20))
    try:
        row = _DECODER.decode(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise RowError(_("not valid JSON ({reason})").format(reason=exc)) from exc
    if type(row) is not dict:
        raise RowError(_("a row must be a JSON object"))
    types, required = spec.types, spec.required
    for name, value in row.items():
        allowed = types.get(name)
        if allowed is None:
            raise RowError(_("unknown column {column}").format(column=name))
        kind_of = type(value)
        if value is None:
            if name in required:
                raise RowError(_("{column}: must not be empty").format(column=name))
        elif kind_of not in allowed:
            raise RowError(_("{column}: wrong type").format(column=name))
        elif kind_of is str:
            if len(value) > MAX_VALUE_CHARS:
                raise RowError(_("{column}: the value is too long").format(column=name))
        elif (kind_of is int and not -2**63 <= value < 2**63) or (
                kind_of is float and not math.isfinite(value)):
            raise RowError(_("{column}: wrong value").format(column=name))
    if not required <= row.keys():
        raise RowError(_("{column}: missing").format(column=min(required - row.keys())))
    for name in SYNC_COLUMNS:
        if row.get(name) is None:
            raise RowError(_("{column}: missing").format(column=name))
    checks = (("uuid", 0 < len(row["uuid"]) <= 128),
              ("rev", row["rev"] >= 1),
              ("updated_at", _STAMP.match(row["updated_at"]) is not None),
              ("updated_by", 0 < len(row["updated_by"]) <= 64),
              ("deleted", row["deleted"] in (0, 1)))
    for name, ok in checks:
        if not ok:
            raise RowError(_("{column}: wrong value").format(column=name))
    if spec.name == "media" and not _HEX64.match(row["sha256"]):
        raise RowError(_("{column}: wrong value").format(column="sha256"))
    if spec.name in OWNED_BY_NAME and row.get("owner_table") not in TABLES_BY_KIND[kind]:
        raise RowError(_("{column}: wrong value").format(column="owner_table"))
    return row


def version_of(row: dict[str, Any]) -> tuple[int, str, str]:
    """What the merge rule compares (DESIGN.md): the higher wins."""
    return row["rev"], row["updated_at"], row["updated_by"]


# -- results of a bundle import -----------------------------------------------------------

OUTCOMES = ("added", "updated", "unchanged", "skipped")
STAMPS = ("rev", "updated_at", "updated_by")


@dataclass
class ImportSummary:
    """What one import did, per table: added / updated / unchanged / skipped (local newer)."""

    file: Path
    manifest: Manifest
    tables: dict[str, dict[str, int]] = field(default_factory=dict)
    media_added: int = 0
    already_imported: bool = False

    def count(self, table: str, outcome: str, n: int = 1) -> None:
        self.tables.setdefault(table, dict.fromkeys(OUTCOMES, 0))[outcome] += n

    def total(self, outcome: str) -> int:
        return sum(t[outcome] for t in self.tables.values())

    def to_json(self) -> str:
        return json.dumps({"tables": self.tables, "media_added": self.media_added},
                          sort_keys=True)


#: What a person calls the rows of each synced table, for summaries.
TABLE_LABELS = {
    "taxa": N_("taxa"), "cites_listings": N_("CITES listings"), "media": N_("pictures"),
    "species": N_("species"), "species_features": N_("features"),
    "species_products": N_("products"), "lookalikes": N_("lookalikes"),
    "media_links": N_("picture links"), "courses": N_("courses"), "modules": N_("modules"),
    "lessons": N_("lessons"), "questions": N_("questions"),
    "question_options": N_("answer options"), "quizzes": N_("quizzes"),
    "quiz_rules": N_("quiz rules"), "classes": N_("classes"),
    "quiz_assignments": N_("quiz assignments"), "trainees": N_("trainees"),
    "class_members": N_("class members"), "attempts": N_("attempts"), "answers": N_("answers"),
    "lesson_progress": N_("lesson progress"), "practice_cards": N_("practice cards"),
    "practice_reviews": N_("practice reviews"), "certificates": N_("certificates"),
    "certificate_events": N_("certificate events"), "texts": N_("texts and translations"),
}


def table_label(table: str) -> str:
    return _(TABLE_LABELS[table]) if table in TABLE_LABELS else table


def describe(summary: ImportSummary) -> list[str]:
    """The summary as lines a person reads: a headline, then one line per kind of row."""
    m = summary.manifest
    kind = _("content") if m.kind == "content" else _("results")
    head = _("{file}: {kind} from {device}").format(
        file=summary.file.name, kind=kind, device=m.producer_name or m.producer_device[:8])
    if summary.already_imported:
        return [head, "  " + _("already imported; nothing changed")]
    lines = [head, "  " + _("{added} added, {updated} updated, {unchanged} unchanged, "
                            "{skipped} skipped (newer here)").format(
        added=summary.total("added"), updated=summary.total("updated"),
        unchanged=summary.total("unchanged"), skipped=summary.total("skipped"))]
    for table, counts in summary.tables.items():
        lines.append("    " + _("{what}: {added} added, {updated} updated, {unchanged} "
                                "unchanged, {skipped} skipped").format(
            what=table_label(table), **counts))
    if summary.media_added:
        lines.append("    " + ngettext("{n} picture file added", "{n} picture files added",
                                         summary.media_added).format(n=summary.media_added))
    return lines


@dataclass
class ExportResult:
    path: Path
    manifest: Manifest
    bytes: int


# -- export -------------------------------------------------------------------------------


def default_device_name(store: Store) -> str:
    name = store.get_setting("device_name")
    if name:
        return name
    import socket

    return socket.gethostname()[:100] or store.device_id[:8]


def export_bundle(store: Store, kind: str, target: Path, *, modules: Iterable[str] = (),
                  quizzes: Iterable[str] = (), title: str = "",
                  progress: Progress | None = None) -> ExportResult:
    """Write a signed bundle to ``target`` (via ``target.partial``, fsynced, renamed).

    A content bundle holds everything, or only the chosen modules and quizzes with
    the species, questions and media they need, and is signed with the publisher
    key; a results bundle holds every results row and is signed with the device key.
    """
    if kind not in KINDS:
        raise ValueError(kind)
    if kind == "content" and store.keys.publisher() is None:
        raise BundleError(target, _("this laptop has no publisher key: set up trainer "
                                    "mode first"))
    chosen = select_content(store, list(modules), list(quizzes)) \
        if kind == "content" and (modules or quizzes) else None
    tables = TABLES_BY_KIND[kind]
    plan = [(table, _export_query(table, kind, chosen)) for table in tables]
    media = _media_to_send(store, kind, chosen)
    total = sum(size for _sha, _mime, size in media) + 1
    done = 0
    entries: dict[str, tuple[str, int]] = {}
    counts: dict[str, int] = {}
    target = Path(target)
    try:
        with atomic_write(target) as raw, zipfile.ZipFile(raw, "w", allowZip64=True) as zf:
            for table, (sql, params) in plan:
                n, sha, size = _write_rows(zf, f"data/{table}.jsonl",
                                           store.conn.execute(sql, params))
                if n:
                    counts[table] = n
                entries[f"data/{table}.jsonl"] = (sha, size)
            for sha256, mime, size in media:
                name = f"media/{sha256}"
                entries[name] = _write_file(zf, name, store.media.path_for(sha256),
                                            compress=mime == "image/svg+xml")
                done += size
                if progress:
                    progress(done, total, name)
            manifest = _manifest(store, kind, entries, counts, title)
            body = manifest.to_json()
            signature = (store.keys.sign if kind == "content"
                         else store.keys.sign_as_device)(body)[1]
            zf.writestr(MANIFEST, body, compress_type=zipfile.ZIP_DEFLATED)
            zf.writestr(SIGNATURE, signature)
    except OSError as exc:
        raise BundleError(target, _("cannot write the bundle ({reason})").format(
            reason=exc.strerror or exc)) from exc
    if progress:
        progress(total, total, "")
    with store.transaction():
        store.conn.execute(
            "INSERT INTO sync_log (bundle_id, kind, direction, file_name, at, producer_device, "
            "signer_key_id, summary) VALUES (?, ?, 'export', ?, ?, ?, ?, ?)",
            (manifest.bundle_id, kind, target.name, store.now(), store.device_id,
             manifest.signer_key_id, json.dumps({"counts": counts}, sort_keys=True)))
    return ExportResult(target, manifest, target.stat().st_size)


def _manifest(store: Store, kind: str, entries: dict[str, tuple[str, int]],
              counts: dict[str, int], title: str) -> Manifest:
    from idtrainer.core.store import new_uuid

    kid = store.keys.publisher()[0] if kind == "content" else store.keys.device()[0]
    return Manifest(kind=kind, bundle_id=new_uuid(), created_at=store.now(),
                    producer_device=store.device_id, producer_name=default_device_name(store),
                    signer_key_id=kid, signer_public_key=store.keys.public_of(kid),
                    entries=entries, counts=counts, title=title[:500],
                    schema_version=store.schema_version(), app_version=__version__)


def _export_query(table: str, kind: str, chosen: dict[str, set[str]] | None
                  ) -> tuple[str, tuple]:
    sql = f"SELECT * FROM [{table}]"
    params: tuple = ()
    if table in OWNED_BY_NAME:
        allowed = TABLES_BY_KIND[kind]
        sql += " WHERE owner_table IN ({})".format(",".join("?" * len(allowed)))
        params = allowed
    if chosen is not None:
        uuids = tuple(sorted(chosen.get(table, ())))
        # A temporary table would do for huge selections; content selections are small.
        sql += (" AND " if params else " WHERE ") + "uuid IN (SELECT value FROM json_each(?))"
        params = (*params, json.dumps(uuids))
    return sql + " ORDER BY rowid", params


def _media_to_send(store: Store, kind: str, chosen: dict[str, set[str]] | None
                   ) -> list[tuple[str, str, int]]:
    if "media" not in TABLES_BY_KIND[kind]:
        return []
    rows = store.query("SELECT uuid, sha256, mime FROM media WHERE deleted = 0")
    found: dict[str, tuple[str, str, int]] = {}
    for row in rows:
        if chosen is not None and row["uuid"] not in chosen.get("media", ()):
            continue
        path = store.media.path_for(row["sha256"])
        if not path.is_file():
            continue  # listed without its file here: the receiver keeps its own copy
        found[row["sha256"]] = (row["sha256"], row["mime"], path.stat().st_size)
    return sorted(found.values())


class _HashingWriter:
    def __init__(self, out: IO[bytes]) -> None:
        self.out, self.digest, self.size = out, hashlib.sha256(), 0

    def write(self, data: bytes) -> None:
        self.out.write(data)
        self.digest.update(data)
        self.size += len(data)


def _write_rows(zf: zipfile.ZipFile, name: str, cursor) -> tuple[int, str, int]:
    names = [c[0] for c in cursor.description]
    count = 0
    with zf.open(name, "w", force_zip64=True) as out:
        writer = _HashingWriter(out)
        buffer: list[str] = []
        for values in cursor:
            buffer.append(json.dumps(dict(zip(names, values, strict=True)),
                                     ensure_ascii=False, separators=(",", ":")))
            count += 1
            if len(buffer) >= BATCH:
                writer.write(("\n".join(buffer) + "\n").encode("utf-8"))
                buffer.clear()
        if buffer:
            writer.write(("\n".join(buffer) + "\n").encode("utf-8"))
    return count, writer.digest.hexdigest(), writer.size


def _write_file(zf: zipfile.ZipFile, name: str, source: Path, *, compress: bool
                ) -> tuple[str, int]:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.file_size = source.stat().st_size
    with source.open("rb") as src, zf.open(info, "w", force_zip64=True) as out:
        writer = _HashingWriter(out)
        while chunk := src.read(1 << 20):
            writer.write(chunk)
    return writer.digest.hexdigest(), writer.size


# -- what a partial content bundle needs --------------------------------------------------


def select_content(store: Store, modules: list[str], quizzes: list[str]) -> dict[str, set[str]]:
    """The uuids, per table, of chosen modules and quizzes and everything they need:
    lessons, questions and options, the species the lessons and questions name (with
    their listings, features, products and lookalikes), classes the quizzes are assigned
    to with their members, every row those point at, and the media and texts of all."""
    picked: dict[str, set[str]] = defaultdict(set)
    picked["modules"].update(modules)
    picked["quizzes"].update(quizzes)
    specs = table_specs(store)

    def children(table: str, column: str, parents: str) -> bool:
        found = _select_in(store, f"SELECT uuid FROM [{table}] WHERE [{column}] IN ({{}})",
                           picked[parents])
        new = found - picked[table]
        picked[table] |= new
        return bool(new)

    changed = True
    while changed:
        changed = False
        for table, column, parent in (
                ("lessons", "module_uuid", "modules"), ("questions", "module_uuid", "modules"),
                ("question_options", "question_uuid", "questions"),
                ("quiz_rules", "quiz_uuid", "quizzes"),
                ("quiz_assignments", "quiz_uuid", "quizzes"),
                ("class_members", "class_uuid", "classes"),
                ("species_features", "species_uuid", "species"),
                ("species_products", "species_uuid", "species"),
                ("lookalikes", "species_uuid", "species"),
                ("cites_listings", "taxon_uuid", "taxa"),
                ("media_links", "owner_uuid", "species"),
                # the identification key of the chosen species, with its states
                ("key_codings", "species_uuid", "species"),
                ("key_states", "character_uuid", "key_characters")):
            changed |= children(table, column, parent)
        questions = set()
        for quiz in list(picked["quizzes"]):
            found = store.quizzes.get(quiz, "en") if store.scalar(
                "SELECT 1 FROM quizzes WHERE uuid = ?", (quiz,)) else None
            for rule in found.rules if found else []:
                questions.update(store.quizzes.pool(rule))
        species = _select_in(store, "SELECT DISTINCT s.value FROM questions q, "
                                    "json_each(q.species) s WHERE q.uuid IN ({})",
                             picked["questions"])
        species |= _select_in(store, "SELECT uuid FROM species WHERE slug IN ({})",
                              _species_links(store, picked["lessons"]))
        trainees = _select_in(store, "SELECT trainee_uuid FROM quiz_assignments WHERE uuid "
                                     "IN ({}) AND trainee_uuid IS NOT NULL",
                              picked["quiz_assignments"])
        for table, new in (("questions", questions), ("species", species),
                           ("trainees", trainees)):
            changed |= bool(new - picked[table])
            picked[table] |= new
        for table in list(picked):  # every row a picked row points at
            for column, parent in specs[table].references:
                new = _select_in(store, f"SELECT [{column}] FROM [{table}] WHERE uuid IN ({{}}) "
                                        f"AND [{column}] IS NOT NULL", picked[table])
                changed |= bool(new - picked[parent])
                picked[parent] |= new
    # Who to call travels with any content: a laptop needs it whatever it studies; so do
    # the key's notes on species it cannot tell apart (members not sent are ignored).
    for table in ("experts", "key_not_separable"):
        picked[table] |= {r[0] for r in store.conn.execute(
            f"SELECT uuid FROM [{table}] WHERE deleted = 0")}
    owners = set().union(*picked.values())
    picked["media_links"] |= _select_in(store, "SELECT uuid FROM media_links WHERE owner_uuid "
                                               "IN ({})", owners)
    picked["media"] |= _select_in(store, "SELECT media_uuid FROM media_links WHERE uuid "
                                         "IN ({})", picked["media_links"])
    owners |= picked["media_links"] | picked["media"]
    picked[TEXTS_TABLE] = _select_in(store, "SELECT uuid FROM texts WHERE owner_uuid IN ({})",
                                     owners)
    return dict(picked)


def _select_in(store: Store, sql: str, values: Iterable[str]) -> set[str]:
    values = list(values)
    found: set[str] = set()
    for start in range(0, len(values), BATCH):
        chunk = values[start:start + BATCH]
        found.update(r[0] for r in store.conn.execute(
            sql.format(",".join("?" * len(chunk))), chunk))
    return found


def _species_links(store: Store, lessons: set[str]) -> set[str]:
    slugs: set[str] = set()
    bodies = _select_in(store, "SELECT value FROM texts WHERE owner_uuid IN ({}) "
                               "AND field = 'body'", lessons)
    for body in bodies:
        slugs.update(_SPECIES_LINK.findall(body))
    return slugs


# -- reading and checking a bundle --------------------------------------------------------


def _check_name(name: str) -> str | None:
    """Why an entry name is refused, or None."""
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return _("an absolute path")
    if "\\" in name or "\x00" in name:
        return _("a backslash or NUL in the name")
    parts = name.split("/")
    if ".." in parts or "." in parts or "" in parts:
        return _("a path that leaves its folder")
    return None


class BundleReader:
    """An open bundle whose structure, limits and signature have been checked."""

    def __init__(self, path: Path, zf: zipfile.ZipFile, manifest: Manifest,
                 signature_ok: bool) -> None:
        self.path, self.zf, self.manifest, self.signature_ok = path, zf, manifest, signature_ok

    @classmethod
    @contextlib.contextmanager
    def open(cls, path: Path) -> Iterator[BundleReader]:
        path = Path(path)
        try:
            zf = zipfile.ZipFile(path)
        except FileNotFoundError as exc:
            raise BundleError(path, _("no such file")) from exc
        except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError) as exc:
            raise BundleError(path, _("not a complete bundle: the file is truncated or is not "
                                      "a zip file")) from exc
        except OSError as exc:
            raise BundleError(path, _("cannot read the file ({reason})").format(
                reason=exc.strerror or exc)) from exc
        try:
            yield cls._checked(path, zf)
        finally:
            zf.close()

    @classmethod
    def _checked(cls, path: Path, zf: zipfile.ZipFile) -> BundleReader:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES + 2:
            raise BundleError(path, _("too many entries ({n}; the limit is {limit})").format(
                n=len(infos), limit=MAX_ENTRIES + 2))
        seen: set[str] = set()
        total = 0
        for info in infos:
            if (why := _check_name(info.filename)) is not None:
                raise BundleError(path, _("entry {name}: {reason}").format(
                    name=info.filename, reason=why))
            if info.filename in seen:
                raise BundleError(path, _("entry {name} appears twice").format(
                    name=info.filename))
            seen.add(info.filename)
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode) or info.is_dir():
                raise BundleError(path, _("entry {name}: links and folders are not allowed")
                                  .format(name=info.filename))
            if info.flag_bits & 0x61:  # encrypted, patched data, strong encryption
                raise BundleError(path, _("entry {name}: encrypted entries are not allowed")
                                  .format(name=info.filename))
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise BundleError(path, _("entry {name}: unsupported compression").format(
                    name=info.filename))
            total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise BundleError(path, _("the contents would take {size} MB; the limit is "
                                      "{limit} MB").format(size=total // 2**20,
                                                           limit=MAX_TOTAL_BYTES // 2**20))
        for name in (MANIFEST, SIGNATURE):
            if name not in seen:
                raise BundleError(path, _("{name} is missing").format(name=name))
        if zf.getinfo(MANIFEST).file_size > MAX_MANIFEST_BYTES or \
                zf.getinfo(SIGNATURE).file_size != 64:
            raise BundleError(path, _("{name} has the wrong size").format(
                name=MANIFEST if zf.getinfo(MANIFEST).file_size > MAX_MANIFEST_BYTES
                else SIGNATURE))
        raw, signature = _read_small(path, zf, MANIFEST), _read_small(path, zf, SIGNATURE)
        try:
            manifest = parse_manifest(raw)
        except ManifestError as exc:
            raise BundleError(path, _("{name}: {reason}").format(name=MANIFEST,
                                                                 reason=exc)) from exc
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        try:
            Ed25519PublicKey.from_public_bytes(manifest.signer_public_key).verify(signature, raw)
            signature_ok = True
        except InvalidSignature:
            signature_ok = False
        reader = cls(path, zf, manifest, signature_ok)
        reader._check_entries(seen - {MANIFEST, SIGNATURE})
        return reader

    def _check_entries(self, names: set[str]) -> None:
        listed = set(self.manifest.entries)
        for name in sorted(names - listed):
            raise BundleError(self.path, _("entry {name} is not in the manifest").format(
                name=name))
        for name in sorted(listed - names):
            raise BundleError(self.path, _("entry {name} is missing").format(name=name))
        allowed = {f"data/{t}.jsonl" for t in TABLES_BY_KIND[self.manifest.kind]}
        for name in sorted(listed):
            if name.startswith("media/") and _HEX64.match(name[6:]):
                size_limit = MAX_MEDIA_BYTES
            elif name in allowed:
                size_limit = MAX_TOTAL_BYTES
            elif name.startswith("data/"):
                raise BundleError(self.path, _("{name}: unknown table {table} for a {kind} "
                                               "bundle").format(
                    name=name, table=name[5:].removesuffix(".jsonl"), kind=self.manifest.kind))
            else:
                raise BundleError(self.path, _("entry {name}: not a part of a bundle").format(
                    name=name))
            size = self.zf.getinfo(name).file_size
            if size != self.manifest.entries[name][1] or size > size_limit:
                raise BundleError(self.path, _("entry {name}: its size does not match the "
                                               "manifest").format(name=name))

    def require_signature(self) -> None:
        if not self.signature_ok:
            raise BundleError(self.path, _(
                "the signature does not match: the bundle was changed after it was signed "
                "(signer {name}, fingerprint {fingerprint})").format(
                name=self.manifest.producer_name, fingerprint=self.manifest.fingerprint))

    def data_tables(self) -> list[str]:
        return [t for t in TABLES_BY_KIND[self.manifest.kind]
                if f"data/{t}.jsonl" in self.manifest.entries]

    def media_names(self) -> list[str]:
        return sorted(n for n in self.manifest.entries if n.startswith("media/"))

    def lines(self, table: str) -> Iterator[tuple[int, bytes]]:
        """(line number, bytes) of a data file; the hash is checked when it ends."""
        name = f"data/{table}.jsonl"
        expected = self.manifest.entries[name][0]
        digest = hashlib.sha256()
        try:
            with self.zf.open(name) as fh:
                pending = b""
                number = 0
                while chunk := fh.read(1 << 20):
                    digest.update(chunk)
                    pending += chunk
                    *complete, pending = pending.split(b"\n")
                    if len(pending) > MAX_ROW_BYTES:
                        raise BundleError(self.path, _("{name}: a row is larger than {n} MB")
                                          .format(name=name, n=MAX_ROW_BYTES // 2**20))
                    for line in complete:
                        number += 1
                        if line.strip():
                            yield number, line
                if pending.strip():
                    yield number + 1, pending
        except BundleError:
            raise
        except ZIP_ERRORS as exc:
            raise BundleError(self.path, _("{name}: cannot be read ({reason})").format(
                name=name, reason=exc)) from exc
        if digest.hexdigest() != expected:
            raise BundleError(self.path, _("{name}: its hash does not match the manifest: the "
                                           "file is damaged or was changed").format(name=name))

    def extract_media(self, name: str, out: IO[bytes] | _Discard) -> None:
        """Copy one media entry to ``out``, checking its hash on the way."""
        expected = self.manifest.entries[name][0]
        digest = hashlib.sha256()
        try:
            with self.zf.open(name) as src:
                while chunk := src.read(1 << 20):
                    digest.update(chunk)
                    out.write(chunk)
        except ZIP_ERRORS as exc:
            raise BundleError(self.path, _("{name}: cannot be read ({reason})").format(
                name=name, reason=exc)) from exc
        if digest.hexdigest() != expected or expected != name[6:]:
            raise BundleError(self.path, _("{name}: its hash does not match the manifest: the "
                                           "file is damaged or was changed").format(name=name))


class _Discard:
    """Where :func:`inspect_bundle` sends media it only needs to hash."""

    def write(self, data: bytes) -> None:
        pass


#: What zipfile raises on a damaged or unusual entry (flags it cannot handle, a name that
#: is not UTF-8, a stream that ends early): each becomes "cannot be read".
ZIP_ERRORS = (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError, ValueError,
              OSError)


def _read_small(path: Path, zf: zipfile.ZipFile, name: str) -> bytes:
    try:
        return zf.read(name)
    except ZIP_ERRORS as exc:
        raise BundleError(path, _("{name}: cannot be read ({reason})").format(
            name=name, reason=exc)) from exc


# -- inspect ------------------------------------------------------------------------------


@dataclass
class Inspection:
    manifest: Manifest
    signature_ok: bool
    trusted: bool
    problem: str | None  # the first thing that is wrong, or None when it would import
    already_imported: bool


def inspect_bundle(store: Store, path: Path) -> Inspection:
    """Check a bundle completely (signature, every hash, every row) without importing it."""
    with BundleReader.open(path) as reader:
        m = reader.manifest
        trusted = is_trusted(store, m)
        problem = None
        try:
            reader.require_signature()
            _Checker(store, reader).run(None)
        except BundleError as exc:
            problem = exc.reason
        if problem is None and not trusted:
            problem = UntrustedPublisher(path, m).reason
        return Inspection(m, reader.signature_ok, trusted, problem, already_imported(store, m))


def is_trusted(store: Store, m: Manifest) -> bool:
    if m.kind == "results":
        return True
    key = store.keys.trusted(m.signer_key_id)
    return key is not None and key.kind == "publisher" and key.public_key == m.signer_public_key


def already_imported(store: Store, m: Manifest) -> bool:
    return store.scalar("SELECT 1 FROM sync_log WHERE bundle_id = ?", (m.bundle_id,)) is not None


# -- import -------------------------------------------------------------------------------


class _Checker:
    """Pass one: every row parsed and validated, every hash checked, every reference
    resolved (in the bundle or in the database), media copied aside; nothing written
    to the database."""

    def __init__(self, store: Store, reader: BundleReader) -> None:
        self.store, self.reader = store, reader
        self.specs = table_specs(store)
        self.kind = reader.manifest.kind
        parents = {p for s in self.specs.values() for _c, p in s.references}
        self.uuids: dict[str, set[str]] = {t: set() for t in parents}
        self.refs: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        self.media_rows: dict[str, str] = {}  # sha256 -> media uuid
        self.rows = 0
        data_bytes = sum(size for name, (_sha, size) in reader.manifest.entries.items()
                         if name.startswith("data/"))
        # Rows of a bundle of ordinary size are kept, parsed, for the second pass; a huge
        # one is read again (and its hashes checked again) to keep memory bounded.
        self.kept: dict[str, list[dict[str, Any]]] | None = \
            {} if data_bytes <= KEEP_ROWS_BYTES else None

    def run(self, media_folder: Path | None, progress: Progress | None = None,
            total: int = 0) -> int:
        for table in self.reader.data_tables():
            spec = self.specs[table]
            kept = self.kept.setdefault(table, []) if self.kept is not None else None
            for number, line in self.reader.lines(table):
                row = self._row(spec, number, line)
                if kept is not None:
                    kept.append(row)
                if table in self.uuids:
                    self.uuids[table].add(row["uuid"])
                for column, parent in spec.references:
                    if row.get(column) is not None:
                        self.refs[(table, column, parent)].add(row[column])
                if table == "media" and not row["deleted"]:
                    self.media_rows[row["sha256"]] = row["uuid"]
                self.rows += 1
                if progress and self.rows % 5000 == 0:
                    progress(self.rows, total, table)
        self._check_references()
        self._check_media(media_folder, progress, total)
        return self.rows

    def _row(self, spec: TableSpec, number: int, line: bytes) -> dict[str, Any]:
        try:
            return parse_row(spec, line, self.kind)
        except RowError as exc:
            raise BundleError(self.reader.path, _("data/{table}.jsonl line {line}: {reason}")
                              .format(table=spec.name, line=number, reason=exc)) from exc

    def _check_references(self) -> None:
        for (table, column, parent), values in sorted(self.refs.items()):
            missing = values - self.uuids.get(parent, set())
            if not missing:
                continue
            present = _select_in(self.store, f"SELECT uuid FROM [{parent}] WHERE uuid IN ({{}})",
                                 missing)
            if absent := sorted(missing - present):
                raise BundleError(self.reader.path, _(
                    "data/{table}.jsonl: {column} refers to {count} rows of {parent} that are "
                    "neither in the bundle nor on this laptop (first: {first})").format(
                    table=table, column=column, count=len(absent), parent=parent,
                    first=absent[0]))

    def _check_media(self, folder: Path | None, progress: Progress | None, total: int) -> None:
        names = self.reader.media_names()
        for name in names:
            if name[6:] not in self.media_rows:
                raise BundleError(self.reader.path, _("entry {name}: no media row describes it")
                                  .format(name=name))
        in_bundle = {n[6:] for n in names}
        for sha in self.media_rows:
            if sha not in in_bundle and not self.store.media.has_file(sha):
                raise BundleError(self.reader.path, _("media {sha}: the file is neither in the "
                                                      "bundle nor on this laptop").format(sha=sha))
        for i, name in enumerate(names, 1):
            if folder is None:
                self.reader.extract_media(name, _Discard())
            elif not self.store.media.has_file(name[6:]):
                with (folder / name[6:]).open("wb") as out:
                    self.reader.extract_media(name, out)
                    out.flush()
                    os.fsync(out.fileno())
            if progress:
                progress(self.rows + i, total, name)


def import_bundle(store: Store, path: Path, *, trust: Callable[[Manifest], bool] | None = None,
                  progress: Progress | None = None, backup: bool = True) -> ImportSummary:
    """Check a bundle completely, then apply it in one transaction; see the module doc.

    ``trust`` is asked about a content bundle signed by an unknown publisher key; it
    returns True to trust the key (the first time, after a person compared the
    fingerprint). Raises :class:`BundleError` (or :class:`UntrustedPublisher`)."""
    path = Path(path)
    with BundleReader.open(path) as reader:
        m = reader.manifest
        reader.require_signature()
        if already_imported(store, m):
            return ImportSummary(path, m, already_imported=True)
        if not is_trusted(store, m) and (
                store.keys.trusted(m.signer_key_id) is not None or trust is None
                or not trust(m)):
            raise UntrustedPublisher(path, m)
        total = sum(m.counts.values()) + len(reader.media_names()) + 1
        _remove_stale_incoming(store.media.root)
        incoming = Path(tempfile.mkdtemp(prefix=".incoming-", dir=_ensure(store.media.root)))
        try:
            checker = _Checker(store, reader)
            checker.run(incoming, progress, total)
            if backup and store.path is not None:
                backup_before_import(store)
            summary = ImportSummary(path, m)
            with store.transaction(defer_foreign_keys=True):
                if not is_trusted(store, m):  # the person said yes
                    store.keys.trust(m.signer_public_key, "publisher", m.producer_name)
                _Applier(store, checker, summary).run(progress, total, checker.rows)
                # Pictures go into place before the commit: rows never point at a picture
                # that is not there; a failure leaves only unreferenced files behind.
                _move_media(store, incoming, summary)
                _record(store, m, path, summary)
        except (sqlite3.IntegrityError, OSError) as exc:  # a constraint, a stick pulled out
            raise BundleError(path, _("not imported: {reason}").format(reason=exc)) from exc
        finally:
            shutil.rmtree(incoming, ignore_errors=True)
    if progress:
        progress(total, total, "")
    return summary


def _remove_stale_incoming(media_root: Path) -> None:
    """Pictures left aside by an import that was killed before it finished."""
    with contextlib.suppress(OSError):
        for folder in media_root.glob(".incoming-*"):
            if folder.is_dir() and not folder.is_symlink():
                shutil.rmtree(folder, ignore_errors=True)


def _ensure(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _move_media(store: Store, incoming: Path, summary: ImportSummary) -> None:
    for file in incoming.iterdir():
        target = store.media.path_for(file.name)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(file, target)
            summary.media_added += 1


def backup_before_import(store: Store, keep: int = 5) -> Path:
    """A copy of the database beside it in ``backups/``; the last ``keep`` are kept."""
    import datetime as dt

    assert store.path is not None
    folder = store.path.parent / "backups"
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = store.backup_to(folder / f"{store.path.stem}-before-import-{stamp}.sqlite")
    old = sorted(folder.glob(f"{store.path.stem}-before-import-*.sqlite"))
    for stale in old[:-keep]:
        stale.unlink(missing_ok=True)
    return target


def _record(store: Store, m: Manifest, path: Path, summary: ImportSummary) -> None:
    store.conn.execute(
        "INSERT INTO sync_log (bundle_id, kind, direction, file_name, at, producer_device, "
        "signer_key_id, summary) VALUES (?, ?, 'import', ?, ?, ?, ?, ?)",
        (m.bundle_id, m.kind, path.name, store.now(), m.producer_device, m.signer_key_id,
         json.dumps({"producer_name": m.producer_name, **json.loads(summary.to_json())},
                    ensure_ascii=False, sort_keys=True)))


class _Applier:
    """Pass two, inside the transaction: rows merged by the rule, batch by batch."""

    def __init__(self, store: Store, checker: _Checker, summary: ImportSummary) -> None:
        self.store, self.reader, self.specs = store, checker.reader, checker.specs
        self.kept, self.summary = checker.kept, summary
        self.taxa: set[str] = set()
        self.allowed_owners = TABLES_BY_KIND[checker.kind]
        # Attempts submitted here before this import began: final, whatever arrives.
        attempts = checker.uuids.get("attempts", set()) | checker.refs.get(
            ("answers", "attempt_uuid", "attempts"), set())
        self.final = _select_in(store, "SELECT uuid FROM attempts WHERE submitted_at IS NOT "
                                       "NULL AND uuid IN ({})", attempts)

    def rows(self, table: str) -> Iterator[dict[str, Any]]:
        if self.kept is not None:
            yield from self.kept.get(table, [])
            return
        for _number, line in self.reader.lines(table):
            yield parse_row(self.specs[table], line, self.reader.manifest.kind)

    def run(self, progress: Progress | None, total: int, rows: int) -> None:
        done = 0
        for table in self.reader.data_tables():
            batch: list[dict[str, Any]] = []
            for row in self.rows(table):
                batch.append(row)
                if len(batch) >= BATCH:
                    self._merge(table, batch)
                    done += len(batch)
                    batch = []
                    if progress:
                        progress(min(done, rows), total, table)
            if batch:
                self._merge(table, batch)
                done += len(batch)
        for taxon in sorted(self.taxa):
            self.store.search.reindex(taxon)

    def _merge(self, table: str, batch: list[dict[str, Any]]) -> None:
        conn = self.store.conn
        uuids = [r["uuid"] for r in batch]
        marks = ",".join("?" * len(uuids))
        cursor = conn.execute(f"SELECT * FROM [{table}] WHERE uuid IN ({marks})", uuids)
        names = [c[0] for c in cursor.description]
        current = {r["uuid"]: r for r in (dict(zip(names, v, strict=True)) for v in cursor)}
        final_by = FINAL_WHEN_SUBMITTED.get(table)
        inserts: dict[tuple[str, ...], list[tuple]] = defaultdict(list)
        updates: dict[tuple[str, ...], list[tuple]] = defaultdict(list)
        for row in batch:
            mine = current.get(row["uuid"])
            frozen = final_by is not None and row[final_by] in self.final
            if mine is not None and table in OWNED_BY_NAME and \
                    mine["owner_table"] not in self.allowed_owners:
                raise BundleError(self.reader.path, _(
                    "data/{table}.jsonl: row {uuid} would change a row of {owner}, which a "
                    "{kind} bundle may not change").format(
                    table=table, uuid=row["uuid"], owner=mine["owner_table"],
                    kind=self.reader.manifest.kind))
            if mine is None and frozen:
                outcome = "skipped"  # no answer is added to an attempt submitted here
            elif mine is None:
                inserts[tuple(row)].append(tuple(row.values()))
                outcome = "added"
            elif version_of(row) == version_of(mine):
                outcome = "unchanged"
            else:
                same = all(mine.get(c) == v for c, v in row.items() if c not in STAMPS)
                newer = version_of(row) > version_of(mine) and not frozen
                if newer:
                    # The same data under a newer stamp (the same course loaded on two
                    # laptops) only takes the stamp, so both sides agree.
                    columns = STAMPS if same else tuple(c for c in row if c != "uuid")
                    updates[columns].append((*(row[c] for c in columns), row["uuid"]))
                outcome = "unchanged" if same else "updated" if newer else "skipped"
            self.summary.count(table, outcome)
            if outcome in ("added", "updated"):
                self._note_search(table, row)
        for columns, values in inserts.items():
            conn.executemany(
                "INSERT INTO [{}] ({}) VALUES ({})".format(
                    table, ",".join(f"[{c}]" for c in columns), ",".join("?" * len(columns))),
                values)
        for columns, values in updates.items():
            conn.executemany(
                "UPDATE [{}] SET {} WHERE uuid = ?".format(
                    table, ",".join(f"[{c}] = ?" for c in columns)), values)

    def _note_search(self, table: str, row: dict[str, Any]) -> None:
        if table == "taxa":
            self.taxa.add(row["uuid"])
        elif table == TEXTS_TABLE and row.get("owner_table") == "taxa":
            self.taxa.add(row["owner_uuid"])


# -- many bundles at once (the trainer's stick) ------------------------------------------


@dataclass
class BatchOutcome:
    file: Path
    summary: ImportSummary | None
    error: str | None
    untrusted: bool = False  # refused because of an unknown publisher key


def import_many(store: Store, paths: list[Path], *,
                trust: Callable[[Manifest], bool] | None = None,
                progress: Progress | None = None) -> list[BatchOutcome]:
    """Import each file on its own (one bad file does not stop the others); one backup
    of the database is taken before the first one that changes anything."""
    outcomes = []
    backed_up = False
    for i, path in enumerate(paths):
        def step(done: int, total: int, label: str, i: int = i, name: str = Path(path).name
                 ) -> None:
            if progress:
                progress(i * 1000 + (1000 * done // max(total, 1)), len(paths) * 1000, name)

        try:
            summary = import_bundle(store, path, trust=trust, progress=step,
                                    backup=not backed_up)
            backed_up = backed_up or not summary.already_imported
            outcomes.append(BatchOutcome(Path(path), summary, None))
        except BundleError as exc:
            outcomes.append(BatchOutcome(Path(path), None, str(exc),
                                         isinstance(exc, UntrustedPublisher)))
        except Exception as exc:  # a bug must not stop the other laptops' results
            import logging

            logging.getLogger(__name__).exception("importing %s", path)
            outcomes.append(BatchOutcome(Path(path), None, _(
                "{file}: not imported because of an unexpected error ({reason}); the "
                "database is unchanged").format(file=Path(path).name, reason=exc)))
    if progress:
        progress(len(paths) * 1000, len(paths) * 1000, "")
    return outcomes
