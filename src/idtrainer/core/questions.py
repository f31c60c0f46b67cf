"""The question bank: questions with their options, read in a locale."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from idtrainer.core.texts import LocalText

if TYPE_CHECKING:
    from idtrainer.core.store import Store


@dataclass(frozen=True)
class Option:
    uuid: str
    position: int
    correct: bool
    side: str | None
    pair: int | None
    species_uuid: str | None
    text: LocalText | None


@dataclass(frozen=True)
class Question:
    uuid: str
    slug: str | None
    qtype: str
    module_uuid: str | None
    difficulty: int
    tags: list[str]
    species: list[str]
    media_uuid: str | None
    answer: Any
    stem: LocalText | None
    feedback: LocalText | None
    options: list[Option]


class QuestionManager:
    def __init__(self, store: Store) -> None:
        self.store = store

    def count(self, module_uuid: str | None = None) -> int:
        if module_uuid is None:
            return self.store.count("questions")
        return int(self.store.scalar(
            "SELECT count(*) FROM questions WHERE module_uuid = ? AND deleted = 0",
            (module_uuid,)))

    def counts_by_type(self) -> dict[str, int]:
        return dict(self.store.conn.execute(
            "SELECT qtype, count(*) FROM questions WHERE deleted = 0 GROUP BY qtype"))

    def get(self, question_uuid: str, locale: str) -> Question | None:
        row = self.store.query_one("SELECT * FROM questions WHERE uuid = ? AND deleted = 0",
                                   (question_uuid,))
        if row is None:
            return None
        options = self.store.query(
            "SELECT * FROM question_options WHERE question_uuid = ? AND deleted = 0 "
            "ORDER BY position", (question_uuid,))
        texts = self.store.texts.for_owners("question_options", [o["uuid"] for o in options],
                                            locale)
        own = self.store.texts.fields("questions", question_uuid, locale)
        species_names = self.store.texts.for_owners(
            "taxa", [self._taxon_of(o["species_uuid"]) for o in options if o["species_uuid"]],
            locale, fields=["name"])
        return Question(
            row["uuid"], row["slug"], row["qtype"], row["module_uuid"], row["difficulty"],
            json.loads(row["tags"]), json.loads(row["species"]), row["media_uuid"],
            json.loads(row["answer"]) if row["answer"] is not None else None,
            own.get("stem"), own.get("feedback"),
            [Option(o["uuid"], o["position"], bool(o["correct"]), o["side"], o["pair"],
                    o["species_uuid"],
                    texts.get(o["uuid"], {}).get("text")
                    or species_names.get(self._taxon_of(o["species_uuid"]), {}).get("name"))
             for o in options],
        )

    def uuids(self, module_uuid: str | None = None) -> list[str]:
        if module_uuid is None:
            rows = self.store.conn.execute(
                "SELECT uuid FROM questions WHERE deleted = 0 ORDER BY slug")
        else:
            rows = self.store.conn.execute(
                "SELECT uuid FROM questions WHERE module_uuid = ? AND deleted = 0 "
                "ORDER BY slug", (module_uuid,))
        return [r[0] for r in rows]

    def _taxon_of(self, species_uuid: str | None) -> str:
        return self.store.scalar("SELECT taxon_uuid FROM species WHERE uuid = ?",
                                 (species_uuid,)) or ""
