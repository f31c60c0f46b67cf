"""Applying a verified bundle in one transaction, and importing many at once.

See the package docstring and docs/architecture.md, "Sync".
"""

from __future__ import annotations

import errno
import json
import logging
import os
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from idtrainer.core.bundles.export import (
    _select_in,
)
from idtrainer.core.bundles.locks import bundle_lock, incoming_folder
from idtrainer.core.bundles.manifest import (
    BATCH,
    DERIVED_DEVICE_ID,
    FINAL_WHEN_SUBMITTED,
    BundleError,
    Manifest,
    Progress,
    UntrustedDevice,
    UntrustedPublisher,
)
from idtrainer.core.bundles.reader import (
    BundleReader,
    _Checker,
    already_imported,
    is_trusted,
)
from idtrainer.core.bundles.rows import (
    parse_row,
    version_of,
)
from idtrainer.core.bundles.summary import (
    STAMPS,
    ImportSummary,
)
from idtrainer.core.errors import IDTrainerError
from idtrainer.core.i18n import gettext as _
from idtrainer.core.ownership import (
    CREDENTIALS,
    OWN,
    PARENTS,
    PUBLISHER,
    SHARED_COLUMNS,
    may_change,
)
from idtrainer.core.schema import ORIGIN_COLUMN, TEXTS_TABLE
from idtrainer.core.store import StoreFullError

if TYPE_CHECKING:
    from idtrainer.core.regrade import AnswerRow
    from idtrainer.core.store import Store

# -- import -------------------------------------------------------------------------------


def import_bundle(store: Store, path: Path, *, trust: Callable[[Manifest], bool] | None = None,
                  progress: Progress | None = None, backup: bool = True) -> ImportSummary:
    """Check a bundle completely, then apply it in one transaction; see the module doc.

    ``trust`` is asked about a content bundle signed by an unknown publisher key, and
    about a results bundle from a laptop not pinned here yet; it returns True to trust
    the key (the first time, after a person compared the fingerprint). Raises
    :class:`BundleError` (or :class:`UntrustedPublisher`, :class:`UntrustedDevice`)."""
    path = Path(path)
    with BundleReader.open(path) as reader:
        m = reader.manifest
        reader.require_signature()
        if already_imported(store, m):
            return _verified_again(store, reader)
        if m.kind == "content" and not is_trusted(store, m) and (
                store.keys.trusted(m.signer_key_id) is not None or trust is None
                or not trust(m)):
            raise UntrustedPublisher(path, m)
        total = sum(m.counts.values()) + len(reader.media_names()) + 1
        try:
            media_root = _ensure(store.media.root)
            lock = bundle_lock(media_root, m.bundle_id)
            if not lock.acquire():
                raise BundleError(path, _("this bundle is being imported right now by another "
                                          "IDTrainer window or command; nothing was changed "
                                          "here"))
            try:
                if already_imported(store, m):  # by the one that held the lock before us
                    return _verified_again(store, reader)
                with incoming_folder(media_root) as incoming:
                    summary = _check_and_apply(store, reader, incoming, progress, total,
                                               backup=backup, trust=trust)
            except _ImportedMeanwhile:
                return ImportSummary(path, m, already_imported=True)
            finally:
                lock.release()
        except (sqlite3.OperationalError, StoreFullError) as exc:
            if isinstance(exc, StoreFullError) or \
                    exc.sqlite_errorcode & 0xFF == sqlite3.SQLITE_FULL:
                raise BundleError(path, _("not imported: the disk is full ({folder}); free "
                                          "some space and import it again").format(
                    folder=store.media.root.parent)) from exc
            raise BundleError(path, _("not imported: {reason}").format(reason=exc)) from exc
        except (sqlite3.IntegrityError, OSError) as exc:  # a constraint, a stick pulled out
            if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
                raise BundleError(path, _("not imported: the disk is full ({folder}); free "
                                          "some space and import it again").format(
                    folder=store.media.root.parent)) from exc
            raise BundleError(path, _("not imported: {reason}").format(reason=exc),
                              cause="unreadable" if isinstance(exc, OSError) else "damaged"
                              ) from exc
    if progress:
        progress(total, total, "")
    return summary


def _verified_again(store: Store, reader: BundleReader) -> ImportSummary:
    """A bundle imported before: checked completely all the same (every hash, row and
    reference), so a damaged copy is reported as damaged, not as "nothing changed"."""
    _Checker(store, reader).run(None)
    return ImportSummary(reader.path, reader.manifest, already_imported=True)


def _check_and_apply(store: Store, reader: BundleReader, incoming: Path,
                     progress: Progress | None, total: int, *, backup: bool,
                     trust: Callable[[Manifest], bool] | None) -> ImportSummary:
    m, path = reader.manifest, reader.path
    checker = _Checker(store, reader)
    checker.run(incoming, progress, total)
    _sync_files(checker.written)  # on disk before any row can point at them
    # A laptop is asked about (or refused) once its bundle is known to be sound.
    binding = device_binding(store, m, path) if m.kind == "results" else ""
    if binding == "new" and (trust is None or not trust(m)):
        raise UntrustedDevice(path, m)
    taken = backup_before_import(store) if backup and store.path is not None else None
    summary = ImportSummary(path, m)
    try:
        with _page_cache(store), store.transaction(defer_foreign_keys=True):
            if already_imported(store, m):  # committed by another process meanwhile
                raise _ImportedMeanwhile
            if m.kind == "content" and not is_trusted(store, m):  # the person said yes
                store.keys.trust(m.signer_public_key, "publisher", m.producer_name)
            if binding in ("new", "rebind"):  # asked, or an older laptop re-bound
                pin_device(store, m)
            _Applier(store, checker, summary).run(progress, total, checker.rows)
            # Pictures go into place before the commit: rows never point at a picture
            # that is not there; a failure leaves only unreferenced files behind.
            _move_media(store, incoming, summary)
            _record(store, m, path, summary)
    except BaseException:
        # Rolled back: the database is the backup's twin, and on a full disk its
        # 8 MB are better given back.
        if taken is not None:
            taken.unlink(missing_ok=True)
        raise
    return summary


#: SQLite's page cache while a bundle is applied, in KiB, instead of its default 2 MB:
#: a results bundle adds rows at random places of the uuid indexes, and a cache that holds
#: the pages its transaction touches writes each of them once, at the commit, instead of
#: spilling and reading them again (docs/architecture.md, "Budgets").
IMPORT_CACHE_KIB = 32 * 1024
_SQLITE_DEFAULT_CACHE = -2000


@contextmanager
def _page_cache(store: Store) -> Iterator[None]:
    """The larger page cache for one import; a cache set on purpose is left alone."""
    before = store.conn.execute("PRAGMA cache_size").fetchone()[0]
    if before != _SQLITE_DEFAULT_CACHE:
        yield
        return
    store.conn.execute(f"PRAGMA cache_size = {-IMPORT_CACHE_KIB:d}")
    try:
        yield
    finally:
        store.conn.execute(f"PRAGMA cache_size = {before:d}")


class _ImportedMeanwhile(Exception):
    """Rolls back an import whose bundle another process recorded first."""


def _ensure(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


#: Threads syncing pictures at once: the file system commits syncs that wait together in
#: one journal commit, where one after another each would wait for its own.
SYNCERS = 8


def _sync_files(paths: list[Path]) -> None:
    """Flush the pictures written aside to the disk, once the whole batch is written (the
    writer asked the kernel to start writing each out already); several at once, so the
    file system can commit them together. Their names are not synced: they are renamed
    into the media store inside the transaction, as before."""
    if not paths:
        return
    with ThreadPoolExecutor(min(SYNCERS, len(paths)), thread_name_prefix="bundle-sync") as pool:
        list(pool.map(_sync_file, paths))  # raises what a sync raised


def _sync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))  # Windows syncs writers only
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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
    store.changed("sync_log", [m.bundle_id])


def device_binding(store: Store, m: Manifest, path: Path) -> str:
    """How a results bundle's laptop stands here: "pinned" (its device id is bound to
    this key), "rebind" (a laptop from before pinning, known here by this key only: bound
    at this import), or "new" (to be asked). A bundle that claims a pinned laptop's id
    under another key, or another laptop's key under a new id, raises BundleError."""
    pin = store.query_one("SELECT key_id, name FROM device_pins WHERE device_id = ?",
                          (m.producer_device,))
    if pin is not None:
        if pin["key_id"] != m.signer_key_id:
            raise BundleError(path, _(
                "claims to come from the laptop {name}, which is pinned to another key; "
                "this bundle is signed by fingerprint {fingerprint}: refused").format(
                name=pin["name"] or m.producer_device, fingerprint=m.fingerprint))
        return "pinned"
    other = store.query_one("SELECT device_id, name FROM device_pins WHERE key_id = ?",
                            (m.signer_key_id,))
    if other is not None or m.producer_device == store.device_id or (
            DERIVED_DEVICE_ID.match(m.producer_device)
            and m.producer_device != m.signer_key_id):
        raise BundleError(path, _(
            "signed by fingerprint {fingerprint}, which is not the key of the laptop it "
            "claims to come from ({device}): refused").format(
            fingerprint=m.fingerprint, device=m.producer_name or m.producer_device))
    earlier = {r[0] for r in store.conn.execute(
        "SELECT DISTINCT signer_key_id FROM sync_log WHERE kind = 'results' AND direction = "
        "'import' AND producer_device = ?", (m.producer_device,))}
    return "rebind" if earlier == {m.signer_key_id} else "new"


def pin_device(store: Store, m: Manifest) -> None:
    """Bind the laptop's device id to the key that signed its bundle (one key, one id)."""
    with store.transaction():
        store.conn.execute("DELETE FROM device_pins WHERE device_id = ? OR key_id = ?",
                           (m.producer_device, m.signer_key_id))
        store.conn.execute(
            "INSERT INTO device_pins (device_id, key_id, public_key, name, pinned_at) "
            "VALUES (?, ?, ?, ?, ?)", (m.producer_device, m.signer_key_id,
                                       m.signer_public_key, m.producer_name, store.now()))


class _Applier:
    """Pass two, inside the transaction: rows merged by the rule and by who may change
    what (core/ownership.py), batch by batch; then every submitted attempt re-graded."""

    def __init__(self, store: Store, checker: _Checker, summary: ImportSummary) -> None:
        self.store, self.reader, self.specs = store, checker.reader, checker.specs
        self.kept, self.summary = checker.kept, summary
        self.kind = checker.kind
        self.device = self.reader.manifest.producer_device
        self.taxa: set[str] = set()
        self.touched_attempts: set[str] = set()
        # The answers of attempts new here, as they were inserted (all their answers, as
        # nothing else can point at a new attempt): re-graded without reading them back.
        # Kept only for a bundle of ordinary size, whose rows are in memory anyway.
        self.new_answers: dict[str, list[AnswerRow]] | None = \
            defaultdict(list) if self.kept is not None else None
        self.refused: dict[tuple[str, str], list[str]] = defaultdict(list)
        # Attempts submitted here before this import began: final, whatever arrives.
        attempts = checker.uuids.get("attempts", set()) | checker.refs.get(
            ("answers", "attempt_uuid", "attempts"), set())
        self.final = _select_in(store, "SELECT uuid FROM attempts WHERE submitted_at IS NOT "
                                       "NULL AND uuid IN ({})", attempts)
        # The parents (attempts, cards) the bundle's child rows hang off that are here
        # before this import. A child of any other parent cannot be here, so it is not
        # looked up: a million answers of new attempts cost no million index probes. (A
        # row that is here all the same, under another parent, makes its INSERT fail and
        # the bundle is refused as damaged.)
        self.parents_here = {
            table: _select_in(store, f"SELECT uuid FROM [{parent}] WHERE uuid IN ({{}})",
                              checker.refs.get((table, column, parent), set()))
            for table, (column, parent) in PARENTS.items()}

    def batches(self, table: str) -> Iterator[list[dict[str, Any]]]:
        """The table's rows, BATCH at a time: kept from pass one, or read again."""
        if self.kept is not None:
            kept = self.kept.get(table, [])
            for start in range(0, len(kept), BATCH):
                yield kept[start:start + BATCH]
            return
        batch: list[dict[str, Any]] = []
        for _number, line in self.reader.lines(table):
            batch.append(parse_row(self.specs[table], line, self.reader.manifest.kind))
            if len(batch) >= BATCH:
                yield batch
                batch = []
        if batch:
            yield batch

    def run(self, progress: Progress | None, total: int, rows: int) -> None:
        done = 0
        for table in self.reader.data_tables():
            for batch in self.batches(table):
                self._merge(table, batch)
                done += len(batch)
                if progress:
                    progress(min(done, rows), total, table)
        for taxon in sorted(self.taxa):
            self.store.search.reindex(taxon)
        self._flag_refused()
        if self.kind == "results":
            from idtrainer.core.regrade import regrade_import

            self.summary.flags += regrade_import(
                self.store, sorted(self.touched_attempts), self.reader.manifest,
                self.new_answers)
            self.summary.passed = len(_select_in(
                self.store, "SELECT uuid FROM attempts WHERE passed = 1 AND submitted_at IS "
                            "NOT NULL AND uuid IN ({})", self.touched_attempts))

    # -- who may change what ---------------------------------------------------------

    def _origins(self, table: str, uuids: set[str]) -> dict[str, str | None]:
        """{uuid: origin} of the rows of ``table`` that exist here (one query a batch)."""
        if table not in self.specs or not uuids:
            return {}
        found: dict[str, str | None] = {}
        values = list(uuids)
        for start in range(0, len(values), BATCH):
            chunk = values[start:start + BATCH]
            found.update(self.store.conn.execute(
                f"SELECT uuid, {ORIGIN_COLUMN} FROM [{table}] WHERE uuid IN ({{}})".format(
                    ",".join("?" * len(chunk))), chunk).fetchall())
        return found

    def _related(self, table: str, batch: list[dict[str, Any]]
                 ) -> dict[tuple[str, str], str | None]:
        """{(table, uuid): origin} of the owners (texts) or parents (answers, reviews) the
        rows of a batch hang off, fetched at once."""
        wanted: dict[str, set[str]] = defaultdict(set)
        if table == TEXTS_TABLE:
            for row in batch:
                wanted[row["owner_table"]].add(row["owner_uuid"])
        elif table in PARENTS:
            column, parent = PARENTS[table]
            wanted[parent] = {row[column] for row in batch}
        return {(t, u): o for t, uuids in wanted.items()
                for u, o in self._origins(t, uuids).items()}

    def _refusal(self, table: str, row: dict[str, Any], mine: dict[str, Any] | None,
                 related: dict[tuple[str, str], str | None]) -> str | None:
        """Why this bundle may not write ``row`` (docs/security.md), or None."""
        for column in CREDENTIALS.get(table, ()):
            value = row.get(column)
            if value is not None and (mine is None or value != mine.get(column)):
                from idtrainer.core.trainees import secret_settings_ok

                if not secret_settings_ok(value):
                    return "credential"
        rule = may_change(self.kind, table)
        if table == "revocations":
            from idtrainer.core.certificates import revocation_verifies

            # It counts only if the publisher that issued the certificate signed it.
            if not revocation_verifies(self.store, row):
                return "signature"
        if table == TEXTS_TABLE:
            key = (row["owner_table"], row["owner_uuid"])
            if key not in related:
                return "owner"
            if mine is not None and (mine["owner_table"], mine["owner_uuid"]) != (
                    row["owner_table"], row["owner_uuid"]):
                return "owner"
            rule = may_change(self.kind, row["owner_table"])
            if rule == OWN and related[key] != self.device:
                return "device"
        if rule == PUBLISHER:
            return None
        if rule != OWN:
            return "never"
        if mine is not None and mine.get(ORIGIN_COLUMN) != self.device:
            changed = {c for c, v in row.items() if c not in STAMPS and c != ORIGIN_COLUMN
                       and mine.get(c) != v}
            if not changed or not changed <= set(SHARED_COLUMNS.get(table, ())):
                return "device"
        if mine is None and row.get(ORIGIN_COLUMN) not in (None, self.device):
            return "device"
        if table == "attempts" and row["device_id"] != self.device:
            return "device"
        if table in PARENTS:
            column, parent = PARENTS[table]
            key = (parent, row[column])
            if key in related and related[key] != self.device:
                return "device"  # (a parent that is nowhere fails the reference check)
        if table == "trainees" and mine is not None and any(
                c in row and row[c] != mine.get(c) for c in CREDENTIALS["trainees"]) and \
                mine.get("updated_by") != self.device:
            return "credential"  # a PIN set elsewhere is not replaced from here
        return None

    def _flag_refused(self) -> None:
        name = self.reader.manifest.producer_name or self.device
        reasons = {
            "never": _("{n} rows of {table} refused from {device}: a {kind} bundle may not "
                       "change them (first: {uuid})"),
            "device": _("{n} rows of {table} refused from {device}: they belong to another "
                        "device (first: {uuid})"),
            "owner": _("{n} rows of {table} refused from {device}: the row they translate is "
                       "not in the table they name (first: {uuid})"),
            "credential": _("{n} rows of {table} refused from {device}: a PIN or password "
                            "hash it may not set (first: {uuid})"),
            "signature": _("{n} rows of {table} refused from {device}: not signed by the "
                           "publisher key that issued the certificate (first: {uuid})"),
        }
        from idtrainer.core.bundles.summary import table_label

        for (table, why), uuids in sorted(self.refused.items()):
            self.summary.flags.append(reasons[why].format(
                n=len(uuids), table=table_label(table), device=name,
                kind=_("content") if self.kind == "content" else _("results"),
                uuid=uuids[0]))

    def _merge(self, table: str, batch: list[dict[str, Any]]) -> None:
        conn = self.store.conn
        parent = PARENTS.get(table)
        if parent is None:
            uuids = [r["uuid"] for r in batch]
        else:
            uuids = [r["uuid"] for r in batch if r[parent[0]] in self.parents_here[table]]
        current: dict[str, dict[str, Any]] = {}
        if uuids:
            marks = ",".join("?" * len(uuids))
            cursor = conn.execute(f"SELECT * FROM [{table}] WHERE uuid IN ({marks})", uuids)
            names = [c[0] for c in cursor.description]
            current = {r["uuid"]: r for r in (dict(zip(names, v, strict=True)) for v in cursor)}
        final_by = FINAL_WHEN_SUBMITTED.get(table)
        has_origin = ORIGIN_COLUMN in self.specs[table].columns
        related = self._related(table, batch)
        inserts: dict[tuple[str, ...], list[tuple]] = defaultdict(list)
        updates: dict[tuple[str, ...], list[tuple]] = defaultdict(list)
        touched: list[str] = []  # rows whose content changed, for store.changes
        # A row new here, of a table without credentials or signatures and not a text,
        # takes the short way: the same rules as _refusal, without its general cases.
        fast = table not in CREDENTIALS and table not in ("revocations", TEXTS_TABLE)
        rule = may_change(self.kind, table)
        device, results = self.device, self.kind == "results"
        attempts = self.touched_attempts
        # The answers of an attempt new here are noted as inserted; those of an attempt
        # that was here before may join others, and are read back at re-grading.
        new_answers = self.new_answers if table == "answers" else None
        here = self.parents_here.get(table, set())
        counts: dict[str, int] = defaultdict(int)
        # The short way runs for every one of a million answers: what it asks is local.
        final = self.final
        parent_column, parent_table = parent if parent is not None else ("", "")
        is_taxa, is_attempts, is_answers = (table == "taxa", table == "attempts",
                                            table == "answers")
        added = 0
        for row in batch:
            mine = current.get(row["uuid"]) if current else None
            if mine is None and fast:
                why = None
                if rule == OWN:
                    if row.get(ORIGIN_COLUMN) not in (None, device) or (
                            is_attempts and row["device_id"] != device) or (
                            parent is not None
                            and related.get((parent_table, row[parent_column]), device)
                            != device):
                        why = "device"
                elif rule != PUBLISHER:
                    why = "never"
                if why is not None:
                    self.refused[(table, why)].append(row["uuid"])
                    counts["refused"] += 1
                    continue
                if has_origin:  # the row was parsed for this import: set in place
                    row[ORIGIN_COLUMN] = device if results else row.get(ORIGIN_COLUMN)
                if final_by is not None and row[final_by] in final:
                    counts["skipped"] += 1  # no answer is added to an attempt submitted here
                    continue
                inserts[tuple(row)].append(tuple(row.values()))
                added += 1
                touched.append(row["uuid"])
                if is_taxa:
                    self.taxa.add(row["uuid"])
                elif is_attempts:
                    attempts.add(row["uuid"])
                elif is_answers:
                    attempts.add(row["attempt_uuid"])
                    if new_answers is not None and not row["deleted"] and \
                            row["attempt_uuid"] not in here:
                        new_answers[row["attempt_uuid"]].append(
                            (row["uuid"], row["question_uuid"], row["response"], row["score"]))
                continue
            if self.kind == "results" and table in CREDENTIALS and mine is not None and \
                    mine.get(ORIGIN_COLUMN) != self.device:
                # A profile made elsewhere reached this laptop through a content bundle,
                # which never carries a PIN hash: an empty one says nothing, and is not
                # taken as clearing the PIN (a different one is refused below).
                row = {c: v for c, v in row.items()
                       if v is not None or c not in CREDENTIALS[table]}
            frozen = final_by is not None and row[final_by] in self.final
            same = mine is not None and all(
                mine.get(c) == v for c, v in row.items()
                if c not in STAMPS and c != ORIGIN_COLUMN)
            newer = mine is None or version_of(row) > version_of(mine)
            if newer and (why := self._refusal(table, row, mine, related)) is not None:
                if same:  # nothing but a newer stamp: not even that is taken
                    counts["unchanged"] += 1
                    continue
                self.refused[(table, why)].append(row["uuid"])
                counts["refused"] += 1
                continue
            if has_origin:  # where a row came from never changes; a new row is the sender's
                row = dict(row)
                row[ORIGIN_COLUMN] = mine[ORIGIN_COLUMN] if mine is not None else (
                    self.device if self.kind == "results" else row.get(ORIGIN_COLUMN))
            if mine is None and frozen:
                outcome = "skipped"  # no answer is added to an attempt submitted here
            elif mine is None:
                inserts[tuple(row)].append(tuple(row.values()))
                outcome = "added"
            elif version_of(row) == version_of(mine):
                outcome = "unchanged"
            else:
                newer = version_of(row) > version_of(mine) and not frozen
                if newer:
                    # The same data under a newer stamp (the same course loaded on two
                    # laptops) only takes the stamp, so both sides agree.
                    columns = STAMPS if same else tuple(c for c in row if c != "uuid")
                    updates[columns].append((*(row[c] for c in columns), row["uuid"]))
                outcome = "unchanged" if same else "updated" if newer else "skipped"
            counts[outcome] += 1
            if outcome in ("added", "updated"):
                touched.append(row["uuid"])
                self._note_search(table, row)
                if table == "attempts":
                    self.touched_attempts.add(row["uuid"])
                elif table == "answers":
                    self.touched_attempts.add(row["attempt_uuid"])
        if added:
            counts["added"] += added
        for outcome, n in counts.items():
            self.summary.count(table, outcome, n)
        for columns, values in inserts.items():
            conn.executemany(
                "INSERT INTO [{}] ({}) VALUES ({})".format(
                    table, ",".join(f"[{c}]" for c in columns), ",".join("?" * len(columns))),
                values)
        for columns, values in updates.items():
            conn.executemany(
                "UPDATE [{}] SET {} WHERE uuid = ?".format(
                    table, ",".join(f"[{c}] = ?" for c in columns)), values)
        if touched:
            self.store.changed(table, touched)

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
    untrusted: bool = False  # refused because of an unknown publisher key or laptop
    kind: str = ""  # content | results, when the manifest could be read
    cause: str = ""  # why it was refused (summary.CAUSES), when it was


def untrusted(store: Store, paths: list[Path]) -> list[Manifest]:
    """The new publishers and new laptops among ``paths`` (one manifest per key), the ones
    an import would ask about: signed correctly and not imported yet. A file that cannot
    be read is left out; its import names the problem."""
    return _preflight(store, paths)[0]


def _preflight(store: Store, paths: list[Path]) -> tuple[list[Manifest], bool]:
    """:func:`untrusted`, and whether any file is a sound-looking bundle not imported yet
    (one reading of every manifest for both)."""
    found: dict[str, Manifest] = {}
    new = False
    for path in paths:
        try:
            with BundleReader.open(path) as reader:
                m = reader.manifest
                if not reader.signature_ok or already_imported(store, m):
                    continue
                new = True
                if m.kind == "results":
                    if device_binding(store, m, Path(path)) == "new":
                        found.setdefault(m.signer_key_id, m)
                elif not is_trusted(store, m) and store.keys.trusted(m.signer_key_id) is None:
                    found.setdefault(m.signer_key_id, m)
        except BundleError:
            continue
    return list(found.values()), new


def import_many(store: Store, paths: list[Path], *,
                trust: Callable[[Manifest], bool] | None = None,
                progress: Progress | None = None) -> list[BatchOutcome]:
    """Import each file on its own: one bad file does not stop the others.

    The new publishers and laptops are asked about first, all of them (``trust``), so
    nothing waits for a person while the database is locked. One backup of the database
    is taken before the first file that would change anything. Then every file is checked
    and applied in one transaction (:meth:`Store.batch`): the pages the files share (a
    class's answers land all over the uuid indexes) are written once, at the one commit,
    instead of once per file. A file refused by its checks has written nothing; should a
    file fail after writing (a constraint, a full disk) or the commit fail, the batch is
    rolled back and the files are imported again one transaction each, so each gets its
    own outcome."""
    paths = [Path(p) for p in paths]
    ask, new = _preflight(store, paths)
    answers = {m.signer_key_id: bool(trust(m)) for m in ask} if trust is not None else {}

    def asked(m: Manifest) -> bool:  # already answered above; never a question now
        return answers.get(m.signer_key_id, False)

    if len(paths) < 2 or store.read_only or store.conn.in_transaction or not new:
        return _import_each(store, paths, asked, progress, backup=True)
    if store.path is not None:
        try:
            backup_before_import(store)
        except (OSError, sqlite3.Error, IDTrainerError) as exc:
            # No batch without its backup: one file at a time, each trying its own backup
            # (outside any transaction) and saying why it could not.
            logging.getLogger(__name__).info("no backup before the batch: %s", exc)
            return _import_each(store, paths, asked, progress, backup=True)
    try:
        with _page_cache(store), store.batch(defer_foreign_keys=True):
            outcomes = _import_each(store, paths, asked, progress, backup=False, batch=True)
    except (sqlite3.Error, IDTrainerError, OSError, _BatchBroken) as exc:
        logging.getLogger(__name__).warning(
            "the batch of %d files could not be committed together (%s); importing them "
            "one by one", len(paths), exc)
        outcomes = _import_each(store, paths, asked, progress, backup=False)
    return outcomes


class _BatchBroken(Exception):
    """A file failed after writing inside :meth:`Store.batch`: the batch is rolled back."""


def _import_each(store: Store, paths: list[Path], trust: Callable[[Manifest], bool],
                 progress: Progress | None, *, backup: bool, batch: bool = False
                 ) -> list[BatchOutcome]:
    outcomes = []
    backed_up = not backup
    for i, path in enumerate(paths):
        def step(done: int, total: int, label: str, i: int = i, name: str = path.name
                 ) -> None:
            if progress:
                progress(i * 1000 + (1000 * done // max(total, 1)), len(paths) * 1000, name)

        written = store.conn.total_changes
        try:
            try:
                summary = import_bundle(store, path, trust=trust, progress=step,
                                        backup=not backed_up)
            except Exception as exc:
                if batch and store.conn.total_changes != written:
                    raise _BatchBroken(f"{path.name}: {exc}") from exc
                raise
            backed_up = backed_up or not summary.already_imported
            outcomes.append(BatchOutcome(path, summary, None, kind=summary.manifest.kind))
        except _BatchBroken:
            raise
        except BundleError as exc:
            untrusted = isinstance(exc, (UntrustedPublisher, UntrustedDevice))
            kind = exc.manifest.kind if isinstance(exc, (UntrustedPublisher, UntrustedDevice)
                                                   ) else ""
            outcomes.append(BatchOutcome(path, None, str(exc), untrusted, kind=kind,
                                         cause=exc.cause))
        except IDTrainerError as exc:  # e.g. the database is in use or read-only
            outcomes.append(BatchOutcome(path, None, _("{file}: {reason}").format(
                file=path.name, reason=exc)))
        except Exception as exc:  # a bug must not stop the other laptops' results
            logging.getLogger(__name__).exception("importing %s", path)
            outcomes.append(BatchOutcome(path, None, _(
                "{file}: not imported because of an unexpected error ({reason}); the "
                "database is unchanged").format(file=path.name, reason=exc),
                cause="error"))
    if progress:
        progress(len(paths) * 1000, len(paths) * 1000, "")
    return outcomes
