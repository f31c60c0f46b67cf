"""Fault probes for the database itself: the real ``idtrainer`` command as a subprocess
against a damaged, locked, read-only or full-disk data folder. Each probe asserts the
exit code, exactly one clear line on stderr and no traceback, and that the database file
is byte-identical afterwards (issue 11, items 3 and 4)."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from idtrainer.core.app_data import open_store

DB = "idtrainer.sqlite"


def run(data: Path, *args: str) -> subprocess.CompletedProcess:
    # Writing commands are trainer commands: the password comes from the environment.
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "IDTRAINER_TRAINER_PASSWORD": "steppe-eagle-7"}
    return subprocess.run([sys.executable, "-m", "idtrainer", "--lang", "en",
                           "--data-dir", str(data), *args],
                          capture_output=True, text=True, env=env, timeout=120)


def refused(result: subprocess.CompletedProcess, code: int, *needles: str) -> str:
    """The one line on stderr; asserts the exit code and that it names the problem."""
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert result.returncode == code, result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def snapshot(data: Path) -> tuple[bytes, list[str]]:
    """The database file's bytes and the data folder's file names (no -wal left)."""
    wal = data / (DB + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    names = sorted(p.name for p in data.iterdir() if p.name not in ("logs", DB + "-shm",
                                                                    DB + "-wal"))
    return (data / DB).read_bytes(), names


def dump(path: Path) -> list[str]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture
def data(starter_db: Path, tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(starter_db, target)
    with open_store(target) as store:  # trainer mode set up: WRITING is a trainer command
        store.trainer.set_password("steppe-eagle-7", name="Trainer")
    return target


WRITING = ("classes", "create", "Group 7")


# -- damaged files ----------------------------------------------------------------------


@pytest.mark.parametrize("command", [("info",), ("db", "check"), WRITING],
                         ids=["info", "db-check", "classes-create"])
def test_a_truncated_database_is_named_as_such(data: Path, command: tuple[str, ...]):
    db = data / DB
    db.write_bytes(db.read_bytes()[: db.stat().st_size // 3])
    before = snapshot(data)
    line = refused(run(data, *command), 2, str(db), "truncated", "backup")
    assert "idtrainer: error:" in line
    assert snapshot(data) == before


def test_a_random_file_is_not_taken_for_a_database(data: Path):
    db = data / DB
    db.write_bytes(os.urandom(64 * 1024))
    before = snapshot(data)
    refused(run(data, *WRITING), 2, str(db), "not an IDTrainer database")
    assert snapshot(data) == before


def test_a_damaged_page_inside_is_named_as_damage(data: Path):
    db = data / DB
    raw = bytearray(db.read_bytes())
    page = int.from_bytes(raw[16:18], "big")
    for i in range(page, len(raw), page):  # every page after the first: garbage headers
        raw[i:i + 8] = b"\xff" * 8
    db.write_bytes(bytes(raw))
    before = snapshot(data)
    refused(run(data, "info"), 2, str(db), "damaged")
    assert snapshot(data) == before


def test_a_folder_where_the_database_should_be(tmp_path: Path):
    data = tmp_path / "data"
    (data / DB).mkdir(parents=True)
    refused(run(data, "info"), 2, str(data / DB), "is a folder")
    assert (data / DB).is_dir() and not any((data / DB).iterdir())


# -- another IDTrainer holds the database ------------------------------------------------


HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("holding", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
conn.close()
"""


@contextlib.contextmanager
def another_writer(db: Path) -> Iterator[None]:
    """A second process in the middle of a write transaction, until the block ends."""
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        yield
    finally:
        holder.communicate("done\n", timeout=30)


def test_a_database_held_by_another_idtrainer(data: Path):
    before = dump(data / DB)
    with another_writer(data / DB):
        reading = run(data, "info")
        writing = run(data, *WRITING)
    assert reading.returncode == 0 and not reading.stderr  # WAL: readers go on
    refused(writing, 2, "the database is in use by another IDTrainer window or command")
    assert dump(data / DB) == before
    assert run(data, *WRITING).returncode == 0  # and once it is free, the write works


# -- read-only ---------------------------------------------------------------------------


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[Path]:
    """``folder`` as a place nobody may write: permissions for a normal user, a
    read-only bind mount for root (permissions do not stop root)."""
    if os.geteuid() != 0:
        files = [p for p in folder.rglob("*")] + [folder]
        for p in files:
            p.chmod(p.stat().st_mode & ~0o222)
        try:
            yield folder
        finally:
            for p in files:
                p.chmod(p.stat().st_mode | 0o200)
        return
    view = folder.with_name(folder.name + "-ro")
    view.mkdir()
    if subprocess.run(["mount", "--bind", str(folder), str(view)],
                      capture_output=True).returncode != 0:
        pytest.skip("root, and no bind mount possible here: nothing is read-only to root")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(view)], check=True,
                       capture_output=True)
        yield view
    finally:
        subprocess.run(["umount", str(view)], check=True)


@pytest.fixture
def certificate(data: Path) -> str:
    with open_store(data) as store:
        store.trainer.unlock("steppe-eagle-7")
        return store.certificates.issue("Айгерим Сейітова", "CITES basics", "ru").payload


def test_a_read_only_data_folder_opens_for_reading(data: Path, certificate: str):
    before = snapshot(data)
    with read_only(data) as view:
        info = run(view, "info")
        check = run(view, "db", "check")
        verify = run(view, "certificates", "verify", certificate)
        write = run(view, *WRITING)
    assert info.returncode == 0 and "Species:" in info.stdout and not info.stderr
    assert check.returncode == 0 and "sound" in check.stdout and not check.stderr
    assert verify.returncode == 0 and "VALID" in verify.stdout and not verify.stderr
    refused(write, 2, "read-only", "opened for reading only")
    assert snapshot(data) == before  # no -wal or -shm left, not a byte changed


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="root writes a read-only file anyway (as it should)")
def test_a_read_only_database_file_in_a_writable_folder(data: Path):
    db = data / DB
    db.chmod(0o444)
    before = snapshot(data)
    try:
        assert run(data, "info").returncode == 0
        refused(run(data, *WRITING), 2, "read-only")
    finally:
        db.chmod(0o644)
    assert snapshot(data) == before


# -- a full disk -------------------------------------------------------------------------


@contextlib.contextmanager
def small_disk(where: Path, size: str) -> Iterator[Path]:
    """A real, small tmpfs (root only): disk-full errors as a full stick gives them."""
    where.mkdir()
    if os.geteuid() != 0 or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
            capture_output=True).returncode != 0:
        pytest.skip("a small tmpfs needs root and mount")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=True)


def fill(disk: Path) -> None:
    with (disk / "filler").open("wb") as fh, contextlib.suppress(OSError):
        while True:
            fh.write(b"\0" * 65536)
            fh.flush()


def test_a_full_disk_at_the_first_start(tmp_path: Path):
    with small_disk(tmp_path / "disk", "2M") as disk:
        refused(run(disk / "data", "info"), 2, "the disk is full")
        # Once there is room, the next start builds the starter content as usual.
        subprocess.run(["mount", "-o", "remount,size=64M", str(disk)], check=True)
        again = run(disk / "data", "info")
        assert again.returncode == 0, again.stderr
        assert "Species:" in again.stdout


@pytest.mark.parametrize("command", [("info",), WRITING], ids=["info", "classes-create"])
def test_a_full_disk_with_a_database_on_it(data: Path, tmp_path: Path,
                                           command: tuple[str, ...]):
    size = sum(p.stat().st_size for p in data.rglob("*") if p.is_file())
    with small_disk(tmp_path / "disk", f"{size // 1024 + 2048}k") as disk:
        shutil.copytree(data, disk / "data")
        fill(disk)
        before = snapshot(disk / "data")
        refused(run(disk / "data", *command), 2, "the disk is full")
        assert snapshot(disk / "data") == before
