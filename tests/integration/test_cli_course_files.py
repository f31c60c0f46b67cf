"""``idtrainer content export`` and ``content adapt``, run as a person runs them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "idtrainer", "--lang", "en", *args],
                          capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture
def data(tmp_path: Path, starter_db: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(starter_db, target)
    return target


def test_export_chosen_modules_then_load_them_elsewhere(data: Path, tmp_path: Path):
    out = tmp_path / "files"
    result = run("--data-dir", str(data), "content", "export", str(out),
                 "--module", "m1-cites-convention", "--module", "m2-implementing-cites")
    assert result.returncode == 0, result.stderr
    assert "2 modules" in result.stdout and str(out) in result.stdout
    assert sorted(p.name for p in (out / "course" / "modules").iterdir()) == [
        "m1-cites-convention", "m2-implementing-cites"]
    check = run("content", "check", str(out))
    assert check.returncode == 0, check.stderr
    other = tmp_path / "other"
    loaded = run("--data-dir", str(other), "content", "load", str(out))
    assert loaded.returncode == 0, loaded.stderr


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
