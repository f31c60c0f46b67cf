"""Applying a verified bundle in one transaction, and importing many at once.

See the package docstring and docs/architecture.md, "Sync".
"""

from __future__ import annotations

import errno
import json
import os
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from idtrainer.core.bundles.export import (
    _select_in,
)
from idtrainer.core.bundles.locks import bundle_lock, incoming_folder
from idtrainer.core.bundles.manifest import (
    BATCH,
    FINAL_WHEN_SUBMITTED,
    OWNED_BY_NAME,
    TABLES_BY_KIND,
    BundleError,
    Manifest,
    Progress,
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
from idtrainer.core.schema import TEXTS_TABLE
from idtrainer.core.store import StoreFullError

if TYPE_CHECKING:
    from idtrainer.core.store import Store

# -- import -------------------------------------------------------------------------------


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
            return _verified_again(store, reader)
        if not is_trusted(store, m) and (
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
                                               backup=backup)
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
            raise BundleError(path, _("not imported: {reason}").format(reason=exc)) from exc
    if progress:
        progress(total, total, "")
    return summary


def _verified_again(store: Store, reader: BundleReader) -> ImportSummary:
    """A bundle imported before: checked completely all the same (every hash, row and
    reference), so a damaged copy is reported as damaged, not as "nothing changed"."""
    _Checker(store, reader).run(None)
    return ImportSummary(reader.path, reader.manifest, already_imported=True)


def _check_and_apply(store: Store, reader: BundleReader, incoming: Path,
                     progress: Progress | None, total: int, *, backup: bool) -> ImportSummary:
    m, path = reader.manifest, reader.path
    checker = _Checker(store, reader)
    checker.run(incoming, progress, total)
    taken = backup_before_import(store) if backup and store.path is not None else None
    summary = ImportSummary(path, m)
    try:
        with store.transaction(defer_foreign_keys=True):
            if already_imported(store, m):  # committed by another process meanwhile
                raise _ImportedMeanwhile
            if not is_trusted(store, m):  # the person said yes
                store.keys.trust(m.signer_public_key, "publisher", m.producer_name)
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


class _ImportedMeanwhile(Exception):
    """Rolls back an import whose bundle another process recorded first."""


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
    store.changed("sync_log", [m.bundle_id])


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
        touched: list[str] = []  # rows whose content changed, for store.changes
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
                touched.append(row["uuid"])
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
        except IDTrainerError as exc:  # e.g. the database is in use or read-only
            outcomes.append(BatchOutcome(Path(path), None, _("{file}: {reason}").format(
                file=Path(path).name, reason=exc)))
        except Exception as exc:  # a bug must not stop the other laptops' results
            import logging

            logging.getLogger(__name__).exception("importing %s", path)
            outcomes.append(BatchOutcome(Path(path), None, _(
                "{file}: not imported because of an unexpected error ({reason}); the "
                "database is unchanged").format(file=Path(path).name, reason=exc)))
    if progress:
        progress(len(paths) * 1000, len(paths) * 1000, "")
    return outcomes
