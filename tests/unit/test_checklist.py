"""The Index of CITES Species: import, lookup by name, synonym and higher taxon, errors."""

from __future__ import annotations

import csv
import gzip
import os
from pathlib import Path

import pytest

from idtrainer.core.checklist import ChecklistError, clean_annotation, parse_synonyms

SAMPLE = Path(__file__).parents[1] / "data" / "cites" / "Index_of_CITES_Species_2017-04-21.csv"
FULL_NAME = "Index_of_CITES_Species_2017-04-21.csv.gz"


def shared_full_file() -> Path | None:
    """The full 2017 export: ../shared/data/cites beside the clone (CI), or
    $IDTRAINER_SHARED_DATA; None when absent (the tests needing it skip)."""
    candidates = [Path(__file__).resolve().parents[2].parent / "shared" / "data" / "cites"]
    if env := os.environ.get("IDTRAINER_SHARED_DATA"):
        candidates.insert(0, Path(env) / "cites")
    return next((c / FULL_NAME for c in candidates if (c / FULL_NAME).is_file()), None)


@pytest.fixture
def imported(store):
    result = store.checklist.import_file(SAMPLE)
    assert (result.taxa, result.date) == (25, "2017-04-21")
    return store


def test_listed_by_name(imported):
    found = imported.checklist.lookup("saiga  tatarica")
    assert (found.name, found.listing, found.level, found.covered_by) == (
        "Saiga tatarica", "II", "species", None)
    assert found.date == "2017-04-21" and found.listed and not found.split


def test_synonym_resolves_to_the_accepted_name(imported):
    found = imported.checklist.lookup("Agrionemys horsfieldii")
    assert (found.name, found.synonym_of, found.listing) == (
        "Testudo horsfieldii", "Testudo horsfieldii", "II")
    # The 2017 file still has the snow leopard as Uncia uncia and Pallas's cat in Felis.
    assert imported.checklist.lookup("Panthera uncia").name == "Uncia uncia"
    assert imported.checklist.lookup("Otocolobus manul").name == "Felis manul"


def test_higher_taxon_listings_resolve(imported, tmp_path: Path):
    genus = imported.checklist.lookup("Ophrys sphegodes")
    assert (genus.level, genus.covered_by, genus.listing) == ("genus", "Ophrys", "II")
    order = imported.checklist.lookup("Acipenser baerii")
    assert (order.level, order.covered_by, order.listing) == ("order", "Acipenseriformes", "I/II")
    assert order.split
    # Without the genus row, an orchid is covered by its family.
    records = _records()
    no_genus = _write(tmp_path / "Index_of_CITES_Species_2017-04-21.csv",
                      [r for r in records if r[9] != "Ophrys"])
    assert len(records) == 26 and no_genus.stat().st_size < SAMPLE.stat().st_size
    imported.checklist.import_file(no_genus)
    family = imported.checklist.lookup("Ophrys sphegodes")
    assert (family.level, family.covered_by, family.listing) == ("family", "Orchidaceae", "I/II")
    assert family.symbol == "#4"
    assert imported.checklist.lookup("Vormela peregusna") is None


def test_split_listing_shows_its_annotation(imported):
    found = imported.checklist.lookup("Loxodonta africana")
    assert found.listing == "I/II" and found.split
    assert "[I] All populations except those of BW, NA, ZA, and ZW" in found.annotation
    assert "[II] Populations of BW, NA, ZA, ZW" in found.annotation


def test_annotations_and_synonyms_are_parsed():
    assert clean_annotation("Appendix II:Excludes <i>Caracara lutosa</i> and x&amp;y ") == (
        "[II] Excludes Caracara lutosa and x&y")
    assert parse_synonyms("Acipenser rostratus Fischer in Fitzinger & Heckel, 1836, "
                          "Acipenser pygmaeus Reisinger, 1830, Homopus burnesii Blyth, 1854") == [
        "Acipenser rostratus", "Acipenser pygmaeus", "Homopus burnesii"]


def test_progress_and_gzip(store, tmp_path: Path):
    packed = tmp_path / "Index_of_CITES_Species_2017-04-21.csv.gz"
    packed.write_bytes(gzip.compress(SAMPLE.read_bytes()))
    seen: list[tuple[int, int, str]] = []
    store.checklist.import_file(packed, progress=lambda *a: seen.append(a))
    assert seen and seen[-1][0] == seen[-1][1] > 0
    assert store.checklist.count() == 25


def _records() -> list[list[str]]:
    with SAMPLE.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def _write(path: Path, records: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(records)
    return path


def _broken(tmp_path: Path, row: int, column: int, value: str | None) -> Path:
    """The sample with record ``row`` (the header is row 1) changed in one column;
    ``value=None`` adds a value past the last column instead."""
    records = _records()
    if value is None:
        records[row - 1].append("extra")
    else:
        records[row - 1][column] = value
    return _write(tmp_path / "Index_of_CITES_Species_2020-01-01.csv", records)


@pytest.mark.parametrize(("row", "column", "value", "message"), [
    (5, 0, "12x", "row 5, column TaxonId: not a whole number"),
    (7, 11, "SPECIMEN", "row 7, column RankName: unknown rank 'SPECIMEN'"),
    (9, 12, "IV", "row 9, column CurrentListing: not a CITES listing"),
    (4, 0, None, "row 4, column -: 34 values where the header has 33"),
    (1, 0, "Id", "missing column(s) TaxonId"),
])
def test_malformed_file_is_refused_and_nothing_changes(imported, tmp_path, row, column, value,
                                                       message):
    before = imported.checklist.count(), imported.checklist.date()
    with pytest.raises(ChecklistError) as info:
        imported.checklist.import_file(_broken(tmp_path, row, column, value))
    assert message in str(info.value)
    assert "Index_of_CITES_Species_2020-01-01.csv" in str(info.value)
    assert (imported.checklist.count(), imported.checklist.date()) == before


def test_unusable_files_are_refused(store, tmp_path: Path):
    empty = tmp_path / "Index_of_CITES_Species_2017-04-21.csv"
    empty.write_bytes(b"")
    with pytest.raises(ChecklistError, match="empty"):
        store.checklist.import_file(empty)
    undated = tmp_path / "species.csv"
    undated.write_bytes(SAMPLE.read_bytes())
    with pytest.raises(ChecklistError, match="--date"):
        store.checklist.import_file(undated)
    assert store.checklist.import_file(undated, date="2017-04-21").taxa == 25
    broken = tmp_path / "Index_of_CITES_Species_2017-04-22.csv.gz"
    broken.write_bytes(gzip.compress(SAMPLE.read_bytes())[:2000])
    with pytest.raises(ChecklistError, match="damaged"):
        store.checklist.import_file(broken)
    assert store.checklist.count() == 25 and store.checklist.date() == "2017-04-21"


def test_the_full_2017_file(store):
    full = shared_full_file()
    if full is None:
        pytest.skip("the shared 2017 Index of CITES Species is not beside the clone")
    result = store.checklist.import_file(full)
    assert result.taxa == 38079
    assert store.checklist.lookup("Dendrobium anything").covered_by == "Dendrobium"
    assert store.checklist.lookup("Saussurea lappa").name == "Saussurea costus"
