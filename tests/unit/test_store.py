from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from idtrainer.core.store import Store, content_uuid


def taxon(uuid: str, name: str = "Saiga tatarica") -> dict:
    return {"uuid": uuid, "scientific_name": name}


def test_connection_settings(store: Store):
    assert store.scalar("PRAGMA journal_mode") == "wal"
    assert store.scalar("PRAGMA foreign_keys") == 1
    assert store.scalar("PRAGMA busy_timeout") >= 5000


def test_put_stamps_sync_columns_and_bumps_rev_only_on_change():
    moments = iter(dt.datetime(2026, 1, 1, 12, 0, s, tzinfo=dt.UTC) for s in range(10))
    store = Store.memory(Path("/nonexistent"), clock=lambda: next(moments))
    # Opening made the device key (and the device id derived from it) at the first tick.
    moments = iter(dt.datetime(2026, 1, 1, 12, 0, s, tzinfo=dt.UTC) for s in range(10))
    uuid = content_uuid("taxon", "x")
    assert store.put("taxa", taxon(uuid)) == "added"
    row = store.query_one("SELECT * FROM taxa WHERE uuid = ?", (uuid,))
    assert (row["rev"], row["deleted"], row["updated_by"]) == (1, 0, store.device_id)
    assert row["updated_at"] == "2026-01-01T12:00:00.000000Z"
    assert store.put("taxa", taxon(uuid)) == "unchanged"
    assert store.scalar("SELECT rev FROM taxa WHERE uuid = ?", (uuid,)) == 1
    assert store.put("taxa", taxon(uuid, "Saiga mongolica")) == "updated"
    row = store.query_one("SELECT * FROM taxa WHERE uuid = ?", (uuid,))
    assert row["rev"] == 2 and row["scientific_name"] == "Saiga mongolica"
    assert store.tombstone("taxa", uuid) == "updated"
    assert store.scalar("SELECT deleted FROM taxa WHERE uuid = ?", (uuid,)) == 1
    assert store.count("taxa") == 0 and store.count("taxa", include_deleted=True) == 1


def test_transaction_rolls_back_every_write(store: Store):
    with pytest.raises(RuntimeError), store.transaction():
        store.put("taxa", taxon("a"))
        with store.transaction():
            store.put("taxa", taxon("b"))
        raise RuntimeError("boom")
    assert store.count("taxa", include_deleted=True) == 0


def test_failed_put_inside_transaction_leaves_nothing(store: Store):
    with pytest.raises(sqlite3.IntegrityError), store.transaction():
        store.put("taxa", taxon("a"))
        store.put("cites_listings", {"uuid": "l", "taxon_uuid": "missing", "appendix": "I",
                                     "source": "s", "checked_on": "2026-01-01"})
    assert store.count("taxa", include_deleted=True) == 0


def test_check_constraints_guard_values(store: Store):
    store.put("taxa", taxon("t"))
    with pytest.raises(sqlite3.IntegrityError):
        store.put("cites_listings", {"uuid": "l", "taxon_uuid": "t", "appendix": "IV",
                                     "source": "s", "checked_on": "2026-01-01"})


def test_device_id_is_stable_across_opens(tmp_path: Path):
    path = tmp_path / "db.sqlite"
    with Store.open(path) as first:
        device = first.device_id
    with Store.open(path) as second:
        assert second.device_id == device


def test_backup_is_a_complete_database(store: Store, tmp_path: Path):
    store.put("taxa", taxon("t"))
    target = store.backup_to(tmp_path / "copy" / "backup.sqlite")
    with Store.open(target) as copy:
        assert copy.count("taxa") == 1
    assert not target.with_name("backup.sqlite.partial").exists()


def test_check_reports_foreign_key_problems(store: Store):
    assert store.check() == []
    store.conn.execute("PRAGMA foreign_keys = OFF")
    with store.transaction():
        store.put("species", {"uuid": "s", "slug": "x", "taxon_uuid": "gone",
                              "taxon_group": "mammals"})
    store.conn.execute("PRAGMA foreign_keys = ON")
    problems = store.check()
    assert len(problems) == 1 and "species" in problems[0] and "taxa" in problems[0]


def test_content_uuid_is_deterministic():
    assert content_uuid("species", "saiga-tatarica") == content_uuid("species", "saiga-tatarica")
    assert content_uuid("species", "a") != content_uuid("taxon", "a")


def test_deferred_foreign_keys_still_refuse_a_dangling_reference(store: Store):
    with store.transaction(defer_foreign_keys=True):
        store.put("cites_listings", {"uuid": "l", "taxon_uuid": "t", "appendix": "I",
                                     "source": "s", "checked_on": "2026-01-01"})
        store.put("taxa", taxon("t"))  # the parent arrives later: fine
    assert store.count("cites_listings") == 1
    with pytest.raises(sqlite3.IntegrityError), store.transaction(defer_foreign_keys=True):
        store.put("cites_listings", {"uuid": "l2", "taxon_uuid": "never", "appendix": "I",
                                     "source": "s", "checked_on": "2026-01-01"})
    assert store.count("cites_listings") == 1 and not store.conn.in_transaction
