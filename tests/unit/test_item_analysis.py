"""Item analysis against hand-computed values on a fixed set of five attempts at three
picture questions (Moodle's definitions; see core/item_analysis.py).

Scores (1 = right):      Q1 Q2 Q3  total
    A                     1  1  1    3
    B                     1  1  0    2
    C                     1  0  0    1
    D                     0  1  0    1
    E                     0  0  0    0

Q1: x = 1 1 1 0 0, rest = 2 1 0 1 0. mean x .6, var x = 1.2/4 = .3, mean rest .8,
var rest = 2.8/4 = .7, cov = .6/4 = .15, so discrimination = 100·.15/√(.3·.7) = 32.733;
sorted pairing gives cov_max = 1.6/4 = .4, so efficiency = 100·.15/.4 = 37.5.
Totals 3 2 1 1 0: var = 5.2/4 = 1.3; item variances .3 + .3 + .2 = .8;
alpha = 3/2 · (1 − .8/1.3) = .576923, error ratio = 100·√(1 − alpha) = 65.044.
"""

from __future__ import annotations

import json
import math

import pytest

from idtrainer.core.item_analysis import analyse
from idtrainer.core.quizzes import QuizSettings, Rule
from idtrainer.core.store import Store

# Which option each person picks: "c" the right one, "w1"/"w2" the first/second wrong one.
PICKS = {
    "A": ("c", "c", "c"),
    "B": ("c", "c", "w1"),
    "C": ("c", "w2", "w1"),
    "D": ("w1", "c", "w1"),
    "E": ("w1", "w1", "w2"),
}


@pytest.fixture
def fixed(loaded: Store):
    rows = loaded.query(
        "SELECT q.uuid, q.slug FROM questions q WHERE q.qtype = 'image' AND (SELECT count(*) "
        "FROM question_options o WHERE o.question_uuid = q.uuid AND o.species_uuid IS NOT NULL"
        ") = 4 ORDER BY q.slug")
    chosen, species = [], set()
    for r in rows:  # three questions about three different species
        right = loaded.scalar("SELECT species_uuid FROM question_options WHERE question_uuid = ?"
                              " AND correct = 1", (r["uuid"],))
        if right not in species:
            species.add(right)
            chosen.append(r["uuid"])
        if len(chosen) == 3:
            break
    options = {}
    for q in chosen:
        opts = loaded.query("SELECT uuid, correct, species_uuid FROM question_options WHERE "
                            "question_uuid = ? ORDER BY position", (q,))
        right = next(o for o in opts if o["correct"])
        wrong = [o for o in opts if not o["correct"]]
        options[q] = {"c": right, "w1": wrong[0], "w2": wrong[1]}
    quiz = loaded.quizzes.save("Фото", QuizSettings(shuffle_questions=False),
                               [Rule("fixed", question=q) for q in chosen])
    people = {}
    for name, picks in PICKS.items():
        people[name] = loaded.trainees.create(name)
        attempt = loaded.attempts.start(quiz, people[name], "ru", seed=1)
        assert [i["q"] for i in attempt.items] == chosen
        for q, pick in zip(chosen, picks, strict=True):
            loaded.attempts.answer(attempt.uuid, q, {"option": options[q][pick]["uuid"]})
        loaded.attempts.submit(attempt.uuid)
    return loaded, quiz, chosen, options, people


def test_question_statistics_match_hand_computed_values(fixed):
    store, quiz, chosen, _options, _people = fixed
    stats = {q.uuid: q for q in analyse(store, quiz).questions}
    q1, q2, q3 = (stats[q] for q in chosen)
    assert q1.n == 5 and q1.facility == pytest.approx(60.0)
    assert q1.sd == pytest.approx(100 * math.sqrt(0.3))
    assert q1.discrimination == pytest.approx(100 * 0.15 / math.sqrt(0.3 * 0.7))  # 32.733
    assert q1.efficiency == pytest.approx(37.5)
    # Q2: x = 1 1 0 1 0, rest = 2 1 1 0 0 -> cov = .15, var rest = .7, cov_max = .4
    assert q2.facility == pytest.approx(60.0)
    assert q2.discrimination == pytest.approx(100 * 0.15 / math.sqrt(0.21))
    # Q3: x = 1 0 0 0 0, rest = 2 2 1 1 0: mean rest 1.2, var rest = 2.8/4 = .7,
    # cov = (.8·.8 − .2·(.8 − .2 − .2 − 1.2))/4 = .8/4 = .2; sorted: (.8·.8 + ... ) = .2
    assert q3.facility == pytest.approx(20.0)
    assert q3.sd == pytest.approx(100 * math.sqrt(0.2))
    assert q3.discrimination == pytest.approx(100 * 0.2 / math.sqrt(0.2 * 0.7))
    assert q3.efficiency == pytest.approx(100.0)


def test_quiz_statistics_alpha_and_error_ratio(fixed):
    store, quiz, *_ = fixed
    s = analyse(store, quiz).quiz
    assert s.attempts == 5 and s.same_questions
    assert s.mean == pytest.approx(100 * 1.4 / 3)
    assert s.median == pytest.approx(100 / 3)
    assert s.sd == pytest.approx(100 / 3 * math.sqrt(1.3))
    alpha = 3 / 2 * (1 - 0.8 / 1.3)
    assert s.alpha == pytest.approx(alpha) and s.cic == pytest.approx(57.6923, abs=1e-4)
    assert s.error_ratio == pytest.approx(100 * math.sqrt(1 - alpha))  # 65.044
    assert s.standard_error == pytest.approx(s.error_ratio / 100 * s.sd)


def test_distractors_flags_and_confusion_matrix(fixed):
    store, quiz, chosen, options, _people = fixed
    result = analyse(store, quiz)
    q1 = next(q for q in result.questions if q.uuid == chosen[0])
    counts = {o.key: o.count for o in q1.options}
    assert counts[options[chosen[0]]["c"]["uuid"]] == 3
    assert counts[options[chosen[0]]["w1"]["uuid"]] == 2
    assert counts[options[chosen[0]]["w2"]["uuid"]] == 0
    assert "unused_distractor" in q1.flags and "too_easy" not in q1.flags
    # Q1's right species was taken for its first lookalike twice, and so on.
    truth = [options[q]["c"]["species_uuid"] for q in chosen]
    w1 = [options[q]["w1"]["species_uuid"] for q in chosen]
    w2 = [options[q]["w2"]["species_uuid"] for q in chosen]
    m = result.confusion.counts
    assert m[truth[0]][truth[0]] == 3 and m[truth[0]][w1[0]] == 2
    assert m[truth[1]][w2[1]] == 1 and m[truth[1]][w1[1]] == 1
    assert m[truth[2]][w1[2]] == 3 and m[truth[2]][w2[2]] == 1
    assert result.confusion.mix_ups()[0] == (truth[2], w1[2], 3)
    assert result.confusion.accuracy(truth[2]) == pytest.approx(0.2)
    # Modules: the three questions' facility pooled by answers.
    assert sum(m.answers for m in result.modules) == 15


def test_analysis_of_one_groups_officers_only(fixed):
    store, quiz, chosen, _options, people = fixed
    part = analyse(store, quiz, trainees=[people["A"], people["E"]])
    assert part.quiz.attempts == 2
    assert {q.uuid: q.facility for q in part.questions}[chosen[0]] == pytest.approx(50.0)


def test_a_question_left_unanswered_counts_as_zero(fixed):
    store, quiz, chosen, options, _people = fixed
    late = store.trainees.create("F")
    attempt = store.attempts.start(quiz, late, "ru", seed=1)
    store.attempts.answer(attempt.uuid, chosen[0], {"option": options[chosen[0]]["c"]["uuid"]})
    store.attempts.submit(attempt.uuid)
    stats = {q.uuid: q for q in analyse(store, quiz).questions}
    assert stats[chosen[1]].n == 6 and stats[chosen[1]].unanswered == 1
    assert stats[chosen[1]].facility == pytest.approx(50.0)


def naive(matrix: list[list[float]]) -> dict[str, list[float | None]]:
    """The definitions applied attempt by attempt, without the joint counts."""
    import statistics as st

    n, k = len(matrix), len(matrix[0])
    totals = [sum(row) for row in matrix]
    out: dict[str, list[float | None]] = {"facility": [], "disc": [], "eff": []}
    item_vars = []
    for j in range(k):
        x = [row[j] for row in matrix]
        rest = [t - xi for t, xi in zip(totals, x, strict=True)]
        mx, mr = st.fmean(x), st.fmean(rest)
        cov = sum((a - mx) * (b - mr) for a, b in zip(x, rest, strict=True)) / (n - 1)
        vx, vr = st.variance(x), st.variance(rest)
        cmax = sum((a - mx) * (b - mr) for a, b in zip(sorted(x), sorted(rest),
                                                           strict=True)) / (n - 1)
        out["facility"].append(100 * mx)
        out["disc"].append(100 * cov / math.sqrt(vx * vr) if vx > 0 and vr > 0 else None)
        out["eff"].append(100 * cov / cmax if cmax > 0 else None)
        item_vars.append(vx)
    vt = st.variance(totals)
    out["alpha"] = [k / (k - 1) * (1 - sum(item_vars) / vt) if vt > 0 else None]
    return out


@pytest.mark.parametrize("seed", range(4))
def test_random_class_agrees_with_the_definitions_applied_naively(fixed, seed):
    import random

    store, _quiz, chosen, options, _people = fixed
    quiz = store.quizzes.save(f"Случайный {seed}", QuizSettings(shuffle_questions=False),
                              [Rule("fixed", question=q) for q in chosen])
    rng = random.Random(seed)
    matrix = []
    for i in range(rng.randint(6, 14)):
        person = store.trainees.create(f"S{seed}-{i}")
        attempt = store.attempts.start(quiz, person, "ru", seed=1)
        row = []
        for q in chosen:
            pick = rng.choice(["c", "c", "w1", "w2"])
            store.attempts.answer(attempt.uuid, q, {"option": options[q][pick]["uuid"]})
            row.append(1.0 if pick == "c" else 0.0)
        store.attempts.submit(attempt.uuid)
        matrix.append(row)
    expected = naive(matrix)
    result = analyse(store, quiz)
    by_uuid = {q.uuid: q for q in result.questions}
    for j, q in enumerate(chosen):
        stat = by_uuid[q]
        assert stat.facility == pytest.approx(expected["facility"][j])
        for got, want in ((stat.discrimination, expected["disc"][j]),
                          (stat.efficiency, expected["eff"][j])):
            assert (got is None) == (want is None)
            if want is not None:
                assert got == pytest.approx(want)
    if expected["alpha"][0] is None:
        assert result.quiz.alpha is None
    else:
        assert result.quiz.alpha == pytest.approx(expected["alpha"][0])


@pytest.mark.parametrize("seed", range(3))
def test_one_pass_counts_equal_the_plain_group_by_on_random_scores(fixed, seed, monkeypatch):
    """The one-pass reading (schema 13's covering indexes, per-attempt answer lists)
    gives exactly the counts of a plain GROUP BY, and so exactly the same analysis, with
    partial scores (1/3, 1/7: not exact in binary), NULL responses and scores, deleted
    attempts, an attempt left open; and its figures agree with the
    definitions applied attempt by attempt."""
    import random

    from idtrainer.core import item_analysis

    store, _quiz, chosen, options, _people = fixed
    quiz = store.quizzes.save(f"Баллы {seed}", QuizSettings(shuffle_questions=False),
                              [Rule("fixed", question=q) for q in chosen])
    rng = random.Random(100 + seed)
    matrix, picked = [], {q: {} for q in chosen}
    for i in range(rng.randint(8, 16)):
        attempt = store.attempts.start(quiz, store.trainees.create(f"P{seed}-{i}"), "ru",
                                       seed=1)
        for q in chosen:
            store.attempts.answer(attempt.uuid, q, {"option": options[q][
                rng.choice(["c", "w1", "w2"])]["uuid"]})
        store.attempts.submit(attempt.uuid)
        row = []
        with store.transaction():
            for q in chosen:
                score = rng.choice([0.0, 1.0, 1 / 3, 2 / 3, 1 / 7, None])
                response = None if score is None and rng.random() < 0.5 else "keep"
                store.conn.execute(
                    "UPDATE answers SET score = ?, response = CASE WHEN ? IS NULL THEN NULL "
                    "ELSE response END WHERE attempt_uuid = ? AND question_uuid = ?",
                    (score, response, attempt.uuid, q))
                row.append(score or 0.0)
                got = store.scalar("SELECT response FROM answers WHERE attempt_uuid = ? AND "
                                   "question_uuid = ?", (attempt.uuid, q))
                picked[q][got] = picked[q].get(got, 0) + 1
            store.conn.execute("UPDATE attempts SET score = ? WHERE uuid = ?",
                               (sum(row), attempt.uuid))
        matrix.append(row)
    # Left out by both readings: a deleted attempt and an attempt never submitted.
    gone = store.attempts.start(quiz, store.trainees.create(f"G{seed}"), "ru", seed=1)
    store.attempts.answer(gone.uuid, chosen[0], {"option": options[chosen[0]]["c"]["uuid"]})
    store.attempts.submit(gone.uuid)
    store.conn.execute("UPDATE attempts SET deleted = 1 WHERE uuid = ?", (gone.uuid,))
    store.attempts.start(quiz, store.trainees.create(f"O{seed}"), "ru", seed=1)

    where = "a.quiz_uuid = ? AND a.deleted = 0 AND a.submitted_at IS NOT NULL"
    fast = item_analysis._joint_counts(store, where, [quiz])
    plain = item_analysis._joint_counts_grouped(store, where, [quiz])
    assert fast == plain and sum(fast.values()) == len(matrix) * len(chosen)
    result = analyse(store, quiz)
    monkeypatch.setattr(item_analysis, "_joint_counts", item_analysis._joint_counts_grouped)
    assert analyse(store, quiz) == result  # every figure bit for bit

    expected = naive(matrix)
    by_uuid = {q.uuid: q for q in result.questions}
    for j, q in enumerate(chosen):
        stat = by_uuid[q]
        assert stat.n == len(matrix)
        assert stat.facility == pytest.approx(expected["facility"][j])
        assert stat.unanswered == picked[q].get(None, 0)  # a NULL response
        for got, want in ((stat.discrimination, expected["disc"][j]),
                          (stat.efficiency, expected["eff"][j])):
            assert (got is None) == (want is None)
            if want is not None:
                assert got == pytest.approx(want)
        counts = {o.key: o.count for o in stat.options}
        for response, n in picked[q].items():
            if response is not None:
                assert counts[json.loads(response)["option"]] == n
    assert result.quiz.attempts == len(matrix)
    if expected["alpha"][0] is None:
        assert result.quiz.alpha is None
    else:
        assert result.quiz.alpha == pytest.approx(expected["alpha"][0])
