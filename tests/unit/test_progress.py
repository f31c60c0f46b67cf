from __future__ import annotations

from pathlib import Path

from idtrainer.core.content import load_starter_content
from idtrainer.core.store import Store

FIXTURE = Path(__file__).parent.parent / "data" / "content"


def lessons_of(store: Store) -> list[str]:
    return store.progress.lesson_order()


def test_progress_and_continue_survive_reopening(loaded: Store):
    trainee = loaded.trainees.create("Айгерим")
    order = lessons_of(loaded)
    assert len(order) >= 2
    assert loaded.progress.continue_lesson(trainee) is None
    loaded.progress.opened(trainee, order[0])
    loaded.progress.mark_read(trainee, order[0])
    loaded.progress.opened(trainee, order[1])
    path = loaded.path
    loaded.close()
    with Store.open(path) as again:
        assert again.progress.continue_lesson(trainee) == order[1]
        assert again.progress.read_lessons(trainee) == {order[0]}
        assert 0 < again.progress.overall(trainee) < 1


def test_after_reading_the_last_opened_continue_moves_on(loaded: Store):
    trainee = loaded.trainees.create("Bekzod")
    order = lessons_of(loaded)
    loaded.progress.opened(trainee, order[0])
    loaded.progress.mark_read(trainee, order[0])
    assert loaded.progress.continue_lesson(trainee) == order[1]


def test_module_completion(store: Store):
    load_starter_content(store, FIXTURE)
    trainee = store.trainees.create("Oʻlmas")
    (lesson,) = lessons_of(store)
    module = store.query_one("SELECT module_uuid FROM lessons")["module_uuid"]
    assert not store.progress.modules(trainee)[module].completed
    store.progress.mark_read(trainee, lesson)
    store.progress.mark_read(trainee, lesson)  # twice changes nothing
    progress = store.progress.modules(trainee)[module]
    assert progress.completed and progress.fraction == 1.0
    assert store.progress.overall(trainee) == 1.0
    assert store.progress.continue_lesson(trainee) is None  # everything read
    assert store.count("lesson_progress") == 1


def test_neighbours(store: Store):
    load_starter_content(store, FIXTURE)
    (lesson,) = lessons_of(store)
    assert store.progress.neighbours(lesson) == (None, None)
    assert store.progress.neighbours("nope") == (None, None)
