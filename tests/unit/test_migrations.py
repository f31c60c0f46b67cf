from __future__ import annotations

import hashlib
import sqlite3
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


@pytest.mark.parametrize("old", [v for v, _step in migrations.MIGRATIONS[:-1]])
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
