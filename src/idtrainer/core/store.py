"""Store: the one object over an installation's SQLite file.

The GUI, the CLI, the tests and the benchmarks hold one ``Store`` and call its
per-area managers (``store.species``, ``store.lessons``, ``store.questions``,
``store.trainees``, ``store.media``, ``store.search``, ``store.texts``).
Managers build their queries on :meth:`Store.put` and :meth:`Store.transaction`;
nothing outside ``idtrainer.core`` writes SQL.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import sqlite3
import uuid as _uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from idtrainer.core import migrations
from idtrainer.core.errors import IDTrainerError
from idtrainer.core.schema import ORIGIN_COLUMN, SYNC_COLUMNS

if TYPE_CHECKING:
    import sqlite_utils

Clock = Callable[[], dt.datetime]
PutResult = Literal["added", "updated", "unchanged"]

#: Namespace for uuids derived from content ids, so every laptop gets the same ones.
CONTENT_NAMESPACE = _uuid.UUID("6f1d7a52-3c1e-4f0a-9b57-8e2f4c1d2a90")

BUSY_TIMEOUT_MS = 10_000


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso(moment: dt.datetime) -> str:
    """UTC ISO-8601 with microseconds, so timestamps sort as text."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def content_uuid(kind: str, ident: str) -> str:
    """The stable uuid of a content item, derived from its kind and id."""
    return str(_uuid.uuid5(CONTENT_NAMESPACE, f"{kind}:{ident}"))


def new_uuid() -> str:
    return str(_uuid.uuid4())


class StoreError(IDTrainerError, RuntimeError):
    """A store operation failed for a reason a person can act on."""


class Store:
    """An open IDTrainer database. Use :meth:`open`; close it when done."""

    def __init__(self, conn: sqlite3.Connection, *, path: Path | None, media_root: Path,
                 clock: Clock = utc_now) -> None:
        self.conn = conn
        self.path = path
        self._savepoints = itertools.count()
        self.clock = clock
        self.media_root = media_root
        self.device_id = self._ensure_device_id()

        from idtrainer.core.attempts import AttemptManager
        from idtrainer.core.certificates import CertificateManager
        from idtrainer.core.classes import ClassManager
        from idtrainer.core.keys import KeyManager
        from idtrainer.core.lessons import LessonManager
        from idtrainer.core.media import MediaManager
        from idtrainer.core.practice import PracticeManager
        from idtrainer.core.progress import ProgressManager
        from idtrainer.core.questions import QuestionManager
        from idtrainer.core.quizzes import QuizManager
        from idtrainer.core.search import SearchManager
        from idtrainer.core.species import SpeciesManager
        from idtrainer.core.texts import TextManager
        from idtrainer.core.trainees import TraineeManager
        from idtrainer.core.trainer_auth import TrainerAuth

        self.texts = TextManager(self)
        self.media = MediaManager(self)
        self.search = SearchManager(self)
        self.species = SpeciesManager(self)
        self.lessons = LessonManager(self)
        self.questions = QuestionManager(self)
        self.trainees = TraineeManager(self)
        self.progress = ProgressManager(self)
        self.trainer = TrainerAuth(self)
        self.keys = KeyManager(self)
        self.classes = ClassManager(self)
        self.certificates = CertificateManager(self)
        self.quizzes = QuizManager(self)
        self.attempts = AttemptManager(self)
        self.practice = PracticeManager(self)

    # -- opening and closing ----------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, media_root: Path | None = None,
             backups: Path | None = None, clock: Clock = utc_now) -> Store:
        """Open (creating if needed) and migrate the database at ``path``.

        A file from a newer IDTrainer raises :class:`migrations.SchemaTooNewError`
        before anything is written to it. An older file is backed up to
        ``backups`` (default: ``backups/`` beside it) and then migrated.
        """
        path = Path(path)
        migrations.check_openable(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000,
                                   check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreError(f"{path}: cannot open the database: {exc}") from exc
        try:
            _configure(conn, wal=True)
            migrations.migrate(conn, path=path, backups=backups or path.parent / "backups")
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreError(f"{path}: not a readable IDTrainer database ({exc})") from exc
        except BaseException:
            conn.close()
            raise
        return cls(conn, path=path, media_root=media_root or path.parent / "media", clock=clock)

    @classmethod
    def memory(cls, media_root: Path, *, clock: Clock = utc_now) -> Store:
        """A throwaway in-memory store (tests, benchmarks)."""
        conn = sqlite3.connect(":memory:", check_same_thread=False)
        _configure(conn, wal=False)
        migrations.migrate(conn, path=None, backups=None)
        return cls(conn, path=None, media_root=media_root, clock=clock)

    def close(self) -> None:
        if self.conn is not None:
            if self.path is not None:
                # Fold the WAL back so a copied .sqlite file is complete on its own.
                self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
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
            name = f"idtrainer_{next(self._savepoints)}"
            self.conn.execute(f"SAVEPOINT {name}")
            try:
                yield self
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                    self.conn.execute(f"RELEASE SAVEPOINT {name}")
                raise
            self.conn.execute(f"RELEASE SAVEPOINT {name}")
            return
        self.conn.execute("BEGIN")
        if defer_foreign_keys:
            self.conn.execute("PRAGMA defer_foreign_keys = ON")  # reset by SQLite at commit
        try:
            yield self
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        try:
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

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

    def put(self, table: str, row: dict[str, Any]) -> PutResult:
        """Insert or update a synced row by uuid, stamping the sync columns.

        An update that changes nothing leaves ``rev`` alone, so reloading the
        same content or saving an unchanged form does not make a new revision.
        Undeleting happens by passing ``deleted=0`` explicitly.
        """
        values = {k: _to_sql(v) for k, v in row.items()
                  if k not in SYNC_COLUMNS[1:4] and k != ORIGIN_COLUMN}
        if "uuid" not in values:
            raise ValueError(f"{table}: a row needs a uuid")
        with self.transaction():
            current = self.query_one(f"SELECT * FROM [{table}] WHERE uuid = ?",
                                     (values["uuid"],))
            stamp = {"updated_at": self.now(), "updated_by": self.device_id}
            if current is None:
                values.setdefault("deleted", 0)
                # The device a row originated on never changes (docs/security.md).
                if ORIGIN_COLUMN in current_columns(self, table):
                    values[ORIGIN_COLUMN] = self.device_id
                data = {**values, "rev": 1, **stamp}
                cols = ", ".join(f"[{c}]" for c in data)
                marks = ", ".join("?" for _ in data)
                self.conn.execute(f"INSERT INTO [{table}] ({cols}) VALUES ({marks})",
                                  tuple(data.values()))
                return "added"
            if current.get("deleted") and "deleted" not in values:
                values["deleted"] = 0
            changed = {k: v for k, v in values.items() if current.get(k) != v}
            if not changed:
                return "unchanged"
            data = {**changed, "rev": current["rev"] + 1, **stamp}
            sets = ", ".join(f"[{c}] = ?" for c in data)
            self.conn.execute(f"UPDATE [{table}] SET {sets} WHERE uuid = ?",
                              (*data.values(), values["uuid"]))
            return "updated"

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

    def _ensure_device_id(self) -> str:
        """This installation's device id: on a new installation, the id of its device key
        (so a results bundle's device id and signing key cannot be told apart); an older
        installation keeps its random id, bound to its key on the trainer's laptop at the
        first import after the upgrade (docs/security.md)."""
        device = self.get_setting("device_id")
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
