"""Writing the course's modules and lessons in the app (the authoring workspace's Lessons tab).

Every change is an ordinary synced change made through :meth:`Store.put` (rev,
updated_at, updated_by), so it reaches officers' laptops with the next content bundle.
Ids and uuids follow the content loader (``core/content.py``): a module ``m-id`` is
``content_uuid("module", "m-id")``, its lesson ``l-id`` is
``content_uuid("lesson", "m-id/l-id")``, so a course written here and one loaded from
files name the same rows. Lesson bodies are Markdown in the syntax Learn renders
(docs/content-format.md): ``[text](species:<id>)`` links to a species card,
``![alt](species:<id>/media/<file>)`` shows one of its pictures, and
``{{features:<id>}}`` on a line of its own lists its numbered diagnostic features.

Bad input is refused with :class:`LessonError` (one line, in the interface language)
before anything is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from idtrainer.core.content import FEATURES_DIRECTIVE, ID_PATTERN
from idtrainer.core.errors import IDTrainerError
from idtrainer.core.i18n import content_chain, ngettext
from idtrainer.core.i18n import gettext as _
from idtrainer.core.languages import authored
from idtrainer.core.store import content_uuid

if TYPE_CHECKING:
    from idtrainer.core.store import Store

#: ``![alt](species:<target>)`` and ``[text](species:<target>)``: group 1 is "!" for a
#: picture, group 2 the species id, group 3 the rest of the path (a picture's file).
LINK = re.compile(r"(!?)\[[^\]]*\]\(species:([^)\s/]+)(/[^)\s]*)?\)")
TITLE_MAX = 200


class LessonError(IDTrainerError, ValueError):
    """A module or lesson cannot be saved as given; the message says why."""


@dataclass(frozen=True)
class OutlineLesson:
    uuid: str
    slug: str
    position: int
    title: str


@dataclass(frozen=True)
class OutlineModule:
    uuid: str
    slug: str
    position: int
    title: str
    lessons: list[OutlineLesson]


@dataclass(frozen=True)
class Draft:
    """One lesson or module as an author edits it in one language."""

    kind: str            # "lessons" or "modules"
    uuid: str
    slug: str
    locale: str
    title: str
    body: str            # a lesson's body, a module's summary
    status: str          # the status of the body (or title) in ``locale``; "" if none yet
    title_fallback: str  # the title in the nearest language that has one, for a hint


@dataclass(frozen=True)
class PictureChoice:
    """A picture a lesson can show: its reference and what to show in a picker."""

    ref: str              # "<species-id>/media/<file>", as in ![alt](species:<ref>)
    media_uuid: str
    species_slug: str
    species_name: str
    caption: str


@dataclass(frozen=True)
class Dependents:
    """What points at a module or lesson that is about to be deleted."""

    lessons: int = 0
    questions: int = 0
    readers: int = 0     # trainees who have opened or read the lesson(s)


_BODY_FIELD = {"lessons": "body", "modules": "summary"}


class LessonAuthoring:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- reading ---------------------------------------------------------------------

    def course_uuid(self) -> str | None:
        value = self.store.scalar("SELECT uuid FROM courses WHERE deleted = 0 "
                                  "ORDER BY position, slug LIMIT 1")
        return None if value is None else str(value)

    def outline(self, locale: str) -> list[OutlineModule]:
        """Every module of the (first) course with its lessons, in order."""
        course = self.course_uuid()
        if course is None:
            return []
        modules = self.store.query("SELECT uuid, slug, position FROM modules WHERE "
                                   "course_uuid = ? AND deleted = 0 ORDER BY position, slug",
                                   (course,))
        lessons = self.store.query(
            "SELECT l.uuid, l.slug, l.position, l.module_uuid FROM lessons l JOIN modules m "
            "ON m.uuid = l.module_uuid WHERE l.deleted = 0 AND m.deleted = 0 AND "
            "m.course_uuid = ? ORDER BY l.position, l.slug", (course,))
        titles = {**self._titles("modules", locale), **self._titles("lessons", locale)}
        by_module: dict[str, list[OutlineLesson]] = {}
        for row in lessons:
            by_module.setdefault(row["module_uuid"], []).append(OutlineLesson(
                row["uuid"], row["slug"], row["position"], titles.get(row["uuid"], row["slug"])))
        return [OutlineModule(m["uuid"], m["slug"], m["position"],
                              titles.get(m["uuid"], m["slug"]), by_module.get(m["uuid"], []))
                for m in modules]

    def _titles(self, table: str, locale: str) -> dict[str, str]:
        chain = content_chain(locale)
        best: dict[str, tuple[int, str]] = {}
        for owner, loc, value in self.store.conn.execute(
                "SELECT owner_uuid, locale, value FROM texts WHERE owner_table = ? AND "
                "field = 'title' AND deleted = 0 AND value != ''", (table,)):
            rank = chain.index(loc) if loc in chain else len(chain) + authored().index(loc)
            if owner not in best or rank < best[owner][0]:
                best[owner] = (rank, value)
        return {owner: value for owner, (_rank, value) in best.items()}

    def _text(self, table: str, owner: str, field: str, locale: str) -> tuple[str, str] | None:
        row = self.store.query_one(
            "SELECT value, status FROM texts WHERE owner_table = ? AND owner_uuid = ? AND "
            "field = ? AND locale = ? AND deleted = 0", (table, owner, field, locale))
        return None if row is None else (row["value"], row["status"])

    def draft(self, kind: str, uuid: str, locale: str) -> Draft:
        """What the editor shows for a lesson or module in ``locale`` (empty if untranslated)."""
        row = self.store.query_one(f"SELECT slug FROM [{self._table(kind)}] WHERE uuid = ? "
                                   "AND deleted = 0", (uuid,))
        if row is None:
            raise LessonError(_("This lesson or module no longer exists."))
        title = self._text(kind, uuid, "title", locale)
        body = self._text(kind, uuid, _BODY_FIELD[kind], locale)
        status = (body or title or ("", ""))[1]
        return Draft(kind, uuid, row["slug"], locale, title[0] if title else "",
                     body[0] if body else "", status,
                     self._titles(kind, locale).get(uuid, row["slug"]))

    def module_of(self, lesson_uuid: str) -> str | None:
        value = self.store.scalar("SELECT module_uuid FROM lessons WHERE uuid = ?",
                                  (lesson_uuid,))
        return None if value is None else str(value)

    def species_choices(self, locale: str) -> list[tuple[str, str]]:
        """(species id, "name (scientific name)") of every species, by name."""
        return [(s.slug, f"{s.name.value if s.name else s.scientific_name} "
                         f"({s.scientific_name})")
                for s in self.store.species.all(locale)]

    def picture_choices(self, locale: str) -> list[PictureChoice]:
        """Pictures of species that a lesson can show with ``![alt](species:<ref>)``: those
        whose uuid is the one Learn derives from the reference (every picture loaded from
        a species folder)."""
        rows = self.store.query(
            "SELECT m.uuid, m.original_name, s.slug, s.uuid AS species_uuid FROM media_links k "
            "JOIN media m ON m.uuid = k.media_uuid JOIN species s ON s.uuid = k.owner_uuid "
            "WHERE k.owner_table = 'species' AND k.deleted = 0 AND m.deleted = 0 AND "
            "s.deleted = 0 ORDER BY s.slug, k.position")
        names = {s.uuid: s.name.value if s.name else s.scientific_name
                 for s in self.store.species.all(locale)}
        captions = self._field_values("media", "caption", locale)
        out = []
        for r in rows:
            for ref in (f"{r['slug']}/media/{r['original_name']}",
                        f"{r['slug']}/{r['original_name']}"):
                if content_uuid("media", ref) == r["uuid"]:
                    out.append(PictureChoice(ref, r["uuid"], r["slug"],
                                             names.get(r["species_uuid"], r["slug"]),
                                             captions.get(r["uuid"], r["original_name"])))
                    break
        return out

    def _field_values(self, table: str, field: str, locale: str) -> dict[str, str]:
        chain = content_chain(locale)
        best: dict[str, tuple[int, str]] = {}
        for owner, loc, value in self.store.conn.execute(
                "SELECT owner_uuid, locale, value FROM texts WHERE owner_table = ? AND "
                "field = ? AND deleted = 0 AND value != ''", (table, field)):
            rank = chain.index(loc) if loc in chain else 99
            if owner not in best or rank < best[owner][0]:
                best[owner] = (rank, value)
        return {owner: value for owner, (_rank, value) in best.items()}

    # -- checking --------------------------------------------------------------------

    def problems(self, title: str, body: str) -> list[str]:
        """What is wrong with a title and body, the same rules as ``content load``: a title
        and a body, and every species link, picture and feature list names something that
        exists. Empty when it can be saved."""
        found = []
        if not title.strip():
            found.append(_("The title is empty."))
        elif len(title) > TITLE_MAX:
            found.append(_("The title is longer than {n} characters.").format(n=TITLE_MAX))
        if not body.strip():
            found.append(_("The text is empty."))
        slugs = {r[0] for r in self.store.conn.execute(
            "SELECT slug FROM species WHERE deleted = 0")}
        pictures = {c.ref for c in self.picture_choices("en")} if "species:" in body else set()
        seen: set[str] = set()
        for target in FEATURES_DIRECTIVE.findall(body):
            if target not in slugs and target not in seen:
                seen.add(target)
                found.append(_("{{{{features:{id}}}}}: no species with this id.")
                             .format(id=target))
        for bang, target, rest in LINK.findall(body):
            ref = f"{target}{rest}"
            if ref in seen:
                continue
            seen.add(ref)
            if target not in slugs:
                found.append(_("species:{id}: no species with this id.").format(id=target))
            elif rest and ref not in pictures:
                found.append(_("species:{ref}: no such picture of that species.")
                             .format(ref=ref))
            elif bang and not rest:
                found.append(_("species:{id}: a picture needs the file's name after the "
                               "species id.").format(id=target))
        return found

    # -- writing ---------------------------------------------------------------------

    def save(self, kind: str, uuid: str, locale: str, title: str, body: str) -> bool:
        """Write the title and body (a module's summary) in ``locale``; True if anything
        changed. A text that was reviewed and is changed goes back to draft; one that
        is not changed keeps its status."""
        self._check_locale(locale)
        if problems := self.problems(title, body):
            raise LessonError(problems[0])
        table = self._table(kind)
        with self.store.transaction():
            if self.store.scalar(f"SELECT 1 FROM [{table}] WHERE uuid = ? AND deleted = 0",
                                 (uuid,)) is None:
                raise LessonError(_("This lesson or module no longer exists."))
            changed = False
            for field, value in (("title", title.strip()), (_BODY_FIELD[kind], body)):
                changed |= self._put_text(kind, uuid, field, locale, value)
        return changed

    def _put_text(self, table: str, owner: str, field: str, locale: str, value: str) -> bool:
        current = self._text(table, owner, field, locale)
        if current is not None and current[0] == value:
            return False
        status = "draft" if current is None or current[1] == "reviewed" else current[1]
        row: dict[str, str | None] = {
            "uuid": content_uuid("text", f"{owner}/{field}/{locale}"), "owner_table": table,
            "owner_uuid": owner, "field": field, "locale": locale, "value": value,
            "status": status}
        if self._has_review_columns():
            row |= {"reviewed_by": "", "reviewed_at": None}
        return self.store.put("texts", row) != "unchanged"

    def _has_review_columns(self) -> bool:
        return any(r[1] == "reviewed_by" for r in self.store.conn.execute(
            "PRAGMA table_info(texts)"))

    def create_module(self, slug: str, title: str, locale: str) -> str:
        """A new module at the end of the course, titled in ``locale``."""
        self._check_locale(locale)
        slug = self._check_slug(slug)
        course = self.course_uuid()
        if course is None:
            raise LessonError(_("There is no course to add a module to."))
        uuid = content_uuid("module", slug)
        taken = self.store.query_one("SELECT uuid, deleted FROM modules WHERE slug = ?", (slug,))
        if taken is not None and (taken["uuid"] != uuid or not taken["deleted"]):
            raise LessonError(_("A module with the id {id!r} already exists.").format(id=slug))
        self._check_title(title)
        with self.store.transaction():
            position = int(self.store.scalar(
                "SELECT coalesce(max(position), 0) FROM modules WHERE course_uuid = ? AND "
                "deleted = 0", (course,)) or 0) + 1
            self.store.put("modules", {"uuid": uuid, "course_uuid": course, "slug": slug,
                                       "position": position, "deleted": 0})
            self._put_text("modules", uuid, "title", locale, title.strip())
        return uuid

    def create_lesson(self, module_uuid: str, slug: str, title: str, locale: str) -> str:
        """A new lesson at the end of a module: its title, and a body that starts with it."""
        self._check_locale(locale)
        slug = self._check_slug(slug)
        self._check_title(title)
        module = self.store.query_one("SELECT slug FROM modules WHERE uuid = ? AND deleted = 0",
                                      (module_uuid,))
        if module is None:
            raise LessonError(_("This lesson or module no longer exists."))
        uuid = content_uuid("lesson", f"{module['slug']}/{slug}")
        taken = self.store.query_one("SELECT uuid, deleted FROM lessons WHERE module_uuid = ? "
                                     "AND slug = ?", (module_uuid, slug))
        if taken is not None and (taken["uuid"] != uuid or not taken["deleted"]):
            raise LessonError(_("This module already has a lesson with the id {id!r}.")
                              .format(id=slug))
        with self.store.transaction():
            position = int(self.store.scalar(
                "SELECT coalesce(max(position), 0) FROM lessons WHERE module_uuid = ? AND "
                "deleted = 0", (module_uuid,)) or 0) + 1
            self.store.put("lessons", {"uuid": uuid, "module_uuid": module_uuid, "slug": slug,
                                       "position": position, "deleted": 0})
            self._put_text("lessons", uuid, "title", locale, title.strip())
            self._put_text("lessons", uuid, "body", locale, f"# {title.strip()}\n\n")
        return uuid

    def rename(self, kind: str, uuid: str, title: str, locale: str) -> None:
        """A new title in ``locale`` (ids stay: they name the rows everywhere)."""
        self._check_locale(locale)
        self._check_title(title)
        with self.store.transaction():
            self._put_text(self._table(kind), uuid, "title", locale, title.strip())

    def move(self, kind: str, uuid: str, step: int) -> bool:
        """Move a module (within its course) or lesson (within its module) up (-1) or down
        (+1); True if it moved."""
        table = self._table(kind)
        parent = "course_uuid" if kind == "modules" else "module_uuid"
        with self.store.transaction():
            owner = self.store.scalar(f"SELECT [{parent}] FROM [{table}] WHERE uuid = ?",
                                      (uuid,))
            siblings = [r[0] for r in self.store.conn.execute(
                f"SELECT uuid FROM [{table}] WHERE [{parent}] = ? AND deleted = 0 "
                "ORDER BY position, slug", (owner,))]
            if uuid not in siblings:
                return False
            i = siblings.index(uuid)
            j = i + step
            if not 0 <= j < len(siblings):
                return False
            siblings[i], siblings[j] = siblings[j], siblings[i]
            for position, sibling in enumerate(siblings, 1):
                self.store.put(table, {"uuid": sibling, "position": position})
        return True

    def dependents(self, kind: str, uuid: str) -> Dependents:
        """What points at a module or lesson: to say before deleting it."""
        if kind == "lessons":
            lessons = [uuid]
            questions = 0
        else:
            lessons = [r[0] for r in self.store.conn.execute(
                "SELECT uuid FROM lessons WHERE module_uuid = ? AND deleted = 0", (uuid,))]
            questions = int(self.store.scalar(
                "SELECT count(*) FROM questions WHERE module_uuid = ? AND deleted = 0",
                (uuid,)) or 0)
        readers = int(self.store.scalar(
            "SELECT count(DISTINCT trainee_uuid) FROM lesson_progress WHERE deleted = 0 AND "
            "lesson_uuid IN (SELECT value FROM json_each(?))", (_json(lessons),)) or 0)
        return Dependents(len(lessons) if kind == "modules" else 0, questions, readers)

    def delete(self, kind: str, uuid: str) -> None:
        """Tombstone a lesson, or a module with its lessons, and their texts. A module that
        questions belong to is refused: move or delete the questions first."""
        table = self._table(kind)
        found = self.dependents(kind, uuid)
        if found.questions:
            raise LessonError(ngettext(
                "{n} question belongs to this module: move it to another module or delete "
                "it first.", "{n} questions belong to this module: move them to another "
                "module or delete them first.", found.questions).format(n=found.questions))
        with self.store.transaction():
            owners = [(table, uuid)]
            if kind == "modules":
                owners += [("lessons", r[0]) for r in self.store.conn.execute(
                    "SELECT uuid FROM lessons WHERE module_uuid = ? AND deleted = 0", (uuid,))]
            for owner_table, owner in reversed(owners):
                for (text,) in self.store.conn.execute(
                        "SELECT uuid FROM texts WHERE owner_table = ? AND owner_uuid = ? AND "
                        "deleted = 0", (owner_table, owner)).fetchall():
                    self.store.tombstone("texts", text)
                self.store.tombstone(owner_table, owner)

    # -- helpers ---------------------------------------------------------------------

    @staticmethod
    def _table(kind: str) -> str:
        if kind not in _BODY_FIELD:
            raise ValueError(f"not a module or lesson table: {kind!r}")
        return kind

    @staticmethod
    def _check_locale(locale: str) -> None:
        if locale not in authored():
            raise ValueError(f"unknown content locale {locale!r}")

    @staticmethod
    def _check_title(title: str) -> None:
        if not title.strip():
            raise LessonError(_("The title is empty."))
        if len(title) > TITLE_MAX:
            raise LessonError(_("The title is longer than {n} characters.").format(n=TITLE_MAX))

    @staticmethod
    def _check_slug(slug: str) -> str:
        slug = slug.strip()
        if not ID_PATTERN.match(slug) or len(slug) > 64:
            raise LessonError(_("An id is made of small Latin letters, digits and single "
                                "hyphens, such as {example}.").format(example="m5-reptiles"))
        return slug


def _json(values: list[str]) -> str:
    import json

    return json.dumps(values)


_LATIN = dict(zip("абвгдезийклмнопрстуфхцыэқғүұөәһңі",
                  ["a", "b", "v", "g", "d", "e", "z", "i", "i", "k", "l", "m", "n", "o", "p",
                   "r", "s", "t", "u", "f", "h", "ts", "y", "e", "q", "g", "u", "u", "o", "a",
                   "h", "n", "i"], strict=True)) | {"ё": "e", "ж": "zh", "ч": "ch", "ш": "sh",
                                                    "щ": "sch", "ю": "yu", "я": "ya"}


def suggest_slug(title: str) -> str:
    """An id made from a title, Cyrillic written in Latin letters: a start for the author."""
    from idtrainer.core.translit import fold

    latin = "".join(_LATIN.get(ch, ch) for ch in title.lower())
    slug = re.sub(r"[^a-z0-9]+", "-", fold(latin)).strip("-")
    return slug[:48].strip("-")
