"""Classes (a group of trainees taking a course together) and their members."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from idtrainer.core.collation import sort_key
from idtrainer.core.store import content_uuid, new_uuid

if TYPE_CHECKING:
    from idtrainer.core.store import Store
    from idtrainer.core.trainees import Trainee


@dataclass(frozen=True)
class TrainingClass:
    uuid: str
    name: str
    location: str
    trainer_name: str


class ClassManager:
    def __init__(self, store: Store) -> None:
        self.store = store

    def create(self, name: str, *, location: str = "", trainer_name: str = "") -> str:
        name = " ".join(name.split())
        if not name:
            raise ValueError("a class needs a name")
        uuid = new_uuid()
        self.store.put("classes", {"uuid": uuid, "name": name, "location": location,
                                   "trainer_name": trainer_name})
        return uuid

    def all(self) -> list[TrainingClass]:
        rows = self.store.query("SELECT * FROM classes WHERE deleted = 0")
        return sorted((TrainingClass(r["uuid"], r["name"], r["location"], r["trainer_name"])
                       for r in rows), key=lambda c: sort_key(c.name, "kk"))

    def by_name(self, name: str) -> TrainingClass | None:
        wanted = " ".join(name.split()).casefold()
        return next((c for c in self.all() if c.name.casefold() == wanted), None)

    def add_member(self, class_uuid: str, trainee_uuid: str) -> None:
        # One membership row per (class, trainee) on every laptop, so results merge.
        self.store.put("class_members", {
            "uuid": content_uuid("class_member", f"{class_uuid}/{trainee_uuid}"),
            "class_uuid": class_uuid, "trainee_uuid": trainee_uuid})

    def members(self, class_uuid: str) -> list[Trainee]:
        uuids = [r[0] for r in self.store.conn.execute(
            "SELECT trainee_uuid FROM class_members WHERE class_uuid = ? AND deleted = 0",
            (class_uuid,))]
        people = [p for p in (self.store.trainees.get(u) for u in uuids) if p is not None]
        return sorted(people, key=lambda t: sort_key(t.name, "kk"))
