"""Lesson progress per trainee: lessons read, modules completed, where to continue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from idtrainer.core.store import content_uuid

if TYPE_CHECKING:
    from idtrainer.core.store import Store


@dataclass(frozen=True)
class ModuleProgress:
    module_uuid: str
    lessons: int
    read: int

    @property
    def fraction(self) -> float:
        return self.read / self.lessons if self.lessons else 0.0

    @property
    def completed(self) -> bool:
        return self.lessons > 0 and self.read == self.lessons


class ProgressManager:
    def __init__(self, store: Store) -> None:
        self.store = store

    def _uuid(self, trainee: str, lesson: str) -> str:
        # One row per (trainee, lesson) on every laptop, so results merge by uuid.
        return content_uuid("lesson_progress", f"{trainee}/{lesson}")

    def opened(self, trainee: str, lesson: str) -> None:
        """Record that the trainee opened a lesson (the place to continue from)."""
        now = self.store.now()
        with self.store.transaction():
            row = self.store.query_one(
                "SELECT completed_at FROM lesson_progress WHERE uuid = ?",
                (self._uuid(trainee, lesson),))
            self.store.put("lesson_progress", {
                "uuid": self._uuid(trainee, lesson), "trainee_uuid": trainee,
                "lesson_uuid": lesson, "opened_at": now,
                "completed_at": row["completed_at"] if row else None})

    def mark_read(self, trainee: str, lesson: str) -> None:
        with self.store.transaction():
            uuid = self._uuid(trainee, lesson)
            if self.store.scalar("SELECT completed_at FROM lesson_progress WHERE uuid = ?",
                                 (uuid,)):
                return
            now = self.store.now()
            self.store.put("lesson_progress", {
                "uuid": uuid, "trainee_uuid": trainee, "lesson_uuid": lesson,
                "opened_at": now, "completed_at": now})

    def read_lessons(self, trainee: str) -> set[str]:
        return {r[0] for r in self.store.conn.execute(
            "SELECT lesson_uuid FROM lesson_progress WHERE trainee_uuid = ? AND deleted = 0 "
            "AND completed_at IS NOT NULL", (trainee,))}

    def modules(self, trainee: str) -> dict[str, ModuleProgress]:
        rows = self.store.conn.execute(
            "SELECT l.module_uuid, count(*), count(p.completed_at) FROM lessons l "
            "LEFT JOIN lesson_progress p ON p.lesson_uuid = l.uuid AND p.trainee_uuid = ? "
            "AND p.deleted = 0 WHERE l.deleted = 0 GROUP BY l.module_uuid", (trainee,))
        return {m: ModuleProgress(m, n, read) for m, n, read in rows}

    def overall(self, trainee: str) -> float:
        """Fraction of all lessons the trainee has read."""
        per_module = self.modules(trainee).values()
        total = sum(m.lessons for m in per_module)
        return sum(m.read for m in per_module) / total if total else 0.0

    def continue_lesson(self, trainee: str) -> str | None:
        """The lesson to continue: the last opened if unread, else the next unread after it."""
        last = self.store.query_one(
            "SELECT p.lesson_uuid, p.completed_at FROM lesson_progress p "
            "JOIN lessons l ON l.uuid = p.lesson_uuid AND l.deleted = 0 "
            "WHERE p.trainee_uuid = ? AND p.deleted = 0 "
            "ORDER BY p.opened_at DESC, p.updated_at DESC LIMIT 1", (trainee,))
        if last is None:
            return None
        if last["completed_at"] is None:
            return last["lesson_uuid"]
        order = self.lesson_order()
        read = self.read_lessons(trainee)
        start = order.index(last["lesson_uuid"]) if last["lesson_uuid"] in order else -1
        for lesson in order[start + 1:] + order[:start + 1]:
            if lesson not in read:
                return lesson
        return None

    def lesson_order(self) -> list[str]:
        """Every lesson in reading order: course, module, lesson position."""
        return [r[0] for r in self.store.conn.execute(
            "SELECT l.uuid FROM lessons l JOIN modules m ON m.uuid = l.module_uuid "
            "JOIN courses c ON c.uuid = m.course_uuid "
            "WHERE l.deleted = 0 AND m.deleted = 0 AND c.deleted = 0 "
            "ORDER BY c.position, m.position, l.position")]

    def neighbours(self, lesson: str) -> tuple[str | None, str | None]:
        order = self.lesson_order()
        if lesson not in order:
            return None, None
        i = order.index(lesson)
        return (order[i - 1] if i > 0 else None, order[i + 1] if i + 1 < len(order) else None)
