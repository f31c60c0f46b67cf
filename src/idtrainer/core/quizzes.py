"""Quizzes: settings, question-selection rules, and assembly that is deterministic from a seed.

A quiz draws its questions by rules, in order: a fixed rule names one question; a
random rule draws N questions matching a filter (modules, tags, species, difficulty,
types). Given the same seed and the same set of already-seen questions, assembly gives
exactly the same questions in the same order with the same option order, so a trainer
can reproduce what an officer saw. Questions the trainee has not seen yet are drawn
first.
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from idtrainer.core.errors import IDTrainerError
from idtrainer.core.i18n import gettext as _
from idtrainer.core.languages import codes as language_codes
from idtrainer.core.schema import QUESTION_TYPES
from idtrainer.core.store import content_uuid, new_uuid
from idtrainer.core.texts import Translation

if TYPE_CHECKING:
    from idtrainer.core.store import Store

FILTER_KEYS = ("modules", "tags", "species", "difficulty", "types")
SELF_TEST_QUESTIONS = 10  # per module self-test, at most


def self_test_settings() -> QuizSettings:
    """Practice feedback, no time limit, unlimited attempts, open book."""
    return QuizSettings(pass_mark=70.0, feedback_mode="practice", review="answers",
                        open_book=True, self_test=True)


class QuizError(IDTrainerError, ValueError):
    """A quiz cannot be saved or started; the message says why."""


@dataclass
class QuizSettings:
    time_limit_minutes: int = 0          # 0: no limit
    pass_mark: float = 70.0              # percent
    attempts_allowed: int = 0            # 0: unlimited
    grading: str = "highest"             # highest | last
    feedback_mode: str = "exam"          # exam (nothing until submitted) | practice
    review: str = "answers"              # none | score | answers (after submitting)
    shuffle_questions: bool = True
    shuffle_options: bool = True
    available_from: str | None = None    # ISO UTC, inclusive
    available_until: str | None = None
    award_certificate: bool = False
    open_book: bool = False              # library, lessons and cards stay open meanwhile
    self_test: bool = False              # built in, one per module (ensure_self_tests)

    @property
    def closed_book(self) -> bool:
        """Whether the rest of the app is closed while an attempt runs: exams are closed
        book unless the quiz allows open book; practice quizzes and self-tests are open."""
        return not (self.open_book or self.self_test or self.feedback_mode == "practice")

    def validate(self) -> None:
        if self.time_limit_minutes < 0 or self.attempts_allowed < 0:
            raise QuizError(_("Time limit and attempts cannot be negative."))
        if not 0 <= self.pass_mark <= 100:
            raise QuizError(_("The pass mark is a percentage from 0 to 100."))
        if self.grading not in ("highest", "last") or self.feedback_mode not in (
                "exam", "practice") or self.review not in ("none", "score", "answers"):
            raise QuizError(_("Unknown grading, feedback or review setting."))


@dataclass
class Rule:
    kind: str                            # fixed | random
    question: str | None = None          # fixed: the question uuid
    count: int = 0                       # random: how many to draw
    filter: dict[str, list[Any]] = field(default_factory=dict)


@dataclass
class Quiz:
    uuid: str
    title: str
    settings: QuizSettings
    rules: list[Rule]


@dataclass(frozen=True)
class Assembled:
    """The questions of one attempt, in order, each with its option order."""

    items: list[dict[str, Any]]  # [{"q": question uuid, "o": [option uuids]}]

    @property
    def questions(self) -> list[str]:
        return [item["q"] for item in self.items]


class QuizManager:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- saving ------------------------------------------------------------------------

    def save(self, title: dict[str, Translation] | str, settings: QuizSettings,
             rules: list[Rule], uuid: str | None = None) -> str:
        """Create a quiz (or replace one's settings and rules) in one transaction."""
        settings.validate()
        if not rules:
            raise QuizError(_("A quiz needs at least one question or rule."))
        for rule in rules:
            if rule.kind == "fixed" and not rule.question:
                raise QuizError(_("A fixed rule names a question."))
            if rule.kind == "random" and rule.count < 1:
                raise QuizError(_("A random rule draws at least one question."))
            unknown = set(rule.filter) - set(FILTER_KEYS)
            if unknown:
                raise QuizError(_("Unknown filter {names}.").format(names=", ".join(unknown)))
        titles = {"en": Translation(title)} if isinstance(title, str) else title
        uuid = uuid or new_uuid()
        with self.store.transaction():
            self.store.put("quizzes", {"uuid": uuid, "settings": asdict(settings)})
            self.store.texts.set_all("quizzes", uuid, "title", titles)
            kept = set()
            for i, rule in enumerate(rules, 1):
                rule_uuid = f"{uuid}-rule-{i}"
                kept.add(rule_uuid)
                self.store.put("quiz_rules", {
                    "uuid": rule_uuid, "quiz_uuid": uuid, "position": i, "kind": rule.kind,
                    "question_uuid": rule.question if rule.kind == "fixed" else None,
                    "draw_count": rule.count if rule.kind == "random" else None,
                    "filter": rule.filter})
            for row in self.store.query("SELECT uuid FROM quiz_rules WHERE quiz_uuid = ? "
                                        "AND deleted = 0", (uuid,)):
                if row["uuid"] not in kept:
                    self.store.tombstone("quiz_rules", row["uuid"])
        return uuid

    def duplicate(self, uuid: str, title_suffix: str = " (2)") -> str:
        quiz = self.get(uuid, "en")
        titles = {loc: Translation(t.value + title_suffix, t.status)
                  for loc, t in self.store.texts.variants("quizzes", uuid, "title").items()}
        return self.save(titles, quiz.settings, quiz.rules)

    def assign(self, quiz: str, *, class_uuid: str | None = None,
               trainee_uuid: str | None = None) -> None:
        key = class_uuid or trainee_uuid
        if key is None:
            raise QuizError(_("Assign a quiz to a class or a trainee."))
        self.store.put("quiz_assignments", {
            "uuid": f"{quiz}-to-{key}", "quiz_uuid": quiz, "class_uuid": class_uuid,
            "trainee_uuid": trainee_uuid})

    def unassign(self, quiz: str, *, class_uuid: str | None = None,
                 trainee_uuid: str | None = None) -> bool:
        """Take back an assignment (a tombstone, so the change syncs); False if there
        was none."""
        key = class_uuid or trainee_uuid
        if key is None:
            raise QuizError(_("Assign a quiz to a class or a trainee."))
        uuid = f"{quiz}-to-{key}"
        if not self.store.scalar("SELECT 1 FROM quiz_assignments WHERE uuid = ? AND "
                                 "deleted = 0", (uuid,)):
            return False
        self.store.tombstone("quiz_assignments", uuid)
        return True

    # -- reading -----------------------------------------------------------------------

    def get(self, uuid: str, locale: str) -> Quiz:
        row = self.store.query_one("SELECT * FROM quizzes WHERE uuid = ? AND deleted = 0",
                                   (uuid,))
        if row is None:
            raise QuizError(_("No such quiz."))
        known = QuizSettings.__dataclass_fields__
        settings = QuizSettings(**{k: v for k, v in json.loads(row["settings"]).items()
                                   if k in known})
        rules = [Rule(r["kind"], r["question_uuid"], r["draw_count"] or 0,
                      json.loads(r["filter"]))
                 for r in self.store.query("SELECT * FROM quiz_rules WHERE quiz_uuid = ? AND "
                                           "deleted = 0 ORDER BY position", (uuid,))]
        title = self.store.texts.get("quizzes", uuid, "title", locale)
        return Quiz(uuid, title.value if title else "", settings, rules)

    def all_uuids(self) -> list[str]:
        """Every quiz trainers made, oldest first (a trainer previews any quiz; bundles
        pick from all). The built-in self-tests are left out: every laptop makes its own
        (:meth:`self_tests`)."""
        return [r[0] for r in self.store.conn.execute(
            "SELECT uuid FROM quizzes WHERE deleted = 0 AND "
            "coalesce(json_extract(settings, '$.self_test'), 0) = 0 ORDER BY rowid")]

    # -- self-tests --------------------------------------------------------------------

    def self_tests(self) -> list[str]:
        """The built-in self-tests, in course order; open to every trainee unassigned."""
        return [r[0] for r in self.store.conn.execute(
            "SELECT q.uuid FROM quizzes q JOIN quiz_rules r ON r.quiz_uuid = q.uuid "
            "AND r.deleted = 0 AND r.position = 1 "
            "LEFT JOIN modules m ON m.uuid = json_extract(r.filter, '$.modules[0]') "
            "WHERE q.deleted = 0 AND json_extract(q.settings, '$.self_test') = 1 "
            "ORDER BY coalesce(m.position, 1e9), q.uuid")]

    def ensure_self_tests(self) -> list[str]:
        """Make sure each module with questions has its self-test: up to
        :data:`SELF_TEST_QUESTIONS` questions drawn from the module's bank. Idempotent, and
        the uuid comes from the module's slug, so laptops that each make their own agree
        and a sync never doubles them. Returns the uuids of those created now."""
        modules = self.store.query(
            "SELECT m.uuid, m.slug, (SELECT count(*) FROM questions q WHERE q.deleted = 0 "
            "AND q.module_uuid = m.uuid) AS questions FROM modules m WHERE m.deleted = 0 "
            "ORDER BY m.position")
        missing = [m for m in modules if m["questions"] and not self.store.scalar(
            "SELECT 1 FROM quizzes WHERE uuid = ? AND deleted = 0",
            (content_uuid("self-test", m["slug"]),))]
        if not missing:  # the usual case: read only, so a busy database does not matter
            return []
        created = []
        with self.store.transaction():
            for module in missing:
                uuid = content_uuid("self-test", module["slug"])
                titles = self.store.texts.variants("modules", module["uuid"], "title") or {
                    "en": Translation(module["slug"])}
                count = min(SELF_TEST_QUESTIONS, module["questions"])
                self.save(titles, self_test_settings(),
                          [Rule("random", count=count, filter={"modules": [module["uuid"]]})],
                          uuid=uuid)
                created.append(uuid)
        return created

    def uuid_titled(self, title: str) -> str | None:
        """The quiz whose title, in any language, is ``title`` (case and spacing aside)."""
        wanted = " ".join(title.split()).casefold()
        for owner, value in self.store.conn.execute(
                "SELECT DISTINCT owner_uuid, value FROM texts WHERE owner_table = 'quizzes' "
                "AND field = 'title' AND deleted = 0"):
            if value.casefold() == wanted:
                return str(owner)
        return None

    def awarding(self) -> list[str]:
        """Quizzes set to award a certificate on passing."""
        return [r[0] for r in self.store.conn.execute(
            "SELECT uuid FROM quizzes WHERE deleted = 0 AND "
            "json_extract(settings, '$.award_certificate') = 1 ORDER BY updated_at")]

    def for_trainee(self, trainee: str) -> list[str]:
        """Quizzes assigned to the trainee or to one of their classes."""
        return [r[0] for r in self.store.conn.execute(
            "SELECT DISTINCT a.quiz_uuid FROM quiz_assignments a JOIN quizzes q "
            "ON q.uuid = a.quiz_uuid AND q.deleted = 0 WHERE a.deleted = 0 AND "
            "(a.trainee_uuid = ? OR a.class_uuid IN (SELECT class_uuid FROM class_members "
            "WHERE trainee_uuid = ? AND deleted = 0))", (trainee, trainee))]

    def pool(self, rule: Rule) -> list[str]:
        """Every question a rule can draw from, in a stable order."""
        if rule.kind == "fixed":
            exists = self.store.scalar("SELECT 1 FROM questions WHERE uuid = ? AND deleted = 0",
                                       (rule.question,))
            return [rule.question] if exists and rule.question else []
        sql = ["SELECT q.uuid FROM questions q LEFT JOIN modules m ON m.uuid = q.module_uuid "
               "WHERE q.deleted = 0"]
        params: list[Any] = []
        f = rule.filter
        if f.get("modules"):
            sql.append("AND (q.module_uuid IN ({0}) OR m.slug IN ({0}))".format(
                ",".join("?" * len(f["modules"]))))
            params += [*f["modules"], *f["modules"]]
        if f.get("difficulty"):
            sql.append("AND q.difficulty IN ({})".format(",".join("?" * len(f["difficulty"]))))
            params += f["difficulty"]
        if f.get("types"):
            sql.append("AND q.qtype IN ({})".format(",".join("?" * len(f["types"]))))
            params += [t for t in f["types"] if t in QUESTION_TYPES]
        for key, column in (("tags", "tags"), ("species", "species")):
            if f.get(key):
                sql.append(f"AND EXISTS (SELECT 1 FROM json_each(q.{column}) "
                           "WHERE value IN ({}))".format(",".join("?" * len(f[key]))))
                params += f[key]
        sql.append("ORDER BY q.uuid")
        return [r[0] for r in self.store.conn.execute(" ".join(sql), params)]

    def problems(self, uuid: str, languages: list[str] | None = None) -> list[str]:
        """What a trainer should fix before using the quiz: rules that cannot draw enough
        questions, and questions without a translation in the class's languages."""
        quiz = self.get(uuid, "en")
        out = []
        for i, rule in enumerate(quiz.rules, 1):
            have, need = len(self.pool(rule)), (1 if rule.kind == "fixed" else rule.count)
            if have < need:
                out.append(_("Rule {n} needs {need} questions but can draw only {have}.")
                           .format(n=i, need=need, have=have))
        for lang in languages or []:
            if lang not in language_codes():
                continue
            questions = {q for rule in quiz.rules for q in self.pool(rule)}
            missing = [q for q in questions
                       if self.store.scalar("SELECT 1 FROM texts WHERE owner_table = "
                                            "'questions' AND owner_uuid = ? AND field = "
                                            "'stem' AND locale = ? AND deleted = 0",
                                            (q, lang)) is None]
            if missing:
                out.append(_("{n} questions have no text in {language}.").format(
                    n=len(missing), language=lang))
        return out

    # -- assembly ----------------------------------------------------------------------

    def assemble(self, uuid: str, seed: int, seen: set[str] | frozenset[str] = frozenset()
                 ) -> Assembled:
        quiz = self.get(uuid, "en")
        rng = random.Random(seed)
        chosen: list[str] = []
        for rule in quiz.rules:
            candidates = [q for q in self.pool(rule) if q not in chosen]
            if rule.kind == "fixed":
                chosen += candidates[:1]
                continue
            rng.shuffle(candidates)
            candidates.sort(key=lambda q: q in seen)  # stable: unseen first, shuffled within
            chosen += candidates[:rule.count]
        if quiz.settings.shuffle_questions:
            rng.shuffle(chosen)
        items = []
        for question in chosen:
            options = [r[0] for r in self.store.conn.execute(
                "SELECT uuid FROM question_options WHERE question_uuid = ? AND deleted = 0 "
                "ORDER BY position", (question,))]
            if quiz.settings.shuffle_options:
                random.Random(f"{seed}/{question}").shuffle(options)
            items.append({"q": question, "o": options})
        return Assembled(items)
