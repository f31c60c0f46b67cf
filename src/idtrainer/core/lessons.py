"""Courses, their modules and lessons (store.lessons): the queries the Learn screens need."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from idtrainer.core.texts import LocalText

if TYPE_CHECKING:
    from idtrainer.core.store import Store


@dataclass(frozen=True)
class Item:
    """A course, module or lesson in a list: its title in the reader's language."""

    uuid: str
    slug: str
    position: int
    title: LocalText | None


@dataclass(frozen=True)
class Lesson:
    uuid: str
    slug: str
    module_uuid: str
    position: int
    title: LocalText | None
    body: LocalText | None


class LessonManager:
    def __init__(self, store: Store) -> None:
        self.store = store

    def courses(self, locale: str) -> list[Item]:
        return self._items("courses", "SELECT uuid, slug, position FROM courses WHERE "
                           "deleted = 0 ORDER BY position, slug", (), locale)

    def modules(self, course_uuid: str, locale: str) -> list[Item]:
        return self._items("modules", "SELECT uuid, slug, position FROM modules WHERE "
                           "course_uuid = ? AND deleted = 0 ORDER BY position", (course_uuid,),
                           locale)

    def lessons(self, module_uuid: str, locale: str) -> list[Item]:
        return self._items("lessons", "SELECT uuid, slug, position FROM lessons WHERE "
                           "module_uuid = ? AND deleted = 0 ORDER BY position", (module_uuid,),
                           locale)

    def module_uuids(self) -> list[str]:
        """Every module of every course, in course order."""
        return [r[0] for r in self.store.conn.execute(
            "SELECT uuid FROM modules WHERE deleted = 0 ORDER BY position")]

    def module_uuid(self, slug: str) -> str | None:
        """The uuid of the module with this id (its slug), if it is loaded."""
        value = self.store.scalar("SELECT uuid FROM modules WHERE slug = ? AND deleted = 0",
                                  (slug,))
        return None if value is None else str(value)

    def lesson(self, lesson_uuid: str, locale: str) -> Lesson | None:
        row = self.store.query_one("SELECT * FROM lessons WHERE uuid = ? AND deleted = 0",
                                   (lesson_uuid,))
        if row is None:
            return None
        texts = self.store.texts.fields("lessons", lesson_uuid, locale)
        return Lesson(row["uuid"], row["slug"], row["module_uuid"], row["position"],
                      texts.get("title"), texts.get("body"))

    def lesson_count(self) -> int:
        return self.store.count("lessons")

    def _items(self, table: str, sql: str, params: tuple, locale: str) -> list[Item]:
        rows = self.store.query(sql, params)
        titles = self.store.texts.for_owners(table, [r["uuid"] for r in rows], locale,
                                             fields=["title"])
        return [Item(r["uuid"], r["slug"], r["position"],
                     titles.get(r["uuid"], {}).get("title")) for r in rows]
