"""The trainer re-grades: every submitted attempt that arrives in a results bundle is
scored again here, from its answers, the question bank and the quiz's rules.

A laptop's stored score is never believed. What was recomputed replaces it (so reports,
"Print passes" and certificates use it), and whatever disagrees is written to
``grading_flags``, named by the laptop, for the import summary, the sync history and the
report (docs/security.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from idtrainer.core.i18n import gettext as _
from idtrainer.core.quizzes import QuizError
from idtrainer.core.scoring import score

if TYPE_CHECKING:
    from idtrainer.core.bundles.manifest import Manifest
    from idtrainer.core.store import Store

#: Why an attempt is flagged (stored in grading_flags.reason; shown translated).
SCORE_DIFFERS = "score_differs"
OUTSIDE_QUIZ = "answers_outside_quiz"
NOT_THE_QUIZ = "questions_not_the_quiz"
QUIZ_CHANGED = "quiz_changed_since"
REASONS = (SCORE_DIFFERS, OUTSIDE_QUIZ, NOT_THE_QUIZ, QUIZ_CHANGED)

#: Attempts read, graded and written back at once (their answers are held meanwhile).
REGRADE_CHUNK = 500

#: One answer as the re-grading reads it: (uuid, question uuid, response, stored score).
AnswerRow = tuple[str, str, str | None, float | None]
#: (question, response) -> points remembered per import, at most this many (memory).
MAX_REMEMBERED_SCORES = 100_000


def reason_text(reason: str) -> str:
    return {
        SCORE_DIFFERS: _("the laptop's score differs from the score recomputed here"),
        OUTSIDE_QUIZ: _("answers to questions outside the attempt's quiz"),
        NOT_THE_QUIZ: _("its questions are not what the quiz's rules draw"),
        QUIZ_CHANGED: _("the quiz was changed after the attempt began; it is graded against "
                        "the quiz as it is now"),
    }.get(reason, reason)


@dataclass(frozen=True)
class Regraded:
    attempt_uuid: str
    stored: tuple[float | None, float | None, bool | None]  # score, max, passed as sent
    score: float
    max_score: float
    passed: bool
    reasons: tuple[str, ...]


class Regrader:
    """Re-grades attempts, keeping what every attempt at the same quiz shares (its rules,
    the questions it can draw, each question) so a merge of many laptops stays fast."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._quizzes: dict[str, tuple[Any, int, set[str], set[str], str] | None] = {}
        self._questions: dict[tuple[str, str], Any] = {}
        self._scores: dict[tuple[str, str, str | None], float] = {}

    def _quiz(self, quiz_uuid: str, locale: str
              ) -> tuple[Any, int, set[str], set[str], str] | None:
        """(quiz, how many questions its rules draw, the questions they can draw, the fixed
        ones, when the quiz or its rules last changed); the count rarely depends on the
        seed (rules whose pools overlap), so an attempt that differs is checked with its
        own seed."""
        if quiz_uuid not in self._quizzes:
            try:
                quiz = self.store.quizzes.get(quiz_uuid, locale)
                count = len(self.store.quizzes.assemble(quiz_uuid, 0).items)
                allowed = {q for rule in quiz.rules for q in self.store.quizzes.pool(rule)}
                fixed = {r.question for r in quiz.rules if r.kind == "fixed" and r.question}
                changed = self.store.scalar(
                    "SELECT max(updated_at) FROM (SELECT updated_at FROM quizzes WHERE uuid = ? "
                    "UNION ALL SELECT updated_at FROM quiz_rules WHERE quiz_uuid = ?)",
                    (quiz_uuid, quiz_uuid)) or ""
                self._quizzes[quiz_uuid] = (quiz, count, allowed, fixed & allowed, changed)
            except QuizError:
                self._quizzes[quiz_uuid] = None
        return self._quizzes[quiz_uuid]

    def _question(self, uuid: str, locale: str) -> Any:
        key = (uuid, locale)
        if key not in self._questions:
            self._questions[key] = self.store.questions.get(uuid, locale)
        return self._questions[key]

    def regrade(self, attempt_uuid: str) -> Regraded | None:
        """Score one submitted attempt again and store the result (no new revision: the
        laptop's row is not changed, only what the trainer's laptop believes of it)."""
        found = self.regrade_many([attempt_uuid])
        return found[0] if found else None

    def regrade_many(self, attempt_uuids: list[str],
                     known: dict[str, list[AnswerRow]] | None = None) -> list[Regraded]:
        """:meth:`regrade` for many attempts, in their order (those not submitted are left
        out): the attempts and their answers are read a chunk at a time in one query each,
        graded in memory and written back with one ``executemany`` per chunk.

        ``known``: attempts whose every answer (not deleted) is already in memory, as
        the database has them (an import that brought the attempt and all its answers):
        those answers are not read again."""
        done: list[Regraded] = []
        known = known or {}
        for start in range(0, len(attempt_uuids), REGRADE_CHUNK):
            chunk = attempt_uuids[start:start + REGRADE_CHUNK]
            rows = {r["uuid"]: r for r in self.store.query(
                "SELECT * FROM attempts WHERE uuid IN (SELECT value FROM json_each(?)) AND "
                "submitted_at IS NOT NULL", (json.dumps(chunk),))}
            answers: dict[str, list[AnswerRow]] = {
                uuid: list(known.get(uuid, ())) for uuid in rows}
            unknown = [uuid for uuid in rows if uuid not in known]
            for attempt, uuid, question, response, points in self.store.conn.execute(
                    "SELECT attempt_uuid, uuid, question_uuid, response, score FROM answers "
                    "WHERE attempt_uuid IN (SELECT value FROM json_each(?)) AND deleted = 0",
                    (json.dumps(unknown),)) if unknown else ():
                if attempt in answers:
                    answers[attempt].append((uuid, question, response, points))
            rescored: list[tuple[float, str]] = []
            changed: list[tuple[float, float, int, str]] = []
            for uuid in chunk:
                if uuid in rows:
                    done.append(self._grade(rows[uuid], answers[uuid], rescored, changed))
            self.store.conn.executemany("UPDATE answers SET score = ? WHERE uuid = ?", rescored)
            self.store.conn.executemany("UPDATE attempts SET score = ?, max_score = ?, "
                                        "passed = ? WHERE uuid = ?", changed)
        return done

    def _score(self, question_uuid: str, locale: str, response: str | None) -> float:
        """One answer's points; the same response to the same question scores the same,
        so it is worked out once (the answer key is read once per question)."""
        key = (question_uuid, locale, response)
        got = self._scores.get(key)
        if got is None:
            question = self._question(question_uuid, locale)
            try:
                parsed = json.loads(response) if response else None
            except ValueError:
                parsed = None
            got = score(question, parsed) if question else 0.0
            if len(self._scores) < MAX_REMEMBERED_SCORES:
                self._scores[key] = got
        return got

    def _grade(self, row: dict[str, Any], answers: list[AnswerRow],
               rescored: list[tuple[float, str]],
               changed: list[tuple[float, float, int, str]]) -> Regraded:
        """Grade one attempt from its answers; what to write back goes to ``rescored``
        (answers) and ``changed`` (the attempt)."""
        reasons: list[str] = []
        locale = row["locale"]
        found = self._quiz(row["quiz_uuid"], locale)
        quiz, expected, allowed, fixed, changed_at = found if found else (
            None, 0, set(), set(), "")
        pass_mark = quiz.settings.pass_mark if quiz else 100
        try:
            order = [item["q"] for item in json.loads(row["question_order"])
                     if isinstance(item, dict) and isinstance(item.get("q"), str)]
        except (ValueError, TypeError):
            order = []
        items = list(dict.fromkeys(q for q in order if q in allowed))
        if quiz is not None and len(order) != expected:
            expected = len(self.store.quizzes.assemble(row["quiz_uuid"], int(row["seed"])).items)
        if len(items) != len(order) or len(order) != expected or not fixed <= set(items):
            reasons.append(NOT_THE_QUIZ)
            if changed_at > row["started_at"]:
                reasons.append(QUIZ_CHANGED)
        inside = set(items)
        points = 0.0
        outside = False
        scores = self._scores  # what _score remembers, asked here first: a million answers
        for uuid, question, response, stored_points in answers:
            if question in inside:
                got = scores.get((question, locale, response))
                if got is None:
                    got = self._score(question, locale, response)
            else:
                outside, got = True, 0.0
            points += got
            if stored_points != got:
                rescored.append((got, uuid))
        if outside:
            reasons.append(OUTSIDE_QUIZ)
        total = float(max(expected, len(items)))
        passed = total > 0 and 100 * points / total >= pass_mark
        stored = (row["score"], row["max_score"],
                  None if row["passed"] is None else bool(row["passed"]))
        if stored[0] is None or abs(stored[0] - points) > 1e-6 or stored[1] != total or \
                stored[2] != passed:
            reasons.insert(0, SCORE_DIFFERS)
        if (row["score"], row["max_score"], row["passed"]) != (points, total, int(passed)):
            changed.append((points, total, int(passed), row["uuid"]))
        return Regraded(row["uuid"], stored, points, total, passed, tuple(reasons))


def regrade(store: Store, attempt_uuid: str) -> Regraded | None:
    """One attempt, re-graded (see :class:`Regrader`)."""
    return Regrader(store).regrade(attempt_uuid)


def regrade_import(store: Store, attempts: list[str], manifest: Manifest,
                   known: dict[str, list[AnswerRow]] | None = None) -> list[str]:
    """Re-grade the attempts a results bundle brought; flag and describe disagreements.
    ``known``: see :meth:`Regrader.regrade_many`."""
    lines = []
    name = manifest.producer_name or manifest.producer_device
    for found in Regrader(store).regrade_many(attempts, known):
        if not found.reasons:
            continue
        uuid = found.attempt_uuid
        trainee = store.scalar("SELECT t.name FROM attempts a JOIN trainees t "
                               "ON t.uuid = a.trainee_uuid WHERE a.uuid = ?", (uuid,)) or uuid
        for reason in found.reasons:
            store.conn.execute(
                "INSERT OR REPLACE INTO grading_flags (attempt_uuid, bundle_id, device_id, "
                "device_name, reason, stored_score, recomputed_score, at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (uuid, manifest.bundle_id, manifest.producer_device, manifest.producer_name,
                 reason, found.stored[0], found.score, store.now()))
        lines.append(_("{trainee}'s attempt from {device}: {reasons}; the laptop said "
                       "{stored} of {stored_max}, recomputed {score} of {max}").format(
            trainee=trainee, device=name,
            reasons="; ".join(reason_text(r) for r in found.reasons),
            stored=_points(found.stored[0]), stored_max=_points(found.stored[1]),
            score=_points(found.score), max=_points(found.max_score)))
    return lines


def _points(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def flags_for(store: Store, attempt_uuids: list[str]) -> dict[str, list[str]]:
    """{attempt: [readable flag, ...]} for reports, in one query."""
    out: dict[str, list[str]] = {}
    if not attempt_uuids:
        return out
    for r in store.query(
            "SELECT attempt_uuid, reason, device_name, device_id FROM grading_flags WHERE "
            "attempt_uuid IN (SELECT value FROM json_each(?)) ORDER BY at",
            (json.dumps(attempt_uuids),)):
        out.setdefault(r["attempt_uuid"], []).append(_("{reason} (from {device})").format(
            reason=reason_text(r["reason"]), device=r["device_name"] or r["device_id"]))
    return out
