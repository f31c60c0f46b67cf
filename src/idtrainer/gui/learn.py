"""Learn: course -> module -> lesson, a Markdown reader with images and species links,
previous/next, and each trainee's progress."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from idtrainer.core import i18n
from idtrainer.core.i18n import gettext as _
from idtrainer.core.i18n import ngettext
from idtrainer.core.store import content_uuid
from idtrainer.gui.context import AppContext
from idtrainer.gui.images import placeholder, render_item
from idtrainer.gui.species_card import fallback_note

LESSON_ROLE = Qt.ItemDataRole.UserRole


class LessonBrowser(QTextBrowser):
    """Renders lesson Markdown; ``species:<id>/<file>`` images come from the media store."""

    open_species = Signal(str)
    open_lesson = Signal(str)  # a lesson picked on the course map

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.content_locale: str | None = None  # the language shown; None: the interface's
        self.setOpenLinks(False)
        self.anchorClicked.connect(self._link)

    def show_lesson(self, body: str, locale: str | None = None) -> None:
        """Render a lesson's Markdown as Learn shows it: ``{{features:<id>}}`` lists
        expanded, pictures and diagrams (in ``locale``) from the media store."""
        self.content_locale = locale
        lang = locale or i18n.current_language()
        self.document().clear()
        self.setMarkdown(self.ctx.store.species.expand_feature_lists(body, lang))

    def loadResource(self, kind: int, url: QUrl | str) -> Any:
        """Only pictures of the media store, which passed the picture gate: a lesson (from
        a bundle, too) that names a file path or any other address gets nothing, where
        QTextBrowser itself would read the file from disk."""
        if kind == QTextDocument.ResourceType.ImageResource and isinstance(url, QUrl) \
                and url.scheme() in ("species", "media"):
            # media:<uuid> names a picture added in the app (a trainer's photo).
            media = url.path() if url.scheme() == "media" else content_uuid("media",
                                                                            url.path())
            item = self.ctx.store.media.get(media, self.content_locale or
                                            i18n.current_language())
            if item is not None:
                width = max(320, min(900, self.viewport().width() - 40))
                image = render_item(item, QSize(width, width))
                return image if not image.isNull() else placeholder(QSize(width, width))
        return None

    def _link(self, url: QUrl) -> None:
        if url.scheme() == "lesson":
            self.open_lesson.emit(url.path())
        elif url.scheme() == "species":
            slug = url.path().split("/")[0]
            if uuid := self.ctx.store.species.uuid_for(slug):
                self.open_species.emit(uuid)


class WrappingDelegate(QStyledItemDelegate):
    """Rows as tall as their wrapped text: QTreeView alone elides long lesson titles."""

    def __init__(self, tree: QTreeWidget) -> None:
        super().__init__(tree)
        self.tree = tree

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        hint = super().sizeHint(option, index)
        depth, parent = 0, index.parent()
        while parent.isValid():
            depth, parent = depth + 1, parent.parent()
        width = self.tree.viewport().width() - self.tree.indentation() * (depth + 1) - 8
        text = str(index.data() or "")
        rect = option.fontMetrics.boundingRect(QRect(0, 0, max(80, width), 10_000),
                                               int(Qt.TextFlag.TextWordWrap), text)
        return QSize(hint.width(), max(hint.height(), rect.height() + 4))


class WrappingTree(QTreeWidget):
    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.doItemsLayout()  # new width: rows wrap again


class LearnPage(QWidget):
    open_species = Signal(str)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.lesson: str | None = None
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.overall = QLabel()
        self.continue_button = QPushButton()
        self.continue_button.setObjectName("continueButton")
        self.continue_button.clicked.connect(self.continue_reading)
        self.map_button = QPushButton()  # back to the course map
        self.map_button.clicked.connect(self.show_map)
        self.tree = WrappingTree()
        self.tree.setItemDelegate(WrappingDelegate(self.tree))
        self.tree.setHeaderHidden(True)
        self.tree.setWordWrap(True)  # long lesson titles wrap instead of being cut
        self.tree.setUniformRowHeights(False)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.tree.setObjectName("lessonTree")
        self.tree.itemActivated.connect(self._tree_activated)
        self.tree.itemClicked.connect(self._tree_activated)
        self.lesson_title = QLabel(wordWrap=True)
        self.lesson_title.setObjectName("lessonTitle")
        self.note = QLabel(wordWrap=True)
        self.note.setObjectName("fallbackNote")
        self.reader = LessonBrowser(ctx)
        self.reader.open_species.connect(self.open_species)
        self.reader.open_lesson.connect(self.open_lesson)
        self.previous = QPushButton()
        self.next = QPushButton()
        self.mark = QPushButton()
        self.previous.clicked.connect(lambda: self.step(-1))
        self.next.clicked.connect(lambda: self.step(1))
        self.mark.clicked.connect(self.mark_read)

        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.overall)
        lv.addWidget(self.continue_button)
        lv.addWidget(self.map_button)
        lv.addWidget(self.tree, 1)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addWidget(self.lesson_title)
        rv.addWidget(self.note)
        rv.addWidget(self.reader, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.previous)
        buttons.addStretch(1)
        buttons.addWidget(self.mark)
        buttons.addWidget(self.next)
        rv.addLayout(buttons)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([420, 860])
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(splitter, 1)
        ctx.language_changed.connect(self.retranslate)
        ctx.session_changed.connect(self.retranslate)
        ctx.when_changed(self, self._refresh_tree, "courses", "modules", "lessons",
                         "lesson_progress", "texts")
        self.retranslate()

    # -- text --------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.title.setText(_("Learn"))
        self.previous.setText(_("◀ Previous lesson"))
        self.next.setText(_("Next lesson ▶"))
        self.previous.setToolTip(_("Previous lesson (Alt+Left)"))
        self.next.setToolTip(_("Next lesson (Alt+Right)"))
        self.map_button.setText(_("Course map"))
        self._refresh_tree()
        self._show_lesson()

    def _refresh_tree(self) -> None:
        store, lang, trainee = self.ctx.store, i18n.current_language(), self.ctx.trainee
        read = store.progress.read_lessons(trainee) if trainee else set()
        progress = store.progress.modules(trainee) if trainee else {}
        self.tree.clear()
        current_item = None
        for course in store.lessons.courses(lang):
            for module in store.lessons.modules(course.uuid, lang):
                m = progress.get(module.uuid)
                percent = i18n.format_percent(m.fraction if m else 0.0)
                done = " ✓" if m and m.completed else ""
                title = module.title.value if module.title else module.slug
                top = QTreeWidgetItem([f"{module.position}. {title} — {percent}{done}"])
                top.setToolTip(0, top.text(0))
                self.tree.addTopLevelItem(top)
                for lesson in store.lessons.lessons(module.uuid, lang):
                    mark = "✓ " if lesson.uuid in read else "○ "
                    child = QTreeWidgetItem(
                        [mark + (lesson.title.value if lesson.title else lesson.slug)])
                    child.setData(0, LESSON_ROLE, lesson.uuid)
                    child.setToolTip(0, child.text(0))
                    top.addChild(child)
                    if lesson.uuid == self.lesson:
                        current_item = child
                top.setExpanded(True)
        if current_item is not None:
            self.tree.setCurrentItem(current_item)
        if trainee:
            self.overall.setText(_("Your progress: {percent} of all lessons read").format(
                percent=i18n.format_percent(store.progress.overall(trainee))))
        else:
            self.overall.setText(_("Choose your profile to keep track of your progress."))
        target = store.progress.continue_lesson(trainee) if trainee else None
        self.continue_button.setVisible(target is not None)
        if target is not None:
            found = store.lessons.lesson(target, lang)
            self.continue_button.setText(_("Continue: {lesson}").format(
                lesson=found.title.value if found and found.title else ""))

    def _show_lesson(self) -> None:
        store, lang = self.ctx.store, i18n.current_language()
        lesson = store.lessons.lesson(self.lesson, lang) if self.lesson else None
        before, after = store.progress.neighbours(lesson.uuid) if lesson else (None, None)
        self.previous.setEnabled(before is not None)
        self.next.setEnabled(after is not None)
        self.mark.setEnabled(lesson is not None and self.ctx.trainee is not None)
        read = lesson is not None and self.ctx.trainee is not None and lesson.uuid in \
            store.progress.read_lessons(self.ctx.trainee)
        self.mark.setText(_("Read ✓") if read else _("Mark as read"))
        self.map_button.setEnabled(lesson is not None)
        if lesson is None:
            self.lesson_title.setText("<h2>{}</h2>".format(_("Course map")))
            self.lesson_title.show()
            self.reader.setHtml(self._map_html())
            self.note.hide()
            return
        self.lesson_title.setText(f"<h2>{lesson.title.value if lesson.title else ''}</h2>")
        # Most lesson files open with their own heading; do not show the title twice.
        body = lesson.body.value if lesson.body else ""
        self.lesson_title.setVisible(not body.lstrip().startswith("# "))
        fell_back = bool(lesson.body and lesson.body.fell_back)
        self.note.setText(fallback_note(fell_back))
        self.note.setVisible(fell_back)
        self.reader.show_lesson(body)

    def _map_html(self) -> str:
        """The first thing Learn shows: every module with its progress and its lessons,
        each a link; what to read next is marked."""
        store, lang, trainee = self.ctx.store, i18n.current_language(), self.ctx.trainee
        read = store.progress.read_lessons(trainee) if trainee else set()
        progress = store.progress.modules(trainee) if trainee else {}
        target = store.progress.continue_lesson(trainee) if trainee else None
        bar_colour = self.palette().color(self.palette().ColorRole.Highlight).name()
        hint = _("Choose a lesson to read; a tick marks what you have read.")
        parts = [f"<p>{html.escape(hint)}</p>"]
        for course in store.lessons.courses(lang):
            for module in store.lessons.modules(course.uuid, lang):
                lessons = store.lessons.lessons(module.uuid, lang)
                done = sum(1 for lesson in lessons if lesson.uuid in read)
                m = progress.get(module.uuid)
                fraction = m.fraction if m else 0.0
                title = module.title.value if module.title else module.slug
                count = ngettext("{done} of {n} lesson read", "{done} of {n} lessons read",
                                 len(lessons)).format(done=done, n=len(lessons))
                filled = round(fraction * 100)
                cells = "".join(f'<td width="{w}%" bgcolor="{c}" height="6"></td>'
                                for w, c in ((filled, bar_colour), (100 - filled, "#c8c8c8"))
                                if w)
                parts.append(
                    f"<h3>{module.position}. {html.escape(title)}</h3>"
                    f'<table width="60%" cellspacing="0" cellpadding="0"><tr>{cells}</tr>'
                    f"</table><p>{html.escape(count)}</p><ul>")
                for lesson in lessons:
                    name = html.escape(lesson.title.value if lesson.title else lesson.slug)
                    mark = "✓ " if lesson.uuid in read else ""
                    here = " — <b>{}</b>".format(html.escape(_("read this next"))) \
                        if lesson.uuid == target else ""
                    parts.append(f'<li>{mark}<a href="lesson:{lesson.uuid}">{name}</a>{here}'
                                 "</li>")
                parts.append("</ul>")
        return "".join(parts)

    def show_map(self) -> None:
        self.lesson = None
        self.tree.clearSelection()
        self._show_lesson()

    # -- actions -----------------------------------------------------------------------

    def open_lesson(self, lesson: str) -> None:
        self.lesson = lesson
        if self.ctx.trainee:
            self.ctx.store.progress.opened(self.ctx.trainee, lesson)
        self._refresh_tree()
        self._show_lesson()

    def step(self, direction: int) -> None:
        if self.lesson is None:
            return
        before, after = self.ctx.store.progress.neighbours(self.lesson)
        target = after if direction > 0 else before
        if direction > 0 and self.ctx.trainee:
            # Moving on from a lesson counts as having read it.
            self.ctx.store.progress.mark_read(self.ctx.trainee, self.lesson)
        if target:
            self.open_lesson(target)

    def mark_read(self) -> None:
        if self.lesson and self.ctx.trainee:
            self.ctx.store.progress.mark_read(self.ctx.trainee, self.lesson)
            self._show_lesson()

    def continue_reading(self) -> None:
        if self.ctx.trainee and (target := self.ctx.store.progress.continue_lesson(
                self.ctx.trainee)):
            self.open_lesson(target)

    def _tree_activated(self, item: QTreeWidgetItem) -> None:
        if lesson := item.data(0, LESSON_ROLE):
            self.open_lesson(lesson)
