"""``idtrainer content export`` and ``content adapt``, run as a person runs them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PASSWORD = "steppe-eagle-7"


def run(*args: str, password: bool = True) -> subprocess.CompletedProcess:
    """The command with the trainer password in the environment (trainer commands)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("IDTRAINER_TRAINER_PASSWORD", None)
    if password:
        env["IDTRAINER_TRAINER_PASSWORD"] = PASSWORD
    return subprocess.run([sys.executable, "-m", "idtrainer", "--lang", "en", *args],
                          capture_output=True, text=True, env=env, timeout=300,
                          stdin=subprocess.DEVNULL)


@pytest.fixture
def data(tmp_path: Path, starter_db: Path) -> Path:
    """The starter database with trainer mode set up (password PASSWORD)."""
    from idtrainer.core.app_data import open_store

    target = tmp_path / "data"
    shutil.copytree(starter_db, target)
    with open_store(target) as store:
        store.trainer.set_password(PASSWORD, name="Trainer A")
    return target


def test_export_and_adapt_are_trainer_commands(data: Path, tmp_path: Path):
    for args in (("content", "export", str(tmp_path / "x")),
                 ("content", "adapt", "--module", "m1-cites-convention", "--as", "kg-m1",
                  "--title", "x")):
        result = run("--data-dir", str(data), *args, password=False)
        assert result.returncode == 2 and "trainer password" in result.stderr, args
    assert not (tmp_path / "x").exists()


def test_export_chosen_modules_then_load_them_elsewhere(data: Path, tmp_path: Path):
    out = tmp_path / "files"
    result = run("--data-dir", str(data), "content", "export", str(out),
                 "--module", "m1-cites-convention", "--module", "m2-implementing-cites")
    assert result.returncode == 0, result.stderr
    assert "2 modules" in result.stdout and str(out) in result.stdout
    assert sorted(p.name for p in (out / "course" / "modules").iterdir()) == [
        "m1-cites-convention", "m2-implementing-cites"]
    check = run("content", "check", str(out))       # what content load checks, all of it
    assert check.returncode == 0, check.stderr
    assert "2 modules" in check.stdout


def test_export_of_an_unknown_module_fails_clearly(data: Path, tmp_path: Path):
    result = run("--data-dir", str(data), "content", "export", str(tmp_path / "x"),
                 "--module", "no-such-module")
    assert result.returncode == 2
    assert "no module with id 'no-such-module'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x" / "course").exists()


def test_adapt_a_module_then_export_it_with_its_provenance(data: Path, tmp_path: Path):
    result = run("--data-dir", str(data), "content", "adapt", "--module",
                 "m1-cites-convention", "--as", "tj-m1", "--title", "CITES барои Тоҷикистон",
                 "--by", "TJ customs academy")
    assert result.returncode == 0, result.stderr
    assert "tj-m1" in result.stdout and "1 module" in result.stdout
    again = run("--data-dir", str(data), "content", "adapt", "--module",
                "m1-cites-convention", "--as", "tj-m1", "--title", "x")
    assert again.returncode == 2 and "already used" in again.stderr
    out = tmp_path / "files"
    exported = run("--data-dir", str(data), "content", "export", str(out), "--module", "tj-m1")
    assert exported.returncode == 0, exported.stderr
    module = (out / "course/modules/tj-m1/module.toml").read_text(encoding="utf-8")
    assert 'id = "m1-cites-convention"' in module and 'by = "TJ customs academy"' in module
