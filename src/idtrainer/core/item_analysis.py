"""Item analysis of a quiz with the definitions of Moodle's quiz statistics report
(question/classes/statistics and mod/quiz/report/statistics), so a trainer who knows
Moodle reads the same numbers. Every question is worth one point here, and every
submitted attempt counts (Moodle's "all attempts" setting).

For a question answered in n attempts, with item score x (0..1) and the rest of the
test R = attempt total − x (Moodle's "other marks"), sample (n − 1) statistics:

- facility index = 100 · mean(x)
- standard deviation = 100 · sd(x)
- discrimination index = 100 · cov(x, R) / √(var(x) · var(R))
- discriminative efficiency = 100 · cov(x, R) / cov_max(x, R), where cov_max pairs the
  sorted x with the sorted R (the largest covariance these marks allow)

Per quiz: mean, median and sd of the attempt percentages; Cronbach's alpha, which Moodle
reports as CIC = 100 · k/(k−1) · (1 − Σ var(item) / var(total)); the error ratio
ER = 100 · √(1 − alpha); the standard error = ER/100 · sd.

The heavy lifting is counting answers by (question, response, score, attempt total):
the joint counts of a question's score and the rest of the test are enough for every
figure above, so 20,000 attempts never become a million Python tuples (see
``_joint_counts`` for how they are read in one pass over covering indexes).
"""

from __future__ import annotations

import json
import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from idtrainer.core.i18n import N_

if TYPE_CHECKING:
    from collections.abc import Iterable

    from idtrainer.core.store import Store

#: Flag thresholds (facility in percent, discrimination as an index of 100).
TOO_EASY, TOO_HARD, LOW_DISCRIMINATION = 90.0, 20.0, 20.0
WEAK_MODULE = 60.0

FLAG_TEXTS = {
    "too_easy": N_("too easy (facility above {n}%)"),
    "too_hard": N_("too hard (facility below {n}%)"),
    "low_discrimination": N_("discrimination below {n}"),
    "unused_distractor": N_("a wrong option nobody chooses"),
}
FLAG_LIMITS = {"too_easy": TOO_EASY, "too_hard": TOO_HARD,
               "low_discrimination": LOW_DISCRIMINATION / 100, "unused_distractor": 0}


@dataclass(frozen=True)
class OptionStat:
    key: str            # option uuid, "true"/"false", or an appendix
    label: str
    correct: bool
    count: int
    share: float        # of the attempts that had the question, 0..1


@dataclass
class QuestionStat:
    uuid: str
    slug: str | None
    qtype: str
    module_uuid: str | None
    n: int
    facility: float | None
    sd: float | None
    discrimination: float | None
    efficiency: float | None
    unanswered: int
    options: list[OptionStat] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class QuizStat:
    attempts: int
    mean: float | None
    median: float | None
    sd: float | None
    alpha: float | None
    cic: float | None
    error_ratio: float | None
    standard_error: float | None
    same_questions: bool


@dataclass(frozen=True)
class ModuleStat:
    module_uuid: str | None
    questions: int
    answers: int
    facility: float
    weak: bool


@dataclass
class ItemAnalysis:
    quiz_uuid: str
    quiz: QuizStat
    questions: list[QuestionStat]
    modules: list[ModuleStat]
    confusion: Confusion


@dataclass
class Confusion:
    """species shown (the right answer) -> species chosen -> count."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, truth: str, chosen: str, n: int = 1) -> None:
        row = self.counts.setdefault(truth, {})
        row[chosen] = row.get(chosen, 0) + n

    def species(self) -> list[str]:
        names = set(self.counts)
        for row in self.counts.values():
            names |= set(row)
        return sorted(names)

    def mix_ups(self) -> list[tuple[str, str, int]]:
        """(shown, taken for, count), most frequent first, correct answers left out."""
        pairs = [(t, c, n) for t, row in self.counts.items() for c, n in row.items() if t != c]
        return sorted(pairs, key=lambda p: (-p[2], p[0], p[1]))

    def accuracy(self, truth: str) -> float | None:
        row = self.counts.get(truth, {})
        total = sum(row.values())
        return row.get(truth, 0) / total if total else None


class _Moments:
    """Joint counts of (x, R) for one question, and the statistics over them."""

    def __init__(self) -> None:
        self.joint: dict[tuple[float, float], int] = defaultdict(int)

    def add(self, x: float, rest: float, n: int) -> None:
        self.joint[(x, rest)] += n

    def compute(self) -> tuple[int, float | None, float | None, float | None, float | None]:
        n = sum(self.joint.values())
        if n == 0:
            return 0, None, None, None, None
        sx = sum(x * c for (x, _r), c in self.joint.items())
        sr = sum(r * c for (_x, r), c in self.joint.items())
        mx, mr = sx / n, sr / n
        facility = 100 * mx
        if n < 2:
            return n, facility, None, None, None
        vx = sum((x - mx) ** 2 * c for (x, _r), c in self.joint.items()) / (n - 1)
        vr = sum((r - mr) ** 2 * c for (_x, r), c in self.joint.items()) / (n - 1)
        cov = sum((x - mx) * (r - mr) * c for (x, r), c in self.joint.items()) / (n - 1)
        sd = 100 * math.sqrt(vx)
        disc = 100 * cov / math.sqrt(vx * vr) if vx > 0 and vr > 0 else None
        cmax = _max_covariance(self.joint, mx, mr, n)
        eff = 100 * cov / cmax if cmax > 0 else None
        return n, facility, sd, disc, eff


def _max_covariance(joint: dict[tuple[float, float], int], mx: float, mr: float,
                    n: int) -> float:
    """Moodle's covariancemax: sort both mark lists and pair them in order."""
    xs: dict[float, int] = defaultdict(int)
    rs: dict[float, int] = defaultdict(int)
    for (x, r), c in joint.items():
        xs[x] += c
        rs[r] += c
    xi = iter(sorted(xs.items()))
    ri = iter(sorted(rs.items()))
    total = 0.0
    x, cx = next(xi)
    r, cr = next(ri)
    while True:
        take = min(cx, cr)
        total += (x - mx) * (r - mr) * take
        cx -= take
        cr -= take
        try:
            if cx == 0:
                x, cx = next(xi)
            if cr == 0:
                r, cr = next(ri)
        except StopIteration:
            break
    return total / (n - 1)


def _sample_sd(values: list[float]) -> float | None:
    return statistics.stdev(values) if len(values) > 1 else None


def analyse(store: Store, quiz: str, *, trainees: Iterable[str] | None = None,
            locale: str = "en") -> ItemAnalysis:
    """Moodle-style statistics of every submitted attempt at ``quiz`` (optionally only
    those of ``trainees``, e.g. one event's or class's officers)."""
    where = "a.quiz_uuid = ? AND a.deleted = 0 AND a.submitted_at IS NOT NULL"
    params: list[Any] = [quiz]
    if trainees is not None:
        canonical = store.trainees.canonical_map()
        wanted = set(trainees)
        every = {u for u, c in canonical.items() if c in wanted} | wanted
        where += " AND a.trainee_uuid IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(sorted(every)))
    # max_score is the number of questions the attempt was given (one point each), so
    # nothing here parses the attempts' JSON question lists.
    attempts = store.conn.execute(
        "SELECT a.uuid, a.score, a.max_score, CAST(coalesce(a.max_score, 0) AS INTEGER) "
        f"FROM attempts a WHERE {where}", params).fetchall()
    percents = [100 * s / m for _u, s, m, _k in attempts if m]
    totals = {u: s or 0.0 for u, s, _m, _k in attempts}
    moments: dict[str, _Moments] = defaultdict(_Moments)
    responses: dict[str, dict[str | None, int]] = defaultdict(lambda: defaultdict(int))
    item_sq: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])  # n, Σx, Σx²
    answered_rows = 0
    # In the order SQLite's GROUP BY gives (NULL first, then by bytes, numbers ascending),
    # so every sum below adds the same floats in the same order as before.
    joint = _joint_counts(store, where, params)
    for (question, response, score, total), count in sorted(
            joint.items(), key=lambda kv: (kv[0][0], kv[0][1] is not None, kv[0][1] or "",
                                           kv[0][2], kv[0][3])):
        moments[question].add(score, total - score, count)
        responses[question][response] += count
        acc = item_sq[question]
        acc[0] += count
        acc[1] += score * count
        acc[2] += score * score * count
        answered_rows += count
    # Questions given but never answered score 0 (a time-up submission). Only when the
    # answers fall short of the questions given is each attempt looked at.
    if answered_rows < sum(k for _u, _s, _m, k in attempts):
        _add_unanswered(store, where, params, totals, moments, responses, item_sq)
    questions = [_question_stat(store, q, moments[q], responses[q], locale)
                 for q in sorted(moments, key=lambda q: _slug(store, q))]
    sizes = {k for _u, _s, _m, k in attempts}
    same = len(sizes) == 1 and all(q.n == len(attempts) for q in questions) and \
        len(questions) == next(iter(sizes))
    quiz_stat = _quiz_stat(attempts, percents, item_sq, same)
    return ItemAnalysis(quiz, quiz_stat, questions, _modules(questions),
                        _confusion(store, responses))


#: Separators of the per-attempt answer lists: control characters, which valid JSON
#: (the ``response`` column's CHECK) and uuids never hold raw.
_ITEM, _FIELD = "\x1e", "\x1f"


def _joint_counts(store: Store, where: str, params: list[Any]
                  ) -> dict[tuple[str, str | None, float, float], int]:
    """How many answers share (question, response, score, attempt total).

    One pass in the order of the covering indexes (schema 13): each attempt's answers
    arrive as one row, its total beside one string listing (question, response, score)
    per answer, and Python counts the strings. SQLite never sorts the million answers,
    which a GROUP BY over those four columns must. Scores other than 0 and 1 are written
    with 17 significant digits, which read back as the same float; an attempt total is
    the column itself. The separators are literals in the SQL (``char()`` would be a
    function call per answer). Should an attempt's list not split into as many answers as it has
    (it cannot: the separators are not valid in JSON), the plain GROUP BY answers."""
    by_total: dict[float, Counter[str]] = defaultdict(Counter)
    rows = store.conn.execute(
        "SELECT coalesce(a.score, 0), count(*), group_concat(ans.question_uuid || "
        f"'{_FIELD}' || coalesce(ans.response, '') || iif(ans.score = 1, '{_FIELD}1', "
        f"iif(ans.score = 0, '{_FIELD}0', '{_FIELD}' || printf('%!.17g', "
        f"coalesce(ans.score, 0)))), '{_ITEM}') "
        f"FROM attempts a JOIN answers ans ON ans.attempt_uuid = a.uuid WHERE {where} AND "
        "ans.deleted = 0 GROUP BY a.submitted_at, a.uuid", params)
    for total, count, items in rows:
        parts = items.split(_ITEM)
        if len(parts) != count:
            return _joint_counts_grouped(store, where, params)
        by_total[total].update(parts)
    joint: dict[tuple[str, str | None, float, float], int] = {}
    for total, counter in by_total.items():
        for item, count in counter.items():
            question, response, score = item.split(_FIELD)
            key = (question, response or None, float(score), total)
            joint[key] = joint.get(key, 0) + count
    return joint


def _joint_counts_grouped(store: Store, where: str, params: list[Any]
                          ) -> dict[tuple[str, str | None, float, float], int]:
    """The same counts from one GROUP BY (slower: SQLite sorts every answer)."""
    return {(q, r, x, t): n for q, r, x, t, n in store.conn.execute(
        "SELECT ans.question_uuid, ans.response, coalesce(ans.score, 0), "
        "coalesce(a.score, 0), count(*) FROM answers ans "
        f"JOIN attempts a ON a.uuid = ans.attempt_uuid WHERE {where} AND ans.deleted = 0 "
        "GROUP BY 1, 2, 3, 4", params)}


def _add_unanswered(store: Store, where: str, params: list[Any], totals: dict[str, float],
                    moments: dict[str, _Moments],
                    responses: dict[str, dict[str | None, int]],
                    item_sq: dict[str, list[float]]) -> None:
    for uuid, order in store.conn.execute(
            f"SELECT a.uuid, a.question_order FROM attempts a WHERE {where} AND "
            "CAST(coalesce(a.max_score, 0) AS INTEGER) > (SELECT count(*) FROM answers x "
            "WHERE x.attempt_uuid = a.uuid AND x.deleted = 0)", params):
        answered = {r[0] for r in store.conn.execute(
            "SELECT question_uuid FROM answers WHERE attempt_uuid = ? AND deleted = 0",
            (uuid,))}
        for item in json.loads(order):
            if item["q"] not in answered:
                moments[item["q"]].add(0.0, totals[uuid], 1)
                responses[item["q"]][None] += 1
                item_sq[item["q"]][0] += 1


def _slug(store: Store, question: str) -> str:
    return store.scalar("SELECT coalesce(slug, uuid) FROM questions WHERE uuid = ?",
                        (question,)) or question


def _quiz_stat(attempts: list[tuple], percents: list[float],
               item_sq: dict[str, list[float]], same: bool) -> QuizStat:
    n = len(attempts)
    sd = _sample_sd(percents)
    alpha = None
    if same and n > 1:
        k = len(item_sq)
        totals = [s or 0.0 for _u, s, _m, _k in attempts]
        var_total = statistics.variance(totals)
        var_items = sum((sq - sx * sx / m) / (m - 1) for m, sx, sq in item_sq.values())
        if k > 1 and var_total > 0:
            alpha = k / (k - 1) * (1 - var_items / var_total)
    error_ratio = 100 * math.sqrt(1 - alpha) if alpha is not None and alpha <= 1 else None
    return QuizStat(
        attempts=n, mean=statistics.fmean(percents) if percents else None,
        median=statistics.median(percents) if percents else None, sd=sd, alpha=alpha,
        cic=100 * alpha if alpha is not None else None, error_ratio=error_ratio,
        standard_error=error_ratio / 100 * sd if error_ratio is not None and sd else None,
        same_questions=same)


def _question_stat(store: Store, uuid: str, moments: _Moments,
                   responses: dict[str | None, int], locale: str) -> QuestionStat:
    question = store.questions.get(uuid, locale)
    n, facility, sd, disc, eff = moments.compute()
    stat = QuestionStat(uuid, question.slug if question else None,
                        question.qtype if question else "", question.module_uuid
                        if question else None, n, facility, sd, disc, eff,
                        responses.get(None, 0))
    if question is not None:
        stat.options = _options(question, responses, n)
    if facility is not None and n >= 2:
        if facility > TOO_EASY:
            stat.flags.append("too_easy")
        if facility < TOO_HARD:
            stat.flags.append("too_hard")
        if disc is not None and disc < LOW_DISCRIMINATION:
            stat.flags.append("low_discrimination")
        if any(not o.correct and o.count == 0 for o in stat.options):
            stat.flags.append("unused_distractor")
    return stat


def _options(question: Any, responses: dict[str | None, int], n: int) -> list[OptionStat]:
    """How often each option (or value) was chosen (Moodle's response analysis)."""
    chosen: dict[str, int] = defaultdict(int)
    for raw, count in responses.items():
        if raw is None:
            continue
        try:
            response = json.loads(raw)
        except ValueError:
            continue
        if not isinstance(response, dict):
            continue
        if question.qtype in ("single", "image"):
            chosen[str(response.get("option"))] += count
        elif question.qtype == "multiple":
            for option in set(response.get("options") or []):
                chosen[str(option)] += count
        elif question.qtype == "truefalse":
            chosen[json.dumps(response.get("value"))] += count
        elif question.qtype == "appendix":
            chosen[str(response.get("appendix"))] += count
    share = (lambda c: c / n) if n else (lambda c: 0.0)
    if question.qtype in ("single", "image", "multiple"):
        return [OptionStat(o.uuid, o.text.value if o.text else o.uuid, o.correct,
                           chosen.get(o.uuid, 0), share(chosen.get(o.uuid, 0)))
                for o in question.options]
    if question.qtype == "truefalse":
        right = (question.answer or {}).get("value")
        return [OptionStat(json.dumps(v), json.dumps(v), v == right, chosen.get(json.dumps(v), 0),
                           share(chosen.get(json.dumps(v), 0))) for v in (True, False)]
    if question.qtype == "appendix":
        right = (question.answer or {}).get("appendix")
        return [OptionStat(v, v, v == right, chosen.get(v, 0), share(chosen.get(v, 0)))
                for v in ("I", "II", "III", "none")]
    return []


def _modules(questions: list[QuestionStat]) -> list[ModuleStat]:
    by_module: dict[str | None, list[QuestionStat]] = defaultdict(list)
    for q in questions:
        if q.facility is not None:
            by_module[q.module_uuid].append(q)
    out = []
    for module, qs in by_module.items():
        answers = sum(q.n for q in qs)
        facility = sum((q.facility or 0) * q.n for q in qs) / answers if answers else 0.0
        out.append(ModuleStat(module, len(qs), answers, facility, facility < WEAK_MODULE))
    return sorted(out, key=lambda m: m.facility)


def _confusion(store: Store, responses: dict[str, dict[str | None, int]]) -> Confusion:
    """From single-choice and picture questions whose options name species."""
    matrix = Confusion()
    if not responses:
        return matrix
    options: dict[str, tuple[str, str, bool]] = {}
    for question, option, species, correct in store.conn.execute(
            "SELECT o.question_uuid, o.uuid, o.species_uuid, o.correct FROM question_options o "
            "JOIN questions q ON q.uuid = o.question_uuid WHERE q.qtype IN ('single', 'image') "
            "AND o.species_uuid IS NOT NULL AND o.deleted = 0"):
        options[option] = (question, species, bool(correct))
    truth: dict[str, str] = {q: s for q, s, c in options.values() if c}
    for question, answers in responses.items():
        if question not in truth:
            continue
        for raw, count in answers.items():
            try:
                picked = json.loads(raw).get("option") if raw else None
            except (ValueError, AttributeError):
                picked = None
            found = options.get(str(picked))
            if found is not None and found[0] == question:
                matrix.add(truth[question], found[1], count)
    return matrix
