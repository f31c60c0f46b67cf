"""The trainer dashboard: an event's figures, charts and question statistics, filtered by
event, class and quiz; every chart can be saved as PNG. The figures are the reports'
(core/reports.py), so the screen and the PDF agree."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from idtrainer.core import i18n
from idtrainer.core.i18n import gettext as _
from idtrainer.core.item_analysis import analyse
from idtrainer.core.reports import event_report, flag_text, module_names, species_names
from idtrainer.gui.charts import Chart, HeatMap, Histogram, PrePost
from idtrainer.gui.context import AppContext


class ChartBox(QWidget):
    """A chart with its "Save as PNG…" button."""

    def __init__(self, chart: Chart) -> None:
        super().__init__()
        self.chart = chart
        self.save = QPushButton()
        self.save.clicked.connect(lambda: self.save_png())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(chart, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save)
        layout.addLayout(row)

    def save_png(self, path: str | Path | None = None) -> bool:
        if path is None:
            path, _filter = QFileDialog.getSaveFileName(
                self, _("Save chart"), str(Path.home() / "chart.png"), "PNG (*.png)")
            if not path:
                return False
        return self.chart.save_png(path)


class DashboardPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.event_box, self.klass, self.quiz = QComboBox(), QComboBox(), QComboBox()
        for combo in (self.event_box, self.klass, self.quiz):
            combo.setMinimumContentsLength(14)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.event_box.currentIndexChanged.connect(lambda _i: self._event_changed())
        self.klass.currentIndexChanged.connect(lambda _i: self.refresh_figures())
        self.quiz.currentIndexChanged.connect(lambda _i: self.refresh_figures())
        self.labels = [QLabel(), QLabel(), QLabel()]
        for label, combo in zip(self.labels, (self.event_box, self.klass, self.quiz), strict=True):
            label.setBuddy(combo)
        self.summary = QLabel(wordWrap=True)
        self.summary.setObjectName("dashboardSummary")
        self.top = QLabel(wordWrap=True)
        self.top.setObjectName("topScorers")
        self.histogram, self.pre_post, self.heat = Histogram(), PrePost(), HeatMap()
        self.boxes = [ChartBox(c) for c in (self.histogram, self.pre_post, self.heat)]
        self.questions = QTableWidget()
        self.questions.setObjectName("itemAnalysis")
        self.questions.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.questions.setMinimumHeight(220)
        self.quiz_stats = QLabel(wordWrap=True)

        filters = QHBoxLayout()
        for label, combo in zip(self.labels, (self.event_box, self.klass, self.quiz), strict=True):
            filters.addWidget(label)
            filters.addWidget(combo, 1)
        grid = QGridLayout()
        grid.addWidget(self.boxes[0], 0, 0)
        grid.addWidget(self.boxes[1], 0, 1, 2, 1)
        grid.addWidget(self.boxes[2], 1, 0)
        content = QWidget()
        inner = QVBoxLayout(content)
        inner.addWidget(self.summary)
        inner.addWidget(self.top)
        inner.addLayout(grid)
        inner.addWidget(self.quiz_stats)
        inner.addWidget(self.questions)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(filters)
        layout.addWidget(scroll, 1)
        ctx.language_changed.connect(self.retranslate)
        ctx.when_changed(self, self.refresh,
                         "events", "classes", "class_members", "trainees",
                         "attendance", "attempts", "answers", "quizzes", "questions")
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(_("Dashboard"))
        for label, text in zip(self.labels, (_("&Event:"), _("C&lass:"), _("&Quiz:")),
                               strict=True):
            label.setText(text)
        self.histogram.title = _("Post-test score distribution, %")
        self.pre_post.title = _("Pre- and post-test per officer, %")
        self.pre_post.legend = (_("Pre-test"), _("Post-test"))
        self.heat.title = _("Species confusion: shown (rows) and taken for (columns)")
        for chart in (self.histogram, self.pre_post, self.heat):
            chart.empty_text = _("No results yet")
        for box in self.boxes:
            box.save.setText(_("Save as PNG…"))
        self.refresh()

    # -- filters -----------------------------------------------------------------------

    def refresh(self) -> None:
        chosen = self.event_box.currentData()
        self.event_box.blockSignals(True)
        self.event_box.clear()
        for event in self.ctx.store.events.all():
            self.event_box.addItem(event.name, event.uuid)
        self.event_box.setCurrentIndex(max(0, self.event_box.findData(chosen)))
        self.event_box.blockSignals(False)
        self._event_changed()

    def _event_changed(self) -> None:
        uuid = self.event_box.currentData()
        lang = i18n.current_language()
        for combo in (self.klass, self.quiz):
            combo.blockSignals(True)
            combo.clear()
        self.klass.addItem(_("All classes"), None)
        if uuid:
            names = {c.uuid: c.name for c in self.ctx.store.classes.all()}
            for klass in self.ctx.store.events.class_uuids(uuid):
                self.klass.addItem(names.get(klass, klass), klass)
            titles = dict(self.ctx.store.events.quiz_choices(lang))
            for quiz in self.ctx.store.events.quizzes(uuid):
                self.quiz.addItem(titles.get(quiz, quiz), quiz)
        for combo in (self.klass, self.quiz):
            combo.blockSignals(False)
        # The post-test first: that is what the dashboard is about.
        found = self.ctx.store.events.get(uuid) if uuid else None
        if found and found.post_quiz:
            self.quiz.setCurrentIndex(max(0, self.quiz.findData(found.post_quiz)))
        self.refresh_figures()

    # -- figures -----------------------------------------------------------------------

    def refresh_figures(self) -> None:
        uuid = self.event_box.currentData()
        lang = i18n.current_language()
        if not uuid:
            self.summary.setText(_("No training events yet: create one on the Events page."))
            self.top.clear()
            self.histogram.set_scores([])
            self.pre_post.set_rows([])
            self.heat.set_matrix([], {}, {})
            self.questions.setRowCount(0)
            self.quiz_stats.clear()
            return
        report = event_report(self.ctx.store, uuid, lang, self.klass.currentData())
        s = report.summary
        gain = "—" if s.mean_gain is None else f"{s.mean_gain:.2f}"
        rate = "—" if s.pass_rate is None else f"{100 * s.pass_rate:.0f}%"
        women, men = s.by_gender.get("f", 0), s.by_gender.get("m", 0)
        self.summary.setText(_(
            "Officers: {n} (women {women}, men {men}); present: {attended}; mean pre-test "
            "{pre}, post-test {post}; mean normalised gain {gain}; passed {passed} ({rate})"
        ).format(n=s.participants, women=women, men=men, attended=s.attended,
                 pre="—" if s.mean_pre is None else f"{s.mean_pre:.0f}",
                 post="—" if s.mean_post is None else f"{s.mean_post:.0f}", gain=gain,
                 passed=s.passed, rate=rate))
        self.top.setText(_("Top scorers: {list}").format(list="; ".join(
            f"{place}. {o.trainee.name} ({o.post:.0f})" for place, o in report.top) or "—"))
        self.histogram.set_scores([o.post for o in report.outcomes if o.post is not None])
        self.pre_post.set_rows([(o.trainee.name, o.pre, o.post) for o in report.outcomes
                                if o.pre is not None or o.post is not None])
        quiz = self.quiz.currentData()
        items = analyse(self.ctx.store, quiz, trainees=[o.trainee.uuid for o in report.outcomes],
                        locale=lang) if quiz else None
        if items is None:
            self.heat.set_matrix([], {}, {})
            self.questions.setRowCount(0)
            self.quiz_stats.clear()
            return
        names = species_names(self.ctx.store, items.confusion.species(), lang)
        counts = items.confusion.counts
        ranked = sorted(items.confusion.species(), key=lambda sp: -sum(
            n for t, row in counts.items() for c, n in row.items() if t != c and sp in (t, c)))
        self.heat.set_matrix(ranked, names, counts)
        q = items.quiz
        weak = [m for m in items.modules if m.weak]
        modules = module_names(self.ctx.store, [m.module_uuid for m in weak], lang)

        def fmt(value: float | None) -> str:
            return "—" if value is None else f"{value:.1f}"

        text = _("Attempts {n}; mean {mean}%, median {median}%, SD {sd}%; CIC {cic}%; "
                 "error ratio {er}%").format(n=q.attempts, mean=fmt(q.mean),
                                             median=fmt(q.median), sd=fmt(q.sd),
                                             cic=fmt(q.cic), er=fmt(q.error_ratio))
        if weak:
            text += "\n" + _("Weak modules: {modules}").format(modules=", ".join(
                f"{modules[m.module_uuid]} ({m.facility:.0f}%)" for m in weak))
        self.quiz_stats.setText(text)
        heads = [_("Question"), _("Attempts"), _("Facility, %"), _("SD, %"),
                 _("Discrimination index"), _("Discriminative efficiency"), _("Review")]
        self.questions.setColumnCount(len(heads))
        self.questions.setHorizontalHeaderLabels(heads)
        self.questions.setRowCount(len(items.questions))
        for r, stat in enumerate(items.questions):
            values = [stat.slug or stat.uuid, str(stat.n), fmt(stat.facility), fmt(stat.sd),
                      fmt(stat.discrimination), fmt(stat.efficiency),
                      "; ".join(flag_text(f) for f in stat.flags)]
            for c, value in enumerate(values):
                self.questions.setItem(r, c, QTableWidgetItem(value))
        self.questions.resizeColumnsToContents()
