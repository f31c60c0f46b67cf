"""Exams in core: how complete a response is, built-in self-tests, closed or open book."""

from __future__ import annotations

import pytest

from idtrainer.core.app_data import open_store, self_tests_complete
from idtrainer.core.questions import Option, Question
from idtrainer.core.quizzes import SELF_TEST_QUESTIONS, QuizSettings, Rule
from idtrainer.core.scoring import ANSWERED, PARTIAL, UNANSWERED, completeness
from idtrainer.core.store import content_uuid


def question(qtype: str, options: list[str] = (), pairs: int = 0) -> Question:
    opts = [Option(uuid, i, i == 0, None, None, None, None) for i, uuid in enumerate(options)]
    for p in range(1, pairs + 1):
        opts += [Option(f"L{p}", 0, True, "left", p, None, None),
                 Option(f"R{p}", 0, True, "right", p, None, None)]
    return Question("q", "q", qtype, None, 1, [], [], None, {"value": True}, None, None,
                    opts)


def test_a_matching_question_with_some_pairs_is_partly_answered():
    q = question("matching", pairs=3)
    assert completeness(q, None) == UNANSWERED
    assert completeness(q, {"pairs": {}}) == UNANSWERED
    assert completeness(q, {"pairs": {"L1": "R2"}}) == PARTIAL
    assert completeness(q, {"pairs": {"L1": "R2", "L2": "R1"}}) == PARTIAL
    assert completeness(q, {"pairs": {"L1": "R2", "L2": "R1", "L3": None}}) == PARTIAL
    assert completeness(q, {"pairs": {"L1": "R2", "L2": "R1", "L3": "R3"}}) == ANSWERED
    # A left item that is not in the question does not make up for a missing one.
    assert completeness(q, {"pairs": {"L1": "R1", "L2": "R2", "X": "R3"}}) == PARTIAL


@pytest.mark.parametrize(("qtype", "response", "expected"), [
    ("multiple", {"options": []}, UNANSWERED),
    ("multiple", {"options": ["a"]}, ANSWERED),  # "select all that apply": no count given
    ("single", {"option": "a"}, ANSWERED),
    ("single", {"option": None}, UNANSWERED),
    ("truefalse", {"value": False}, ANSWERED),  # False is an answer, not a blank
    ("appendix", {"appendix": "none"}, ANSWERED),
    ("single", "a", UNANSWERED),
    ("single", {}, UNANSWERED),
])
def test_other_types_are_answered_or_not(qtype, response, expected):
    assert completeness(question(qtype, ["a", "b"]), response) == expected


def test_one_self_test_per_module_made_once_with_stable_uuids(loaded):
    store = loaded
    tests = store.quizzes.self_tests()
    modules = [m for m in store.lessons.module_uuids()
               if store.scalar("SELECT count(*) FROM questions WHERE module_uuid = ? AND "
                               "deleted = 0", (m,))]
    assert len(tests) == len(modules) > 0
    slugs = [r["slug"] for r in store.query("SELECT slug FROM modules WHERE deleted = 0")]
    assert set(tests) <= {content_uuid("self-test", s) for s in slugs}
    before = store.count("quizzes"), store.count("quiz_rules"), store.count("texts")
    assert store.quizzes.ensure_self_tests() == []  # idempotent: nothing new, nothing doubled
    assert (store.count("quizzes"), store.count("quiz_rules"), store.count("texts")) == before
    for quiz in tests:
        q = store.quizzes.get(quiz, "kk")
        assert q.settings.self_test and q.settings.feedback_mode == "practice"
        assert q.settings.time_limit_minutes == 0 and q.settings.attempts_allowed == 0
        assert not q.settings.closed_book and q.title  # the module's title, in Kazakh
        module = q.rules[0].filter["modules"][0]
        drawn = store.quizzes.assemble(quiz, 7).questions
        assert 0 < len(drawn) <= SELF_TEST_QUESTIONS
        assert {store.scalar("SELECT module_uuid FROM questions WHERE uuid = ?", (d,))
                for d in drawn} == {module}
    assert not set(tests) & set(store.quizzes.all_uuids())  # trainers' quizzes apart


def test_a_fresh_officer_takes_a_self_test_without_an_assignment(loaded):
    store = loaded
    trainee = store.trainees.create("Dilnoza Yusupova")
    quiz = store.quizzes.self_tests()[0]
    assert store.quizzes.for_trainee(trainee) == []
    attempt = store.attempts.start(quiz, trainee, "uz")
    assert attempt.deadline_at is None
    assert store.attempts.completeness(attempt, "uz") == [UNANSWERED] * len(attempt.items)
    result = store.attempts.submit(attempt.uuid)
    assert result.attempt.submitted_at and result.attempt.passed is False
    again = store.attempts.start(quiz, trainee, "uz")  # unlimited attempts
    assert again.uuid != attempt.uuid


def test_a_self_test_appears_for_a_module_added_later(loaded):
    store = loaded
    module = store.lessons.module_uuids()[0]
    slug = store.scalar("SELECT slug FROM modules WHERE uuid = ?", (module,))
    store.tombstone("quizzes", content_uuid("self-test", slug))
    assert store.quizzes.ensure_self_tests() == [content_uuid("self-test", slug)]


def test_a_start_notices_a_missing_self_test_and_makes_it(loaded):
    """open_store reads one row to see that every module with questions has its self-test;
    when one is gone (a sync tombstoned it, a module arrived) the quiz manager makes it."""
    store = loaded
    assert self_tests_complete(store)
    module = store.lessons.module_uuids()[0]
    slug = store.scalar("SELECT slug FROM modules WHERE uuid = ?", (module,))
    store.tombstone("quizzes", content_uuid("self-test", slug))
    assert not self_tests_complete(store)
    folder = store.path.parent
    store.close()
    again = open_store(folder)
    try:
        assert self_tests_complete(again)
        assert again.scalar("SELECT deleted FROM quizzes WHERE uuid = ?",
                            (content_uuid("self-test", slug),)) == 0
    finally:
        again.close()


def test_a_module_without_questions_needs_no_self_test(loaded):
    store = loaded
    module = store.lessons.module_uuids()[0]
    for (question,) in store.conn.execute(
            "SELECT uuid FROM questions WHERE module_uuid = ? AND deleted = 0", (module,)):
        store.tombstone("questions", question)
    slug = store.scalar("SELECT slug FROM modules WHERE uuid = ?", (module,))
    store.tombstone("quizzes", content_uuid("self-test", slug))
    assert self_tests_complete(store)


def test_exams_are_closed_book_unless_the_quiz_says_otherwise():
    assert QuizSettings().closed_book
    assert not QuizSettings(open_book=True).closed_book
    assert not QuizSettings(feedback_mode="practice").closed_book


def test_completeness_of_an_attempt_follows_its_answers(loaded):
    store = loaded
    trainee = store.trainees.create("Арман")
    quiz = store.quizzes.save("Pairs", QuizSettings(),
                              [Rule("random", count=2, filter={"types": ["matching"]})])
    attempt = store.attempts.start(quiz, trainee, "ru")
    first = store.questions.get(attempt.items[0]["q"], "ru")
    left = next(o.uuid for o in first.options if o.side == "left")
    right = next(o.uuid for o in first.options if o.side == "right")
    store.attempts.answer(attempt.uuid, first.uuid, {"pairs": {left: right}})
    assert store.attempts.completeness(attempt, "ru") == [PARTIAL, UNANSWERED]
