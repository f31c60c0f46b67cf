"""Event, item and programme reports as PDF (reportlab, DejaVu embedded, charts drawn
with reportlab's graphics), XLSX (openpyxl) and CSV, in the current interface language.

The figures come from :mod:`idtrainer.core.events` and :mod:`idtrainer.core.item_analysis`
only, so a report and the dashboard can never disagree. Files are written through
``atomic_write``: a failure leaves no half-written report behind.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from idtrainer.core.errors import IDTrainerError
from idtrainer.core.events import EventSummary, Outcome, TrainingEvent
from idtrainer.core.i18n import N_, format_date
from idtrainer.core.i18n import gettext as _
from idtrainer.core.item_analysis import FLAG_LIMITS, FLAG_TEXTS, ItemAnalysis, analyse
from idtrainer.core.paths import atomic_write

if TYPE_CHECKING:
    from idtrainer.core.store import Store

FORMATS = ("pdf", "xlsx", "csv")
GENDER_LABELS = {"m": N_("men"), "f": N_("women"), "": N_("not given")}


class ReportError(IDTrainerError, ValueError):
    """A report cannot be made; the text says why."""


# -- figures --------------------------------------------------------------------------------


@dataclass
class EventReport:
    event: TrainingEvent
    outcomes: list[Outcome]
    summary: EventSummary
    items: ItemAnalysis | None
    top: list[tuple[int, Outcome]]
    species_names: dict[str, str] = field(default_factory=dict)
    module_names: dict[str | None, str] = field(default_factory=dict)


def event_report(store: Store, event_uuid: str, locale: str,
                 class_uuid: str | None = None) -> EventReport:
    event = store.events.get(event_uuid)
    if event is None:
        raise ReportError(_("No such event."))
    outcomes = store.events.outcomes(event_uuid, class_uuid=class_uuid)
    items = None
    quiz = event.post_quiz or event.pre_quiz
    if quiz:
        items = analyse(store, quiz, trainees=[o.trainee.uuid for o in outcomes],
                        locale=locale)
    report = EventReport(event, outcomes, store.events.summary(outcomes), items,
                         store.events.top_scorers(outcomes))
    if items is not None:
        report.species_names = species_names(store, items.confusion.species(), locale)
        report.module_names = module_names(store, [m.module_uuid for m in items.modules],
                                           locale)
    return report


def species_names(store: Store, species: Sequence[str], locale: str) -> dict[str, str]:
    out = {}
    for uuid in species:
        row = store.query_one("SELECT s.taxon_uuid, t.scientific_name FROM species s JOIN taxa "
                              "t ON t.uuid = s.taxon_uuid WHERE s.uuid = ?", (uuid,))
        if row is None:
            out[uuid] = uuid
            continue
        name = store.texts.get("taxa", row["taxon_uuid"], "name", locale)
        out[uuid] = name.value if name else row["scientific_name"]
    return out


def module_names(store: Store, modules: Sequence[str | None], locale: str
                 ) -> dict[str | None, str]:
    out: dict[str | None, str] = {}
    for uuid in modules:
        title = store.texts.get("modules", uuid, "title", locale) if uuid else None
        out[uuid] = title.value if title else (uuid or _("no module"))
    return out


@dataclass
class ProgrammeReport:
    since: str
    until: str
    events: list[TrainingEvent]
    trained: int
    by_gender: dict[str, int]
    by_agency: dict[str, int]
    by_region: dict[str, int]
    sat_post: int
    passed: int
    mean_gain: float | None
    certificates: int

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.sat_post if self.sat_post else None


def programme_report(store: Store, since: str, until: str) -> ProgrammeReport:
    """People trained (present at least one day) in events overlapping the dates, each
    person once however many events they attended, by gender, agency and region."""
    try:
        first, last = dt.date.fromisoformat(since), dt.date.fromisoformat(until)
    except ValueError as exc:
        raise ReportError(_("Dates are written YYYY-MM-DD.")) from exc
    if last < first:
        raise ReportError(_("The period ends before it starts."))
    events = store.events.all(since=first.isoformat(), until=last.isoformat())
    people: dict[str, Outcome] = {}
    gains: list[float] = []
    sat_post = passed = 0
    for event in events:
        for o in store.events.outcomes(event.uuid):
            if o.attended:
                people.setdefault(o.trainee.uuid, o)
            if o.post is not None:
                sat_post += 1
                passed += o.passed
            if o.gain is not None:
                gains.append(o.gain)
    trainees = [o.trainee for o in people.values()]
    return ProgrammeReport(
        first.isoformat(), last.isoformat(), sorted(events, key=lambda e: e.starts_on),
        len(trainees), dict(Counter(t.gender for t in trainees)),
        dict(Counter(t.agency or "—" for t in trainees).most_common()),
        dict(Counter(t.region or "—" for t in trainees).most_common()),
        sat_post, passed, sum(gains) / len(gains) if gains else None,
        store.certificates.issued_between(first.isoformat(), last.isoformat()))


# -- number formatting ----------------------------------------------------------------------


def pct(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def num(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def gender_label(code: str) -> str:
    return _(GENDER_LABELS.get(code, GENDER_LABELS[""]))


def flag_text(flag: str) -> str:
    return _(FLAG_TEXTS[flag]).format(n=f"{FLAG_LIMITS[flag]:g}")


def yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


# -- tables shared by every format ----------------------------------------------------------


def officer_rows(report: EventReport) -> tuple[list[str], list[list[Any]]]:
    head = [_("Full name"), _("Gender"), _("Agency"), _("Region"), _("Days present"),
            _("Pre-test, %"), _("Post-test, %"), _("Gain"), _("Passed")]
    rows = [[o.trainee.name, gender_label(o.trainee.gender), o.trainee.agency,
             o.trainee.region, o.days_present, _round(o.pre, 1), _round(o.post, 1),
             _round(o.gain, 2), yes_no(o.passed)] for o in report.outcomes]
    return head, rows


def summary_rows(report: EventReport) -> list[tuple[str, str]]:
    s = report.summary
    e = report.event
    return [
        (_("Dates"), f"{e.starts_on} – {e.ends_on}"), (_("Place"), e.place),
        (_("Organiser"), e.organiser), (_("Agency"), e.agency),
        (_("Participants"), str(s.participants)), (_("Attended"), str(s.attended)),
        *((gender_label(g), str(n)) for g, n in sorted(s.by_gender.items())),
        (_("Mean pre-test score, %"), pct(s.mean_pre)),
        (_("Mean post-test score, %"), pct(s.mean_post)),
        (_("Mean normalised gain"), num(s.mean_gain)),
        (_("Passed the post-test"), str(s.passed)),
        (_("Pass rate, %"), pct(None if s.pass_rate is None else 100 * s.pass_rate)),
    ]


def item_rows(items: ItemAnalysis) -> tuple[list[str], list[list[Any]]]:
    head = [_("Question"), _("Attempts"), _("Facility, %"), _("SD, %"),
            _("Discrimination index"), _("Discriminative efficiency"), _("Review")]
    rows = [[q.slug or q.uuid, q.n, _round(q.facility, 1), _round(q.sd, 1),
             _round(q.discrimination, 1), _round(q.efficiency, 1),
             "; ".join(flag_text(f) for f in q.flags)] for q in items.questions]
    return head, rows


def option_rows(items: ItemAnalysis) -> tuple[list[str], list[list[Any]]]:
    head = [_("Question"), _("Option"), _("Correct"), _("Chosen"), _("Share, %")]
    rows = [[q.slug or q.uuid, o.label, yes_no(o.correct), o.count, _round(100 * o.share, 1)]
            for q in items.questions for o in q.options]
    return head, rows


def quiz_rows(items: ItemAnalysis) -> list[tuple[str, str]]:
    q = items.quiz
    return [(_("Attempts"), str(q.attempts)), (_("Mean, %"), pct(q.mean)),
            (_("Median, %"), pct(q.median)), (_("Standard deviation, %"), pct(q.sd)),
            (_("Internal consistency (CIC), %"), pct(q.cic)),
            (_("Error ratio, %"), pct(q.error_ratio)),
            (_("Standard error, %"), pct(q.standard_error))]


def _round(value: float | None, digits: int) -> float | str:
    return "" if value is None else round(value, digits)


# -- CSV and XLSX ---------------------------------------------------------------------------


def _write_csv(path: Path, head: list[str], rows: list[list[Any]]) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(head)
    writer.writerows(rows)
    with atomic_write(path, "w", newline="", encoding="utf-8-sig") as fh:
        fh.write(buffer.getvalue())


def _write_xlsx(path: Path, sheets: list[tuple[str, list[str], list[list[Any]]]]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for title, head, rows in sheets:
        sheet = book.create_sheet(_sheet_title(title))
        sheet.append(head)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            # A leading "=" would become a formula in Excel: names are text.
            sheet.append([f"'{v}" if isinstance(v, str) and v.startswith("=") else v
                          for v in row])
        for i, _h in enumerate(head, 1):
            width = max(len(str(r[i - 1])) for r in [head, *rows]) if rows else len(head[i - 1])
            sheet.column_dimensions[sheet.cell(1, i).column_letter].width = min(50, width + 2)
    with atomic_write(path, "wb") as fh:
        book.save(fh)


def _sheet_title(title: str) -> str:
    for bad in "[]:*?/\\":
        title = title.replace(bad, " ")
    return title[:31]


def _pairs(rows: list[tuple[str, str]]) -> list[list[Any]]:
    return [list(r) for r in rows]


def confusion_rows(report: EventReport) -> tuple[list[str], list[list[Any]]]:
    head = [_("Species shown"), _("Taken for"), _("Times")]
    names = report.species_names
    rows = [[names.get(t, t), names.get(c, c), n]
            for t, c, n in (report.items.confusion.mix_ups() if report.items else [])]
    return head, rows


def write_event_report(report: EventReport, fmt: str, path: Path) -> Path:
    """Write the figures (computed beforehand) to a file: no database here, so a worker
    thread can run it."""
    path = Path(path)
    if fmt == "csv":
        _write_csv(path, *officer_rows(report))
    elif fmt == "xlsx":
        sheets = [(_("Summary"), [_("Figure"), _("Value")], _pairs(summary_rows(report))),
                  (_("Officers"), *officer_rows(report))]
        if report.items:
            sheets += [(_("Questions"), *item_rows(report.items)),
                       (_("Options"), *option_rows(report.items)),
                       (_("Confusions"), *confusion_rows(report))]
        _write_xlsx(path, sheets)
    elif fmt == "pdf":
        from idtrainer.core.report_pdf import event_pdf

        event_pdf(report, path)
    else:
        raise ReportError(_("Unknown format {fmt}.").format(fmt=fmt))
    return path


def write_item_report(items: ItemAnalysis, fmt: str, path: Path) -> Path:
    path = Path(path)
    if fmt == "csv":
        _write_csv(path, *item_rows(items))
    elif fmt == "xlsx":
        _write_xlsx(path, [(_("Quiz"), [_("Figure"), _("Value")], _pairs(quiz_rows(items))),
                           (_("Questions"), *item_rows(items)),
                           (_("Options"), *option_rows(items))])
    else:
        raise ReportError(_("Unknown format {fmt}.").format(fmt=fmt))
    return path


def programme_rows(report: ProgrammeReport) -> list[tuple[str, str]]:
    return [
        (_("Period"), f"{report.since} – {report.until}"),
        (_("Events held"), str(len(report.events))),
        (_("People trained"), str(report.trained)),
        *((gender_label(g), str(n)) for g, n in sorted(report.by_gender.items())),
        (_("Sat the post-test"), str(report.sat_post)),
        (_("Passed the post-test"), str(report.passed)),
        (_("Pass rate, %"), pct(None if report.pass_rate is None else 100 * report.pass_rate)),
        (_("Mean normalised gain"), num(report.mean_gain)),
        (_("Certificates issued"), str(report.certificates)),
    ]


def write_programme_report(report: ProgrammeReport, fmt: str, path: Path) -> Path:
    path = Path(path)
    if fmt == "xlsx":
        _write_xlsx(path, [
            (_("Summary"), [_("Figure"), _("Value")], _pairs(programme_rows(report))),
            (_("By agency"), [_("Agency"), _("People trained")],
             [[k, v] for k, v in report.by_agency.items()]),
            (_("By region"), [_("Region"), _("People trained")],
             [[k, v] for k, v in report.by_region.items()]),
            (_("Events"), [_("Event"), _("Dates"), _("Place")],
             [[e.name, f"{e.starts_on} – {e.ends_on}", e.place] for e in report.events])])
    elif fmt == "pdf":
        from idtrainer.core.report_pdf import programme_pdf

        programme_pdf(report, path)
    else:
        raise ReportError(_("Unknown format {fmt}.").format(fmt=fmt))
    return path


def long_date(text: str) -> str:
    return format_date(dt.date.fromisoformat(text), "long")
