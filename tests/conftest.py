"""Shared fixtures: offscreen Qt, no network for the whole run, a fresh store per test."""

from __future__ import annotations

import datetime as dt
import os
import socket
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from idtrainer.core import i18n
from idtrainer.core.store import Store


class NetworkBlocked(OSError):
    pass


def _refuse(*args, **kwargs):
    raise NetworkBlocked("IDTrainer must not open network connections (blocked in tests)")


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _guarded(real):
    def connect(self, address, *args):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _refuse()
        return real(self, address, *args)
    return connect


@pytest.fixture(autouse=True, scope="session")
def no_network():
    """Every TCP/UDP connect fails for the whole run; local (AF_UNIX) sockets still work."""
    mp = pytest.MonkeyPatch()
    mp.setattr(socket.socket, "connect", _guarded(_real_connect))
    mp.setattr(socket.socket, "connect_ex", _guarded(_real_connect_ex))
    mp.setattr(socket, "create_connection", _refuse)
    mp.setattr(socket, "getaddrinfo", _refuse)
    yield
    mp.undo()


@pytest.fixture(autouse=True)
def english_interface():
    """Tests read messages in English unless they switch language themselves."""
    i18n.set_language("en")
    yield
    i18n.set_language("en")


class FakeClock:
    """An injectable clock for the Store: tests move ``now`` by hand."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(tmp_path: Path):
    """An empty, migrated store in a temporary folder."""
    s = Store.open(tmp_path / "data" / "idtrainer.sqlite")
    yield s
    s.close()


@pytest.fixture(scope="session")
def starter_db(tmp_path_factory) -> Path:
    """The shipped starter content built once; tests copy it (see ``loaded``)."""
    from idtrainer.core.app_data import open_store

    data = tmp_path_factory.mktemp("starter")
    open_store(data).close()
    return data


@pytest.fixture
def loaded(starter_db: Path, tmp_path: Path):
    """A store holding the starter content, private to one test."""
    import shutil

    from idtrainer.core.app_data import open_store

    target = tmp_path / "loaded"
    shutil.copytree(starter_db, target)
    s = open_store(target)
    yield s
    s.close()


@pytest.fixture
def make_laptop(starter_db: Path, tmp_path: Path):
    """Another laptop with the starter course and its own identity (device id, keys)."""
    import shutil

    from idtrainer.core.app_data import open_store

    opened = []

    def make(name: str) -> Store:
        folder = tmp_path / name
        shutil.copytree(starter_db, folder)
        s = Store.open(folder / "idtrainer.sqlite")
        with s.transaction():
            # A new installation: its device id is derived from its own device key.
            s.conn.execute("DELETE FROM settings WHERE key = 'device_id'")
            s.conn.execute("DELETE FROM keys")
            s.conn.execute("DELETE FROM trusted_keys")
        s.close()
        opened.append(open_store(folder))
        return opened[-1]

    yield make
    for s in opened:
        if s.conn is not None:
            s.close()
