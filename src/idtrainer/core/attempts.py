"""Attempts at a quiz: every answer saved the moment it is given, resume after a crash,
time running by the wall clock, automatic submission when time is up, scoring.

Time: an attempt's deadline is ``started_at + time limit + extra_seconds`` (extra time a
trainer grants). It keeps running while the laptop is off, as in a paper exam hall.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import logging
import math
import random
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from idtrainer.core.i18n import gettext as _
from idtrainer.core.paths import atomic_write
from idtrainer.core.quizzes import QuizError
from idtrainer.core.scoring import completeness, score
from idtrainer.core.store import content_uuid, iso, new_uuid

if TYPE_CHECKING:
    from idtrainer.core.store import Store


def _parse(moment: str) -> dt.datetime:
    return dt.datetime.fromisoformat(moment.replace("Z", "+00:00"))


@dataclass(frozen=True)
class Attempt:
    uuid: str
    quiz_uuid: str
    trainee_uuid: str
    seed: int
    items: list[dict[str, Any]]
    locale: str
    started_at: str
    deadline_at: str | None
    extra_seconds: int
    submitted_at: str | None
    score: float | None
    max_score: float | None
    passed: bool | None

    @property
    def percent(self) -> float | None:
        if self.score is None or not self.max_score:
            return None
        return 100 * self.score / self.max_score


@dataclass(frozen=True)
class ReportRow:
    """One trainee's standing in one quiz, over every laptop's results merged here."""

    trainee_uuid: str
    trainee: str
    quiz_uuid: str
    attempts: int
    best_percent: float | None
    passed: bool
    devices: tuple[str, ...]
    flags: tuple[str, ...] = ()  # what re-grading found, naming the laptop (core/regrade.py)


@dataclass(frozen=True)
class Result:
    attempt: Attempt
    per_question: dict[str, float]
    per_module: dict[str | None, tuple[float, int]]  # module uuid -> (points, questions)


class AttemptManager:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- starting and resuming ---------------------------------------------------------

    def start(self, quiz: str, trainee: str, locale: str, *,
              seed: int | None = None) -> Attempt:
        """Resume the trainee's open attempt at this quiz, or start a new one."""
        self.submit_overdue()
        if (open_attempt := self.open_attempt(quiz, trainee)) is not None:
            return open_attempt
        settings = self.store.quizzes.get(quiz, locale).settings
        now = self.store.clock()
        if settings.available_from and now < _parse(settings.available_from):
            raise QuizError(_("This quiz opens later."))
        if settings.available_until and now > _parse(settings.available_until):
            raise QuizError(_("This quiz is closed."))
        if settings.attempts_allowed and len(self.history(quiz, trainee)) >= \
                settings.attempts_allowed:
            raise QuizError(_("No attempts left for this quiz."))
        seed = random.SystemRandom().randrange(2**31) if seed is None else seed
        assembled = self.store.quizzes.assemble(quiz, seed, self.seen(trainee))
        if not assembled.items:
            raise QuizError(_("This quiz has no questions."))
        deadline = (iso(now + dt.timedelta(minutes=settings.time_limit_minutes))
                    if settings.time_limit_minutes else None)
        uuid = new_uuid()
        self.store.put("attempts", {
            "uuid": uuid, "quiz_uuid": quiz, "trainee_uuid": trainee, "seed": seed,
            "question_order": assembled.items, "locale": locale, "started_at": iso(now),
            "deadline_at": deadline, "device_id": self.store.device_id})
        return self.get(uuid)  # type: ignore[return-value]

    def open_attempt(self, quiz: str, trainee: str) -> Attempt | None:
        row = self.store.query_one(
            "SELECT uuid FROM attempts WHERE quiz_uuid = ? AND trainee_uuid = ? AND "
            "submitted_at IS NULL AND deleted = 0 ORDER BY started_at DESC LIMIT 1",
            (quiz, trainee))
        return self.get(row["uuid"]) if row else None

    def timed_in_progress(self) -> list[Attempt]:
        """Timed attempts not yet submitted, on this laptop or synced to it."""
        rows = self.store.conn.execute(
            "SELECT uuid FROM attempts WHERE submitted_at IS NULL AND deleted = 0 AND "
            "deadline_at IS NOT NULL ORDER BY started_at")
        return [a for a in (self.get(r[0]) for r in rows.fetchall()) if a is not None]

    def get(self, uuid: str) -> Attempt | None:
        r = self.store.query_one("SELECT * FROM attempts WHERE uuid = ?", (uuid,))
        if r is None:
            return None
        return Attempt(r["uuid"], r["quiz_uuid"], r["trainee_uuid"], r["seed"],
                       json.loads(r["question_order"]), r["locale"], r["started_at"],
                       r["deadline_at"], r["extra_seconds"], r["submitted_at"], r["score"],
                       r["max_score"], None if r["passed"] is None else bool(r["passed"]))

    def seen(self, trainee: str) -> set[str]:
        return {r[0] for r in self.store.conn.execute(
            "SELECT DISTINCT json_extract(j.value, '$.q') FROM attempts a, "
            "json_each(a.question_order) j "
            "WHERE a.trainee_uuid = ? AND a.deleted = 0", (trainee,))}

    # -- answering ---------------------------------------------------------------------

    def answer(self, attempt: str, question: str, response: Any, *,
               flagged: bool | None = None) -> None:
        """Save an answer now (one row per attempt and question, updated in place)."""
        current = self.get(attempt)
        if current is None or current.submitted_at:
            raise QuizError(_("This attempt is already submitted."))
        if question not in {item["q"] for item in current.items}:
            raise QuizError(_("That question is not part of this attempt."))
        if self.remaining_seconds(current) == 0:
            self.submit(attempt)
            raise QuizError(_("Time is up: the attempt was submitted with the answers given."))
        row: dict[str, Any] = {
            "uuid": content_uuid("answer", f"{attempt}/{question}"), "attempt_uuid": attempt,
            "question_uuid": question, "response": response,
            "answered_at": self.store.now()}
        if flagged is not None:
            row["flagged"] = flagged
        self.store.put("answers", row)

    def answers(self, attempt: str) -> dict[str, dict[str, Any]]:
        return {r["question_uuid"]: {"response": json.loads(r["response"]) if r["response"]
                                     else None, "flagged": bool(r["flagged"])}
                for r in self.store.query("SELECT * FROM answers WHERE attempt_uuid = ? AND "
                                          "deleted = 0", (attempt,))}

    def completeness(self, attempt: Attempt, locale: str) -> list[str]:
        """Per item, in order: answered, partial or unanswered (scoring.completeness)."""
        given = self.answers(attempt.uuid)
        return [completeness(self.store.questions.get(item["q"], locale),
                             given.get(item["q"], {}).get("response"))
                for item in attempt.items]

    # -- time --------------------------------------------------------------------------

    def remaining_seconds(self, attempt: Attempt, now: dt.datetime | None = None
                          ) -> int | None:
        """Seconds left (0 when over), or None for an attempt without a time limit."""
        if attempt.deadline_at is None:
            return None
        end = _parse(attempt.deadline_at) + dt.timedelta(seconds=attempt.extra_seconds)
        # Rounded up: a fresh 20-minute exam shows 20:00, and 0 means really over.
        return max(0, math.ceil((end - (now or self.store.clock())).total_seconds()))

    def grant_extra_time(self, attempt: str, seconds: int) -> None:
        current = self.get(attempt)
        if current is None or current.submitted_at:
            raise QuizError(_("This attempt is already submitted."))
        self.store.put("attempts", {"uuid": attempt,
                                    "extra_seconds": current.extra_seconds + seconds})

    def submit_overdue(self) -> list[str]:
        """Submit every open attempt whose time is up (run at start-up and on resume)."""
        done = []
        for row in self.store.query("SELECT uuid FROM attempts WHERE submitted_at IS NULL "
                                    "AND deadline_at IS NOT NULL AND deleted = 0"):
            attempt = self.get(row["uuid"])
            if attempt is not None and self.remaining_seconds(attempt) == 0:
                self.submit(attempt.uuid)
                done.append(attempt.uuid)
        return done

    # -- submitting and results --------------------------------------------------------

    def submit(self, attempt: str) -> Result:
        current = self.get(attempt)
        if current is None:
            raise QuizError(_("No such attempt."))
        if current.submitted_at:
            return self.result(attempt)
        settings = self.store.quizzes.get(current.quiz_uuid, current.locale).settings
        given = self.answers(attempt)
        with self.store.transaction():
            points = 0.0
            for item in current.items:
                question = self.store.questions.get(item["q"], current.locale)
                got = score(question, given.get(item["q"], {}).get("response")) \
                    if question else 0.0
                points += got
                if item["q"] in given:
                    self.store.put("answers", {"uuid": content_uuid(
                        "answer", f"{attempt}/{item['q']}"), "score": got})
            total = float(len(current.items))
            passed = total > 0 and 100 * points / total >= settings.pass_mark
            self.store.put("attempts", {
                "uuid": attempt, "submitted_at": self.store.now(), "score": points,
                "max_score": total, "passed": passed})
            if passed and settings.award_certificate and self.store.keys.publisher():
                # On a laptop that can sign (the trainer's); elsewhere the trainer prints
                # the passes after importing results (certificates.for_quiz).
                from idtrainer.core.certificates import CertificateError

                try:
                    self.store.certificates.award(current.quiz_uuid, current.trainee_uuid,
                                                  current.locale)
                except CertificateError:  # e.g. a name too long to print: the exam still
                    # counts; printing the passes later names the problem to the trainer.
                    logging.getLogger(__name__).warning(
                        "no certificate awarded for attempt %s", attempt, exc_info=True)
        return self.result(attempt)

    def result(self, attempt: str) -> Result:
        current = self.get(attempt)
        if current is None:
            raise QuizError(_("No such attempt."))
        scores = {r["question_uuid"]: r["score"] or 0.0 for r in self.store.query(
            "SELECT question_uuid, score FROM answers WHERE attempt_uuid = ?", (attempt,))}
        per_question = {item["q"]: scores.get(item["q"], 0.0) for item in current.items}
        per_module: dict[str | None, list[float]] = defaultdict(lambda: [0.0, 0])
        for question, points in per_question.items():
            module = self.store.scalar("SELECT module_uuid FROM questions WHERE uuid = ?",
                                       (question,))
            per_module[module][0] += points
            per_module[module][1] += 1
        return Result(current, per_question,
                      {m: (p, int(n)) for m, (p, n) in per_module.items()})

    def history(self, quiz: str, trainee: str) -> list[Attempt]:
        rows = self.store.query(
            "SELECT uuid FROM attempts WHERE quiz_uuid = ? AND trainee_uuid = ? AND "
            "deleted = 0 ORDER BY started_at", (quiz, trainee))
        return [a for a in (self.get(r["uuid"]) for r in rows) if a is not None]

    def grade(self, quiz: str, trainee: str) -> Attempt | None:
        """The attempt that counts: the highest or the last submitted, as the quiz says."""
        settings = self.store.quizzes.get(quiz, "en").settings
        done = [a for a in self.history(quiz, trainee) if a.submitted_at]
        if not done:
            return None
        if settings.grading == "last":
            return done[-1]
        return max(done, key=lambda a: (a.percent or 0.0, a.submitted_at))

    def report(self, *, quiz: str | None = None, class_uuid: str | None = None
               ) -> list[ReportRow]:
        """Submitted attempts per trainee and quiz (a class's results after a sync), one
        aggregate query however many laptops the answers came from."""
        where = ["a.deleted = 0", "a.submitted_at IS NOT NULL"]
        params: list[str] = []
        if quiz is not None:
            where.append("a.quiz_uuid = ?")
            params.append(quiz)
        if class_uuid is not None:
            where.append("(a.class_uuid = ? OR a.trainee_uuid IN (SELECT trainee_uuid FROM "
                         "class_members WHERE class_uuid = ? AND deleted = 0))")
            params += [class_uuid, class_uuid]
        # A merged record's attempts count for the record it was merged into.
        rows = self.store.conn.execute(
            "SELECT coalesce(m.uuid, a.trainee_uuid), coalesce(m.name, t.name), a.quiz_uuid, "
            "count(*), max(CASE WHEN a.max_score > 0 THEN 100.0 * a.score / a.max_score END), "
            "max(coalesce(a.passed, 0)), group_concat(DISTINCT a.device_id) "
            "FROM attempts a JOIN trainees t ON t.uuid = a.trainee_uuid "
            "LEFT JOIN trainees m ON m.uuid = t.merged_into "
            f"WHERE {' AND '.join(where)} GROUP BY 1, a.quiz_uuid "
            "ORDER BY 2, a.quiz_uuid", params).fetchall()
        from idtrainer.core.regrade import flags_for

        flagged: dict[tuple[str, str], list[str]] = defaultdict(list)
        found = self.store.query(
            "SELECT DISTINCT a.uuid, coalesce(m.uuid, a.trainee_uuid) AS trainee_uuid, "
            "a.quiz_uuid FROM grading_flags f JOIN attempts a ON a.uuid = f.attempt_uuid "
            "JOIN trainees t ON t.uuid = a.trainee_uuid "
            "LEFT JOIN trainees m ON m.uuid = t.merged_into WHERE a.deleted = 0")
        texts = flags_for(self.store, [f["uuid"] for f in found]) if found else {}
        for f in found:
            flagged[(f["trainee_uuid"], f["quiz_uuid"])] += texts.get(f["uuid"], [])
        return [ReportRow(r[0], r[1], r[2], r[3], r[4], bool(r[5]),
                          tuple(sorted((r[6] or "").split(","))),
                          tuple(dict.fromkeys(flagged.get((r[0], r[2]), []))))
                for r in rows]

    # -- export ------------------------------------------------------------------------

    def export_csv(self, path: Path) -> int:
        """One row per submitted attempt, the table ministries ask trainers for."""
        rows = self.store.query(
            "SELECT a.*, t.name AS trainee, c.name AS class_name FROM attempts a "
            "JOIN trainees t ON t.uuid = a.trainee_uuid "
            "LEFT JOIN classes c ON c.uuid = a.class_uuid "
            "WHERE a.deleted = 0 AND a.submitted_at IS NOT NULL ORDER BY a.started_at")
        # BOM: Excel opens it; never a half-written table behind.
        with atomic_write(path, "w", newline="", encoding="utf-8-sig") as fh:
            writer = csv.writer(fh)
            writer.writerow(["trainee", "class", "quiz", "started", "submitted",
                             "score_percent", "passed", "device", "flags"])
            from idtrainer.core.regrade import flags_for

            flags = flags_for(self.store, [r["uuid"] for r in rows])
            for r in rows:
                title = self.store.texts.get("quizzes", r["quiz_uuid"], "title", r["locale"])
                percent = 100 * r["score"] / r["max_score"] if r["max_score"] else 0.0
                writer.writerow([r["trainee"], r["class_name"] or "",
                                 title.value if title else r["quiz_uuid"], r["started_at"],
                                 r["submitted_at"], f"{percent:.1f}",
                                 "yes" if r["passed"] else "no", r["device_id"],
                                 "; ".join(flags.get(r["uuid"], []))])
        return len(rows)
