"""Adapt: copy a course or a module under a new name, for another country or agency.

The copy is independent: new rows with their own uuids (derived from the new ids, as the
loader derives them, so an exported copy loads back with the same uuids) and its own
texts, each with the status it had. Lessons, questions and their options are copied;
species, pictures and the identification key are shared course material and are not.
Where the copy came from is recorded on the new course or module (``copied_from_uuid``,
``copied_from_slug``, ``copied_at``, ``copied_by``): it travels in content bundles with
the row and in course files as ``[adapted_from]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from idtrainer.core.errors import IDTrainerError
from idtrainer.core.i18n import gettext as _
from idtrainer.core.languages import codes as language_codes
from idtrainer.core.store import content_uuid

if TYPE_CHECKING:
    from idtrainer.core.store import Store

ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
#: Longest id a copy may take (question ids get the module's id in front).
MAX_ID = 60


class AdaptError(IDTrainerError):
    """A copy cannot be made as asked (the new id is taken or malformed, no title...)."""


@dataclass(frozen=True)
class Copied:
    kind: str            # "course" or "module"
    uuid: str
    slug: str
    modules: int
    lessons: int
    questions: int


def _check_new(store: Store, table: str, slug: str, title: str) -> None:
    if not ID_PATTERN.match(slug) or len(slug) > MAX_ID:
        raise AdaptError(_("{id!r}: an id uses lowercase letters, digits and '-' only, at "
                           "most {n} characters (for example kg-m1-cites)").format(
            id=slug, n=MAX_ID))
    if store.scalar(f"SELECT count(*) FROM [{table}] WHERE slug = ?", (slug,)):
        raise AdaptError(_("the id {id!r} is already used; choose another").format(id=slug))
    if not title.strip():
        raise AdaptError(_("give the copy a title"))


def _texts(store: Store, owner: str) -> list[dict[str, Any]]:
    return store.query("SELECT field, locale, value, status FROM texts "
                       "WHERE owner_uuid = ? AND deleted = 0 ORDER BY field, locale", (owner,))


def _copy_texts(store: Store, table: str, source: str, target: str,
                skip: tuple[str, ...] = ()) -> None:
    for t in _texts(store, source):
        if t["field"] not in skip:
            store.texts.set(table, target, t["field"], t["locale"], t["value"], t["status"])


def _title(store: Store, table: str, source: str, target: str, title: str) -> None:
    """The new title, in every language the source's title had (and at least ru): a name
    to translate later, marked draft."""
    locales = {t["locale"] for t in _texts(store, source) if t["field"] == "title"} or {"ru"}
    for loc in language_codes():
        if loc in locales:
            store.texts.set(table, target, "title", loc, title.strip(), "draft")


def _unique(store: Store, table: str, slug: str) -> str:
    candidate, n = slug, 1
    while store.scalar(f"SELECT count(*) FROM [{table}] WHERE slug = ?", (candidate,)):
        n += 1
        candidate = f"{slug}-{n}"
    return candidate


def _provenance(store: Store, source: dict[str, Any], by: str) -> dict[str, Any]:
    return {"copied_from_uuid": source["uuid"], "copied_from_slug": source["slug"],
            "copied_at": store.now(), "copied_by": by.strip() or store.device_id}


def _copy_module(store: Store, module: dict[str, Any], course_uuid: str, slug: str,
                 title: str | None, position: int, by: str) -> tuple[str, int, int]:
    new = content_uuid("module", slug)
    store.put("modules", {"uuid": new, "course_uuid": course_uuid, "slug": slug,
                          "position": position, **_provenance(store, module, by)})
    if title is None:
        _copy_texts(store, "modules", module["uuid"], new)
    else:
        _copy_texts(store, "modules", module["uuid"], new, skip=("title",))
        _title(store, "modules", module["uuid"], new, title)
    lessons = store.query("SELECT * FROM lessons WHERE module_uuid = ? AND deleted = 0 "
                          "ORDER BY position, slug", (module["uuid"],))
    for i, lesson in enumerate(lessons, 1):
        row = content_uuid("lesson", f"{slug}/{lesson['slug']}")
        store.put("lessons", {"uuid": row, "module_uuid": new, "slug": lesson["slug"],
                              "position": i})
        _copy_texts(store, "lessons", lesson["uuid"], row)
    questions = store.query("SELECT * FROM questions WHERE module_uuid = ? AND deleted = 0 "
                            "ORDER BY slug, uuid", (module["uuid"],))
    for q in questions:
        qslug = _unique(store, "questions", f"{slug}-{q['slug'] or q['uuid'][:8]}")
        quuid = content_uuid("question", qslug)
        store.put("questions", {**{k: q[k] for k in (
            "qtype", "difficulty", "tags", "species", "media_uuid", "answer")},
            "uuid": quuid, "slug": qslug, "module_uuid": new})
        _copy_texts(store, "questions", q["uuid"], quuid)
        options = store.query("SELECT * FROM question_options WHERE question_uuid = ? "
                              "AND deleted = 0 ORDER BY position", (q["uuid"],))
        for i, o in enumerate(options, 1):
            ouuid = content_uuid("option", f"{qslug}/{i}")
            store.put("question_options", {
                **{k: o[k] for k in ("correct", "side", "pair", "species_uuid")},
                "uuid": ouuid, "question_uuid": quuid, "position": i})
            _copy_texts(store, "question_options", o["uuid"], ouuid)
    return new, len(lessons), len(questions)


def duplicate_module(store: Store, module_slug: str, new_slug: str, title: str, *,
                     by: str = "") -> Copied:
    """Copy module ``module_slug`` (its lessons and questions) into the same course as
    ``new_slug`` titled ``title``; record where it came from."""
    module = store.query_one("SELECT * FROM modules WHERE slug = ? AND deleted = 0",
                             (module_slug,))
    if module is None:
        raise AdaptError(_("no module with id {id!r}").format(id=module_slug))
    _check_new(store, "modules", new_slug, title)
    with store.transaction(defer_foreign_keys=True):
        position = (store.scalar("SELECT max(position) FROM modules WHERE course_uuid = ? "
                                 "AND deleted = 0", (module["course_uuid"],)) or 0) + 1
        uuid, lessons, questions = _copy_module(store, module, module["course_uuid"],
                                                new_slug, title, position, by)
    return Copied("module", uuid, new_slug, 1, lessons, questions)


def duplicate_course(store: Store, course_slug: str, new_slug: str, title: str, *,
                     by: str = "") -> Copied:
    """Copy course ``course_slug`` with every module as ``new_slug`` titled ``title``.
    Its modules get ids ``<new_slug>-<module id>``; each records its source module."""
    course = store.query_one("SELECT * FROM courses WHERE slug = ? AND deleted = 0",
                             (course_slug,))
    if course is None:
        raise AdaptError(_("no course with id {id!r}").format(id=course_slug))
    _check_new(store, "courses", new_slug, title)
    modules = store.query("SELECT * FROM modules WHERE course_uuid = ? AND deleted = 0 "
                          "ORDER BY position, slug", (course["uuid"],))
    slugs = {m["uuid"]: f"{new_slug}-{m['slug']}" for m in modules}
    for slug in slugs.values():
        _check_new(store, "modules", slug, title)
    lessons = questions = 0
    with store.transaction(defer_foreign_keys=True):
        uuid = content_uuid("course", new_slug)
        position = (store.scalar("SELECT max(position) FROM courses WHERE deleted = 0")
                    or 0) + 1
        store.put("courses", {"uuid": uuid, "slug": new_slug, "position": position,
                              **_provenance(store, course, by)})
        _copy_texts(store, "courses", course["uuid"], uuid, skip=("title",))
        _title(store, "courses", course["uuid"], uuid, title)
        for m in modules:
            _new, n_lessons, n_questions = _copy_module(
                store, m, uuid, slugs[m["uuid"]], None, m["position"], by)
            lessons += n_lessons
            questions += n_questions
    return Copied("course", uuid, new_slug, len(modules), lessons, questions)


def provenance(store: Store, table: str, uuid: str) -> dict[str, Any] | None:
    """Where a course or module was copied from (None for an original)."""
    if table not in ("courses", "modules"):
        raise ValueError(table)
    row = store.query_one(f"SELECT copied_from_uuid, copied_from_slug, copied_at, copied_by "
                          f"FROM [{table}] WHERE uuid = ?", (uuid,))
    return row if row and row["copied_from_uuid"] else None


def courses(store: Store) -> list[dict[str, Any]]:
    """Every course: uuid, slug (for pickers)."""
    return store.query("SELECT uuid, slug FROM courses WHERE deleted = 0 "
                       "ORDER BY position, slug")
