"""Architecture rules that must hold for every module."""

from __future__ import annotations

import socket
import subprocess
import sys
import urllib.request

import pytest

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
