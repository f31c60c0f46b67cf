"""Fault probes: each fault a person can meet ends in one clear line, the right exit code,
no traceback, and a database exactly as it was (compared as a full SQL dump).

The command runs as a person runs it: a subprocess on real files. A full disk is a real
small tmpfs where this machine lets us mount one (root on Linux); elsewhere those probes
are skipped and the in-process ones (SQLite's own "disk full") still run.
"""

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
from idtrainer.core.paths import DB_NAME

#: The trainer password of the `data` fixture; trainer commands read it from the environment.
TRAINER_PASSWORD = "steppe-eagle-7"


def run(*args: str | bytes, stdin: str | None = None, wait: bool = True
        ) -> subprocess.CompletedProcess | subprocess.Popen:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "IDTRAINER_TRAINER_PASSWORD": TRAINER_PASSWORD}
    argv = [sys.executable, "-m", "idtrainer", "--lang", "en", *args]
    if not wait:
        return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, text=True, env=env)
    return subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120,
                          input=stdin)


def dump(data: Path) -> list[str]:
    """The whole database as SQL, read-only (a reader changes nothing)."""
    conn = sqlite3.connect(f"file:{data / DB_NAME}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def one_clear_line(stream: str) -> str:
    assert "Traceback" not in stream, stream
    lines = [line for line in stream.splitlines() if line.strip()]
    assert len(lines) == 1, stream
    return lines[0]


@pytest.fixture
def data(tmp_path: Path, starter_db: Path) -> Path:
    """A laptop with the starter course and a publisher key (trainer mode)."""
    target = tmp_path / "data"
    shutil.copytree(starter_db, target)
    with open_store(target) as store:
        store.trainer.set_password(TRAINER_PASSWORD, name="Trainer")
    return target


@contextlib.contextmanager
def tmpfs(folder: Path, size: int, *, read_only: bool = False) -> Iterator[Path]:
    """A real file system of ``size`` bytes at ``folder``; the test is skipped where
    mounting is not permitted."""
    folder.mkdir(parents=True, exist_ok=True)
    if not sys.platform.startswith("linux") or shutil.which("mount") is None:
        pytest.skip("a small tmpfs needs Linux")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o",
                           f"size={size}" + (",ro" if read_only else ""), "tmpfs", str(folder)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


# -- bundles: writing -----------------------------------------------------------------------


@pytest.mark.parametrize("size", [256 * 1024, 3 * 2**20])
def test_exporting_to_a_full_stick_says_so_and_leaves_nothing(data: Path, tmp_path: Path,
                                                              size: int):
    before = dump(data)
    with tmpfs(tmp_path / "stick", size) as stick:
        result = run("--data-dir", str(data), "bundle", "export", "--kind", "content",
                     str(stick / "course.idtb"))
        left = sorted(p.name for p in stick.iterdir())
    assert result.returncode == 2, result.stderr
    line = one_clear_line(result.stderr)
    assert "course.idtb" in line and "No space left on device" in line
    assert left == []  # no bundle, no .partial
    assert dump(data) == before


# -- content files --------------------------------------------------------------------------


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the shipped content to spoil."""
    from idtrainer.core.resources import assets_dir

    target = tmp_path / "content"
    shutil.copytree(assets_dir(), target, ignore=shutil.ignore_patterns("fonts", "icons"))
    return target


def _a_lesson(content: Path) -> Path:
    return sorted((content / "course" / "modules").glob("*/*.ru.md"))[0]


@pytest.mark.parametrize("action", ["check", "load"])
def test_a_lesson_file_that_is_not_utf8(data: Path, content: Path, action: str):
    lesson = _a_lesson(content)
    lesson.write_bytes(lesson.read_text(encoding="utf-8").encode("cp1251", errors="replace"))
    before = dump(data)
    result = run("--data-dir", str(data), "content", action, str(content))
    assert result.returncode == 2
    line = one_clear_line(result.stderr)
    assert str(lesson) in line and "not UTF-8" in line
    assert dump(data) == before


@pytest.mark.parametrize("action", ["check", "load"])
def test_a_species_toml_that_is_a_folder(data: Path, content: Path, action: str):
    toml = sorted((content / "species").glob("*/species.toml"))[0]
    toml.unlink()
    toml.mkdir()
    before = dump(data)
    result = run("--data-dir", str(data), "content", action, str(content))
    assert result.returncode == 2
    line = one_clear_line(result.stderr)
    assert str(toml) in line and "is a folder" in line
    assert dump(data) == before


def test_a_lesson_that_is_a_folder(content: Path):
    lesson = _a_lesson(content)
    lesson.unlink()
    lesson.mkdir()
    result = run("content", "check", str(content))
    assert result.returncode == 2
    assert str(lesson) in one_clear_line(result.stderr)


# -- certificates ---------------------------------------------------------------------------


def issue(data: Path, out: Path, name: str | bytes = "Ирина Ким", course: str = "CITES"
          ) -> subprocess.CompletedProcess:
    return run("--data-dir", str(data), "certificates", "issue", "--name", name,
               "--course", course, "--lang", "ru", "--out", str(out))


def test_a_name_that_is_not_utf8_is_refused(data: Path, tmp_path: Path):
    before = dump(data)
    result = issue(data, tmp_path / "c.pdf", name=b"\xc8\xf0\xe8\xed\xe0 \xca\xe8\xec")
    assert result.returncode == 2
    assert "--name is not UTF-8 text" in one_clear_line(result.stderr)
    assert dump(data) == before and not (tmp_path / "c.pdf").exists()


@pytest.mark.parametrize("args", [
    ("bundle", "export", "--kind", "results", "--title", b"\xcd\xee\xf3\xf2", "{out}"),
    ("bundle", "export", "--kind", "content", "--module", b"\xec1", "{out}"),
    ("certificates", "print", "--class", b"\xc3\xf0\xf3\xef\xef\xe0", "--out", "{out}"),
], ids=["title", "module", "class"])
def test_other_arguments_that_are_not_utf8(data: Path, tmp_path: Path, args: tuple):
    out = str(tmp_path / "out.file")
    before = dump(data)
    result = run("--data-dir", str(data), *(out if a == "{out}" else a for a in args))
    assert result.returncode == 2
    assert "is not UTF-8 text" in one_clear_line(result.stderr)
    assert dump(data) == before and not Path(out).exists()


def test_a_missing_output_folder_burns_no_serial(data: Path, tmp_path: Path):
    before = dump(data)
    result = issue(data, tmp_path / "missing" / "c.pdf")
    assert result.returncode == 2
    assert "does not exist" in one_clear_line(result.stderr)
    assert dump(data) == before
    written = issue(data, tmp_path / "c.pdf")
    assert written.returncode == 0, written.stderr
    assert written.stdout.splitlines()[0].endswith("-000001")  # the first serial is unused


@pytest.mark.parametrize(("size", "read_only", "reason"), [
    (1 << 20, True, "Read-only file system"), (8 * 1024, False, "No space left on device")])
def test_a_pdf_that_cannot_be_written_records_nothing(data: Path, tmp_path: Path, size: int,
                                                      read_only: bool, reason: str):
    before = dump(data)
    with tmpfs(tmp_path / "out", size, read_only=read_only) as out:
        result = issue(data, out / "c.pdf")
        left = sorted(p.name for p in out.iterdir())
    assert result.returncode == 2
    line = one_clear_line(result.stderr)
    assert reason in line and "no certificate was recorded" in line
    assert left == []  # no PDF, no .partial
    assert dump(data) == before


@pytest.mark.parametrize(("name", "course", "limit"), [
    ("Ж" * 750, "CITES", "at most 80 characters, it has 750"),
    ("Ирина Ким", "Курс " * 40, "at most 120 characters, it has 199")])
def test_a_name_or_course_too_long_to_print(data: Path, tmp_path: Path, name: str,
                                            course: str, limit: str):
    before = dump(data)
    result = issue(data, tmp_path / "c.pdf", name=name, course=course)
    assert result.returncode == 2
    assert limit in one_clear_line(result.stderr)
    assert dump(data) == before and not (tmp_path / "c.pdf").exists()


def test_a_deeply_nested_certificate_code_is_not_valid(data: Path):
    from idtrainer.core.keys import b64

    nested = b"[" * 1350 + b"]" * 1350  # 2.7 KB: fits in a QR code, too deep for json
    before = dump(data)
    result = run("--data-dir", str(data), "certificates", "verify",
                 f"IDT1.{b64(nested)}.{b64(bytes(64))}")
    assert result.returncode == 1
    assert result.stderr == ""
    assert one_clear_line(result.stdout).startswith("NOT A CERTIFICATE")
    assert dump(data) == before


# -- bundles: importing ---------------------------------------------------------------------


def laptop(starter_db: Path, folder: Path) -> Path:
    """A copy of the starter data with its own identity (device id, keys)."""
    from idtrainer.core.store import Store, new_uuid

    shutil.copytree(starter_db, folder)
    s = Store.open(folder / DB_NAME)
    with s.transaction():
        s.conn.execute("UPDATE settings SET value = ? WHERE key = 'device_id'", (new_uuid(),))
        s.conn.execute("DELETE FROM keys")
        s.conn.execute("DELETE FROM trusted_keys")
    s.close()
    return folder


@pytest.fixture
def course(starter_db: Path, tmp_path: Path) -> tuple[Path, Path]:
    """(trainer A's content bundle with a new edition of every text, laptop B that trusts
    A's key): importing it updates thousands of rows."""
    from idtrainer.core import bundles

    trainer = open_store(laptop(starter_db, tmp_path / "A"))
    try:
        trainer.trainer.set_password(TRAINER_PASSWORD, name="Trainer Aigerim")
        kid = trainer.keys.publisher()[0]
        with trainer.transaction():
            trainer.conn.execute(
                "UPDATE texts SET value = value || ' (2)', rev = rev + 1, updated_at = ?, "
                "updated_by = ?", (trainer.now(), trainer.device_id))
        bundle = bundles.export_bundle(trainer, "content", tmp_path / "course.idtb").path
        public = trainer.keys.public_of(kid)
    finally:
        trainer.close()
    b = laptop(starter_db, tmp_path / "B")
    with open_store(b) as store:
        store.keys.trust(public, "publisher", "Trainer Aigerim")
    return bundle, b


def damaged_copy(bundle: Path, target: Path) -> Path:
    """The same signed manifest, one character of the texts changed: only the hash tells."""
    import zipfile

    with zipfile.ZipFile(bundle) as src, zipfile.ZipFile(target, "w") as out:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "data/texts.jsonl":
                body = body.replace(b" (2)", b" (3)", 1)
            out.writestr(info, body)
    return target


def test_a_damaged_copy_of_an_imported_bundle_is_damaged(course, tmp_path: Path):
    bundle, b = course
    first = run("--data-dir", str(b), "bundle", "import", str(bundle))
    assert first.returncode == 0, first.stderr
    again = run("--data-dir", str(b), "bundle", "import", str(bundle))
    assert again.returncode == 0 and "already imported" in again.stdout.casefold()
    before = dump(b)
    copy = damaged_copy(bundle, tmp_path / "copy.idtb")
    result = run("--data-dir", str(b), "bundle", "import", str(copy))
    assert result.returncode == 1
    line = one_clear_line(result.stderr)
    assert "copy.idtb" in line and "data/texts.jsonl: its hash does not match" in line
    assert dump(b) == before


def test_two_imports_of_one_bundle_at_once(course):
    bundle, b = course
    before = dump(b)
    both = [run("--data-dir", str(b), "bundle", "import", str(bundle), wait=False)
            for _ in range(2)]
    results = [(p.returncode, out, err) for p in both
               for out, err in [p.communicate(timeout=300)]]
    for _code, _out, err in results:
        assert "Traceback" not in err, err
    imported = [out for code, out, _err in results if code == 0 and "already" not in out]
    assert len(imported) == 1, results  # exactly one of them imported it
    other = next(r for r in results if r[1] not in imported)
    if other[0] == 0:  # it came after: "already imported"
        assert "already imported" in other[1].casefold(), other
    else:  # it came during: "being imported"
        assert other[0] == 1 and "being imported" in one_clear_line(other[2]), other
    after = dump(b)
    assert after != before
    assert sum("INSERT INTO \"sync_log\"" in line and "'import'" in line
               for line in after) == 1
    assert not [p.name for p in (b / "media").iterdir() if p.name.startswith(".")]


def _leftovers(data: Path) -> list[str]:
    """Half-written or working files an import must not leave behind."""
    return sorted(str(p.relative_to(data)) for p in data.rglob("*")
                  if p.name.endswith((".partial", ".partial-journal", ".lock"))
                  or p.name.startswith(".incoming-"))


@pytest.mark.parametrize("room", [
    3 * 2**20,  # the backup taken before the import does not fit
    2**20,  # after the backup (about 8 MB), the import's own writes do not fit
], ids=["backup", "transaction"])
def test_a_full_disk_during_an_import(course, tmp_path: Path, room: int):
    bundle, b = course
    backup_size = (b / DB_NAME).stat().st_size
    used = sum(p.stat().st_size for p in b.rglob("*") if p.is_file())
    size = used + room + (backup_size if room < backup_size // 4 else 0)
    with tmpfs(tmp_path / "disk", size) as disk:
        data = disk / "data"
        shutil.copytree(b, data)
        before = dump(data)
        result = run("--data-dir", str(data), "bundle", "import", str(bundle))
        after, left = dump(data), _leftovers(data)
        backups = sorted(p.name for p in (data / "backups").glob("*")) \
            if (data / "backups").exists() else []
    assert result.returncode == 1, result.stdout + result.stderr
    line = one_clear_line(result.stderr)
    assert "course.idtb" in line and "disk is full" in line
    assert after == before and left == []
    # Whether the disk filled during the backup or after it, no backup stays: not a
    # half-written one, and not a whole one of a database the import did not change.
    assert backups == []


def test_sqlite_says_full_inside_the_import_transaction(course):
    """SQLite's own SQLITE_FULL (the database may not grow), in process."""
    from idtrainer.core import bundles

    bundle, b = course
    backups = b / "backups"
    old = set(backups.iterdir()) if backups.exists() else set()
    with open_store(b) as store:
        before = list(store.conn.iterdump())
        store.conn.execute(f"PRAGMA max_page_count = {store.scalar('PRAGMA page_count')}")
        with pytest.raises(bundles.BundleError, match="the disk is full"):
            bundles.import_bundle(store, bundle)  # the backup is written, then the rows fail
        assert list(store.conn.iterdump()) == before
    assert _leftovers(b) == []
    assert set(backups.iterdir()) == old  # the backup of an unchanged database is removed


def test_an_import_leaves_the_working_folders_of_others_alone(course):
    from idtrainer.core import bundles
    from idtrainer.core.bundles.locks import (
        bundle_lock,
        incoming_folder,
        remove_stale_incoming,
    )

    bundle, b = course
    media = b / "media"
    (media / ".incoming-killed").mkdir()  # its import died: the lock file is free
    (media / ".incoming-killed" / "picture").write_bytes(b"x")
    (media / ".incoming-killed.lock").touch()
    (media / ".incoming-older").mkdir()  # left by an IDTrainer before the locks
    (media / ".import-0123.lock").touch()  # the bundle lock of the killed import
    with incoming_folder(media) as running:
        (running / "picture").write_bytes(b"x")
        remove_stale_incoming(media)
        assert running.is_dir() and (running / "picture").exists()
        assert sorted(p.name for p in media.glob(".incoming-*")) == sorted(
            [running.name, running.name + ".lock"])
    assert _leftovers(b) == []
    with open_store(b) as store:
        m = bundles.inspect_bundle(store, bundle).manifest
        other = bundle_lock(media, m.bundle_id)
        assert other.acquire()  # another window is importing it
        try:
            with pytest.raises(bundles.BundleError, match="being imported right now"):
                bundles.import_bundle(store, bundle)
        finally:
            other.release()
        assert not bundles.already_imported(store, m)
        assert not bundles.import_bundle(store, bundle).already_imported
