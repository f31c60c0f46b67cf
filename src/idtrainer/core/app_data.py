"""Open an installation's data: the database in its data directory, built on first run."""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

from idtrainer.core.paths import backups_dir, db_path, media_dir
from idtrainer.core.store import Store, StoreBusyError, StoreReadOnlyError

if TYPE_CHECKING:
    from idtrainer.core.content import LoadSummary, Progress

STARTER_LOADED = "starter_content_loaded"


def open_store(data: Path, *, progress: Progress | None = None,
               load_starter: bool = True) -> Store:
    """Open the store in ``data``; on first run, build it from the shipped starter content.

    Raises ``SchemaTooNewError`` for a file from a newer IDTrainer, ``StoreError`` for an
    unreadable one and ``ContentError`` when the shipped content does not validate; in
    the last case the empty database is kept and loading is tried again next time.
    """
    store = Store.open(db_path(data), media_root=media_dir(data), backups=backups_dir(data))
    try:
        if store.scalar("SELECT 1 FROM keys WHERE kind = 'device'") is None:
            store.keys.device()  # first run: this laptop's key for signing its results
        if load_starter and store.get_setting(STARTER_LOADED) is None:
            build_starter(store, progress)
        elif store.get_setting(STARTER_LOADED) is not None and not store.read_only:
            # Databases from before the key or self-tests, or with new modules. Another
            # window writing: they are made at the next start.
            with suppress(StoreBusyError, StoreReadOnlyError):
                if load_starter:
                    from idtrainer.core.identify import load_into_existing

                    load_into_existing(store)  # a database from before the key: once
                if not self_tests_complete(store):
                    store.quizzes.ensure_self_tests()
    except BaseException:
        store.close()
        raise
    return store


def self_tests_complete(store: Store) -> bool:
    """Whether every module with questions has a live self-test, linked to it as
    :meth:`QuizManager.self_tests` links them (the first rule draws from the module): one
    read at each start, instead of importing the quiz manager and hashing every module's
    self-test uuid. When it says no, :meth:`QuizManager.ensure_self_tests` decides."""
    return store.scalar(
        "SELECT NOT EXISTS (SELECT 1 FROM modules m WHERE m.deleted = 0 "
        "AND EXISTS (SELECT 1 FROM questions q WHERE q.deleted = 0 AND q.module_uuid = m.uuid) "
        "AND NOT EXISTS (SELECT 1 FROM quizzes z JOIN quiz_rules r ON r.quiz_uuid = z.uuid "
        "AND r.deleted = 0 AND r.position = 1 WHERE z.deleted = 0 "
        "AND json_extract(z.settings, '$.self_test') = 1 "
        "AND json_extract(r.filter, '$.modules[0]') = m.uuid))") == 1


def build_starter(store: Store, progress: Progress | None = None) -> LoadSummary:
    from idtrainer.core.content import load_starter_content  # only on first run
    from idtrainer.core.identify import KEY_LOADED

    summary = load_starter_content(store, progress=progress)
    store.quizzes.ensure_self_tests()
    store.set_setting(STARTER_LOADED, store.now())
    store.set_setting(KEY_LOADED, store.now())
    return summary
