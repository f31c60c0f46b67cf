"""Trainer mode: a password stored as a salted scrypt hash, with a growing delay after failures.

The password also seals the publisher key (core/keys.py): :meth:`TrainerAuth.unlock`
opens it for the session, :meth:`TrainerAuth.lock` forgets it, changing the password
seals it again, and setting the first password (trainer setup) makes it.

The failure count and time are kept in the database, so restarting the app does
not reset the delay. The core never sleeps: it answers how long to wait, and the
GUI shows it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from idtrainer.core.errors import IDTrainerError
from idtrainer.core.i18n import gettext as _
from idtrainer.core.trainees import hash_secret, verify_secret

if TYPE_CHECKING:
    from idtrainer.core.store import Store

MIN_PASSWORD_LENGTH = 8
FREE_ATTEMPTS = 3
MAX_DELAY_SECONDS = 300
HASH_KEY = "trainer_password_hash"
FAILURES_KEY = "trainer_failures"
LAST_FAILURE_KEY = "trainer_last_failure"


class PasswordRejected(IDTrainerError, ValueError):
    """A new trainer password does not meet the rules; the message says why."""


@dataclass(frozen=True)
class UnlockResult:
    ok: bool
    wait_seconds: int = 0  # > 0: too many failures, try again after this long


class TrainerAuth:
    def __init__(self, store: Store) -> None:
        self.store = store

    def has_password(self) -> bool:
        return self.store.get_setting(HASH_KEY) is not None

    def set_password(self, new: str, *, current: str | None = None, name: str = "") -> None:
        """Set the first password (trainer setup: the publisher key is made, or an older
        clear key sealed, and left open), or change it (``current`` must then be right;
        the publisher key is sealed again under the new password)."""
        changing = self.has_password()
        if changing:
            stored = self.store.get_setting(HASH_KEY) or ""
            if current is None or not verify_secret(current, stored):
                raise PasswordRejected(_("The current trainer password is not right."))
        if len(new) < MIN_PASSWORD_LENGTH:
            raise PasswordRejected(_("A trainer password needs at least {n} characters.")
                                   .format(n=MIN_PASSWORD_LENGTH))
        if new.strip() != new or len(set(new)) < 3:
            raise PasswordRejected(_("Choose a password that is harder to guess."))
        keys = self.store.keys
        with self.store.transaction():
            if changing:
                assert current is not None
                keys.unlock(current)
                keys.reseal(new)
            else:
                keys.unlock(new)  # seals a key an older IDTrainer kept in the clear
                if not keys.has_publisher():
                    keys.create_publisher(new, name)
            self.store.set_setting(HASH_KEY, hash_secret(new))
            self._reset()
        keys.wipe_clear_copies()

    @property
    def unlocked(self) -> bool:
        """Trainer mode is unlocked in this session (the publisher key is open)."""
        return self.store.keys.unlocked

    def lock(self) -> None:
        self.store.keys.lock()

    def wait_seconds(self, now: dt.datetime | None = None) -> int:
        failures = int(self.store.get_setting(FAILURES_KEY, "0") or 0)
        if failures < FREE_ATTEMPTS:
            return 0
        last = dt.datetime.fromisoformat(
            (self.store.get_setting(LAST_FAILURE_KEY) or "").replace("Z", "+00:00"))
        delay = min(MAX_DELAY_SECONDS, 2 ** (failures - FREE_ATTEMPTS + 1) * 5)
        now = now or self.store.clock()
        left = delay - (now - last).total_seconds()
        return max(0, int(left + 0.999))

    def unlock(self, password: str) -> UnlockResult:
        if (wait := self.wait_seconds()) > 0:
            return UnlockResult(False, wait)
        stored = self.store.get_setting(HASH_KEY)
        if stored is not None and verify_secret(password, stored):
            self.store.keys.unlock(password)
            self._reset()
            # Revocations made before they were signed (an older IDTrainer) are signed now.
            self.store.certificates.sign_missing_revocations()
            return UnlockResult(True)
        with self.store.transaction():
            failures = int(self.store.get_setting(FAILURES_KEY, "0") or 0) + 1
            self.store.set_setting(FAILURES_KEY, str(failures))
            self.store.set_setting(LAST_FAILURE_KEY, self.store.now())
        return UnlockResult(False, self.wait_seconds())

    def _reset(self) -> None:
        with self.store.transaction():
            self.store.set_setting(FAILURES_KEY, "0")
