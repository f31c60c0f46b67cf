"""Architecture rules that must hold for every module."""

from __future__ import annotations

import ast
import re
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "idtrainer"
#: A statement keyword followed by the word that completes it, in capitals as this code
#: base writes SQL (so "Select the species, from the list" is not SQL).
SQL = re.compile(r"\b(SELECT\b.*\bFROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\S+\s+SET|"
                 r"DELETE\s+FROM|CREATE\s+(TABLE|INDEX|VIEW|TRIGGER)|DROP\s+TABLE|PRAGMA\s)",
                 re.DOTALL)
#: Store and sqlite3 methods that run SQL; a widget or a command calls a manager instead.
RUNS_SQL = {"execute", "executemany", "executescript", "query", "query_one", "scalar"}

CHECK_CORE = """
import importlib, pkgutil, sys
import idtrainer.core as core
names = [m.name for m in pkgutil.walk_packages(core.__path__, "idtrainer.core.")]
for name in names:
    importlib.import_module(name)
qt = sorted(m for m in sys.modules if m.startswith(("PySide6", "shiboken6")))
print(len(names), qt)
sys.exit(1 if qt or not names else 0)
"""


def test_core_never_imports_qt():
    result = subprocess.run([sys.executable, "-c", CHECK_CORE], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    count = int(result.stdout.split()[0])
    assert count >= 10  # every core module was really imported


def test_network_connections_are_refused():
    with pytest.raises(OSError, match="network"):
        socket.create_connection(("127.0.0.1", 9))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(OSError, match="network"):
            sock.connect(("127.0.0.1", 9))
    finally:
        sock.close()
    with pytest.raises(OSError):
        urllib.request.urlopen("http://127.0.0.1:9/", timeout=1)


def test_local_socketpair_still_works():
    a, b = socket.socketpair()
    with a, b:
        a.sendall(b"ok")
        assert b.recv(2) == b"ok"


def sql_in(path: Path) -> list[str]:
    """Lines of ``path`` with SQL in a string literal, a call that runs SQL, or ``.conn``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        text = None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        elif isinstance(node, ast.JoinedStr):  # an f-string: its literal parts, values as ?
            text = "".join(v.value if isinstance(v, ast.Constant) else "?"
                           for v in node.values)
        if text is not None and SQL.search(text):
            found.append(f"{path.name}:{node.lineno}: SQL text {text[:40]!r}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in RUNS_SQL:
            found.append(f"{path.name}:{node.lineno}: .{node.func.attr}(...)")
        elif isinstance(node, ast.Attribute) and node.attr in ("conn", "db"):
            found.append(f"{path.name}:{node.lineno}: the raw connection .{node.attr}")
    return found


def test_widgets_and_commands_write_no_sql():
    """docs/architecture.md, "Layers": SQL lives in core managers only."""
    files = [*sorted((SRC / "gui").glob("*.py")), SRC / "cli.py"]
    assert len(files) > 10
    found = [line for path in files for line in sql_in(path)]
    assert found == []


def test_the_sql_scan_finds_sql(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        'rows = store.query_one("SELECT uuid\\n FROM quizzes")\n'
        'store.conn.execute(f"UPDATE [{t}] SET x = 1")\n'
        'text = "Select the species you see, from the list"\n'
        'window.exec()\n', encoding="utf-8")
    found = sorted(sql_in(sample))
    assert [line.split(":")[1] for line in found] == ["1", "1", "2", "2", "2"]
    assert "the raw connection .conn" in found[-1]
