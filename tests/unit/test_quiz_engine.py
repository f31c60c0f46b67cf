"""The quiz engine: scoring, assembly from a seed, autosave and resume, time limits."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from idtrainer.core.questions import Option, Question
from idtrainer.core.quizzes import QuizError, QuizSettings, Rule
from idtrainer.core.scoring import correct_response, score
from idtrainer.core.store import Store


def question(qtype: str, options: list[tuple[str, bool]] = (), answer=None,
             pairs: int = 0) -> Question:
    opts = [Option(uuid, i, correct, None, None, None, None)
            for i, (uuid, correct) in enumerate(options)]
    for p in range(1, pairs + 1):
        opts += [Option(f"L{p}", 0, True, "left", p, None, None),
                 Option(f"R{p}", 0, True, "right", p, None, None)]
    return Question("q", "q", qtype, None, 1, [], [], None, answer, None, None, opts)


def test_single_and_image_choice():
    q = question("single", [("a", False), ("b", True), ("c", False)])
    assert score(q, {"option": "b"}) == 1.0
    assert score(q, {"option": "a"}) == 0.0
    assert score(q, {"option": "zzz"}) == score(q, None) == score(q, "b") == 0.0


@pytest.mark.parametrize(("chosen", "expected"), [
    (["a", "b"], 1.0),          # both correct options
    (["a"], 0.5),               # +1/2
    (["a", "c"], 0.0),          # +1/2 -1/2
    (["a", "b", "c"], 0.5),     # +1 -1/2
    (["c", "d"], 0.0),          # floored at 0, not -1
    ([], 0.0),
    (["a", "a", "b"], 1.0),     # a repeated pick counts once
    (["a", "unknown"], 0.5),    # ids not in the question are ignored
])
def test_multiple_choice_partial_credit(chosen, expected):
    q = question("multiple", [("a", True), ("b", True), ("c", False), ("d", False)])
    assert score(q, {"options": chosen}) == pytest.approx(expected)


def test_true_false_and_appendix():
    tf = question("truefalse", answer={"value": False})
    assert score(tf, {"value": False}) == 1.0
    assert score(tf, {"value": True}) == 0.0 and score(tf, {"value": "false"}) == 0.0
    app = question("appendix", answer={"appendix": "II"})
    assert score(app, {"appendix": "II"}) == 1.0 and score(app, {"appendix": "I"}) == 0.0


def test_matching_scores_the_share_of_right_pairs():
    q = question("matching", pairs=4)
    assert score(q, correct_response(q)) == 1.0
    assert score(q, {"pairs": {"L1": "R1", "L2": "R2", "L3": "R4", "L4": "R3"}}) == 0.5
    assert score(q, {"pairs": {"L1": "R1"}}) == 0.25
    assert score(q, {"pairs": {}}) == 0.0



@pytest.fixture
def exam(loaded: Store):
    """A quiz on the starter bank: two fixed questions and 8 drawn from module 3."""
    fixed = loaded.questions.uuids()[:2]
    settings = QuizSettings(time_limit_minutes=30, pass_mark=60)
    rules = [Rule("fixed", question=q) for q in fixed] + [
        Rule("random", count=8, filter={"modules": ["m3-specimens-identification"]})]
    quiz = loaded.quizzes.save("Module 3 test", settings, rules)
    trainee = loaded.trainees.create("Бакыт Осмонов")
    return loaded, quiz, trainee, fixed


def test_assembly_is_the_same_for_the_same_seed_and_follows_the_rules(exam):
    store, quiz, _trainee, fixed = exam
    one = store.quizzes.assemble(quiz, 1234)
    assert one == store.quizzes.assemble(quiz, 1234)
    assert one != store.quizzes.assemble(quiz, 4321)
    assert len(one.questions) == 10 and len(set(one.questions)) == 10
    assert set(fixed) <= set(one.questions)
    module3 = set(store.quizzes.pool(Rule("random", count=1,
                                          filter={"modules": ["m3-specimens-identification"]})))
    drawn = [q for q in one.questions if q not in fixed]
    assert set(drawn) <= module3
    for item in one.items:  # every option of each question, shuffled deterministically
        assert sorted(item["o"]) == sorted(o.uuid for o in store.questions.get(
            item["q"], "en").options)


def test_filters_on_type_difficulty_tags(loaded: Store):
    pool = loaded.quizzes.pool(Rule("random", count=1, filter={"types": ["appendix"],
                                                                "difficulty": [1]}))
    assert pool and all(loaded.questions.get(q, "en").qtype == "appendix" for q in pool)
    tagged = loaded.quizzes.pool(Rule("random", count=1, filter={"tags": ["saiga-tatarica"]}))
    assert tagged and all("saiga-tatarica" in loaded.questions.get(q, "en").tags
                          for q in tagged)


def test_unseen_questions_are_preferred(exam):
    store, _quiz, trainee, _fixed = exam
    rule = Rule("random", count=5, filter={"types": ["truefalse"]})
    quiz = store.quizzes.save("True or false", QuizSettings(), [rule])
    first = store.attempts.start(quiz, trainee, "ru", seed=1)
    store.attempts.submit(first.uuid)
    second = store.attempts.start(quiz, trainee, "ru", seed=1)  # same seed on purpose
    first_questions = [item["q"] for item in first.items]
    # With nothing seen, this seed draws the first set again...
    assert store.quizzes.assemble(quiz, 1).questions == first_questions
    # ...but the trainee has seen it, so the second attempt draws other questions.
    assert set(first_questions).isdisjoint(item["q"] for item in second.items)
    assert store.attempts.seen(trainee) >= set(first_questions)


def test_answers_are_saved_at_once_and_the_attempt_resumes_after_a_crash(exam, tmp_path, clock):
    store, quiz, trainee, _fixed = exam
    store.clock = clock
    attempt = store.attempts.start(quiz, trainee, "kk")
    first, second = (item["q"] for item in attempt.items[:2])
    q1 = store.questions.get(first, "kk")
    store.attempts.answer(attempt.uuid, first, correct_response(q1))
    store.attempts.answer(attempt.uuid, second, {"option": "nonsense"}, flagged=True)
    clock.now += dt.timedelta(minutes=12)
    path = store.path
    store.close()  # the laptop is switched off mid-exam

    clock.now += dt.timedelta(minutes=5)  # ...and back on five minutes later
    with Store.open(path, clock=clock) as again:
        resumed = again.attempts.start(quiz, trainee, "kk")
        assert resumed.uuid == attempt.uuid and resumed.items == attempt.items
        answers = again.attempts.answers(attempt.uuid)
        assert answers[first]["response"] == correct_response(q1)
        assert answers[second]["flagged"]
        assert again.attempts.remaining_seconds(resumed) == 13 * 60  # 30 - 12 - 5
        again.attempts.grant_extra_time(attempt.uuid, 120)
        assert again.attempts.remaining_seconds(again.attempts.get(attempt.uuid)) == 15 * 60


def test_an_attempt_past_its_time_is_submitted_with_the_answers_given(exam, clock):
    store, quiz, trainee, _fixed = exam
    store.clock = clock
    attempt = store.attempts.start(quiz, trainee, "ru")
    item = attempt.items[0]
    store.attempts.answer(attempt.uuid, item["q"],
                          correct_response(store.questions.get(item["q"], "ru")))
    clock.now += dt.timedelta(minutes=31)
    with pytest.raises(QuizError, match="Time is up"):
        store.attempts.answer(attempt.uuid, attempt.items[1]["q"], {"value": True})
    done = store.attempts.get(attempt.uuid)
    assert done.submitted_at and done.score == 1.0 and done.max_score == 10
    assert not done.passed
    result = store.attempts.result(attempt.uuid)
    assert sum(points for points, _n in result.per_module.values()) == 1.0
    assert sum(n for _p, n in result.per_module.values()) == 10


def test_overdue_attempts_are_submitted_on_start_up(exam, clock):
    store, quiz, trainee, _fixed = exam
    store.clock = clock
    attempt = store.attempts.start(quiz, trainee, "ru")
    clock.now += dt.timedelta(hours=2)
    assert store.attempts.submit_overdue() == [attempt.uuid]
    assert store.attempts.get(attempt.uuid).submitted_at


def test_attempts_allowed_and_grading(exam):
    store, _quiz, trainee, _fixed = exam
    rule = Rule("random", count=4, filter={"types": ["appendix"]})
    quiz = store.quizzes.save("Appendix drill",
                              QuizSettings(attempts_allowed=2, grading="highest", pass_mark=50),
                              [rule])
    good = store.attempts.start(quiz, trainee, "en")
    for item in good.items:
        store.attempts.answer(good.uuid, item["q"],
                              correct_response(store.questions.get(item["q"], "en")))
    store.attempts.submit(good.uuid)
    weak = store.attempts.start(quiz, trainee, "en")
    store.attempts.submit(weak.uuid)
    with pytest.raises(QuizError, match="No attempts left"):
        store.attempts.start(quiz, trainee, "en")
    assert store.attempts.grade(quiz, trainee).uuid == good.uuid
    assert store.attempts.get(good.uuid).passed and not store.attempts.get(weak.uuid).passed


def test_quiz_problems_and_duplicate(exam):
    store, quiz, _trainee, _fixed = exam
    greedy = store.quizzes.save("Too many", QuizSettings(),
                                [Rule("random", count=10_000, filter={"types": ["matching"]})])
    assert any("10000" in p or "10 000" in p for p in store.quizzes.problems(greedy))
    assert store.quizzes.problems(quiz, ["kk", "uz"]) == []
    copy = store.quizzes.duplicate(quiz)
    assert store.quizzes.get(copy, "en").title == "Module 3 test (2)"
    assert store.quizzes.get(copy, "en").rules == store.quizzes.get(quiz, "en").rules
    with pytest.raises(QuizError):
        store.quizzes.save("Empty", QuizSettings(), [])
    with pytest.raises(QuizError):
        store.quizzes.save("Bad", QuizSettings(pass_mark=120), [Rule("random", count=1)])


def test_results_csv_has_one_row_per_attempt(exam, tmp_path):
    store, quiz, trainee, _fixed = exam
    attempt = store.attempts.start(quiz, trainee, "ru")
    store.attempts.submit(attempt.uuid)
    out = tmp_path / "results.csv"
    assert store.attempts.export_csv(out) == 1
    with out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["trainee"] == "Бакыт Осмонов" and rows[0]["quiz"] == "Module 3 test"
    assert rows[0]["score_percent"] == "0.0" and rows[0]["passed"] == "no"


def test_a_failed_export_leaves_no_file(exam, tmp_path, monkeypatch):
    store, quiz, trainee, _fixed = exam
    store.attempts.submit(store.attempts.start(quiz, trainee, "ru").uuid)

    def broken_writer(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(csv, "writer", broken_writer)
    out = tmp_path / "results.csv"
    with pytest.raises(OSError):
        store.attempts.export_csv(out)
    assert list(tmp_path.glob("results.csv*")) == []


def test_the_queries_widgets_and_commands_use(exam, clock):
    store, quiz, trainee, _fixed = exam
    store.clock = clock
    untimed = store.quizzes.save("Practice round", QuizSettings(),
                                 [Rule("random", count=2, filter={"types": ["single"]})])
    assert store.quizzes.all_uuids() == [quiz, untimed]
    assert store.quizzes.uuid_titled("  module 3   TEST ") == quiz
    assert store.quizzes.uuid_titled("no such quiz") is None
    module = store.lessons.module_uuid("m3-specimens-identification")
    assert module is not None and module in store.lessons.module_uuids()
    assert store.lessons.module_uuid("no-such-module") is None
    assert store.attempts.timed_in_progress() == []
    timed = store.attempts.start(quiz, trainee, "ru")
    store.attempts.start(untimed, trainee, "ru")
    assert [a.uuid for a in store.attempts.timed_in_progress()] == [timed.uuid]
    store.attempts.submit(timed.uuid)
    assert store.attempts.timed_in_progress() == []
