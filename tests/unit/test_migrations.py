from __future__ import annotations

import hashlib
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from idtrainer.core import migrations
from idtrainer.core.migrations import LATEST, SchemaTooNewError
from idtrainer.core.store import Store


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def schema_of(conn: sqlite3.Connection) -> list[tuple]:
    return sorted(conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"))


def test_empty_file_is_migrated_to_latest(tmp_path: Path):
    path = tmp_path / "new.sqlite"
    with Store.open(path) as store:
        assert store.schema_version() == LATEST
        tables = set(store.db.table_names())
    for table in ("taxa", "cites_listings", "species", "species_features", "species_products",
                  "lookalikes", "media", "courses", "modules", "lessons", "questions",
                  "question_options", "quizzes", "quiz_rules", "trainees", "classes",
                  "attempts", "answers", "certificates", "keys", "trusted_keys", "sync_log",
                  "texts", "search_index", "search_index_fts", "practice_reviews"):
        assert table in tables


def test_zero_byte_file_is_treated_as_new(tmp_path: Path):
    path = tmp_path / "empty.sqlite"
    path.write_bytes(b"")
    with Store.open(path) as store:
        assert store.schema_version() == LATEST


def test_reopening_applies_nothing_and_makes_no_backup(tmp_path: Path):
    path = tmp_path / "db.sqlite"
    Store.open(path).close()
    Store.open(path).close()
    assert not (tmp_path / "backups").exists()


# Versions may have gaps while branches merge: test every version that exists.
@pytest.mark.parametrize("old", [v for v, _step in migrations.MIGRATIONS if v < LATEST])
def test_each_older_version_migrates_with_backup(tmp_path: Path, old: int):
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    migrations.migrate(conn, path=path, backups=None, target=old)
    conn.close()
    with Store.open(path) as store:
        assert store.schema_version() == LATEST
        migrated = schema_of(store.conn)
    fresh = sqlite3.connect(tmp_path / "fresh.sqlite")
    migrations.migrate(fresh, path=None, backups=None)
    assert migrated == schema_of(fresh)
    backups = list((tmp_path / "backups").glob(f"old-v{old}-*.sqlite"))
    assert len(backups) == 1
    assert migrations.read_version(backups[0]) == old


def test_newer_file_is_refused_and_left_untouched(tmp_path: Path):
    path = tmp_path / "future.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE x (a)")
    conn.execute(f"PRAGMA user_version = {LATEST + 5}")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(SchemaTooNewError) as info:
        Store.open(path)
    assert str(LATEST + 5) in str(info.value) and "newer" in str(info.value)
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["future.sqlite"]


def test_failed_step_rolls_back_and_keeps_version(tmp_path: Path, monkeypatch):
    path = tmp_path / "db.sqlite"
    conn = sqlite3.connect(path)

    def broken(c):
        c.execute("CREATE TABLE half_done (a)")
        raise RuntimeError("step failed")

    monkeypatch.setattr(migrations, "MIGRATIONS", [(1, broken)])
    with pytest.raises(RuntimeError):
        migrations.migrate(conn, path=path, backups=None, target=1)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'"
                        ).fetchone()[0] == 0


def test_not_a_database_gives_a_clear_error(tmp_path: Path):
    from idtrainer.core.store import StoreError

    path = tmp_path / "junk.sqlite"
    path.write_bytes(b"this is not sqlite at all" * 100)
    before = digest(path)
    with pytest.raises((StoreError, sqlite3.DatabaseError)) as info:
        Store.open(path)
    assert "junk.sqlite" in str(info.value) or "not a database" in str(info.value)
    assert digest(path) == before


def expected_v1() -> list[tuple[str, str, str, str | None]]:
    """tests/data/schema_v1.sql read back: (type, name, table, sql) in creation order."""
    text = (Path(__file__).parents[1] / "data" / "schema_v1.sql").read_text(encoding="utf-8")
    entries = []
    for block in re.split(r"^(?=-- (?:table|index|trigger|view) )", text, flags=re.M)[1:]:
        head, _newline, sql = block.partition("\n")
        kind, name, _on, table = head[3:].split()
        sql = sql.rstrip("\n")
        entries.append((kind, name, table, sql.removesuffix(";") if sql else None))
    return entries


#: Tables the FTS5 module creates for search_index_fts. Their SQL is SQLite's own and
#: may differ between SQLite versions, so only their presence is compared.
FTS5_SHADOWS = {f"search_index_fts_{part}" for part in ("data", "idx", "docsize", "config")}


def test_v1_creates_exactly_the_released_schema():
    """v1 is literal SQL: neither an edited constant nor a new sqlite-utils changes it."""
    conn = sqlite3.connect(":memory:")
    migrations.migrate(conn, path=None, backups=None, target=1)
    built = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid"
                         ).fetchall()
    expected = expected_v1()
    assert len(expected) == 101
    assert [row[:3] for row in built] == [row[:3] for row in expected]
    assert [row for row in built if row[1] not in FTS5_SHADOWS] == \
        [row for row in expected if row[1] not in FTS5_SHADOWS]
    # and the index works: the triggers keep it in step with search_index
    conn.execute("INSERT INTO taxa (uuid, scientific_name, updated_at, updated_by) "
                 "VALUES ('t', 'Saiga tatarica', 'now', 'me')")
    conn.execute("INSERT INTO search_index VALUES ('t', 'saiga sajgak')")
    conn.execute("UPDATE search_index SET names = 'saiga kiik' WHERE taxon_uuid = 't'")
    assert conn.execute("SELECT count(*) FROM search_index_fts WHERE search_index_fts "
                        "MATCH 'kiik'").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM search_index_fts WHERE search_index_fts "
                        "MATCH 'sajgak'").fetchone()[0] == 0


def test_migrating_needs_no_sqlite_utils():
    code = ("import sqlite3, sys\n"
            "from idtrainer.core import migrations\n"
            "migrations.migrate(sqlite3.connect(':memory:'), path=None, backups=None)\n"
            "print('sqlite_utils' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


def test_v10_lets_language_columns_take_any_registered_language(tmp_path: Path):
    """Step 10 widens every CHECK on the four first languages, also in a table another
    step (trust's certificates rebuild) created with the same check, and keeps the rows."""
    path = tmp_path / "db.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    migrations.migrate(conn, path=path, backups=tmp_path, target=5)
    conn.execute("INSERT INTO texts VALUES ('t1', 'species', 's1', 'name', 'kk', 'Ақбөкен', "
                 "'machine', 1, 'x', 'y', 0)")
    conn.execute("CREATE TABLE rebuilt (uuid TEXT PRIMARY KEY, "
                 "language TEXT NOT NULL CHECK (language IN ('en','ru','kk','uz')))")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO texts VALUES ('t2', 'species', 's1', 'name', 'ky', 'Сайгак', "
                     "'machine', 1, 'x', 'y', 0)")
    assert 10 in migrations.migrate(conn, path=path, backups=tmp_path)
    for locale in ("ky", "tg", "uz-Cyrl"):
        conn.execute("INSERT INTO texts (uuid, owner_table, owner_uuid, field, locale, value, "
                     "status, rev, updated_at, updated_by, deleted) VALUES (?, 'species', "
                     "'s1', 'name', ?, 'v', 'machine', 1, 'x', 'y', 0)", (f"t-{locale}", locale))
        conn.execute("INSERT INTO rebuilt VALUES (?, ?)", (locale, locale))
    for bad in ("", "x", "uz Cyrl", "kk'; --", "a-very-long-code"):
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute("INSERT INTO rebuilt VALUES (?, ?)", (f"bad{bad}", bad))
    assert conn.execute("SELECT value FROM texts WHERE uuid = 't1'").fetchone() == ("Ақбөкен",)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    left = [name for name, sql in conn.execute("SELECT name, sql FROM sqlite_master "
                                                "WHERE sql LIKE '%''kk''%'")]
    assert left == []
    conn.close()


def _replayed(conn: sqlite3.Connection) -> sqlite3.Connection:
    """``conn`` built step by step, as an older database is."""
    applied = migrations.migrate(conn, path=None, backups=None, snapshot=False)
    assert applied == [v for v, _ in migrations.MIGRATIONS]
    return conn


def _structure(conn: sqlite3.Connection) -> dict[str, object]:
    """Everything the schema is, read in forms no SQLite version words differently:
    each object's SQL without quoting or layout, and each table's and index's columns."""
    def plain(sql: str | None) -> str:
        return " ".join(re.sub(r"[\"`\[\]]", "", sql or "").replace("(", " ( ")
                        .replace(")", " ) ").replace(",", " , ").split())

    objects = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master "
                           "WHERE name NOT LIKE 'sqlite%' ORDER BY type, name").fetchall()
    found: dict[str, object] = {"version": conn.execute("PRAGMA user_version").fetchone()[0]}
    for kind, name, table, sql in objects:
        found[f"{kind} {name}"] = (table, plain(sql))
        if kind == "table":
            found[f"columns {name}"] = conn.execute(f"PRAGMA table_xinfo([{name}])").fetchall()
            found[f"keys {name}"] = conn.execute(
                f"PRAGMA foreign_key_list([{name}])").fetchall()
        if kind == "index":
            found[f"columns {name}"] = conn.execute(f"PRAGMA index_xinfo([{name}])").fetchall()
    return found


def test_a_new_database_gets_what_replaying_every_step_gives():
    """core/schema_latest.py is current: if this fails after a new step, run
    ``PYTHONPATH=src python tools/schema_snapshot.py``."""
    from idtrainer.core import schema_latest

    assert schema_latest.VERSION == LATEST, "run PYTHONPATH=src python tools/schema_snapshot.py"
    fresh = sqlite3.connect(":memory:", isolation_level=None)
    assert migrations.migrate(fresh, path=None, backups=None) == [v for v, _ in
                                                                  migrations.MIGRATIONS]
    replayed = _replayed(sqlite3.connect(":memory:", isolation_level=None))
    assert _structure(fresh) == _structure(replayed)
    assert len([k for k in _structure(fresh) if k.startswith("table ")]) > 40


def test_a_new_database_is_made_in_one_script_not_step_by_step(tmp_path: Path, monkeypatch):
    def never(_conn):
        raise AssertionError("a step ran on a new database")

    monkeypatch.setattr(migrations, "MIGRATIONS", [(v, never) for v, _ in
                                                   migrations.MIGRATIONS])
    with Store.open(tmp_path / "new.sqlite") as store:
        assert store.schema_version() == LATEST
        store.trainees.create("Асель Нурланова")  # and it works
        # the search index's triggers came with it
        store.conn.execute("INSERT INTO taxa (uuid, scientific_name, updated_at, updated_by) "
                           "VALUES ('t', 'Saiga tatarica', 'now', 'me')")
        store.conn.execute("INSERT INTO search_index VALUES ('t', 'saiga kiik')")
        assert store.conn.execute("SELECT count(*) FROM search_index_fts WHERE "
                                  "search_index_fts MATCH 'kiik'").fetchone()[0] == 1


def test_a_script_older_than_the_last_step_is_not_used(monkeypatch):
    from idtrainer.core import schema_latest

    monkeypatch.setattr(schema_latest, "VERSION", LATEST - 1)
    conn = sqlite3.connect(":memory:", isolation_level=None)
    migrations.migrate(conn, path=None, backups=None)
    assert _structure(conn) == _structure(_replayed(sqlite3.connect(":memory:",
                                                                    isolation_level=None)))


def test_a_script_that_fails_leaves_the_new_database_empty(tmp_path: Path, monkeypatch):
    from idtrainer.core import schema_latest

    monkeypatch.setattr(schema_latest, "SQL", schema_latest.SQL + "CREATE TABLE settings (x);\n")
    path = tmp_path / "new.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError, match="already exists"):
        migrations.migrate(conn, path=path, backups=None)
    assert not conn.in_transaction
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
