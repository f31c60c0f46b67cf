"""What an import did, per table, and how that reads to a person.

See the package docstring and docs/architecture.md, "Sync".
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from idtrainer.core.i18n import N_, ngettext
from idtrainer.core.i18n import gettext as _

if TYPE_CHECKING:
    pass
from idtrainer.core.bundles.manifest import (
    Manifest,
)

# -- results of a bundle import -----------------------------------------------------------

OUTCOMES = ("added", "updated", "unchanged", "skipped")
STAMPS = ("rev", "updated_at", "updated_by")


@dataclass
class ImportSummary:
    """What one import did, per table: added / updated / unchanged / skipped (local newer)."""

    file: Path
    manifest: Manifest
    tables: dict[str, dict[str, int]] = field(default_factory=dict)
    media_added: int = 0
    already_imported: bool = False

    def count(self, table: str, outcome: str, n: int = 1) -> None:
        self.tables.setdefault(table, dict.fromkeys(OUTCOMES, 0))[outcome] += n

    def total(self, outcome: str) -> int:
        return sum(t[outcome] for t in self.tables.values())

    def to_json(self) -> str:
        return json.dumps({"tables": self.tables, "media_added": self.media_added},
                          sort_keys=True)


#: What a person calls the rows of each synced table, for summaries.
TABLE_LABELS = {
    "taxa": N_("taxa"), "cites_listings": N_("CITES listings"), "media": N_("pictures"),
    "species": N_("species"), "species_features": N_("features"),
    "species_products": N_("products"), "lookalikes": N_("lookalikes"),
    "media_links": N_("picture links"), "picture_markers": N_("feature markers"),
    "courses": N_("courses"), "modules": N_("modules"),
    "lessons": N_("lessons"), "questions": N_("questions"),
    "question_options": N_("answer options"), "quizzes": N_("quizzes"),
    "quiz_rules": N_("quiz rules"), "classes": N_("classes"),
    "quiz_assignments": N_("quiz assignments"), "trainees": N_("trainees"),
    "class_members": N_("class members"), "attempts": N_("attempts"), "answers": N_("answers"),
    "lesson_progress": N_("lesson progress"), "practice_cards": N_("practice cards"),
    "practice_reviews": N_("practice reviews"), "certificates": N_("certificates"),
    "certificate_events": N_("certificate events"), "events": N_("training events"),
    "attendance": N_("attendance"), "texts": N_("texts and translations"),
}


def table_label(table: str) -> str:
    return _(TABLE_LABELS[table]) if table in TABLE_LABELS else table


def describe(summary: ImportSummary) -> list[str]:
    """The summary as lines a person reads: a headline, then one line per kind of row."""
    m = summary.manifest
    kind = _("content") if m.kind == "content" else _("results")
    head = _("{file}: {kind} from {device}").format(
        file=summary.file.name, kind=kind, device=m.producer_name or m.producer_device[:8])
    if summary.already_imported:
        return [head, "  " + _("already imported; nothing changed")]
    lines = [head, "  " + _("{added} added, {updated} updated, {unchanged} unchanged, "
                            "{skipped} skipped (newer here)").format(
        added=summary.total("added"), updated=summary.total("updated"),
        unchanged=summary.total("unchanged"), skipped=summary.total("skipped"))]
    for table, counts in summary.tables.items():
        lines.append("    " + _("{what}: {added} added, {updated} updated, {unchanged} "
                                "unchanged, {skipped} skipped").format(
            what=table_label(table), **counts))
    if summary.media_added:
        lines.append("    " + ngettext("{n} picture file added", "{n} picture files added",
                                         summary.media_added).format(n=summary.media_added))
    return lines


@dataclass
class ExportResult:
    path: Path
    manifest: Manifest
    bytes: int
