"""Reading and verifying a bundle: names, limits, signature, every hash, row and
reference, before anything is written.

See the package docstring and docs/architecture.md, "Sync".
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import struct
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from idtrainer.core.bundles.export import (
    _select_in,
)
from idtrainer.core.bundles.manifest import (
    _HEX64,
    KEEP_ROWS_BYTES,
    MANIFEST,
    MAX_ENTRIES,
    MAX_MANIFEST_BYTES,
    MAX_ROW_BYTES,
    MAX_TOTAL_BYTES,
    SIGNATURE,
    TABLES_BY_KIND,
    BundleError,
    Manifest,
    ManifestError,
    Progress,
    UntrustedPublisher,
    parse_manifest,
)
from idtrainer.core.bundles.rows import (
    RowError,
    TableSpec,
    parse_row,
    table_specs,
)
from idtrainer.core.i18n import gettext as _
from idtrainer.core.pictures import MAX_BYTES as MAX_MEDIA_BYTES
from idtrainer.core.pictures import MediaError, check_structure

if TYPE_CHECKING:
    from idtrainer.core.store import Store

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
            raise BundleError(path, _("no such file"), cause="unreadable") from exc
        except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError) as exc:
            raise BundleError(path, _("not a complete bundle: the file is truncated or is not "
                                      "a zip file")) from exc
        except OSError as exc:
            raise BundleError(path, _("cannot read the file ({reason})").format(
                reason=exc.strerror or exc), cause="unreadable") from exc
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
        """(line number, bytes) of a data file; the hash is checked when it ends. A
        stored file of ordinary size (what an export writes) is read at once, straight
        from its offset, and hashed before its first line: its sha256 against the signed
        manifest vouches for every byte, so zip's CRC-32 is not computed as well."""
        name = f"data/{table}.jsonl"
        expected = self.manifest.entries[name][0]
        if self.manifest.entries[name][1] <= KEEP_ROWS_BYTES:
            try:
                data = self._stored(name)
            except ZIP_ERRORS as exc:
                raise BundleError(self.path, _("{name}: cannot be read ({reason})").format(
                    name=name, reason=exc)) from exc
            if data is not None:
                if hashlib.sha256(data).hexdigest() != expected:
                    raise BundleError(self.path, _(
                        "{name}: its hash does not match the manifest: the file is damaged "
                        "or was changed").format(name=name))
                for number, line in enumerate(data.split(b"\n"), 1):
                    if line and not line.isspace():
                        yield number, line
                return
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

    def media_entry(self, name: str) -> tuple[bytes, str]:
        """One media entry's bytes and their sha256, checked against the manifest (and the
        entry's name). A stored entry (pictures are not compressed) is read straight from
        the bundle file: its sha256 against the signed manifest vouches for every byte, so
        zip's own CRC-32 is not computed as well."""
        expected = self.manifest.entries[name][0]
        try:
            data = self._stored(name)
            if data is None:
                with self.zf.open(name) as src:
                    data = src.read(MAX_MEDIA_BYTES + 1)
        except ZIP_ERRORS as exc:
            raise BundleError(self.path, _("{name}: cannot be read ({reason})").format(
                name=name, reason=exc)) from exc
        sha = hashlib.sha256(data).hexdigest()
        if sha != expected or expected != name[6:]:
            raise BundleError(self.path, _("{name}: its hash does not match the manifest: the "
                                           "file is damaged or was changed").format(name=name))
        return data, sha

    def _stored(self, name: str) -> bytes | None:
        """The bytes of a stored entry read from its offset, or None for a compressed one
        (zipfile reads that). Raises what zipfile would on a bad local header."""
        info = self.zf.getinfo(name)
        fp = self.zf.fp
        if info.compress_type != zipfile.ZIP_STORED or info.compress_size != info.file_size \
                or fp is None:
            return None
        fp.seek(info.header_offset)
        head = fp.read(_LOCAL_HEADER.size)
        if len(head) != _LOCAL_HEADER.size or head[:4] != b"PK\x03\x04":
            raise zipfile.BadZipFile(f"bad local header of {name}")
        fields = _LOCAL_HEADER.unpack(head)
        flags, name_length, extra_length = fields[3], fields[10], fields[11]
        raw_name = fp.read(name_length)
        if raw_name.decode("utf-8" if flags & 0x800 else "cp437") != info.orig_filename:
            raise zipfile.BadZipFile(f"file name in directory and header differ: {name}")
        fp.seek(extra_length, os.SEEK_CUR)
        data = fp.read(info.file_size)
        if len(data) != info.file_size:
            raise EOFError(f"{name} ends early")
        return data


#: A zip entry's local header (the fixed 30 bytes before its name, extra field and data).
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")


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


class _Checker:
    """Pass one: every row parsed and validated, every hash checked, every reference
    resolved (in the bundle or in the database), every picture checked at the gate for
    structure (core/pictures.py) and copied aside; nothing written to the database."""

    def __init__(self, store: Store, reader: BundleReader) -> None:
        self.store, self.reader = store, reader
        self.specs = table_specs(store)
        self.kind = reader.manifest.kind
        parents = {p for s in self.specs.values() for _c, p in s.references}
        self.uuids: dict[str, set[str]] = {t: set() for t in parents}
        self.refs: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        self.media_rows: dict[str, str] = {}  # sha256 -> media uuid
        self.media_mimes: dict[str, set[str]] = defaultdict(set)  # sha256 -> row mimes
        self.rows = 0
        self.written: list[Path] = []  # pictures written aside, not yet synced
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
            uuids = self.uuids.get(table)
            refs = [(column, self.refs[(table, column, parent)])
                    for column, parent in spec.references]
            media, kind, rows = table == "media", self.kind, self.rows
            for number, line in self.reader.lines(table):  # a million answers: kept lean
                try:
                    row = parse_row(spec, line, kind)
                except RowError as exc:
                    raise self._row_error(spec, number, exc) from exc
                if kept is not None:
                    kept.append(row)
                if uuids is not None:
                    uuids.add(row["uuid"])
                for column, found in refs:
                    if (value := row.get(column)) is not None:
                        found.add(value)
                if media and not row["deleted"]:
                    self.media_rows[row["sha256"]] = row["uuid"]
                    self.media_mimes[row["sha256"]].add(row["mime"])
                rows += 1
                if progress and rows % 5000 == 0:
                    progress(rows, total, table)
            self.rows = rows
        self._check_references()
        self._check_media(media_folder, progress, total)
        return self.rows

    def _row_error(self, spec: TableSpec, number: int, exc: RowError) -> BundleError:
        return BundleError(self.reader.path, _("data/{table}.jsonl line {line}: {reason}")
                           .format(table=spec.name, line=number, reason=exc))

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
        # One entry after another: read, hashed once, checked for structure (the full
        # decode is deferred to the first display: core/pictures.py, docs/security.md) and
        # written aside without a sync: the import syncs them all at once
        # (apply._sync_files).
        for i, name in enumerate(names, 1):
            if folder is None or not self.store.media.has_file(name[6:]):
                data, sha = self.reader.media_entry(name)
                self._check_picture(name, data, sha)
                if folder is not None:
                    self.written.append(folder / name[6:])
                    _write(self.written[-1], data)
            if progress:
                progress(self.rows + i, total, name)

    def _check_picture(self, name: str, data: bytes, sha: str) -> None:
        """A media entry checked at the gate for structure, as the kind of picture its
        media rows say it is (the GUI draws it as that kind)."""
        claimed = self.media_mimes[name[6:]]
        try:
            info = check_structure(data, name, allowed=claimed, sha256=sha)
            for mime in sorted(claimed - {info.mime}):  # rows that disagree: one is wrong
                check_structure(data, name, allowed={mime}, sha256=sha)
        except MediaError as exc:
            raise BundleError(self.reader.path, str(exc)) from exc


def _write(path: Path, data: bytes) -> None:
    with path.open("wb") as out:
        out.write(data)
        out.flush()
        if hasattr(os, "posix_fadvise"):  # start writing it out now; synced with the rest
            os.posix_fadvise(out.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
