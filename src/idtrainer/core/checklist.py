"""The Index of CITES Species: import the Species+ CSV export, answer "is it listed?".

The file (``Index_of_CITES_Species_<date>.csv``, optionally gzipped) has one row per
taxon with its taxonomy, ``CurrentListing`` ("I", "II", "III", split listings such as
"I/II" or "II/NC", "NC" for not covered), annotations, synonyms and common names in
English, Spanish and French. :meth:`ChecklistManager.import_file` checks every row
before writing anything, then replaces the stored checklist in one transaction.
:meth:`ChecklistManager.lookup` resolves a name by itself, as a synonym, or through a
listed genus, family or order ("covered by Orchidaceae spp."). Every answer carries the
checklist's date: the 2017 file must never pass for the current Appendices.

The checklist is local to each laptop (imported from a file; it does not travel in
bundles). Data © CITES Secretariat / UNEP-WCMC, used for education with acknowledgement.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import gzip
import html
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from idtrainer.core.errors import IDTrainerError
from idtrainer.core.i18n import gettext as _

if TYPE_CHECKING:
    from idtrainer.core.store import Store

Progress = Callable[[int, int, str], None]

DATE_SETTING = "checklist_date"
SOURCE_SETTING = "checklist_source"
ACKNOWLEDGEMENT = "Data © CITES Secretariat / UNEP-WCMC (Species+), reproduced for education."
#: A checklist older than this is shown as "not current".
CURRENT_DAYS = 365

REQUIRED = ("TaxonId", "Kingdom", "Phylum", "Class", "Order", "Family", "Genus", "Species",
            "Subspecies", "FullName", "AuthorYear", "RankName", "CurrentListing",
            "AnnotationEnglish", "SynonymsWithAuthors", "EnglishNames")
OPTIONAL = ("FullAnnotationEnglish", "AnnotationSpanish", "AnnotationFrench",
            "#AnnotationSymbol", "#Annotation", "SpanishNames", "FrenchNames", "CitesAccepted",
            "All_DistributionFullNames")
RANKS = ("KINGDOM", "PHYLUM", "CLASS", "ORDER", "SUBORDER", "FAMILY", "SUBFAMILY", "GENUS",
         "SPECIES", "SUBSPECIES", "VARIETY")
LISTING = re.compile(r"^((I|II|III|NC)(/(I|II|III|NC))*)?$")
_SYNONYM = re.compile(
    r"(?:^|, )([A-Z][a-z]+(?: \([A-Z][a-z]+\))? [a-z][a-z\-]+"
    r"(?: (?:ssp\.|subsp\.|var\.) ?[a-z][a-z\-]+| [a-z][a-z\-]{2,}(?= |$|,))?)")
_TAGS = re.compile(r"<[^>]+>")
_DATE_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")
BATCH = 2000


class ChecklistError(IDTrainerError, ValueError):
    """A checklist file that cannot be imported; names the file, row and column."""


@dataclass
class ImportResult:
    taxa: int
    synonyms: int
    date: str


@dataclass
class Listing:
    """The answer to "is NAME CITES-listed?"."""
    query: str
    taxon_id: int
    name: str               # the accepted name of the taxon the answer is about
    author: str
    rank: str               # of that taxon: "species", "genus", ...
    synonym_of: str | None  # the accepted name, when the query was a synonym
    listing: str            # "I", "II", "III", "I/II", "II/NC", "NC"
    level: str              # its rank when listed by name; "genus", "family" or "order" if covered
    covered_by: str | None  # the genus, family or order that carries the listing
    annotation: str         # English annotation, tags removed
    symbol: str             # "#4" etc.
    names_en: str
    date: str               # the checklist's date (YYYY-MM-DD)

    @property
    def listed(self) -> bool:
        return any(p in ("I", "II", "III") for p in self.listing.split("/"))

    @property
    def split(self) -> bool:
        return "/" in self.listing


@functools.lru_cache(maxsize=4096)  # the same annotations repeat across thousands of rows
def clean_annotation(text: str) -> str:
    """Annotation text without HTML tags, entities or the "Appendix II:" prefix."""
    text = html.unescape(_TAGS.sub(" ", text or "")).replace("\xa0", " ")
    text = re.sub(r"Appendix (I|II|III):\s*", lambda m: f"[{m.group(1)}] ", text)
    return re.sub(r"\s+", " ", text).strip()


def parse_synonyms(field: str) -> list[str]:
    """Scientific names in a SynonymsWithAuthors field ("Name Author, year, Name2 ...")."""
    return [m.group(1) for m in _SYNONYM.finditer(field or "")]


def checklist_date(path: Path, given: str | None) -> str:
    if given:
        try:
            return dt.date.fromisoformat(given).isoformat()
        except ValueError as exc:
            raise ChecklistError(_("{value!r}: not a date such as 2017-04-21").format(
                value=given)) from exc
    found = _DATE_IN_NAME.search(path.name)
    if found:
        try:
            return dt.date.fromisoformat(found.group(1)).isoformat()
        except ValueError:
            pass
    raise ChecklistError(_("{file}: the file name has no date; give the date the checklist "
                           "was exported (for example --date 2017-04-21)").format(file=path.name))


def _open_text(path: Path) -> io.TextIOBase:
    try:
        raw = path.open("rb")
    except OSError as exc:
        raise ChecklistError(_("{file}: cannot open it ({reason})").format(
            file=path, reason=exc.strerror or exc)) from exc
    head = raw.read(2)
    raw.seek(0)
    stream = gzip.GzipFile(fileobj=raw) if head == b"\x1f\x8b" else raw
    return io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")


@dataclass
class Rows:
    taxa: list[tuple]
    synonyms: list[tuple]
    annotations: dict[str, int]   # text -> id; "" is 0


def read_rows(path: Path, progress: Progress | None = None) -> Rows:
    """Every taxon and synonym row of the file, checked; raise on the first bad row."""
    annotations: dict[str, int] = {"": 0}

    def note(text: str) -> int:
        cleaned = clean_annotation(text)
        found = annotations.get(cleaned)
        if found is None:
            found = annotations[cleaned] = len(annotations)
        return found

    taxa: list[tuple] = []
    synonyms: list[tuple] = []
    seen: set[int] = set()
    name = path.name
    with _open_text(path) as text:
        reader = csv.reader(text)
        try:
            header = next(reader)
        except StopIteration as exc:
            raise ChecklistError(_("{file}: the file is empty").format(file=name)) from exc
        except (csv.Error, UnicodeDecodeError, OSError, EOFError) as exc:
            raise ChecklistError(_("{file}: not a CSV file ({reason})").format(
                file=name, reason=exc)) from exc
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise ChecklistError(_("{file}: not an Index of CITES Species export; missing "
                                   "column(s) {columns}").format(file=name,
                                                                 columns=", ".join(missing)))
        col = {c: header.index(c) for c in (*REQUIRED, *OPTIONAL) if c in header}
        width = len(header)

        def get(row: list[str], column: str) -> str:
            i = col.get(column)
            return row[i].strip() if i is not None else ""

        number = 1
        try:
            for row in reader:
                number += 1
                if not row:
                    continue

                def bad(column: str, reason: str, number: int = number) -> ChecklistError:
                    return ChecklistError(_("{file}, row {row}, column {column}: {reason}")
                                          .format(file=name, row=number, column=column,
                                                  reason=reason))
                if len(row) != width:
                    raise bad("-", _("{found} values where the header has {expected}").format(
                        found=len(row), expected=width))
                try:
                    taxon_id = int(get(row, "TaxonId"))
                except ValueError:
                    raise bad("TaxonId", _("not a whole number")) from None
                if taxon_id in seen:
                    raise bad("TaxonId", _("{id} appears twice").format(id=taxon_id))
                seen.add(taxon_id)
                full = get(row, "FullName")
                if not full:
                    raise bad("FullName", _("is empty"))
                rank = get(row, "RankName").upper()
                if rank not in RANKS:
                    raise bad("RankName", _("unknown rank {value!r}").format(value=rank))
                listing = get(row, "CurrentListing").replace(" ", "")
                if not LISTING.match(listing):
                    raise bad("CurrentListing", _("not a CITES listing: {value!r}").format(
                        value=listing))
                taxa.append((
                    taxon_id, get(row, "Kingdom"), get(row, "Phylum"), get(row, "Class"),
                    get(row, "Order"), get(row, "Family"), get(row, "Genus"),
                    get(row, "Species"), get(row, "Subspecies"), full,
                    get(row, "AuthorYear"), rank.lower(), listing,
                    note(get(row, "AnnotationEnglish")),
                    note(get(row, "FullAnnotationEnglish")),
                    note(get(row, "AnnotationSpanish")),
                    note(get(row, "AnnotationFrench")),
                    get(row, "#AnnotationSymbol"), note(get(row, "#Annotation")),
                    get(row, "EnglishNames"), get(row, "SpanishNames"), get(row, "FrenchNames"),
                    1 if get(row, "CitesAccepted").lower() == "true" else 0,
                    get(row, "All_DistributionFullNames")))
                for synonym in parse_synonyms(get(row, "SynonymsWithAuthors")):
                    synonyms.append((synonym, taxon_id))
                if progress and number % BATCH == 0:
                    progress(number, 0, "read")
        except csv.Error as exc:
            raise ChecklistError(_("{file}, row {row}: {reason}").format(
                file=name, row=number + 1, reason=exc)) from exc
        except (UnicodeDecodeError, OSError, EOFError) as exc:
            raise ChecklistError(_("{file}, row {row}: the file is damaged ({reason})").format(
                file=name, row=number + 1, reason=exc)) from exc
    if not taxa:
        raise ChecklistError(_("{file}: the file has no taxa").format(file=name))
    return Rows(taxa, synonyms, annotations)


TAXA_COLUMNS = ("taxon_id", "kingdom", "phylum", "class", "order", "family", "genus",
                "species", "subspecies", "full_name", "author", "rank", "listing",
                "annotation_en", "full_annotation_en", "annotation_es", "annotation_fr",
                "hash_symbol", "hash_annotation", "names_en", "names_es", "names_fr",
                "accepted", "distribution")
INSERT_TAXA = "INSERT INTO checklist_taxa ({}) VALUES ({})".format(
    ", ".join(f'"{c}"' for c in TAXA_COLUMNS), ", ".join("?" * len(TAXA_COLUMNS)))


class ChecklistManager:
    """``store.checklist``: the imported Index of CITES Species."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def date(self) -> str | None:
        return self.store.get_setting(DATE_SETTING)

    def is_current(self) -> bool:
        date = self.date()
        if not date:
            return False
        age = self.store.clock().date() - dt.date.fromisoformat(date)
        return age.days <= CURRENT_DAYS

    def count(self) -> int:
        return int(self.store.scalar("SELECT count(*) FROM checklist_taxa") or 0)

    def import_file(self, path: Path | str, *, date: str | None = None,
                    progress: Progress | None = None) -> ImportResult:
        """Replace the checklist with the file's, in one transaction, after checking it all."""
        path = Path(path)
        when = checklist_date(path, date)
        rows = read_rows(path, progress)
        taxa, synonyms = rows.taxa, rows.synonyms
        ids = {t[0] for t in taxa}
        total = len(taxa) + len(synonyms)
        with self.store.transaction():
            # Indexes are rebuilt after the rows are in: several times faster than
            # updating four indexes row by row (and still inside the one transaction).
            indexes = self.store.query(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                "AND tbl_name IN ('checklist_taxa', 'checklist_synonyms')")
            for index in indexes:
                self.store.conn.execute(f"DROP INDEX [{index['name']}]")
            self.store.conn.execute("DELETE FROM checklist_synonyms")
            self.store.conn.execute("DELETE FROM checklist_taxa")
            self.store.conn.execute("DELETE FROM checklist_annotations")
            self.store.conn.executemany(
                "INSERT INTO checklist_annotations (id, text) VALUES (?, ?)",
                [(i, text) for text, i in rows.annotations.items()])
            done = 0
            for start in range(0, len(taxa), BATCH):
                self.store.conn.executemany(INSERT_TAXA, taxa[start:start + BATCH])
                done += len(taxa[start:start + BATCH])
                if progress:
                    progress(done, total, "write")
            kept = [s for s in synonyms if s[1] in ids]
            self.store.conn.executemany(
                "INSERT INTO checklist_synonyms (name, taxon_id) VALUES (?, ?)", kept)
            for index in indexes:
                self.store.conn.execute(index["sql"])
            if progress:
                progress(total, total, "write")
            self.store.set_setting(DATE_SETTING, when)
            self.store.set_setting(SOURCE_SETTING, path.name)
        return ImportResult(len(taxa), len(kept), when)

    # -- lookup -------------------------------------------------------------------------

    def _row(self, sql: str, params: tuple) -> dict[str, Any] | None:
        return self.store.query_one(sql, params)

    def _by_name(self, name: str, rank: str | None = None) -> dict[str, Any] | None:
        sql = "SELECT * FROM checklist_taxa WHERE full_name = ? COLLATE NOCASE"
        params: tuple = (name,)
        if rank:
            sql += " AND rank = ?"
            params += (rank,)
        # Prefer a row with a listing, then accepted names, then the lower rank.
        sql += " ORDER BY listing = '', accepted DESC, taxon_id LIMIT 1"
        return self._row(sql, params)

    def lookup(self, name: str) -> Listing | None:
        """What the checklist says about ``name``; None when neither it nor a genus,
        family or order above it is in the checklist."""
        query = re.sub(r"\s+", " ", name).strip()
        date = self.date() or ""
        if not query:
            return None
        synonym_of = None
        row = self._by_name(query)
        if row is None:
            found = self._row("SELECT t.* FROM checklist_synonyms s JOIN checklist_taxa t "
                              "ON t.taxon_id = s.taxon_id WHERE s.name = ? COLLATE NOCASE "
                              "ORDER BY t.listing = '', t.taxon_id LIMIT 1", (query,))
            if found is not None:
                row, synonym_of = found, found["full_name"]
        if row is not None and row["listing"]:
            return self._listing(query, row, row, synonym_of, date, self._note(row))
        # Not listed by name: look for a listed genus, family or order above it.
        genus, family, order = "", "", ""
        if row is not None:
            genus, family, order = row["genus"], row["family"], row["order"]
        else:
            first = query.split(" ")[0]
            known = self._row("SELECT genus, family, \"order\" FROM checklist_taxa WHERE genus = ? "
                              "COLLATE NOCASE LIMIT 1", (first,))
            if known is None:
                known = self._row("SELECT '' AS genus, family, \"order\" FROM checklist_taxa "
                                  "WHERE family = ? COLLATE NOCASE LIMIT 1", (first,))
            if known is None:
                return None
            genus, family, order = known["genus"], known["family"], known["order"]
        for level, value in (("genus", genus), ("family", family), ("order", order)):
            if not value or (row is not None and row["full_name"].lower() == value.lower()):
                continue
            higher = self._by_name(value, level)
            if higher is not None and higher["listing"]:
                subject = row or {"taxon_id": 0, "full_name": query, "author": "",
                                  "rank": "species" if " " in query else "genus"}
                return self._listing(query, subject, higher, synonym_of, date,
                                     self._note(higher), level=level)
        return None

    def _note(self, row: dict[str, Any]) -> str:
        return str(self.store.scalar("SELECT text FROM checklist_annotations WHERE id = ?",
                                     (row["annotation_en"],)) or "")

    @staticmethod
    def _listing(query: str, subject: dict[str, Any], source: dict[str, Any],
                 synonym_of: str | None, date: str, annotation: str,
                 level: str | None = None) -> Listing:
        return Listing(
            query=query, taxon_id=subject["taxon_id"], name=subject["full_name"],
            author=subject["author"], rank=subject["rank"], synonym_of=synonym_of,
            listing=source["listing"], level=level or subject["rank"],
            covered_by=source["full_name"] if level else None,
            annotation=annotation, symbol=source["hash_symbol"],
            names_en=subject.get("names_en", "") or "", date=date)

    def search(self, text: str, limit: int = 50) -> list[dict[str, Any]]:
        """Checklist taxa whose scientific or English name starts with or holds ``text``."""
        text = re.sub(r"\s+", " ", text).strip()
        if len(text) < 3:
            return []
        return self.store.query(
            "SELECT taxon_id, full_name, rank, listing, names_en FROM checklist_taxa "
            "WHERE full_name LIKE ? OR names_en LIKE ? "
            "ORDER BY full_name NOT LIKE ?, length(full_name) LIMIT ?",
            (f"{text}%", f"%{text}%", f"{text}%", limit))

    def iter_taxa(self) -> Iterator[dict[str, Any]]:
        yield from self.store.query("SELECT * FROM checklist_taxa ORDER BY full_name")
