"""Store: the one object over an installation's SQLite file.

The GUI, the CLI, the tests and the benchmarks hold one ``Store`` and call its
per-area managers (``store.species``, ``store.lessons``, ``store.questions``,
``store.trainees``, ``store.media``, ``store.search``, ``store.texts``).
Managers build their queries on :meth:`Store.put` and :meth:`Store.transaction`;
nothing outside ``idtrainer.core`` writes SQL. After each commit ``store.changes``
tells subscribers which rows of which tables changed (:mod:`idtrainer.core.changes`).
See docs/architecture.md, "Layers" and "Change notifications".
"""

from __future__ import annotations

import datetime as dt
import errno
import itertools
import json
import logging
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from idtrainer.core import migrations
from idtrainer.core.changes import ChangeBus, Pending, bus_for
from idtrainer.core.errors import IDTrainerError
from idtrainer.core.i18n import gettext as _
from idtrainer.core.schema import ORIGIN_COLUMN, SYNC_COLUMNS

if TYPE_CHECKING:
    import uuid as _uuid

    import sqlite_utils

    from idtrainer.core.attempts import AttemptManager
    from idtrainer.core.certificates import CertificateManager
    from idtrainer.core.checklist import ChecklistManager
    from idtrainer.core.classes import ClassManager
    from idtrainer.core.events import EventManager
    from idtrainer.core.experts import ExpertManager
    from idtrainer.core.identify import IdentifyManager
    from idtrainer.core.keys import KeyManager
    from idtrainer.core.lessons import LessonManager
    from idtrainer.core.markers import MarkerManager
    from idtrainer.core.media import MediaManager
    from idtrainer.core.photos import PhotoManager
    from idtrainer.core.practice import PracticeManager
    from idtrainer.core.progress import ProgressManager
    from idtrainer.core.questions import QuestionManager
    from idtrainer.core.quizzes import QuizManager
    from idtrainer.core.search import SearchManager
    from idtrainer.core.species import SpeciesManager
    from idtrainer.core.sync_log import SyncLogManager
    from idtrainer.core.texts import TextManager
    from idtrainer.core.trainees import TraineeManager
    from idtrainer.core.trainer_auth import TrainerAuth

Clock = Callable[[], dt.datetime]
PutResult = Literal["added", "updated", "unchanged"]

#: Namespace for uuids derived from content ids, so every laptop gets the same ones.
CONTENT_NAMESPACE = "6f1d7a52-3c1e-4f0a-9b57-8e2f4c1d2a90"

#: How long a write waits for another connection's write to end before it gives up with
#: :class:`StoreBusyError`: long enough for an import on a worker thread to commit.
BUSY_TIMEOUT_MS = 10_000

#: The first bytes of every SQLite 3 database file.
SQLITE_MAGIC = b"SQLite format 3\x00"

#: Less free space than this on the database's disk counts as a full disk.
FULL_BELOW_BYTES = 256 * 1024

log = logging.getLogger(__name__)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso(moment: dt.datetime) -> str:
    """UTC ISO-8601 with microseconds, so timestamps sort as text."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# The uuid module is imported when a uuid is first made or read (it imports platform):
# a start that only reads, the usual one, needs none.

@cache
def _content_namespace() -> _uuid.UUID:
    import uuid

    return uuid.UUID(CONTENT_NAMESPACE)


def content_uuid(kind: str, ident: str) -> str:
    """The stable uuid of a content item, derived from its kind and id."""
    import uuid

    return str(uuid.uuid5(_content_namespace(), f"{kind}:{ident}"))


def is_content_uuid(value: str) -> bool:
    """Whether ``value`` was made by :func:`content_uuid` (a name-based uuid), not by
    :func:`new_uuid` for something made in the app."""
    import uuid

    try:
        return uuid.UUID(value).version == 5
    except ValueError:
        return False


def new_uuid() -> str:
    import uuid

    return str(uuid.uuid4())


class StoreError(IDTrainerError, RuntimeError):
    """A store operation failed for a reason a person can act on."""


class StoreBusyError(StoreError):
    """Another connection (another IDTrainer window or command) holds the write lock."""


class StoreReadOnlyError(StoreError):
    """The database was opened for reading only, and this operation writes."""


class StoreFullError(StoreError):
    """The disk holding the database is full."""


class StoreDamagedError(StoreError):
    """The database file is not a whole SQLite database (truncated, random, damaged)."""


def read_only_error(path: Path | str | None) -> StoreReadOnlyError:
    return StoreReadOnlyError(_(
        "{path}: the database is read-only (the file or its folder cannot be written): "
        "it was opened for reading only, and changes cannot be saved").format(path=path))


def store_error(exc: BaseException, path: Path | str | None) -> IDTrainerError | None:
    """The clear message for an SQLite or file-system failure a person can act on, or
    None when ``exc`` is a bug. Used by the store itself and by the CLI's and the GUI's
    last-resort handlers, for the rare error that escapes a manager: a file-system error
    (a stick pulled out, a PDF open in a viewer, a folder one may not write) is named
    with its file and the system's reason, not shown as a bug."""
    where = str(path) if path is not None else _("the database")
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return StoreFullError(_("{path}: the disk is full; free some space and try again")
                              .format(path=exc.filename or where))
    if isinstance(exc, OSError) and exc.strerror:
        return IDTrainerError(_("{path}: {reason}").format(path=exc.filename or where,
                                                           reason=exc.strerror))
    if not isinstance(exc, sqlite3.Error):
        return None
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name.startswith("SQLITE_BUSY"):
        return StoreBusyError(_(
            "{path}: the database is in use by another IDTrainer window or command; "
            "close it or wait until it finishes, then try again").format(path=where))
    if name.startswith("SQLITE_FULL") or (
            name.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN")) and _disk_full(path)):
        # A full disk also shows as an I/O error when SQLite cannot create its -shm file.
        return StoreFullError(_(
            "{path}: the disk is full; free some space and try again").format(path=where))
    if name.startswith("SQLITE_READONLY"):
        return read_only_error(where)
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return StoreDamagedError(_(
            "{path}: the database file is damaged ({reason}); restore it from a backup "
            "or move it away to start afresh").format(path=where, reason=exc))
    if name.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN")):
        return StoreError(_(
            "{path}: the database could not be read or written ({reason}); check the "
            "disk or stick it is on").format(path=where, reason=exc))
    return None


class Store:
    """An open IDTrainer database. Use :meth:`open`; close it when done."""

    def __init__(self, conn: sqlite3.Connection, *, path: Path | None, media_root: Path,
                 clock: Clock = utc_now, read_only: bool = False,
                 checkpoint_on_close: bool = True) -> None:
        self.conn = conn
        self.path = path
        #: Opened for reading only (a read-only file, folder or medium): writes raise
        #: :class:`StoreReadOnlyError` before touching anything.
        self.read_only = read_only
        self._checkpoint_on_close = checkpoint_on_close and not read_only
        self._savepoints = itertools.count()
        self._flat = False  # inside batch(): nested transactions are not savepoints
        self.clock = clock
        self.media_root = media_root
        #: Typed notifications after each commit; shared by every Store on this file.
        self.changes: ChangeBus = bus_for(path)
        self._pending = Pending()
        #: While :meth:`journal` runs: (table, uuid) -> the row before its first change.
        self._journal: dict[tuple[str, str], dict[str, Any] | None] | None = None
        self.device_id = self._ensure_device_id()

    # -- the managers, each made on first use (start-up imports only what it touches) --

    @cached_property
    def texts(self) -> TextManager:
        from idtrainer.core.texts import TextManager

        return TextManager(self)

    @cached_property
    def media(self) -> MediaManager:
        from idtrainer.core.media import MediaManager

        return MediaManager(self)

    @cached_property
    def search(self) -> SearchManager:
        from idtrainer.core.search import SearchManager

        return SearchManager(self)

    @cached_property
    def species(self) -> SpeciesManager:
        from idtrainer.core.species import SpeciesManager

        return SpeciesManager(self)

    @cached_property
    def lessons(self) -> LessonManager:
        from idtrainer.core.lessons import LessonManager

        return LessonManager(self)

    @cached_property
    def questions(self) -> QuestionManager:
        from idtrainer.core.questions import QuestionManager

        return QuestionManager(self)

    @cached_property
    def trainees(self) -> TraineeManager:
        from idtrainer.core.trainees import TraineeManager

        return TraineeManager(self)

    @cached_property
    def progress(self) -> ProgressManager:
        from idtrainer.core.progress import ProgressManager

        return ProgressManager(self)

    @cached_property
    def trainer(self) -> TrainerAuth:
        from idtrainer.core.trainer_auth import TrainerAuth

        return TrainerAuth(self)

    @cached_property
    def keys(self) -> KeyManager:
        from idtrainer.core.keys import KeyManager

        return KeyManager(self)

    @cached_property
    def classes(self) -> ClassManager:
        from idtrainer.core.classes import ClassManager

        return ClassManager(self)

    @cached_property
    def certificates(self) -> CertificateManager:
        from idtrainer.core.certificates import CertificateManager

        return CertificateManager(self)

    @cached_property
    def quizzes(self) -> QuizManager:
        from idtrainer.core.quizzes import QuizManager

        return QuizManager(self)

    @cached_property
    def attempts(self) -> AttemptManager:
        from idtrainer.core.attempts import AttemptManager

        return AttemptManager(self)

    @cached_property
    def practice(self) -> PracticeManager:
        from idtrainer.core.practice import PracticeManager

        return PracticeManager(self)

    @cached_property
    def sync_log(self) -> SyncLogManager:
        from idtrainer.core.sync_log import SyncLogManager

        return SyncLogManager(self)

    @cached_property
    def events(self) -> EventManager:
        from idtrainer.core.events import EventManager

        return EventManager(self)

    @cached_property
    def identify(self) -> IdentifyManager:
        from idtrainer.core.identify import IdentifyManager

        return IdentifyManager(self)

    @cached_property
    def experts(self) -> ExpertManager:
        from idtrainer.core.experts import ExpertManager

        return ExpertManager(self)

    @cached_property
    def checklist(self) -> ChecklistManager:
        from idtrainer.core.checklist import ChecklistManager

        return ChecklistManager(self)

    @cached_property
    def markers(self) -> MarkerManager:  # feature markers on pictures
        from idtrainer.core.markers import MarkerManager

        return MarkerManager(self)

    @cached_property
    def photos(self) -> PhotoManager:  # a trainer's photos (core/photos.py)
        from idtrainer.core.photos import PhotoManager

        return PhotoManager(self)

    # -- opening and closing ----------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, media_root: Path | None = None,
             backups: Path | None = None, clock: Clock = utc_now) -> Store:
        """Open (creating if needed) and migrate the database at ``path``.

        A file from a newer IDTrainer raises :class:`migrations.SchemaTooNewError`
        before anything is written to it. An older file is backed up to
        ``backups`` (default: ``backups/`` beside it) and then migrated. A file or
        folder that cannot be written is opened for reading only (``read_only``).
        Every failure a person can act on is a :class:`StoreError` naming the file.
        """
        path = Path(path)
        created = _preflight(path)
        writable = _writable(path)
        try:
            conn = _connect(path, read_only=not writable)
        except sqlite3.Error as exc:
            raise _open_error(exc, path) from exc
        read_only = not writable
        try:
            try:
                version = _read_version(conn)
                if version > migrations.LATEST:
                    raise migrations.SchemaTooNewError(path, version, migrations.LATEST)
                if writable:
                    try:
                        _configure(conn, wal=True)
                    except sqlite3.OperationalError as exc:
                        if not _is_read_only(exc) or created:
                            raise
                        conn.close()  # e.g. a file the folder permissions let us not write
                        conn, read_only = _connect(path, read_only=True), True
                if read_only:
                    _configure_read_only(conn)
                    if version < migrations.LATEST:
                        raise StoreReadOnlyError(_(
                            "{path}: this database must be upgraded to this IDTrainer's "
                            "format, but it is read-only; copy it to a folder you can "
                            "write to").format(path=path))
                else:
                    migrations.migrate(conn, path=path,
                                       backups=backups or path.parent / "backups")
                store = cls(conn, path=path, media_root=media_root or path.parent / "media",
                            clock=clock, read_only=read_only)
            except (sqlite3.Error, OSError) as exc:
                raise _open_error(exc, path) from exc
        except BaseException:
            conn.close()
            if created:  # a first start that failed (e.g. a full disk) leaves nothing
                _remove_database(path)
            raise
        if read_only:
            log.info("%s opened read-only", path)
        return store

    def open_worker(self) -> Store:
        """A second Store on the same file, for one worker thread; close it when the
        work ends. No migrations run (the file is open already); SQLite's WAL lets it
        read beside the GUI's connection, and writes take turns (``BEGIN IMMEDIATE``
        and the busy timeout). See docs/architecture.md, "Threads"."""
        if self.path is None:
            raise StoreError(_("an in-memory database cannot be opened on another thread"))
        try:
            conn = _connect(self.path, read_only=self.read_only)
            if self.read_only:
                _configure_read_only(conn)
            else:
                _configure(conn, wal=False)  # WAL is a property of the file, set already
        except sqlite3.Error as exc:
            raise _open_error(exc, self.path) from exc
        return Store(conn, path=self.path, media_root=self.media_root, clock=self.clock,
                     read_only=self.read_only, checkpoint_on_close=False)

    @classmethod
    def memory(cls, media_root: Path, *, clock: Clock = utc_now) -> Store:
        """A throwaway in-memory store (tests, benchmarks)."""
        conn = sqlite3.connect(":memory:", isolation_level=None)
        _configure(conn, wal=False)
        migrations.migrate(conn, path=None, backups=None)
        return cls(conn, path=None, media_root=media_root, clock=clock)

    def close(self) -> None:
        if self.conn is None:
            return
        if self._checkpoint_on_close and self.path is not None:
            # Fold the WAL back so a copied .sqlite file is complete on its own. Not for
            # a read-only file, and never fatal: the WAL is folded back on the next open.
            try:
                # Without waiting: another IDTrainer writing now folds it back itself.
                self.conn.execute("PRAGMA busy_timeout = 0")
                self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error as exc:
                log.info("%s: WAL not folded back on close: %s", self.path, exc)
        self.conn.close()
        self.conn = None  # type: ignore[assignment]

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions and rows --------------------------------------------------------

    @cached_property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils over the same connection, for schema work and introspection.

        Imported on first use: it pulls in numpy and plugins, which start-up can do
        without."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn, execute_plugins=False)

    @contextmanager
    def transaction(self, *, defer_foreign_keys: bool = False) -> Iterator[Store]:
        """One transaction; nested calls become savepoints. Rolls back on any error.

        The same protocol as sqlite-utils' ``Database.atomic()``, so the two nest.
        ``defer_foreign_keys`` checks references at commit instead of at each row, for
        loads whose rows point at each other (lookalikes, bundles); a dangling reference
        still fails the commit and rolls everything back."""
        if self.conn.in_transaction:
            if defer_foreign_keys:
                self.conn.execute("PRAGMA defer_foreign_keys = ON")
            if self._flat:
                yield self
                return
            name = f"idtrainer_{next(self._savepoints)}"
            self.conn.execute(f"SAVEPOINT {name}")
            mark = self._pending.mark()
            try:
                yield self
            except BaseException:
                self._pending.rollback_to(mark)
                if self.conn.in_transaction:
                    self.conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                    self.conn.execute(f"RELEASE SAVEPOINT {name}")
                raise
            self.conn.execute(f"RELEASE SAVEPOINT {name}")
            return
        if self.read_only:
            raise read_only_error(self.path)
        # IMMEDIATE: take the write lock now, waiting up to the busy timeout, instead of
        # failing on the upgrade from reading to writing halfway through the work.
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            self._raise_clear(exc)
            raise
        if defer_foreign_keys:
            self.conn.execute("PRAGMA defer_foreign_keys = ON")  # reset by SQLite at commit
        try:
            yield self
        except BaseException as exc:
            self._pending.clear()
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            self._raise_clear(exc)
            raise
        try:
            self.conn.execute("COMMIT")
        except BaseException as exc:
            self._pending.clear()
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            self._raise_clear(exc)
            raise
        self.changes.publish(self._pending.take())

    @contextmanager
    def batch(self, *, defer_foreign_keys: bool = False) -> Iterator[Store]:
        """One transaction in which nested transactions are not savepoints, for work that
        checks everything before it writes (bundles.import_many): a savepoint copies
        every page it changes aside, to be able to roll back to it, and a class's answers
        change pages all over the indexes. A nested part that fails after writing cannot
        be rolled back alone: the caller then rolls the whole batch back (by raising out
        of it) and does the work again without a batch."""
        with self.transaction(defer_foreign_keys=defer_foreign_keys):
            self._flat = True
            try:
                yield self
            finally:
                self._flat = False

    def changed(self, table: str, uuids: Iterable[str] | None = None) -> None:
        """Record that rows of ``table`` changed; subscribers hear of it after the commit.

        ``put`` and ``tombstone`` call this themselves; a manager that writes its own SQL
        calls it inside the same transaction. ``uuids`` None: rows not listed one by one."""
        self._pending.record(table, uuids)
        if not self.conn.in_transaction:  # autocommitted already
            self.changes.publish(self._pending.take())

    def _raise_clear(self, exc: BaseException) -> None:
        """Raise the clear message for a busy, full, read-only or damaged database."""
        if isinstance(exc, sqlite3.DatabaseError) and \
                not isinstance(exc, sqlite3.IntegrityError):
            clear = store_error(exc, self.path)
            if clear is not None:
                raise clear from exc

    def now(self) -> str:
        return iso(self.clock())

    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def query(self, sql: str, params: tuple | dict = ()) -> list[dict[str, Any]]:
        cursor = self.conn.execute(sql, params)
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def query_one(self, sql: str, params: tuple | dict = ()) -> dict[str, Any] | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def scalar(self, sql: str, params: tuple | dict = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None

    @contextmanager
    def journal(self) -> Iterator[dict[tuple[str, str], dict[str, Any] | None]]:
        """Note every row :meth:`put` (and :meth:`tombstone`) touches while the block runs:
        yields {(table, uuid): the row as it was before its first change, or None if it
        did not exist}, filled as the block writes. The authoring session's undo uses it
        (core/authoring.py). A journal inside a journal shares the outer one."""
        if self._journal is not None:
            yield self._journal
            return
        self._journal = {}
        try:
            yield self._journal
        finally:
            self._journal = None

    def put(self, table: str, row: dict[str, Any]) -> PutResult:
        """Insert or update a synced row by uuid, stamping the sync columns.

        An update that changes nothing leaves ``rev`` alone, so reloading the
        same content or saving an unchanged form does not make a new revision.
        Undeleting happens by passing ``deleted=0`` explicitly.
        """
        values = self.put_values(table, row)
        with self.transaction():
            current = self.query_one(f"SELECT * FROM [{table}] WHERE uuid = ?",
                                     (values["uuid"],))
            if self._journal is not None:
                self._journal.setdefault((table, str(values["uuid"])), current)
            if current is None:
                data = self.new_row(table, values)
                cols = ", ".join(f"[{c}]" for c in data)
                marks = ", ".join("?" for _ in data)
                self.conn.execute(f"INSERT INTO [{table}] ({cols}) VALUES ({marks})",
                                  tuple(data.values()))
                self.changed(table, [values["uuid"]])
                return "added"
            changed = self.changed_values(current, values)
            if not changed:
                return "unchanged"
            data = {**changed, "rev": current["rev"] + 1, "updated_at": self.now(),
                    "updated_by": self.device_id}
            sets = ", ".join(f"[{c}] = ?" for c in data)
            self.conn.execute(f"UPDATE [{table}] SET {sets} WHERE uuid = ?",
                              (*data.values(), values["uuid"]))
            self.changed(table, [values["uuid"]])
            return "updated"

    def put_values(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        """``row`` as :meth:`put` writes it: SQL values, without the sync columns it sets."""
        values = {k: _to_sql(v) for k, v in row.items()
                  if k not in SYNC_COLUMNS[1:4] and k != ORIGIN_COLUMN}
        if "uuid" not in values:
            raise ValueError(f"{table}: a row needs a uuid")
        return values

    @staticmethod
    def changed_values(current: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        """What :meth:`put` changes in the existing row ``current`` for ``values`` (of
        :meth:`put_values`): the columns whose values differ; an update brings a deleted
        row back unless it says ``deleted`` itself. Empty: nothing to write, no new
        revision."""
        if current.get("deleted") and "deleted" not in values:
            values["deleted"] = 0
        return {k: v for k, v in values.items() if current.get(k) != v}

    def new_row(self, table: str, values: dict[str, Any]) -> dict[str, Any]:
        """The row :meth:`put` inserts for ``values`` (of :meth:`put_values`) when no row
        has its uuid: not deleted, revision 1, stamped, and originated here."""
        values.setdefault("deleted", 0)
        # The device a row originated on never changes (docs/security.md).
        if ORIGIN_COLUMN in current_columns(self, table):
            values[ORIGIN_COLUMN] = self.device_id
        return {**values, "rev": 1, "updated_at": self.now(), "updated_by": self.device_id}

    def insert_new(self, table: str, rows: list[dict[str, Any]]) -> None:
        """Insert rows made by :meth:`new_row` (uuids not in the table yet) with one
        ``executemany`` per set of columns: what many :meth:`put` calls would write into
        an empty table, without a lookup and a savepoint per row."""
        groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
        for data in rows:
            groups.setdefault(tuple(data), []).append(tuple(data.values()))
        with self.transaction():
            for cols, params in groups.items():
                names = ", ".join(f"[{c}]" for c in cols)
                marks = ", ".join("?" for _ in cols)
                self.conn.executemany(f"INSERT INTO [{table}] ({names}) VALUES ({marks})",
                                      params)
            self.changed(table, [data["uuid"] for data in rows])

    def tombstone(self, table: str, uuid: str) -> PutResult:
        """Mark a synced row deleted (a tombstone travels like any edit)."""
        return self.put(table, {"uuid": uuid, "deleted": 1})

    def count(self, table: str, *, include_deleted: bool = False) -> int:
        where = "" if include_deleted else " WHERE deleted = 0"
        return int(self.scalar(f"SELECT count(*) FROM [{table}]{where}"))

    # -- settings (local to this installation) ----------------------------------------

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        value = self.scalar("SELECT value FROM settings WHERE key = ?", (key,))
        return default if value is None else value

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))
            self.changed("settings", [key])

    def _ensure_device_id(self) -> str:
        """This installation's device id: on a new installation, the id of its device key
        (so a results bundle's device id and signing key cannot be told apart); an older
        installation keeps its random id, bound to its key on the trainer's laptop at the
        first import after the upgrade (docs/security.md)."""
        device = self.get_setting("device_id")
        if device is None and self.read_only:
            return ""  # nothing this store writes needs it
        if device is None:
            from idtrainer.core.keys import KeyManager

            device = KeyManager(self).device()[0]
            self.set_setting("device_id", device)
        return device

    # -- maintenance ------------------------------------------------------------------

    def check(self) -> list[str]:
        """Integrity and foreign-key problems, as readable lines; empty when sound."""
        problems = [row[0] for row in self.conn.execute("PRAGMA integrity_check")
                    if row[0] != "ok"]
        for table, rowid, parent, _fk in self.conn.execute("PRAGMA foreign_key_check"):
            problems.append(f"{table} row {rowid}: refers to a missing row in {parent}")
        return problems

    def backup_to(self, target: str | Path) -> Path:
        """A consistent copy of the live database (SQLite's backup API)."""
        target = Path(target)
        if target.exists() and target.is_dir():
            raise StoreError(f"{target}: is a folder; give a file name for the backup")
        return migrations.backup_file(self.conn, target)


def _disk_full(path: Path | str | None) -> bool:
    if path is None:
        return False
    try:
        return shutil.disk_usage(Path(path).parent).free < FULL_BELOW_BYTES
    except OSError:
        return False


def _preflight(path: Path) -> bool:
    """Clear messages for what SQLite would report obscurely; True if the database file
    does not exist yet (this open creates it)."""
    if path.is_dir():
        raise StoreError(_("{path}: is a folder where the database file should be; move "
                           "it away or choose another data folder").format(path=path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(_("{folder}: the data folder cannot be created ({reason})").format(
            folder=path.parent, reason=exc.strerror or exc)) from exc
    if not path.exists():
        if not os.access(path.parent, os.W_OK):
            raise StoreReadOnlyError(_(
                "{folder}: the data folder is read-only, so no database can be created "
                "in it; choose another data folder").format(folder=path.parent))
        return True
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise StoreError(_("{path}: the database cannot be read ({reason})").format(
            path=path, reason=exc.strerror or exc)) from exc
    if size == 0:
        return False  # SQLite treats an empty file as a new database
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise StoreDamagedError(_(
            "{path}: not an IDTrainer database (the file is not an SQLite database); "
            "restore it from a backup or move it away to start afresh").format(path=path))
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    counts_valid = header[24:28] == header[92:96]
    wal = path.with_name(path.name + "-wal")
    wal_pending = wal.exists() and wal.stat().st_size > 0
    if counts_valid and not wal_pending and size < pages * page_size:
        raise StoreDamagedError(_(
            "{path}: the database file is truncated ({size} of {expected} bytes); restore "
            "it from a backup or move it away to start afresh").format(
            path=path, size=size, expected=pages * page_size))
    return False


def _writable(path: Path) -> bool:
    """Whether the database, its folder (for the WAL files) and the medium can be
    written. False on a read-only medium even for root (access() reports EROFS)."""
    return os.access(path.parent, os.W_OK) and (not path.exists() or
                                                os.access(path, os.W_OK))


def _connect(path: Path, *, read_only: bool) -> sqlite3.Connection:
    if not read_only:
        # isolation_level None: transactions only where Store.transaction() opens them.
        return sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    uri = path.resolve().as_uri() + "?mode=ro"
    wal = path.with_name(path.name + "-wal")
    if not (wal.exists() and wal.stat().st_size > 0):
        # No pending WAL: nothing to read beside the file, and "immutable" lets SQLite
        # read it without creating -wal/-shm files, which a read-only folder forbids.
        uri += "&immutable=1"
    return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                           isolation_level=None)


def _read_version(conn: sqlite3.Connection) -> int:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _is_read_only(exc: sqlite3.Error) -> bool:
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN"))


def _open_error(exc: BaseException, path: Path) -> BaseException:
    if isinstance(exc, OSError) and exc.errno not in (errno.ENOSPC, errno.EDQUOT):
        return StoreError(_("{path}: the database cannot be opened ({reason})").format(
            path=exc.filename or path, reason=exc.strerror or exc))
    found = store_error(exc, path)
    if found is not None:
        return found
    if isinstance(exc, sqlite3.DatabaseError):
        return StoreDamagedError(_(
            "{path}: not a readable IDTrainer database ({reason}); restore it from a "
            "backup or move it away to start afresh").format(path=path, reason=exc))
    return exc


def _remove_database(path: Path) -> None:
    for name in (path.name, path.name + "-wal", path.name + "-shm", path.name + "-journal"):
        try:
            (path.parent / name).unlink(missing_ok=True)
        except OSError:
            log.warning("%s: could not remove the unfinished database", path)


def _configure_read_only(conn: sqlite3.Connection) -> None:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA query_only = ON")


def current_columns(store: Store, table: str) -> frozenset[str]:
    """The columns of ``table``, read once per connection."""
    cache = store.__dict__.setdefault("_columns", {})
    if table not in cache:
        cache[table] = frozenset(r[1] for r in store.conn.execute(
            f"PRAGMA table_info([{table}])"))
    return cache[table]


def _configure(conn: sqlite3.Connection, *, wal: bool) -> None:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
    if wal:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal":  # e.g. a read-only medium; still usable
            conn.execute("PRAGMA journal_mode = DELETE")
    # FULL: a committed answer survives a laptop losing power mid-exam, not only a crash.
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")


def _to_sql(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, dt.datetime):
        return iso(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
