"""Event and programme reports as PDF: A4 portrait, DejaVu Sans embedded (every label of
every chart too, so no unembedded Helvetica is listed), charts from reportlab.graphics.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from idtrainer.core.certificate_pdf import BOLD, FONT, register_fonts
from idtrainer.core.i18n import gettext as _
from idtrainer.core.paths import atomic_write

if TYPE_CHECKING:
    from idtrainer.core.reports import EventReport, ProgrammeReport

WIDTH = A4[0] - 30 * mm
INK = colors.Color(0.12, 0.18, 0.32)
PRE, POST = colors.Color(0.62, 0.70, 0.82), colors.Color(0.16, 0.38, 0.62)


def _styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    return {
        "title": ParagraphStyle("title", fontName=BOLD, fontSize=17, leading=21,
                                textColor=INK, spaceAfter=4),
        "h2": ParagraphStyle("h2", fontName=BOLD, fontSize=12, leading=15, textColor=INK,
                             spaceBefore=10, spaceAfter=4),
        "body": ParagraphStyle("body", fontName=FONT, fontSize=9, leading=11.5),
        "cell": ParagraphStyle("cell", fontName=FONT, fontSize=7.5, leading=9),
    }


def _table(head: list[str], rows: Sequence[Sequence[Any]], widths: list[float] | None = None
           ) -> Table:
    style = _styles()["cell"]
    data = [[Paragraph(_escape(str(h)), style) for h in head]]
    data += [[Paragraph(_escape("" if v is None else str(v)), style) for v in row]
             for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.88, 0.91, 0.95)),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.Color(0.7, 0.72, 0.78)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table


def _pairs(rows: list[tuple[str, str]]) -> Table:
    return _table([_("Figure"), _("Value")], rows, [WIDTH * 0.6, WIDTH * 0.4])


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _drawing(width: float, height: float) -> Drawing:
    d = Drawing(width, height)
    # The renderer's starting font, else it names Helvetica (unembedded) on every page.
    d.initialFontName = FONT
    return d


def _fonts(chart: Any) -> None:
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = FONT
        axis.labels.fontSize = 7


def histogram(percents: Sequence[float], title: str) -> Drawing:
    """How many officers scored 0–9, 10–19, … 90–100 %."""
    bins = [0] * 10
    for p in percents:
        bins[min(9, int(p // 10))] += 1
    d = _drawing(WIDTH, 150)
    d.add(String(0, 138, title, fontName=BOLD, fontSize=9, fillColor=INK))
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 30, 20, WIDTH - 40, 105
    chart.data = [bins]
    chart.categoryAxis.categoryNames = [f"{10 * i}–{10 * i + 9 if i < 9 else 100}"
                                        for i in range(10)]
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueStep = max(1, (max(bins) + 4) // 5)
    chart.bars[0].fillColor = POST
    _fonts(chart)
    d.add(chart)
    return d


def pre_post(names: list[str], pre: list[float | None], post: list[float | None],
             title: str) -> Drawing:
    """Each officer's pre- and post-test score, side by side."""
    height = 40 + 11 * len(names)
    d = _drawing(WIDTH, height + 30)
    d.add(String(0, height + 18, title, fontName=BOLD, fontSize=9, fillColor=INK))
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 150, 20, WIDTH - 160, height - 20
    chart.data = [[p or 0 for p in reversed(pre)], [p or 0 for p in reversed(post)]]
    chart.categoryAxis.categoryNames = [n[:30] for n in reversed(names)]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 10
    chart.bars[0].fillColor, chart.bars[1].fillColor = PRE, POST
    chart.barSpacing = 0.5
    _fonts(chart)
    d.add(chart)
    legend = Legend()
    legend.x, legend.y = WIDTH - 150, height + 22
    legend.fontName, legend.fontSize = FONT, 7
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.colorNamePairs = [(PRE, _("Pre-test")), (POST, _("Post-test"))]
    legend.dx, legend.dy, legend.deltax = 6, 6, 70
    d.add(legend)
    return d


def heat_map(species: list[str], names: dict[str, str], counts: dict[str, dict[str, int]],
             title: str, limit: int = 14) -> Drawing:
    """Rows: the species shown; columns: the species chosen; darker = more answers."""
    chosen = species[:limit]
    label_w = 130
    cell = min(22.0, (WIDTH - label_w) / max(1, len(chosen)))
    top_labels = 90
    size = cell * len(chosen)
    d = _drawing(WIDTH, size + top_labels + 20)
    d.add(String(0, size + top_labels + 8, title, fontName=BOLD, fontSize=9, fillColor=INK))
    peak = max((n for t in chosen for c, n in counts.get(t, {}).items() if c in chosen),
               default=1)
    for i, truth in enumerate(chosen):
        y = size - (i + 1) * cell
        d.add(String(label_w - 4, y + cell / 2 - 3, names.get(truth, truth)[:28],
                     fontName=FONT, fontSize=6.5, textAnchor="end"))
        row = counts.get(truth, {})
        for j, other in enumerate(chosen):
            n = row.get(other, 0)
            shade = n / peak if peak else 0
            fill = (colors.Color(0.95 - 0.8 * shade, 0.97 - 0.6 * shade, 1 - 0.35 * shade)
                    if truth == other else
                    colors.Color(1, 0.96 - 0.7 * shade, 0.94 - 0.8 * shade))
            d.add(Rect(label_w + j * cell, y, cell, cell, fillColor=fill,
                       strokeColor=colors.white, strokeWidth=0.5))
            if n:
                d.add(String(label_w + j * cell + cell / 2, y + cell / 2 - 2.5, str(n),
                             fontName=FONT, fontSize=6, textAnchor="middle"))
    for j, other in enumerate(chosen):
        label = String(0, 0, names.get(other, other)[:24], fontName=FONT, fontSize=6.5)
        from reportlab.graphics.shapes import Group

        group = Group(label)
        group.translate(label_w + j * cell + cell / 2 + 2, size + 4)
        group.rotate(60)
        d.add(group)
    return d


def _build(path: Path, story: list[Any], title: str) -> None:
    register_fonts()
    with atomic_write(Path(path), "wb") as fh:
        doc = SimpleDocTemplate(fh, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm,
                                topMargin=15 * mm, bottomMargin=15 * mm, title=title,
                                author="IDTrainer", initialFontName=FONT)
        doc.build(story, onFirstPage=_footer, onLaterPages=_footer)


def _footer(canvas: Any, doc: Any) -> None:
    canvas.saveState()
    canvas.setFont(FONT, 7)
    canvas.drawRightString(A4[0] - 15 * mm, 8 * mm, str(doc.page))
    canvas.restoreState()


def event_pdf(report: EventReport, path: Path) -> None:
    from idtrainer.core.reports import (
        confusion_rows,
        item_rows,
        officer_rows,
        quiz_rows,
        summary_rows,
    )

    st = _styles()
    story: list[Any] = [Paragraph(_escape(report.event.name), st["title"]),
                        Paragraph(_escape(_("Training event report")), st["body"]),
                        Spacer(1, 6), _pairs(summary_rows(report))]
    posts = [o.post for o in report.outcomes if o.post is not None]
    if posts:
        story += [Spacer(1, 8), histogram(posts, _("Post-test score distribution, %"))]
    with_tests = [o for o in report.outcomes if o.pre is not None or o.post is not None]
    if with_tests:
        story += [Spacer(1, 6), pre_post([o.trainee.name for o in with_tests],
                                         [o.pre for o in with_tests],
                                         [o.post for o in with_tests],
                                         _("Pre- and post-test per officer, %"))]
    story += [Paragraph(_escape(_("Officers")), st["h2"])]
    head, rows = officer_rows(report)
    story.append(_table(head, rows, [w * WIDTH for w in
                                     (.21, .08, .15, .13, .08, .09, .09, .08, .09)]))
    if report.top:
        story += [Paragraph(_escape(_("Top scorers")), st["h2"]),
                  _table([_("Place"), _("Full name"), _("Post-test, %")],
                         [[place, o.trainee.name, f"{o.post:.1f}"] for place, o in report.top],
                         [WIDTH * 0.15, WIDTH * 0.55, WIDTH * 0.3])]
    if report.items is not None:
        items = report.items
        story += [Paragraph(_escape(_("Test statistics")), st["h2"]),
                  _pairs(quiz_rows(items)),
                  Paragraph(_escape(_("Questions")), st["h2"])]
        head, rows = item_rows(items)
        story.append(_table(head, rows, [w * WIDTH for w in (.22, .08, .11, .07, .11, .12, .29)]))
        if items.modules:
            story += [Paragraph(_escape(_("Modules, weakest first")), st["h2"]),
                      _table([_("Module"), _("Questions"), _("Facility, %")],
                             [[report.module_names.get(m.module_uuid, ""), m.questions,
                               f"{m.facility:.1f}"] for m in items.modules],
                             [WIDTH * 0.6, WIDTH * 0.2, WIDTH * 0.2])]
        species = items.confusion.species()
        if species:
            counts = items.confusion.counts
            ranked = sorted(species, key=lambda s: -sum(
                n for t, row in counts.items() for c, n in row.items()
                if t != c and s in (t, c)))
            story += [KeepTogether([Spacer(1, 8), heat_map(
                ranked, report.species_names, counts,
                _("Species confusion: shown (rows) and taken for (columns)"))])]
            head, rows = confusion_rows(report)
            if rows:
                story += [Spacer(1, 4), _table(head, rows[:30],
                                               [WIDTH * 0.4, WIDTH * 0.4, WIDTH * 0.2])]
    _build(path, story, report.event.name)


def programme_pdf(report: ProgrammeReport, path: Path) -> None:
    from idtrainer.core.reports import programme_rows

    st = _styles()
    story: list[Any] = [
        Paragraph(_escape(_("Programme report")), st["title"]),
        Paragraph(_escape(f"{report.since} – {report.until}"), st["body"]), Spacer(1, 6),
        _pairs(programme_rows(report)),
        Paragraph(_escape(_("People trained by agency")), st["h2"]),
        _table([_("Agency"), _("People trained")], list(report.by_agency.items()),
               [WIDTH * 0.7, WIDTH * 0.3]),
        Paragraph(_escape(_("People trained by region")), st["h2"]),
        _table([_("Region"), _("People trained")], list(report.by_region.items()),
               [WIDTH * 0.7, WIDTH * 0.3]),
        Paragraph(_escape(_("Events")), st["h2"]),
        _table([_("Event"), _("Dates"), _("Place")],
               [[e.name, f"{e.starts_on} – {e.ends_on}", e.place] for e in report.events],
               [WIDTH * 0.45, WIDTH * 0.3, WIDTH * 0.25]),
    ]
    _build(path, story, _("Programme report"))
