"""Event, item and programme reports: PDF text read back with pypdf in Russian and
Kazakh, numbers equal to the core's figures, XLSX and CSV contents, no unembedded font."""

from __future__ import annotations

import csv

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from idtrainer.core import i18n
from idtrainer.core.item_analysis import analyse
from idtrainer.core.quizzes import QuizSettings, Rule
from idtrainer.core.reports import (
    ReportError,
    event_report,
    programme_report,
    write_event_report,
    write_item_report,
    write_programme_report,
)
from idtrainer.core.scoring import correct_response
from idtrainer.core.store import Store

OFFICERS = [  # name, gender, agency, region, pre (of 10), post (of 10)
    ("Серікбаев Нұрлан", "m", "КГД", "Алматы облысы", 3, 8),
    ("Иванова Ольга", "f", "КГД", "Алматы облысы", 5, 9),
    ("Қасымов Әлихан", "m", "Шекара қызметі", "Жетісу облысы", 4, 5),
    ("Ахмедов Бахром", "m", "Шекара қызметі", "", 6, 10),
]


def take(store: Store, quiz: str, trainee: str, right: int, wrong_pick: int = 1) -> None:
    attempt = store.attempts.start(quiz, trainee, "ru", seed=3)
    for i, item in enumerate(attempt.items):
        question = store.questions.get(item["q"], "ru")
        if i < right:
            response = correct_response(question)
        else:
            wrong = [o for o in question.options if not o.correct]
            response = {"option": wrong[min(wrong_pick, len(wrong) - 1)].uuid}
        store.attempts.answer(attempt.uuid, item["q"], response)
    store.attempts.submit(attempt.uuid)


@pytest.fixture
def finished(loaded: Store):
    questions = [r["uuid"] for r in loaded.query(
        "SELECT uuid FROM questions WHERE qtype = 'image' ORDER BY slug LIMIT 10")]
    rules = [Rule("fixed", question=q) for q in questions]
    settings = QuizSettings(pass_mark=70, shuffle_questions=False)
    pre = loaded.quizzes.save("Входной", settings, rules)
    post = loaded.quizzes.save("Итоговый", settings, rules)
    event = loaded.events.save("Тренинг Хоргос", "2026-11-20", "2026-11-21", place="Хоргос",
                               organiser="UNODC", agency="КГД", pre_quiz=pre, post_quiz=post)
    klass = loaded.events.new_class(event, "Топ 1")
    for name, gender, agency, region, before, after in OFFICERS:
        uuid, _ = loaded.trainees.upsert(name, gender=gender, agency=agency, region=region)
        loaded.classes.add_member(klass, uuid)
        loaded.events.set_attendance(event, uuid, "2026-11-20", True)
        take(loaded, pre, uuid, before)
        take(loaded, post, uuid, after)
    return loaded, event, post


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_event_pdf_text_and_numbers_match_the_core(finished, tmp_path, lang):
    store, event, _post = finished
    i18n.set_language(lang)
    report = event_report(store, event, lang)
    path = write_event_report(report, "pdf", tmp_path / "event.pdf")
    reader = PdfReader(path)
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Тренинг Хоргос" in text and "Қасымов Әлихан" in text
    title = {"ru": "Отчёт о тренинге", "kk": "Тренинг туралы есеп"}[lang]
    assert title in text
    s = report.summary
    assert s.mean_gain == pytest.approx(((8 - 3) / 7 + (9 - 5) / 5 + (5 - 4) / 6 + 1) / 4)
    assert f"{s.mean_gain:.2f}" in text
    assert f"{s.mean_post:.1f}" in text and f"{100 * s.pass_rate:.1f}" in text
    items = report.items
    assert f"{items.quiz.cic:.1f}" in text
    first = items.questions[0]
    assert f"{first.facility:.1f}" in text and (first.slug or "") in text
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts and all("DejaVu" in f or "IDTrainer" in f for f in fonts), fonts


def test_event_xlsx_and_csv(finished, tmp_path):
    store, event, post = finished
    report = event_report(store, event, "ru")
    xlsx = write_event_report(report, "xlsx", tmp_path / "event.xlsx")
    book = load_workbook(xlsx)
    assert book.sheetnames == ["Summary", "Officers", "Questions", "Options", "Confusions"]
    officers = list(book["Officers"].iter_rows(values_only=True))
    assert officers[0][0] == "Full name" and len(officers) == 5
    row = next(r for r in officers if r[0] == "Иванова Ольга")
    assert row[5:8] == (50.0, 90.0, 0.8)
    questions = list(book["Questions"].iter_rows(values_only=True))[1:]
    stats = analyse(store, post)
    assert [q[2] for q in questions] == [round(q.facility, 1) for q in stats.questions]
    path = write_event_report(report, "csv", tmp_path / "event.csv")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert len(rows) == 5 and rows[1][0] in {o[0] for o in OFFICERS}
    items = write_item_report(stats, "csv", tmp_path / "items.csv")
    with items.open(encoding="utf-8-sig", newline="") as fh:
        assert len(list(csv.reader(fh))) == 11
    with pytest.raises(ReportError):
        write_item_report(stats, "pdf", tmp_path / "items.pdf")


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_programme_report_by_gender_agency_region(finished, tmp_path, lang):
    store, _event, _post = finished
    i18n.set_language(lang)
    report = programme_report(store, "2026-11-01", "2026-11-30")
    assert report.trained == 4 and report.by_gender == {"m": 3, "f": 1}
    assert report.by_agency == {"КГД": 2, "Шекара қызметі": 2}
    assert report.by_region == {"Алматы облысы": 2, "Жетісу облысы": 1, "—": 1}
    assert (report.sat_post, report.passed) == (4, 3)
    pdf = write_programme_report(report, "pdf", tmp_path / "p.pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "Шекара қызметі" in text and "Жетісу облысы" in text
    assert {"ru": "Обучено человек", "kk": "Оқытылған адамдар"}[lang] in text
    xlsx = write_programme_report(report, "xlsx", tmp_path / "p.xlsx")
    assert len(load_workbook(xlsx).sheetnames) == 4
    assert programme_report(store, "2027-01-01", "2027-12-31").trained == 0
    with pytest.raises(ReportError):
        programme_report(store, "2026-12-01", "2026-11-01")
