from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from idtrainer.core.store import Store
from idtrainer.core.trainer_auth import PasswordRejected, UnlockResult


@pytest.fixture
def clocked(tmp_path: Path, clock):
    store = Store.open(tmp_path / "db.sqlite", clock=clock)
    yield store, clock
    store.close()


def test_password_is_stored_as_a_salted_hash(clocked):
    store, _clock = clocked
    assert not store.trainer.has_password()
    store.trainer.set_password("steppe-eagle-7")
    stored = store.get_setting("trainer_password_hash")
    assert stored.startswith("scrypt$") and "steppe-eagle-7" not in stored
    assert store.trainer.unlock("steppe-eagle-7").ok
    assert not store.trainer.unlock("steppe-eagle-8").ok


@pytest.mark.parametrize("weak", ["short", "aaaaaaaaaa", " padded-password "])
def test_weak_passwords_are_refused(clocked, weak):
    store, _clock = clocked
    with pytest.raises(PasswordRejected):
        store.trainer.set_password(weak)
    assert not store.trainer.has_password()


def test_changing_needs_the_current_password(clocked):
    store, _clock = clocked
    store.trainer.set_password("first-password")
    with pytest.raises(PasswordRejected):
        store.trainer.set_password("second-password")
    with pytest.raises(PasswordRejected):
        store.trainer.set_password("second-password", current="wrong-password")
    store.trainer.set_password("second-password", current="first-password")
    assert store.trainer.unlock("second-password").ok


def test_repeated_failures_impose_a_growing_delay(clocked):
    store, clock = clocked
    store.trainer.set_password("right-password")
    for _ in range(2):  # the first failures cost nothing
        assert store.trainer.unlock("wrong") == UnlockResult(False, 0)
    result = store.trainer.unlock("wrong")
    assert not result.ok and result.wait_seconds > 0
    # During the delay even the right password is refused...
    assert store.trainer.unlock("right-password").wait_seconds > 0
    # ...and after it the right one works and resets the count.
    clock.now += dt.timedelta(seconds=result.wait_seconds + 1)
    assert store.trainer.unlock("right-password").ok
    assert store.trainer.wait_seconds() == 0


def test_delay_survives_a_restart(tmp_path: Path, clock):
    path = tmp_path / "db.sqlite"
    with Store.open(path, clock=clock) as store:
        store.trainer.set_password("right-password")
        for _ in range(4):
            store.trainer.unlock("wrong")
        waiting = store.trainer.wait_seconds()
    with Store.open(path, clock=clock) as store:
        assert store.trainer.wait_seconds() == waiting > 0
