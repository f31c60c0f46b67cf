"""Roster import: encodings, separators, XLSX, column mapping, and refusals that name the
row and column while leaving the database as it was."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from openpyxl import Workbook

from idtrainer.core.rosters import (
    MAX_FILE_BYTES,
    RosterError,
    detect_encoding,
    guess_mapping,
    import_roster,
    parse_mapping,
    preview,
    read_roster,
)
from idtrainer.core.store import Store

ROWS = [
    ("ФИО", "Пол", "Ведомство", "Подразделение", "Регион", "Должность"),
    ("Серікбаев Нұрлан Әбілұлы", "М", "КГД МФ РК", "Пост Хоргос", "Алматинская", "инспектор"),
    ("Иванова Ольга Петровна", "ж", "КГД МФ РК", "Пост Нур Жолы", "Алматинская", "ст. инспектор"),
    ("Qodirov Oʻtkir", "erkak", "Davlat bojxona qoʻmitasi", "Yallama", "Toshkent", "inspektor"),
]


def write_csv(path: Path, rows, encoding: str, sep: str) -> Path:
    text = "\r\n".join(sep.join(r) for r in rows) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


def db_digest(store: Store) -> str:
    dump = "\n".join(store.conn.iterdump())
    return hashlib.sha256(dump.encode()).hexdigest()


@pytest.fixture
def klass(store: Store) -> str:
    return store.classes.create("Хоргос 2026")


@pytest.mark.parametrize(("encoding", "sep", "detected"), [
    ("utf-8", ",", "utf-8"), ("utf-8-sig", ",", "utf-8-sig"), ("cp1251", ";", "cp1251"),
])
def test_csv_in_each_encoding_imports_the_same_people(store, klass, tmp_path, encoding, sep,
                                                      detected):
    rows = ROWS[:3]  # cp1251 has no Kazakh ә/ұ: use the Russian rows for it
    if encoding == "cp1251":
        rows = [ROWS[0], ("Сериков Нурлан", "М", "КГД МФ РК", "Пост Хоргос", "Алматинская",
                          "инспектор"), ROWS[2]]
    path = write_csv(tmp_path / "roster.csv", rows, encoding, sep)
    table = read_roster(path)
    assert table.encoding == detected and table.delimiter == sep
    assert table.headers == list(ROWS[0])
    result = import_roster(store, klass, table)
    assert result.added == 2
    people = {p.name: p for p in store.classes.members(klass)}
    assert set(people) == {rows[1][0], rows[2][0]}
    olga = people["Иванова Ольга Петровна"]
    assert (olga.gender, olga.agency, olga.subdivision, olga.region, olga.position) == (
        "f", "КГД МФ РК", "Пост Нур Жолы", "Алматинская", "ст. инспектор")


def test_detection_and_override(tmp_path):
    raw = "ФИО;Пол\r\nИванов;М\r\n".encode("cp1251")
    assert detect_encoding(raw) == "cp1251"
    assert detect_encoding(b"\xef\xbb\xbfname\n") == "utf-8-sig"
    path = tmp_path / "r.csv"
    path.write_bytes(raw)
    # Forced to UTF-8, the file is refused rather than shown as mojibake.
    with pytest.raises(RosterError, match=r"row 1: .*utf-8"):
        read_roster(path, encoding="utf-8")
    # A wrong single-byte override decodes; cp1251 reads it right.
    assert read_roster(path, encoding="cp1251").rows[0][1][0] == "Иванов"
    with pytest.raises(RosterError, match="Unknown encoding"):
        read_roster(path, encoding="klingon-8")


def test_xlsx_with_numbers_and_dates(store, klass, tmp_path):
    book = Workbook()
    sheet = book.active
    for row in ROWS:
        sheet.append(list(row))
    sheet.append(["Ахмедов Бахром", "M", "ГТК", 12, None, "лейтенант"])
    path = tmp_path / "roster.xlsx"
    book.save(path)
    table = read_roster(path)
    assert table.encoding is None and len(table.rows) == 4
    assert table.rows[3] == (5, ["Ахмедов Бахром", "M", "ГТК", "12", "", "лейтенант"])
    result = import_roster(store, klass, table)
    assert result.added == 4
    uzbek = next(p for p in store.classes.members(klass) if p.name.startswith("Qodirov"))
    assert uzbek.name == "Qodirov Oʻtkir" and uzbek.gender == "m"


def test_column_mapping_by_hand_and_preview(store, klass, tmp_path):
    rows = [("Сотрудник", "Орг.", "Телефон"), ("Петров Пётр", "ДПС", "+7 701 000 00 00")]
    path = write_csv(tmp_path / "r.csv", rows, "utf-8", ",")
    table = read_roster(path)
    assert guess_mapping(table.headers) == {"contact": "Телефон"}
    with pytest.raises(RosterError, match="no column holds the full name"):
        import_roster(store, klass, table)
    mapping = parse_mapping(["name=Сотрудник", "agency=Орг."])
    assert preview(table, {**mapping, "contact": "Телефон"})[0] == [
        "Петров Пётр", "", "ДПС", "", "", "", "+7 701 000 00 00"]
    import_roster(store, klass, table, mapping)
    (person,) = store.classes.members(klass)
    assert (person.agency, person.contact) == ("ДПС", "+7 701 000 00 00")
    with pytest.raises(RosterError, match="field=Column"):
        parse_mapping(["name"])
    with pytest.raises(RosterError, match="no column Нет"):
        import_roster(store, klass, table, {"name": "Нет"})
    # An exact mapping leaves out what the headings would have given (the dialog's "—").
    other = store.classes.create("Другая")
    import_roster(store, other, table, {"name": "Сотрудник"}, exact=True)
    assert store.trainees.upsert("Петров Пётр")[1] == "unchanged"  # no agency this time


def test_reimport_updates_instead_of_duplicating(store, klass, tmp_path):
    path = write_csv(tmp_path / "r.csv", [*ROWS[:3], ROWS[1]], "utf-8", ",")
    first = import_roster(store, klass, read_roster(path))
    assert (first.added, first.repeated_rows) == (2, [4])
    changed = [ROWS[0], (*ROWS[1][:5], "ст. инспектор"), ROWS[2]]
    second = import_roster(store, klass, read_roster(write_csv(path, changed, "utf-8", ",")))
    assert (second.added, second.updated, second.unchanged) == (0, 1, 1)
    assert store.trainees.count() == 2


@pytest.mark.parametrize(("content", "message"), [
    ("Пол,Ведомство\nМ,КГД\n", r"no column holds the full name"),
    ("ФИО,Пол\nИванов,М\nПетров,М,лишнее\n", r"row 3: 3 cells, but the heading has 2"),
    ("ФИО,Пол\nИванов,М\n,Ж\n", r"row 3, column ФИО: the name is empty"),
    ("ФИО,Пол\nИванов,М\nПетрова,X\n", r"row 3, column Пол: X is not a gender"),
    ("Пол,,ФИО\nМ,,Иванов\n", r"row 1, column 2: a column without a heading"),
    ("", r"has no rows"),
])
def test_bad_csv_is_refused_naming_the_row_and_nothing_is_written(store, klass, tmp_path,
                                                                  content, message):
    import_roster(store, klass, read_roster(write_csv(tmp_path / "ok.csv", ROWS[:2], "utf-8",
                                                      ",")))
    before = db_digest(store)
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RosterError, match=message):
        import_roster(store, klass, read_roster(path))
    assert db_digest(store) == before


def test_formula_cell_is_refused_naming_row_and_column(store, klass, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["ФИО", "Ведомство"])
    sheet.append(["Иванов", "КГД"])
    sheet.append(["=CONCAT(\"Пет\",\"ров\")", "КГД"])
    path = tmp_path / "f.xlsx"
    book.save(path)
    before = db_digest(store)
    with pytest.raises(RosterError, match=r"f\.xlsx, row 3, column A: a formula"):
        import_roster(store, klass, read_roster(path))
    assert db_digest(store) == before


def test_huge_and_fake_files_are_refused(store, tmp_path):
    big = tmp_path / "big.csv"
    with big.open("wb") as fh:
        fh.write(b"name\n")
        fh.truncate(50 * 2**20)
    assert big.stat().st_size > MAX_FILE_BYTES
    with pytest.raises(RosterError, match=r"big\.csv: the file is 50 MB"):
        read_roster(big)
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"PK\x03\x04not really a zip")
    with pytest.raises(RosterError, match="not a readable XLSX"):
        read_roster(fake)
    with pytest.raises(RosterError, match="cannot read"):
        read_roster(tmp_path / "missing.csv")
