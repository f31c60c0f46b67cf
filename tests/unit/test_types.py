"""The type checker runs over src/ as part of the suite (config: pyproject.toml [tool.mypy])."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def mypy(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mypy", "--config-file",
                           str(ROOT / "pyproject.toml"), "--cache-dir",
                           str(ROOT / ".mypy_cache"), *args],
                          capture_output=True, text=True, cwd=cwd)


def test_src_has_no_type_errors():
    result = mypy()  # files = ["src"] in the config
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues found" in result.stdout


def test_the_config_checks_bodies_of_unannotated_functions(tmp_path: Path):
    sample = tmp_path / "sample.py"
    sample.write_text("def untyped():\n    return 'a' + 1\n\n\n"
                      "def optional(x: int = None) -> int:\n    return x\n", encoding="utf-8")
    result = mypy(str(sample), cwd=tmp_path)
    assert result.returncode == 1
    assert "[operator]" in result.stdout and "sample.py:5" in result.stdout
