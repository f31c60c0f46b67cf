"""Typed change notifications from core writes (store.changes), without Qt."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from idtrainer.core import bundles
from idtrainer.core.changes import Committed
from idtrainer.core.quizzes import QuizSettings, Rule
from idtrainer.core.store import Store


class Heard:
    """A subscriber that keeps what it hears, and on which thread."""

    def __init__(self, store: Store) -> None:
        self.commits: list[Committed] = []
        self.threads: list[str] = []
        self.unsubscribe = store.changes.subscribe(self)

    def __call__(self, committed: Committed) -> None:
        self.commits.append(committed)
        self.threads.append(threading.current_thread().name)

    @property
    def tables(self) -> set[str]:
        return {t for c in self.commits for t in c.tables}


def test_a_write_notifies_after_its_commit_with_the_rows(store: Store):
    heard = Heard(store)
    trainee = store.trainees.create("Бакыт Осмонов")
    (committed,) = heard.commits
    assert committed.touches("trainees") and not committed.touches("attempts")
    assert committed.uuids("trainees") == {trainee}
    assert committed.uuids("attempts") == frozenset()
    store.trainees.create("Айгерим Сейітова")
    assert len(heard.commits) == 2
    heard.unsubscribe()
    store.trainees.create("Oʻlmas Gʻulomov")
    assert len(heard.commits) == 2


def test_one_notification_per_outer_transaction_and_none_before_commit(store: Store):
    heard = Heard(store)
    with store.transaction():
        klass = store.classes.create("Dushanbe 2026")
        people = [store.trainees.create(name) for name in ("A", "B")]
        for person in people:
            store.classes.add_member(klass, person)
        assert heard.commits == []  # nothing is told before the commit
    (committed,) = heard.commits
    assert committed.tables == {"classes", "trainees", "class_members"}
    assert committed.uuids("trainees") == set(people)


def test_a_rolled_back_write_is_never_announced(store: Store):
    heard = Heard(store)
    with pytest.raises(RuntimeError), store.transaction():
        store.trainees.create("Never saved")
        raise RuntimeError("undo")
    assert heard.commits == []
    with store.transaction():
        kept = store.trainees.create("Kept")
        with pytest.raises(RuntimeError), store.transaction():  # a savepoint
            store.classes.create("Rolled back")
            raise RuntimeError("undo the inner part")
    (committed,) = heard.commits
    assert committed.tables == {"trainees"} and committed.uuids("trainees") == {kept}


def test_an_unchanged_save_is_quiet_and_a_failing_subscriber_harms_nobody(store: Store,
                                                                          caplog):
    trainee = store.trainees.create("Бакыт Осмонов")
    store.changes.subscribe(lambda committed: 1 / 0)
    heard = Heard(store)
    store.trainees.set_locale(trainee, "kk")
    assert len(heard.commits) == 1  # heard despite the subscriber before it failing
    assert "a change subscriber failed" in caplog.text
    assert store.trainees.get(trainee).locale == "kk"  # the write stands
    store.put("trainees", {"uuid": trainee, "locale": "kk"})  # no change, no news
    assert len(heard.commits) == 1


def test_every_store_on_one_file_shares_a_bus_and_threads_notify(store: Store):
    """A worker's own connection to the file reaches the GUI thread's subscribers."""
    heard = Heard(store)
    made: list[str] = []

    def worker() -> None:
        with Store.open(store.path) as own:
            made.append(own.trainees.create("Фарход Раҳимов"))

    thread = threading.Thread(target=worker, name="worker")
    thread.start()
    thread.join()
    assert [c.uuids("trainees") for c in heard.commits] == [{made[0]}]
    assert heard.threads == ["worker"]  # subscribers run on the committing thread
    other = Store.memory(store.media_root)
    try:
        other.trainees.create("elsewhere")  # another database: not heard here
    finally:
        other.close()
    assert len(heard.commits) == 1


def digests(store: Store) -> dict[str, str]:
    tables = [r[0] for r in store.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE 'search_index_fts%'")]
    out = {}
    for table in tables:
        rows = sorted(repr(r) for r in store.conn.execute(f"SELECT * FROM [{table}]"))
        out[table] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return out


def assert_announced(store: Store, action: Callable[[], object]) -> set[str]:
    """Run ``action``; every table whose rows changed must have been announced."""
    heard = Heard(store)
    before = digests(store)
    action()
    after = digests(store)
    heard.unsubscribe()
    changed = {t for t in after if after[t] != before.get(t)}
    assert changed, "the action changed nothing; the check would prove nothing"
    assert changed <= heard.tables, f"written but never announced: {changed - heard.tables}"
    return changed


def test_every_core_write_is_announced(make_laptop, tmp_path: Path):
    """Each kind of write, from forms to a bundle import, tells subscribers what changed."""
    trainer = make_laptop("A")
    laptop = make_laptop("B")
    assert_announced(trainer, lambda: trainer.trainer.set_password("steppe-eagle-7"))
    rule = Rule("random", count=3, filter={"types": ["single"]})
    quiz: list[str] = []
    assert_announced(trainer, lambda: quiz.append(trainer.quizzes.save(
        "Итоговый тест", QuizSettings(time_limit_minutes=20), [rule])))
    klass = trainer.classes.create("Almaty")
    person = trainer.trainees.create("Бакыт Осмонов")
    assert_announced(trainer, lambda: trainer.classes.add_member(klass, person))
    assert_announced(trainer, lambda: trainer.quizzes.assign(quiz[0], class_uuid=klass))
    attempt = trainer.attempts.start(quiz[0], person, "ru")
    assert_announced(trainer, lambda: trainer.attempts.answer(
        attempt.uuid, attempt.items[0]["q"], {"option": None}))
    # The one the exam page forgot to announce: extra time for an interrupted exam.
    assert "attempts" in assert_announced(
        trainer, lambda: trainer.attempts.grant_extra_time(attempt.uuid, 600))
    assert_announced(trainer, lambda: trainer.attempts.submit(attempt.uuid))
    lesson = trainer.progress.lesson_order()[0]
    assert_announced(trainer, lambda: trainer.progress.mark_read(person, lesson))
    key = trainer.practice.due(person)[0]
    assert_announced(trainer, lambda: trainer.practice.review(person, key, 3))
    cert = trainer.certificates.issue("Айгерим Сейітова", "CITES", "kk")
    assert_announced(trainer, lambda: trainer.certificates.revoke(cert.serial, "typo"))
    species = trainer.species.all("en")[0].uuid
    assert_announced(trainer, lambda: trainer.texts.set(
        "species", species, "handling", "ru", "Новый текст", "draft"))
    assert_announced(trainer, lambda: trainer.set_setting("font_scale", "1.3"))

    content: list[bundles.ExportResult] = []
    assert_announced(trainer, lambda: content.append(bundles.export_bundle(
        trainer, "content", tmp_path / "course.idtb", title="v2")))
    tables = assert_announced(laptop, lambda: bundles.import_bundle(
        laptop, content[0].path, trust=lambda m: True))
    assert {"quizzes", "texts", "sync_log", "trusted_keys"} <= tables


def test_a_huge_write_is_announced_without_listing_every_row(store: Store):
    from idtrainer.core import changes

    heard = Heard(store)
    with store.transaction():
        for i in range(changes.MAX_LISTED + 1):
            store.put("trainees", {"uuid": f"t{i}", "name": f"T {i}", "created_on": "2026-11-21"})
        store.classes.create("Almaty")
    (committed,) = heard.commits
    assert committed.touches("trainees") and committed.uuids("trainees") is None
    assert len(committed.uuids("classes") or ()) == 1
