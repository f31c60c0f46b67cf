"""What an import did, per table, and how that reads to a person.

See the package docstring and docs/architecture.md, "Sync".
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from idtrainer.core.bundles.manifest import (
    Manifest,
)
from idtrainer.core.i18n import N_, ngettext
from idtrainer.core.i18n import gettext as _

if TYPE_CHECKING:
    from idtrainer.core.bundles.apply import BatchOutcome

# -- results of a bundle import -----------------------------------------------------------

OUTCOMES = ("added", "updated", "unchanged", "skipped", "refused")
STAMPS = ("rev", "updated_at", "updated_by")


@dataclass
class ImportSummary:
    """What one import did, per table: added / updated / unchanged / skipped (local newer)
    / refused (the bundle may not change those rows, docs/security.md); and flags: what
    a person must look at (refused rows, re-graded attempts), each naming the laptop."""

    file: Path
    manifest: Manifest
    tables: dict[str, dict[str, int]] = field(default_factory=dict)
    media_added: int = 0
    already_imported: bool = False
    flags: list[str] = field(default_factory=list)
    passed: int = 0  # submitted attempts the bundle brought that pass, as re-graded here

    def count(self, table: str, outcome: str, n: int = 1) -> None:
        self.tables.setdefault(table, dict.fromkeys(OUTCOMES, 0))[outcome] += n

    def total(self, outcome: str) -> int:
        return sum(t[outcome] for t in self.tables.values())

    def to_json(self) -> str:
        return json.dumps({"tables": self.tables, "media_added": self.media_added,
                           "flags": self.flags}, ensure_ascii=False, sort_keys=True)


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
    lines += ["  " + _("FLAGGED: {flag}").format(flag=flag) for flag in summary.flags]
    for table, counts in summary.tables.items():
        lines.append("    " + _("{what}: {added} added, {updated} updated, {unchanged} "
                                "unchanged, {skipped} skipped").format(
            what=table_label(table), **counts))
    if summary.media_added:
        lines.append("    " + ngettext("{n} picture file added", "{n} picture files added",
                                         summary.media_added).format(n=summary.media_added))
    return lines


#: Why a file was refused as a whole, as a person reads it after "1 file refused:".
CAUSES = {"damaged": N_("damaged"), "unreadable": N_("could not be read"),
          "untrusted": N_("not accepted"), "error": N_("unexpected error")}


def _cause_count(cause: str, n: int) -> str:
    """"2 damaged": how many files were refused for one cause."""
    if cause == "unreadable":
        text = ngettext("{n} could not be read", "{n} could not be read", n)
    elif cause == "untrusted":
        text = ngettext("{n} not accepted", "{n} not accepted", n)
    elif cause == "error":
        text = ngettext("{n} unexpected error", "{n} unexpected errors", n)
    else:
        text = ngettext("{n} damaged", "{n} damaged", n)
    return text.format(n=n)


def _changed(summary: ImportSummary, table: str) -> int:
    counts = summary.tables.get(table, {})
    return counts.get("added", 0) + counts.get("updated", 0)


def human_summary(outcomes: list[BatchOutcome]) -> str:
    """One sentence for a whole import, e.g. "Results from 12 laptops: 34 attempts,
    5 passed; 1 file refused: damaged". The per-table detail is :func:`describe`."""
    if not outcomes:
        return _("There was nothing to import.")
    parts: list[str] = []
    done = [o.summary for o in outcomes if o.summary is not None]
    results = [s for s in done if s.manifest.kind == "results"]
    if results:
        laptops = len({s.manifest.producer_device for s in results})
        attempts = sum(_changed(s, "attempts") for s in results)
        passed = sum(s.passed for s in results)
        people = sum(s.tables.get("trainees", {}).get("added", 0) for s in results)
        items = [ngettext("{n} attempt", "{n} attempts", attempts).format(n=attempts)]
        if passed:
            items.append(ngettext("{n} passed", "{n} passed", passed).format(n=passed))
        if people:
            items.append(ngettext("{n} new profile", "{n} new profiles", people).format(
                n=people))
        if not attempts and not people and all(s.already_imported or not (
                s.total("added") or s.total("updated")) for s in results):
            items = [_("nothing new")]
        parts.append(ngettext("Results from {n} laptop", "Results from {n} laptops",
                              laptops).format(n=laptops) + ": " + ", ".join(items))
    for s in done:
        if s.manifest.kind != "content":
            continue
        name = s.manifest.producer_name or s.manifest.producer_device[:8]
        changed = s.total("added") + s.total("updated")
        detail = _("nothing new") if s.already_imported or not changed else ngettext(
            "{n} item added or changed", "{n} items added or changed", changed).format(
            n=changed)
        parts.append(_("Course content from {name}: {detail}").format(name=name,
                                                                       detail=detail))
    refused = [o for o in outcomes if o.error]
    if refused:
        causes: dict[str, int] = {}
        for o in refused:
            cause = o.cause if o.cause in CAUSES else "damaged"
            causes[cause] = causes.get(cause, 0) + 1
        why = _(CAUSES[next(iter(causes))]) if len(causes) == 1 else ", ".join(
            _cause_count(cause, n) for cause, n in causes.items())
        parts.append(ngettext("{n} file refused", "{n} files refused", len(refused)).format(
            n=len(refused)) + ": " + why)
    flags = sum(len(s.flags) for s in done)
    if flags:
        parts.append(ngettext("{n} warning, see Details", "{n} warnings, see Details",
                              flags).format(n=flags))
    return "; ".join(parts)


def details(outcomes: list[BatchOutcome]) -> list[str]:
    """What each file did, per table, and why a refused file was refused."""
    lines: list[str] = []
    for outcome in outcomes:
        if outcome.summary is not None:
            lines += describe(outcome.summary)
        else:
            lines.append(_("REJECTED {message}").format(message=outcome.error))
    return lines


@dataclass
class ExportResult:
    path: Path
    manifest: Manifest
    bytes: int
