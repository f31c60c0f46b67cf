"""What a content set holds: counts and translation completeness, for trainers and reviewers."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from idtrainer.core.content import ContentSet, Texts
from idtrainer.core.languages import codes as language_codes
from idtrainer.core.schema import QUESTION_TYPES, TEXT_STATUSES


@dataclass
class ContentReport:
    species: int = 0
    species_by_group: Counter = field(default_factory=Counter)
    species_by_appendix: Counter = field(default_factory=Counter)
    listings_to_verify: int = 0
    modules: list[tuple[str, int]] = field(default_factory=list)   # (module id, lessons)
    questions_by_type: Counter = field(default_factory=Counter)
    questions_by_module: Counter = field(default_factory=Counter)
    images_by_licence: Counter = field(default_factory=Counter)
    texts: int = 0                                                  # translatable fields
    translations: Counter = field(default_factory=Counter)         # (locale, status) -> n

    def completeness(self, locale: str) -> float:
        """Share of translatable fields that have text in ``locale`` (any status)."""
        have = sum(self.translations[(locale, s)] for s in TEXT_STATUSES)
        return have / self.texts if self.texts else 0.0


def build_report(content: ContentSet) -> ContentReport:
    r = ContentReport()

    def count(texts: Texts) -> None:
        if texts:
            r.texts += 1
            for loc, t in texts.items():
                r.translations[(loc, t.status)] += 1

    count(content.course_title)
    count(content.course_description)
    for s in content.species:
        r.species += 1
        r.species_by_group[s.group] += 1
        if s.listing:
            r.species_by_appendix[s.listing["appendix"]] += 1
            r.listings_to_verify += bool(s.listing["to_verify"])
        for texts in (s.names, s.other_names, *s.texts.values(), s.annotation, *s.features,
                      *(t for _type, t in s.products),
                      *(t for _o, label, points in s.lookalikes for t in (label, points))):
            count(texts)
        for img in s.images:
            r.images_by_licence[img.licence] += 1
            count(img.caption)
    for m in content.modules:
        r.modules.append((m.id, len(m.lessons)))
        count(m.title)
        count(m.summary)
        for lesson in m.lessons:
            count(lesson.title)
            count(lesson.body)
    for q in content.questions:
        r.questions_by_type[q.qtype] += 1
        r.questions_by_module[q.module or "-"] += 1
        count(q.stem)
        count(q.feedback)
        for opt in q.options:
            count(opt["text"])
    for qtype in QUESTION_TYPES:
        r.questions_by_type.setdefault(qtype, 0)
    for loc in language_codes():
        for status in TEXT_STATUSES:
            r.translations.setdefault((loc, status), 0)
    return r
