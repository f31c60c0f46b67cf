"""Rosters from CSV and XLSX: reading, encoding detection, column mapping, checking,
and one-transaction import into a class.

CSV files come in UTF-8, UTF-8 with a BOM, or cp1251 with ``;`` separators (what Excel
in a Russian locale writes). The encoding is detected and can be overridden; a file that
does not decode in the chosen encoding is refused, never shown as mojibake. XLSX files
are read with openpyxl. Every problem names the row (as the spreadsheet numbers it, the
header being row 1) and the column; nothing is written until every row is sound.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from idtrainer.core.errors import IDTrainerError
from idtrainer.core.i18n import N_
from idtrainer.core.i18n import gettext as _

if TYPE_CHECKING:
    from idtrainer.core.store import Store

#: A roster of thousands of officers is well under a megabyte.
MAX_FILE_BYTES = 5 * 2**20
MAX_ROWS = 20_000
ENCODINGS: tuple[str, ...] = ("utf-8", "utf-8-sig", "cp1251")
DELIMITERS = ";,\t"

FIELDS: tuple[str, ...] = ("name", "gender", "agency", "subdivision", "region", "position",
                           "contact")
FIELD_LABELS = {
    "name": N_("Full name"), "gender": N_("Gender"), "agency": N_("Agency"),
    "subdivision": N_("Sub-division or post"), "region": N_("Region"),
    "position": N_("Position or rank"), "contact": N_("Contact"),
}
#: Header words that name each field, compared case- and space-insensitively.
_HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "fullname", "фио", "ф.и.о.", "ф. и. о.", "имя",
             "фамилия имя отчество", "аты-жөні", "аты жөні", "т.а.ә.", "ism", "fish",
             "f.i.sh.", "familiya ism"),
    "gender": ("gender", "sex", "пол", "жынысы", "жыныс", "jins"),
    "agency": ("agency", "organisation", "organization", "ведомство", "агентство",
               "организация", "орган", "мекеме", "ұйым", "idora", "tashkilot"),
    "subdivision": ("subdivision", "sub-division", "post", "unit", "подразделение", "пост",
                    "бөлімше", "бекет", "boʻlinma", "bo'linma", "post / unit"),
    "region": ("region", "регион", "область", "облыс", "өңір", "viloyat", "hudud"),
    "position": ("position", "rank", "position or rank", "должность", "звание",
                 "должность/звание", "лауазымы", "лауазым", "атағы", "lavozim", "unvon"),
    "contact": ("contact", "phone", "email", "e-mail", "телефон", "контакт", "контакты",
                "байланыс", "aloqa"),
}
_MALE = {"m", "male", "man", "м", "муж", "муж.", "мужской", "мужчина", "е", "ер", "ер адам",
         "еркек", "erkak", "e"}
_FEMALE = {"f", "female", "woman", "w", "ж", "жен", "жен.", "женский", "женщина", "әйел",
           "ә", "ayol", "a"}


class RosterError(IDTrainerError, ValueError):
    """A roster file cannot be read or imported; the text names the file, row or column."""


@dataclass(frozen=True)
class RosterTable:
    """A roster file read into text cells; row numbers are the spreadsheet's."""

    path: Path
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (row number, cells)
    encoding: str | None  # None for XLSX
    delimiter: str | None

    def column_index(self, header: str) -> int:
        return self.headers.index(header)


@dataclass(frozen=True)
class RosterEntry:
    row: int
    name: str
    gender: str = ""
    agency: str = ""
    subdivision: str = ""
    region: str = ""
    position: str = ""
    contact: str = ""


@dataclass
class RosterImport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    repeated_rows: list[int] = field(default_factory=list)
    trainees: list[str] = field(default_factory=list)


def _tidy(text: str) -> str:
    return " ".join(str(text).split())


# -- reading ------------------------------------------------------------------------------


def _check_size(path: Path) -> None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise RosterError(_("{file}: cannot read the file ({reason})").format(
            file=path, reason=exc.strerror or exc)) from exc
    if size > MAX_FILE_BYTES:
        raise RosterError(_("{file}: the file is {size} MB; a roster may be at most {limit} MB")
                          .format(file=path.name, size=size // 2**20,
                                  limit=MAX_FILE_BYTES // 2**20))


def detect_encoding(raw: bytes) -> str:
    """utf-8-sig for a BOM, utf-8 when the bytes are valid UTF-8, else cp1251."""
    if raw.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1251"
    return "utf-8"


def _decode(path: Path, raw: bytes, encoding: str) -> str:
    try:
        codecs.lookup(encoding)
    except LookupError as exc:
        raise RosterError(_("Unknown encoding {encoding}.").format(encoding=encoding)) from exc
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise RosterError(_("{file}, row {row}: the text is not in the {encoding} encoding; "
                            "choose another encoding").format(
            file=path.name, row=line, encoding=encoding)) from exc
    return text.removeprefix("\ufeff")


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(path: Path, encoding: str | None = None) -> RosterTable:
    _check_size(path)
    raw = path.read_bytes()
    chosen = encoding or detect_encoding(raw)
    text = _decode(path, raw, chosen)
    if "\x00" in text:
        raise RosterError(_("{file}: not a text table (binary data)").format(file=path.name))
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            rows.append((reader.line_num, cells))
            if len(rows) > MAX_ROWS + 1:
                raise RosterError(_("{file}: more than {n} rows").format(
                    file=path.name, n=MAX_ROWS))
    except csv.Error as exc:
        raise RosterError(_("{file}, row {row}: not a valid CSV row ({reason})").format(
            file=path.name, row=reader.line_num, reason=exc)) from exc
    return _table(path, rows, chosen, delimiter)


def _cell_text(path: Path, row: int, column: int, value: object, data_type: str) -> str:
    if data_type == "f" or (isinstance(value, str) and value.startswith("=")):
        raise RosterError(_("{file}, row {row}, column {column}: a formula; save the sheet "
                            "with values only").format(file=path.name, row=row,
                                                       column=_letter(column)))
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def read_xlsx(path: Path) -> RosterTable:
    _check_size(path)
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise RosterError(_("{file}: not a readable XLSX workbook").format(
            file=path.name)) from exc
    try:
        sheet = book.worksheets[0]
        rows: list[tuple[int, list[str]]] = []
        for number, cells in enumerate(sheet.iter_rows(), 1):
            texts = [_cell_text(path, number, i, c.value, getattr(c, "data_type", "s"))
                     for i, c in enumerate(cells)]
            rows.append((number, texts))
            if len(rows) > MAX_ROWS + 1:
                raise RosterError(_("{file}: more than {n} rows").format(
                    file=path.name, n=MAX_ROWS))
    finally:
        book.close()
    return _table(path, rows, None, None)


def _table(path: Path, rows: list[tuple[int, list[str]]], encoding: str | None,
           delimiter: str | None) -> RosterTable:
    # Trailing empty cells (spreadsheets pad rows) and blank rows carry nothing.
    cleaned = []
    for number, cells in rows:
        cells = [_tidy(c) for c in cells]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            cleaned.append((number, cells))
    if not cleaned:
        raise RosterError(_("{file}: the file has no rows").format(file=path.name))
    (header_row, headers), body = cleaned[0], cleaned[1:]
    if any(not h for h in headers):
        missing = next(i for i, h in enumerate(headers) if not h)
        raise RosterError(_("{file}, row {row}, column {column}: a column without a heading")
                          .format(file=path.name, row=header_row, column=missing + 1))
    for number, cells in body:
        if len(cells) > len(headers):
            raise RosterError(_("{file}, row {row}: {n} cells, but the heading has {m} "
                                "columns").format(file=path.name, row=number, n=len(cells),
                                                  m=len(headers)))
    return RosterTable(path, headers, [(n, c + [""] * (len(headers) - len(c)))
                                       for n, c in body], encoding, delimiter)


def read_roster(path: Path | str, encoding: str | None = None) -> RosterTable:
    """A CSV or XLSX roster as a table of text; XLSX is recognised by its content."""
    path = Path(path)
    _check_size(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(4)
    except OSError as exc:
        raise RosterError(_("{file}: cannot read the file ({reason})").format(
            file=path, reason=exc.strerror or exc)) from exc
    if head.startswith(b"PK\x03\x04"):
        return read_xlsx(path)
    return read_csv(path, encoding)


# -- mapping and checking -----------------------------------------------------------------


def _norm_header(text: str) -> str:
    return _tidy(text).casefold().rstrip(":*")


def guess_mapping(headers: Sequence[str]) -> dict[str, str]:
    """field -> header, from the usual heading words in ru, kk, uz and en."""
    found: dict[str, str] = {}
    for header in headers:
        key = _norm_header(header)
        for name, words in _HEADER_WORDS.items():
            if name not in found and key in words:
                found[name] = header
                break
    return found


def normalise_gender(value: str) -> str | None:
    key = _tidy(value).casefold()
    if not key:
        return ""
    if key in _MALE:
        return "m"
    if key in _FEMALE:
        return "f"
    return None


def entries(table: RosterTable, mapping: dict[str, str]) -> list[RosterEntry]:
    """Every row as an entry, or :class:`RosterError` naming the first bad row and column."""
    unknown = [f for f in mapping if f not in FIELDS]
    if unknown:
        raise RosterError(_("Unknown roster field {field}; the fields are {fields}.").format(
            field=unknown[0], fields=", ".join(FIELDS)))
    for name, header in mapping.items():
        if header not in table.headers:
            raise RosterError(_("{file}: no column {column} for {field}").format(
                file=table.path.name, column=header, field=_(FIELD_LABELS[name])))
    if "name" not in mapping:
        raise RosterError(_("{file}: no column holds the full name; map one to {field}")
                          .format(file=table.path.name, field=_(FIELD_LABELS["name"])))
    index = {f: table.column_index(h) for f, h in mapping.items()}
    out = []
    for number, cells in table.rows:
        values = {f: cells[i] for f, i in index.items()}
        if not values["name"]:
            raise RosterError(_("{file}, row {row}, column {column}: the name is empty")
                              .format(file=table.path.name, row=number,
                                      column=mapping["name"]))
        if "gender" in values:
            gender = normalise_gender(values["gender"])
            if gender is None:
                raise RosterError(_("{file}, row {row}, column {column}: {value} is not a "
                                    "gender (write M or F)").format(
                    file=table.path.name, row=number, column=mapping["gender"],
                    value=values["gender"]))
            values["gender"] = gender
        for name, value in values.items():
            if len(value) > 300:
                raise RosterError(_("{file}, row {row}, column {column}: the text is too long")
                                  .format(file=table.path.name, row=number,
                                          column=mapping[name]))
        out.append(RosterEntry(number, **values))
    return out


def preview(table: RosterTable, mapping: dict[str, str] | None = None, rows: int = 5
            ) -> list[list[str]]:
    """The first ``rows`` rows as the mapped fields would read them (for the dialog)."""
    mapping = guess_mapping(table.headers) if mapping is None else mapping
    out = []
    for _number, cells in table.rows[:rows]:
        out.append([cells[table.column_index(mapping[f])] if f in mapping else ""
                    for f in FIELDS])
    return out


def parse_mapping(pairs: Sequence[str]) -> dict[str, str]:
    """``field=Column`` arguments (the CLI's --map) as a mapping."""
    out = {}
    for pair in pairs:
        name, sep, header = pair.partition("=")
        if not sep or not header.strip():
            raise RosterError(_("--map takes field=Column, e.g. name=ФИО (got {text})").format(
                text=pair))
        out[name.strip()] = header.strip()
    return out


# -- importing ----------------------------------------------------------------------------


def import_roster(store: Store, class_uuid: str, table: RosterTable,
                  mapping: dict[str, str] | None = None, *, exact: bool = False
                  ) -> RosterImport:
    """Add the roster's officers to the class in one transaction.

    ``mapping`` (field -> column) is laid over the columns recognised by their headings,
    or, with ``exact``, is the whole mapping (the dialog, where a field can be unset).
    A person already known with the same name and agency is updated, not duplicated;
    rows repeating an earlier row are counted once. Nothing is written if a row is bad.
    """
    mapping = dict(mapping or {}) if exact else {**guess_mapping(table.headers),
                                                 **(mapping or {})}
    people = entries(table, mapping)
    if store.scalar("SELECT 1 FROM classes WHERE uuid = ? AND deleted = 0",
                    (class_uuid,)) is None:
        raise RosterError(_("No such class."))
    result = RosterImport()
    seen: dict[tuple[str, str], str] = {}
    with store.transaction():
        for person in people:
            key = (person.name.casefold(), person.agency.casefold())
            if key in seen:
                result.repeated_rows.append(person.row)
                continue
            given = {f: getattr(person, f) for f in mapping if f != "name"}
            uuid, outcome = store.trainees.upsert(person.name, **given)
            seen[key] = uuid
            setattr(result, outcome, getattr(result, outcome) + 1)
            store.classes.add_member(class_uuid, uuid)
            result.trainees.append(uuid)
    return result
