"""The authoring workspace's "Course files" tab: export, import, duplicate (pytest-qt)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from idtrainer.core.content import read_content
from idtrainer.core.store import Store
from idtrainer.gui import runner


@pytest.fixture
def ctx(loaded):
    from idtrainer.gui.context import AppContext

    runner.set_inline(True)
    context = AppContext(loaded)
    yield context
    context.detach()
    runner.set_inline(False)


@pytest.fixture
def tab(qtbot, ctx):
    from idtrainer.gui.authoring.workspace import AuthoringPage

    page = AuthoringPage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 760)
    widget = page.show_tab("files")
    assert page.tabs.tabText(page.tabs.currentIndex()) == "Course files"
    yield widget      # the page lives as long as the test


#: The synced tables the content format carries (quizzes, classes and results do not).
FORMAT_TABLES = ("taxa", "cites_listings", "media", "species", "species_features",
                 "species_products", "lookalikes", "media_links", "courses", "modules",
                 "lessons", "questions", "question_options", "key_characters", "key_states",
                 "key_codings", "key_not_separable", "experts")
STAMPS = ("rev", "updated_at", "updated_by", "origin")


def rows(store: Store) -> dict[str, int]:
    return {t: store.count(t) for t in ("modules", "lessons", "questions", "texts",
                                        "species", "media")}


def tick_only(tab, slug: str) -> None:
    for i in range(tab.modules.count()):
        item = tab.modules.item(i)
        item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) == slug
                           else Qt.CheckState.Unchecked)


def test_export_ticked_modules_through_the_folder_dialog(tab, tmp_path: Path, monkeypatch):
    assert tab.modules.count() == 4 and len(tab.ticked_modules()) == 4
    tick_only(tab, "m2-implementing-cites")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        lambda *a, **k: str(tmp_path / "out"))
    tab.export_chosen_button.click()
    content = read_content(tmp_path / "out")
    assert [m.id for m in content.modules] == ["m2-implementing-cites"]
    assert "Exported" in tab.log.toPlainText()


def test_export_all_then_import_into_another_database(tab, tmp_path: Path, monkeypatch,
                                                     qtbot):
    from idtrainer.gui.authoring.files import FilesTab
    from idtrainer.gui.context import AppContext

    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        lambda *a, **k: str(tmp_path / "out"))
    tab.export_all_button.click()
    assert (tmp_path / "out" / "key" / "codings.toml").exists()
    with Store.open(tmp_path / "b" / "idtrainer.sqlite") as other:
        other_ctx = AppContext(other)
        other_tab = FilesTab(other_ctx)
        qtbot.addWidget(other_tab)
        assert other_tab.modules.count() == 0
        other_tab.import_button.click()
        assert "Imported 47 species, 4 modules, 22 lessons, 328 questions" in \
            other_tab.log.toPlainText()
        assert other_tab.modules.count() == 4     # the lists follow the database
        # Every row the format carries came back with the same uuid and content.
        for table in FORMAT_TABLES:
            here = {r["uuid"]: {k: v for k, v in r.items() if k not in STAMPS}
                    for r in tab.ctx.store.query(f"SELECT * FROM [{table}] WHERE deleted = 0")}
            there = {r["uuid"]: {k: v for k, v in r.items() if k not in STAMPS}
                     for r in other.query(f"SELECT * FROM [{table}] WHERE deleted = 0")}
            assert here == there, table
        other_ctx.detach()


def test_a_bad_folder_is_refused_with_a_clear_message_and_nothing_changes(
        tab, tmp_path: Path, monkeypatch):
    tab.export_to(tmp_path / "out", ["m1-cites-convention"])
    toml = tmp_path / "out/course/modules/m1-cites-convention/module.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('id = "m1-cites-convention"',
                                                             'id = "Wrong Id"'),
                    encoding="utf-8")
    before = rows(tab.ctx.store)
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(
        (title, text)))
    tab.import_from(tmp_path / "out")
    tab.import_from(tmp_path / "no-such-folder")
    assert rows(tab.ctx.store) == before
    assert shown[0][0] == "Import from files"
    assert "module.toml: id:" in shown[0][1] and "Traceback" not in shown[0][1]
    assert "not a folder" in shown[1][1]
    assert "Not done" in tab.log.toPlainText()


def test_duplicate_a_module_records_where_it_came_from(tab, monkeypatch):
    index = tab.source.findData(tab.ctx.store.scalar(
        "SELECT uuid FROM modules WHERE slug = 'm1-cites-convention'"))
    tab.source.setCurrentIndex(index)
    assert tab.provenance.text() == "An original, not a copy."
    tab.new_id.setText("kg-m1-cites")
    tab.new_title.setText("СИТЕС: негизги түшүнүктөр")
    tab.adapted_by.setText("KG customs")
    tab.duplicate_button.click()
    assert "Copied m1-cites-convention as kg-m1-cites" in tab.log.toPlainText()
    assert tab.modules.count() == 5
    assert tab.source.currentText().strip().startswith("module: СИТЕС: негизги түшүнүктөр")
    assert tab.provenance.text().startswith("Copied from m1-cites-convention on ")
    assert tab.provenance.text().endswith("by KG customs.")
    # The same id again: one clear message, nothing copied.
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    tab.source.setCurrentIndex(index)
    tab.new_id.setText("kg-m1-cites")
    tab.new_title.setText("Again")
    before = rows(tab.ctx.store)
    tab.duplicate_button.click()
    assert shown and "already used" in shown[0]
    assert rows(tab.ctx.store) == before


def test_duplicate_the_course_then_export_the_copy(tab, tmp_path: Path):
    assert tab.course_pick.isHidden()          # one course: nothing to choose
    tab.source.setCurrentIndex(0)
    assert tab.source.currentText().startswith("course: ")
    tab.new_id.setText("tj-course")
    tab.new_title.setText("Курси CITES барои Тоҷикистон")
    tab.duplicate_button.click()
    courses = [tab.source.itemText(i) for i in range(tab.source.count())
               if tab.source.itemText(i).startswith("course: ")]
    assert len(courses) == 2 and "tj-course" in courses[1]
    assert not tab.course_pick.isHidden() and tab.course_pick.count() == 2
    assert tab.modules.count() == 4            # the modules of the course picked for export
    tab.course_pick.setCurrentIndex(1)
    assert tab.ticked_modules() == ["tj-course-m1-cites-convention",
                                    "tj-course-m2-implementing-cites",
                                    "tj-course-m3-specimens-identification",
                                    "tj-course-m4-working-with-specimens"]
    tab.export_to(tmp_path / "tj")
    content = read_content(tmp_path / "tj")
    assert content.course_id == "tj-course"
    assert content.course_adapted_from["copied_from_slug"] == "cites-identification"


def test_the_tab_and_its_log_follow_the_language(tab, tmp_path: Path):
    tab.export_to(tmp_path / "out", ["m1-cites-convention"])
    assert tab.log.toPlainText().startswith("Exported ")
    tab.ctx.set_language("ru")
    try:
        assert tab.import_button.text() == "Импортировать папку…"
        assert tab.form_labels[1].text() == "Новый идентификатор"
        assert tab.log.toPlainText().startswith("Экспортировано в ")
    finally:
        tab.ctx.set_language("en")


def test_a_detached_context_leaves_no_idle_lock_running(qtbot, loaded):
    from idtrainer.gui.context import AppContext

    context = AppContext(loaded)
    context.unlock_trainer()
    assert context.idle_timer.isActive()
    context.detach()
    assert not context.idle_timer.isActive()
