from __future__ import annotations

from idtrainer.core.store import Store
from idtrainer.core.texts import Translation


def test_missing_kazakh_falls_back_to_russian_and_says_so(store: Store):
    store.texts.set("species", "s1", "summary", "ru", "Крупная кошка", "reviewed")
    store.texts.set("species", "s1", "summary", "en", "A large cat", "reviewed")
    shown = store.texts.get("species", "s1", "summary", "kk")
    assert shown.value == "Крупная кошка"
    assert shown.locale == "ru" and shown.requested == "kk" and shown.fell_back


def test_russian_missing_falls_back_to_english(store: Store):
    store.texts.set("species", "s1", "summary", "en", "A large cat")
    shown = store.texts.get("species", "s1", "summary", "uz")
    assert (shown.value, shown.locale, shown.fell_back) == ("A large cat", "en", True)


def test_requested_locale_present_is_not_a_fallback(store: Store):
    store.texts.set("species", "s1", "summary", "kk", "Ірі мысық", "machine")
    store.texts.set("species", "s1", "summary", "ru", "Крупная кошка")
    shown = store.texts.get("species", "s1", "summary", "kk")
    assert shown.value == "Ірі мысық" and not shown.fell_back and shown.status == "machine"


def test_nothing_in_the_chain_gives_none(store: Store):
    store.texts.set("species", "s1", "summary", "uz", "Katta mushuk")
    assert store.texts.get("species", "s1", "summary", "kk") is None
    assert store.texts.get("species", "s1", "summary", "uz").value == "Katta mushuk"


def test_set_all_tombstones_locales_no_longer_given(store: Store):
    store.texts.set_all("species", "s1", "name", {"ru": Translation("Ирбис"),
                                                  "kk": Translation("Ілбіс")})
    store.texts.set_all("species", "s1", "name", {"ru": Translation("Ирбис")})
    assert store.texts.get("species", "s1", "name", "kk").fell_back
    assert store.texts.variants("species", "s1", "name").keys() == {"ru"}


def test_for_owners_reads_many_at_once(store: Store):
    for i in range(5):
        store.texts.set("taxa", f"t{i}", "name", "ru", f"Имя {i}")
    store.texts.set("taxa", "t2", "name", "kk", "Атауы 2")
    names = store.texts.for_owners("taxa", [f"t{i}" for i in range(5)], "kk", fields=["name"])
    assert names["t2"]["name"].value == "Атауы 2" and not names["t2"]["name"].fell_back
    assert names["t3"]["name"].value == "Имя 3" and names["t3"]["name"].fell_back


def test_coverage_counts_by_locale_and_status(store: Store):
    store.texts.set("lessons", "l1", "body", "ru", "текст", "reviewed")
    store.texts.set("lessons", "l1", "body", "kk", "мәтін", "machine")
    coverage = store.texts.coverage("lessons")
    assert coverage["ru"]["reviewed"] == 1 and coverage["kk"]["machine"] == 1
    assert coverage["uz"] == {"draft": 0, "machine": 0, "reviewed": 0}


def test_a_text_naming_another_table_is_never_shown_for_the_owner(store: Store):
    # A trainees text whose owner uuid is a quiz's must not become the quiz's title.
    store.texts.set("quizzes", "quiz-1", "title", "en", "Final test", "reviewed")
    store.texts.set("trainees", "quiz-1", "title", "ru", "Подделка")
    assert store.texts.get("quizzes", "quiz-1", "title", "ru").value == "Final test"
    assert store.texts.variants("quizzes", "quiz-1", "title").keys() == {"en"}
    titles = store.texts.for_owners("quizzes", ["quiz-1"], "ru")
    assert titles["quiz-1"]["title"].value == "Final test"
