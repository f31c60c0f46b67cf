"""Training events: dates, place, organiser, classes, attendance per day, pre- and
post-test, and what each officer learned (normalised gain).

Normalised gain (Hake): g = (post − pre) / (100 − pre), scores in percent. It is
undefined for an officer who scored 100 on the pre-test. The class figure is the mean
of the officers' gains; the gain of the class means is given beside it.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from idtrainer.core.collation import sort_key
from idtrainer.core.errors import IDTrainerError
from idtrainer.core.i18n import gettext as _
from idtrainer.core.languages import codes as language_codes
from idtrainer.core.store import content_uuid, new_uuid

if TYPE_CHECKING:
    from idtrainer.core.store import Store
    from idtrainer.core.trainees import Trainee

MAX_EVENT_DAYS = 60


class EventError(IDTrainerError, ValueError):
    """An event cannot be saved or found; the text says why."""


@dataclass(frozen=True)
class TrainingEvent:
    uuid: str
    name: str
    starts_on: str
    ends_on: str
    place: str
    organiser: str
    agency: str
    languages: list[str]
    pre_quiz: str | None
    post_quiz: str | None

    @property
    def days(self) -> list[str]:
        first, last = dt.date.fromisoformat(self.starts_on), dt.date.fromisoformat(self.ends_on)
        return [(first + dt.timedelta(days=i)).isoformat()
                for i in range((last - first).days + 1)]


@dataclass(frozen=True)
class Outcome:
    """One officer in one event."""

    trainee: Trainee
    classes: tuple[str, ...]
    days_present: int
    pre: float | None   # percent
    post: float | None  # percent
    passed: bool        # the post-test's counted attempt passed

    @property
    def attended(self) -> bool:
        return self.days_present > 0

    @property
    def gain(self) -> float | None:
        return normalised_gain(self.pre, self.post)


@dataclass(frozen=True)
class EventSummary:
    participants: int
    attended: int
    with_both_tests: int
    mean_pre: float | None
    mean_post: float | None
    mean_gain: float | None         # mean of the officers' gains
    gain_of_means: float | None     # (mean post − mean pre) / (100 − mean pre)
    passed: int
    pass_rate: float | None         # share of officers who sat the post-test and passed
    by_gender: dict[str, int] = field(default_factory=dict)


def normalised_gain(pre: float | None, post: float | None) -> float | None:
    if pre is None or post is None or pre >= 100:
        return None
    return (post - pre) / (100 - pre)


def _mean(values: list[float]) -> float | None:
    return statistics.fmean(values) if values else None


def _date(text: str, label: str) -> str:
    try:
        return dt.date.fromisoformat(text.strip()).isoformat()
    except ValueError as exc:
        raise EventError(_("{field}: {value} is not a date (YYYY-MM-DD)").format(
            field=label, value=text)) from exc


class EventManager:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- events ------------------------------------------------------------------------

    def save(self, name: str, starts_on: str, ends_on: str, *, place: str = "",
             organiser: str = "", agency: str = "", languages: list[str] | None = None,
             pre_quiz: str | None = None, post_quiz: str | None = None,
             uuid: str | None = None) -> str:
        name = " ".join(name.split())
        if not name:
            raise EventError(_("An event needs a name."))
        first, last = _date(starts_on, _("Starts")), _date(ends_on, _("Ends"))
        if last < first:
            raise EventError(_("The event ends before it starts."))
        if (dt.date.fromisoformat(last) - dt.date.fromisoformat(first)).days >= MAX_EVENT_DAYS:
            raise EventError(_("An event lasts at most {n} days.").format(n=MAX_EVENT_DAYS))
        languages = languages or []
        if any(lang not in language_codes() for lang in languages):
            raise EventError(_("Unknown language in {langs}.").format(langs=languages))
        for quiz in (pre_quiz, post_quiz):
            if quiz and self.store.scalar("SELECT 1 FROM quizzes WHERE uuid = ? AND "
                                          "deleted = 0", (quiz,)) is None:
                raise EventError(_("No such quiz."))
        if pre_quiz and pre_quiz == post_quiz:
            raise EventError(_("The pre-test and the post-test must be different quizzes."))
        uuid = uuid or new_uuid()
        with self.store.transaction():
            # A test the event no longer has is taken back from its classes, or officers
            # would still be given the old pre- or post-test beside the new one.
            for klass in self.class_uuids(uuid):
                self._take_back_tests(uuid, klass, keep=(pre_quiz, post_quiz))
            self.store.put("events", {
                "uuid": uuid, "name": name, "starts_on": first, "ends_on": last,
                "place": place.strip(), "organiser": organiser.strip(),
                "agency": agency.strip(), "languages": languages,
                "pre_quiz_uuid": pre_quiz or None, "post_quiz_uuid": post_quiz or None})
            for klass in self.class_uuids(uuid):
                self._assign_tests(uuid, klass)
        return uuid

    def get(self, uuid: str) -> TrainingEvent | None:
        r = self.store.query_one("SELECT * FROM events WHERE uuid = ? AND deleted = 0", (uuid,))
        return None if r is None else _event(r)

    def all(self, *, since: str | None = None, until: str | None = None
             ) -> list[TrainingEvent]:
        """Events, newest first; with dates, those overlapping [since, until]."""
        where, params = ["deleted = 0"], []
        if since:
            where.append("ends_on >= ?")
            params.append(since)
        if until:
            where.append("starts_on <= ?")
            params.append(until)
        rows = self.store.query(f"SELECT * FROM events WHERE {' AND '.join(where)} "
                                "ORDER BY starts_on DESC, name", tuple(params))
        return [_event(r) for r in rows]

    def by_name(self, name: str) -> TrainingEvent | None:
        wanted = " ".join(name.split()).casefold()
        return next((e for e in self.all() if e.name.casefold() == wanted), None)

    def delete(self, uuid: str) -> None:
        """Delete an event: its classes stay (without an event) and its tests are taken
        back from them; attempts and attendance are kept."""
        with self.store.transaction():
            for klass in self.class_uuids(uuid):
                self._take_back_tests(uuid, klass)
                self.store.put("classes", {"uuid": klass, "event_uuid": None})
            self.store.tombstone("events", uuid)

    # -- classes and tests -------------------------------------------------------------

    def add_class(self, event: str, class_uuid: str) -> None:
        """Put a class in an event and give it the event's tests; a class moved from
        another event loses that event's tests."""
        with self.store.transaction():
            previous = self.store.scalar("SELECT event_uuid FROM classes WHERE uuid = ?",
                                         (class_uuid,))
            if previous and previous != event:
                found = self.get(event)
                self._take_back_tests(previous, class_uuid, keep=(
                    found.pre_quiz, found.post_quiz) if found else ())
            self.store.put("classes", {"uuid": class_uuid, "event_uuid": event})
            self._assign_tests(event, class_uuid)

    def new_class(self, event: str, name: str) -> str:
        with self.store.transaction():
            klass = self.store.classes.create(name)
            self.add_class(event, klass)
        return klass

    def class_uuids(self, event: str) -> list[str]:
        return [r[0] for r in self.store.conn.execute(
            "SELECT uuid FROM classes WHERE event_uuid = ? AND deleted = 0 ORDER BY name",
            (event,))]

    def _take_back_tests(self, event: str, class_uuid: str,
                         keep: tuple[str | None, ...] = ()) -> None:
        found = self.get(event)
        for quiz in (found.pre_quiz, found.post_quiz) if found else ():
            if quiz and quiz not in keep:
                self.store.quizzes.unassign(quiz, class_uuid=class_uuid)

    def _assign_tests(self, event: str, class_uuid: str) -> None:
        found = self.get(event)
        for quiz in (found.pre_quiz, found.post_quiz) if found else ():
            if quiz:
                self.store.quizzes.assign(quiz, class_uuid=class_uuid)

    def quiz_choices(self, locale: str) -> list[tuple[str, str]]:
        """(uuid, title) of every quiz, for picking a pre- or post-test."""
        out = []
        for (uuid,) in self.store.conn.execute(
                "SELECT uuid FROM quizzes WHERE deleted = 0 ORDER BY updated_at"):
            title = self.store.texts.get("quizzes", uuid, "title", locale)
            out.append((uuid, title.value if title else uuid))
        return sorted(out, key=lambda q: sort_key(q[1], locale))

    def quizzes(self, event: str) -> list[str]:
        """The event's quizzes: pre-test, post-test, then any other assigned to its classes."""
        found = self.get(event)
        out = [q for q in ((found.pre_quiz, found.post_quiz) if found else ()) if q]
        for r in self.store.conn.execute(
                "SELECT DISTINCT quiz_uuid FROM quiz_assignments WHERE deleted = 0 AND "
                "class_uuid IN (SELECT uuid FROM classes WHERE event_uuid = ? AND "
                "deleted = 0) ORDER BY quiz_uuid", (event,)):
            if r[0] not in out:
                out.append(r[0])
        return out

    def participants(self, event: str) -> list[Trainee]:
        """Everyone in the event's classes, each person once (merged records resolved)."""
        canonical = self.store.trainees.canonical_map()
        uuids = {canonical.get(r[0], r[0]) for r in self.store.conn.execute(
            "SELECT m.trainee_uuid FROM class_members m JOIN classes c ON c.uuid = "
            "m.class_uuid WHERE c.event_uuid = ? AND m.deleted = 0 AND c.deleted = 0",
            (event,))}
        people = [p for p in (self.store.trainees.get(u) for u in uuids) if p is not None]
        return sorted(people, key=lambda t: sort_key(t.name, "kk"))

    # -- attendance --------------------------------------------------------------------

    def set_attendance(self, event: str, trainee: str, day: str, present: bool, *,
                       only_if_better: bool = False) -> None:
        found = self.get(event)
        if found is None:
            raise EventError(_("No such event."))
        if day not in found.days:
            raise EventError(_("{day} is not a day of this event.").format(day=day))
        uuid = content_uuid("attendance", f"{event}/{trainee}/{day}")
        if only_if_better and not present and self.store.scalar(
                "SELECT 1 FROM attendance WHERE uuid = ?", (uuid,)):
            return
        self.store.put("attendance", {"uuid": uuid, "event_uuid": event,
                                      "trainee_uuid": trainee, "day": day,
                                      "present": present, "deleted": 0})

    def attendance(self, event: str) -> dict[str, set[str]]:
        """trainee (merged records resolved) -> the days they were present."""
        canonical = self.store.trainees.canonical_map()
        out: dict[str, set[str]] = {}
        for trainee, day in self.store.conn.execute(
                "SELECT trainee_uuid, day FROM attendance WHERE event_uuid = ? AND "
                "present = 1 AND deleted = 0", (event,)):
            out.setdefault(canonical.get(trainee, trainee), set()).add(day)
        return out

    # -- outcomes ----------------------------------------------------------------------

    def _scores(self, quiz: str | None, canonical: dict[str, str], *, first: bool
                ) -> dict[str, tuple[float, bool]]:
        """person -> (percent, passed) of their first (pre-test) or counted attempt."""
        if not quiz:
            return {}
        grading = json.loads(self.store.scalar(
            "SELECT settings FROM quizzes WHERE uuid = ?", (quiz,)) or "{}").get(
            "grading", "highest")
        out: dict[str, tuple[float, bool, str]] = {}
        for trainee, score, max_score, passed, submitted in self.store.conn.execute(
                "SELECT trainee_uuid, score, max_score, passed, submitted_at FROM attempts "
                "WHERE quiz_uuid = ? AND deleted = 0 AND submitted_at IS NOT NULL "
                "ORDER BY submitted_at", (quiz,)):
            person = canonical.get(trainee, trainee)
            percent = 100 * score / max_score if max_score else 0.0
            if person not in out:
                out[person] = (percent, bool(passed), submitted)
            elif first:
                continue
            elif grading == "last" or percent > out[person][0]:
                out[person] = (percent, bool(passed), submitted)
        return {k: (v[0], v[1]) for k, v in out.items()}

    def outcomes(self, event: str, *, class_uuid: str | None = None) -> list[Outcome]:
        found = self.get(event)
        if found is None:
            raise EventError(_("No such event."))
        canonical = self.store.trainees.canonical_map()
        classes: dict[str, list[str]] = {}
        for trainee, name, klass in self.store.conn.execute(
                "SELECT m.trainee_uuid, c.name, c.uuid FROM class_members m JOIN classes c "
                "ON c.uuid = m.class_uuid WHERE c.event_uuid = ? AND m.deleted = 0 AND "
                "c.deleted = 0 ORDER BY c.name", (event,)):
            if class_uuid and klass != class_uuid:
                continue
            names = classes.setdefault(canonical.get(trainee, trainee), [])
            if name not in names:
                names.append(name)
        present = self.attendance(event)
        pre = self._scores(found.pre_quiz, canonical, first=True)
        post = self._scores(found.post_quiz, canonical, first=False)
        out = []
        for person, names in classes.items():
            trainee = self.store.trainees.get(person)
            if trainee is None:
                continue
            out.append(Outcome(trainee, tuple(names), len(present.get(person, ())),
                               pre[person][0] if person in pre else None,
                               post[person][0] if person in post else None,
                               post[person][1] if person in post else False))
        return sorted(out, key=lambda o: sort_key(o.trainee.name, "kk"))

    def summary(self, outcomes: list[Outcome]) -> EventSummary:
        both = [o for o in outcomes if o.pre is not None and o.post is not None]
        gains = [g for o in outcomes if (g := o.gain) is not None]
        sat_post = [o for o in outcomes if o.post is not None]
        mean_pre = _mean([o.pre for o in both])  # type: ignore[misc]
        mean_post = _mean([o.post for o in both])  # type: ignore[misc]
        passed = sum(1 for o in outcomes if o.passed)
        by_gender: dict[str, int] = {}
        for o in outcomes:
            by_gender[o.trainee.gender] = by_gender.get(o.trainee.gender, 0) + 1
        return EventSummary(
            participants=len(outcomes), attended=sum(1 for o in outcomes if o.attended),
            with_both_tests=len(both), mean_pre=mean_pre, mean_post=mean_post,
            mean_gain=_mean(gains), gain_of_means=normalised_gain(mean_pre, mean_post),
            passed=passed, pass_rate=passed / len(sat_post) if sat_post else None,
            by_gender=by_gender)

    def top_scorers(self, outcomes: list[Outcome], places: int = 3
                    ) -> list[tuple[int, Outcome]]:
        """(place, outcome) of the best post-test scores; equal scores share a place
        (competition ranking 1, 1, 3), and everyone tied at the last place is listed."""
        scored = sorted((o for o in outcomes if o.post is not None),
                        key=lambda o: (-round(o.post or 0.0, 6), sort_key(o.trainee.name, "kk")))
        out: list[tuple[int, Outcome]] = []
        for i, o in enumerate(scored):
            place = out[-1][0] if out and round(out[-1][1].post or 0, 6) == round(
                o.post or 0, 6) else i + 1
            if place > places:
                break
            out.append((place, o))
        return out


def _event(r: dict) -> TrainingEvent:
    return TrainingEvent(r["uuid"], r["name"], r["starts_on"], r["ends_on"], r["place"],
                         r["organiser"], r["agency"], json.loads(r["languages"]),
                         r["pre_quiz_uuid"], r["post_quiz_uuid"])
