"""The error model's last resort: the CLI's one line for a bug, and the rotating log."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from idtrainer import cli
from idtrainer.core import logs
from idtrainer.core.store import StoreBusyError


@pytest.fixture(autouse=True)
def no_log_left():
    yield
    logs.stop()


def test_a_bug_in_a_command_is_one_line_naming_the_log(tmp_path: Path, monkeypatch, capsys):
    def broken(_data: Path) -> int:
        return {}["species"]  # a KeyError nobody meant

    monkeypatch.setattr(cli, "cmd_info", broken)
    assert cli.main(["--lang", "en", "--data-dir", str(tmp_path / "data"), "info"]) == 2
    err = capsys.readouterr().err
    log = tmp_path / "data" / "logs" / "idtrainer.log"
    assert err.splitlines() == [err.strip()] and "Traceback" not in err
    assert "internal error (KeyError: 'species')" in err and str(log) in err
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "in broken" in text


def test_an_actionable_error_is_its_own_line_in_the_users_language(tmp_path: Path,
                                                                   monkeypatch, capsys):
    def busy(_data: Path) -> int:
        raise StoreBusyError("база данных занята")

    monkeypatch.setattr(cli, "cmd_info", busy)
    assert cli.main(["--lang", "ru", "--data-dir", str(tmp_path / "data"), "info"]) == 2
    assert capsys.readouterr().err == "idtrainer: ошибка: база данных занята\n"
    text = (tmp_path / "data" / "logs" / "idtrainer.log").read_text(encoding="utf-8")
    assert "база данных занята" in text and "Traceback" not in text


def test_the_log_rotates(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(logs, "MAX_BYTES", 20_000)
    path = logs.setup(tmp_path)
    for i in range(200):
        logging.getLogger("idtrainer.test").info("line %d %s", i, "x" * 600)
    names = sorted(p.name for p in path.parent.iterdir())
    assert names == ["idtrainer.log", "idtrainer.log.1", "idtrainer.log.2",
                     "idtrainer.log.3"]
    assert all(p.stat().st_size <= 20_000 for p in path.parent.iterdir())


def test_nothing_is_written_until_something_is_logged(tmp_path: Path):
    logs.setup(tmp_path / "data")
    assert not (tmp_path / "data").exists()


def test_a_log_that_cannot_be_written_goes_to_stderr(tmp_path: Path, capsys):
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data folder should be")
    logs.setup(blocker)
    logging.getLogger("idtrainer.test").info("chatter stays off the screen")
    logging.getLogger("idtrainer.test").error("a bug's report")
    err = capsys.readouterr().err
    assert "a bug's report" in err and "chatter" not in err and "Logging error" not in err
    assert logs.current() is None and not logs.written()


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_the_log_falls_back_quietly_on_a_read_only_folder(tmp_path: Path, capsys):
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere; the read-only mount is probed in integration")
    tmp_path.chmod(0o555)
    try:
        logs.setup(tmp_path / "data")
        logging.getLogger("idtrainer.test").error("no folder for me")
    finally:
        tmp_path.chmod(0o755)
    assert "no folder for me" in capsys.readouterr().err


def test_a_bug_on_another_thread_goes_to_the_log(tmp_path: Path, monkeypatch, capsys):
    import threading

    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    path = logs.setup(tmp_path / "data")
    logs.log_thread_exceptions()

    def crash() -> None:
        raise ValueError("a worker's bug")

    thread = threading.Thread(target=crash, name="exporter")
    thread.start()
    thread.join()
    text = path.read_text(encoding="utf-8")
    assert "exporter" in text and "ValueError: a worker's bug" in text and "Traceback" in text
    assert "Traceback" not in capsys.readouterr().err
