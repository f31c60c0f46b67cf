"""A laptop that dies (SIGKILL) in the middle of a bundle import keeps its database as
it was, and the same bundle imports afterwards (docs/architecture.md, "Sync")."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from idtrainer.core import bundles
from idtrainer.core.app_data import open_store
from idtrainer.core.store import Store, new_uuid

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="Windows has no SIGKILL")

KILL_AFTER_CHANGES = 1000  # two batches of updated rows, well inside the transaction

CHILD = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path

    from idtrainer.core import bundles
    from idtrainer.core.app_data import open_store

    store = open_store(Path(sys.argv[1]))
    # A small page cache spills uncommitted pages into the WAL file, so the kill
    # leaves half a transaction on disk, not only in memory.
    store.conn.execute("PRAGMA cache_size = 20")
    start = store.conn.total_changes

    def progress(done, total, label):
        written = store.conn.total_changes - start
        if store.conn.in_transaction and written >= int(sys.argv[3]):
            print(f"killed inside the transaction after {written} changes ({label})",
                  flush=True)
            os.kill(os.getpid(), signal.SIGKILL)

    bundles.import_bundle(store, Path(sys.argv[2]), progress=progress)
    print("the import finished: the kill never happened", flush=True)
""")


def laptop(starter_db: Path, folder: Path) -> Path:
    """A copy of the starter data with its own identity (device id, keys)."""
    shutil.copytree(starter_db, folder)
    s = Store.open(folder / "idtrainer.sqlite")
    with s.transaction():
        s.conn.execute("UPDATE settings SET value = ? WHERE key = 'device_id'", (new_uuid(),))
        s.conn.execute("DELETE FROM keys")
        s.conn.execute("DELETE FROM trusted_keys")
    s.close()  # folds the WAL back into the file
    return folder


def dump(store: Store) -> str:
    return "\n".join(store.conn.iterdump())


def trainer_bundle(starter_db: Path, tmp_path: Path) -> tuple[Path, bytes, int]:
    """Trainer A's content bundle with a new edition of every text: (path, key, texts)."""
    trainer = open_store(laptop(starter_db, tmp_path / "A"))
    try:
        trainer.trainer.set_password("steppe-eagle-7", name="Trainer Aigerim")
        kid = trainer.keys.publisher()[0]
        with trainer.transaction():  # so that B updates rows, not only reads them
            trainer.conn.execute(
                "UPDATE texts SET value = value || ' (2)', rev = rev + 1, updated_at = ?, "
                "updated_by = ?", (trainer.now(), trainer.device_id))
        bundle = bundles.export_bundle(trainer, "content", tmp_path / "course.idtb").path
        return bundle, trainer.keys.public_of(kid), trainer.count("texts")
    finally:
        trainer.close()


def kill_mid_import(folder: Path, bundle: Path) -> None:
    """Import ``bundle`` into the laptop in ``folder`` in a child process killed with
    SIGKILL inside the import's transaction."""
    src = Path(bundles.__file__).resolve().parents[3]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (str(src), os.environ.get("PYTHONPATH", "")) if p)}
    wal = folder / "idtrainer.sqlite-wal"
    wal_before = wal.stat().st_size if wal.exists() else 0
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(folder), str(bundle), str(KILL_AFTER_CHANGES)],
        capture_output=True, text=True, timeout=120, env=env)
    assert child.returncode == -signal.SIGKILL, child.stdout + child.stderr
    assert "killed inside the transaction" in child.stdout, child.stdout + child.stderr
    assert wal.exists() and wal.stat().st_size > wal_before  # half a transaction on disk


def test_a_kill_in_the_middle_of_an_import_changes_nothing(starter_db: Path, tmp_path: Path):
    bundle, public, texts = trainer_bundle(starter_db, tmp_path)
    assert texts > 3 * KILL_AFTER_CHANGES
    folder = laptop(starter_db, tmp_path / "B")
    b = open_store(folder)
    try:
        b.keys.trust(public, "publisher", "Trainer Aigerim")
        before = dump(b)
    finally:
        b.close()

    kill_mid_import(folder, bundle)

    b = open_store(folder)
    try:
        assert dump(b) == before
        assert b.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert b.check() == []
        summary = bundles.import_bundle(b, bundle)
        assert not summary.already_imported
        assert summary.tables["texts"]["updated"] == texts
        assert b.scalar("SELECT count(*) FROM texts WHERE value LIKE '% (2)'") == texts
        assert b.scalar("SELECT count(*) FROM sync_log WHERE direction = 'import'") == 1
        assert b.check() == []
    finally:
        b.close()


def test_a_kill_during_an_import_leaves_no_stray_media_files(starter_db: Path, tmp_path: Path):
    # B lost its pictures, so the import copies them aside before its transaction; the
    # copies of the killed import must not stay in the media folder for ever.
    bundle, public, _texts = trainer_bundle(starter_db, tmp_path)
    folder = laptop(starter_db, tmp_path / "B")
    shutil.rmtree(folder / "media")
    b = open_store(folder)
    try:
        b.keys.trust(public, "publisher", "Trainer Aigerim")
    finally:
        b.close()

    kill_mid_import(folder, bundle)

    b = open_store(folder)
    try:
        summary = bundles.import_bundle(b, bundle)
        assert summary.media_added == b.count("media") > 0
        assert b.media.missing_files() == []
        stray = sorted(p.name for p in (folder / "media").iterdir() if p.name.startswith("."))
        assert stray == []
    finally:
        b.close()
