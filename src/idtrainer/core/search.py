"""Name search over every taxon, in any language or script, as you type.

Each taxon has one row in ``search_index`` holding the *folded* forms of all
its names: scientific name, synonyms, common names in every locale, and for
Uzbek both scripts. Folding (case, diacritics, Kazakh and Uzbek letters typed
on a Russian keyboard, apostrophe variants) is done in Python by
:mod:`idtrainer.core.translit`, identically for the index and the query, and
SQLite's FTS5 (set up through sqlite-utils) matches word prefixes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from idtrainer.core.languages import codes as language_codes
from idtrainer.core.texts import LocalText
from idtrainer.core.translit import query_forms, search_forms

if TYPE_CHECKING:
    from idtrainer.core.store import Store

#: Fields of a taxon whose text is searchable.
NAME_FIELDS = ("name", "other_names")
FORM_SEPARATOR = "\n"


@dataclass(frozen=True)
class SearchHit:
    taxon_uuid: str
    species_uuid: str | None
    scientific_name: str
    name: LocalText | None


def match_expression(query: str) -> str | None:
    """The FTS5 MATCH expression for a typed query: every word as a prefix, any script."""
    groups = []
    for form in query_forms(query):
        words = form.split()
        if words:
            groups.append("(" + " AND ".join(f'"{w}"*' for w in words) + ")")
    return " OR ".join(dict.fromkeys(groups)) or None


class SearchManager:
    def __init__(self, store: Store) -> None:
        self.store = store

    def index_forms(self, taxon_uuid: str) -> list[str]:
        row = self.store.query_one(
            "SELECT scientific_name, synonyms FROM taxa WHERE uuid = ?", (taxon_uuid,))
        if row is None:
            return []
        forms: list[str] = []
        for name in [row["scientific_name"], *json.loads(row["synonyms"])]:
            forms += search_forms(name, "en")
        for locale, value in self.store.conn.execute(
                "SELECT locale, value FROM texts WHERE owner_table = 'taxa' AND owner_uuid = ? "
                "AND deleted = 0 AND field IN ('name', 'other_names')", (taxon_uuid,)):
            for name in value.split(FORM_SEPARATOR):
                if name.strip():
                    forms += search_forms(name, locale if locale in language_codes() else "en")
        return list(dict.fromkeys(f for f in forms if f))

    def reindex(self, taxon_uuid: str) -> None:
        """Rebuild one taxon's index row; call after its names change."""
        forms = self.index_forms(taxon_uuid)
        deleted = self.store.scalar("SELECT deleted FROM taxa WHERE uuid = ?", (taxon_uuid,))
        with self.store.transaction():
            if not forms or deleted:
                self.store.conn.execute("DELETE FROM search_index WHERE taxon_uuid = ?",
                                        (taxon_uuid,))
                self.store.changed("search_index", [taxon_uuid])
                return
            self.store.conn.execute(
                "INSERT INTO search_index (taxon_uuid, names) VALUES (?, ?) "
                "ON CONFLICT (taxon_uuid) DO UPDATE SET names = excluded.names "
                "WHERE names IS NOT excluded.names",
                (taxon_uuid, FORM_SEPARATOR.join(forms)))
            self.store.changed("search_index", [taxon_uuid])

    def rebuild(self) -> int:
        uuids = [r[0] for r in self.store.conn.execute("SELECT uuid FROM taxa")]
        with self.store.transaction():
            for taxon in uuids:
                self.reindex(taxon)
        return len(uuids)

    def find(self, query: str, locale: str, limit: int = 100) -> list[SearchHit]:
        """Taxa whose names start with the typed words, best matches first."""
        expression = match_expression(query)
        if expression is None:
            return []
        rows = self.store.conn.execute(
            "SELECT s.taxon_uuid, s.names FROM search_index_fts "
            "JOIN search_index s ON s.rowid = search_index_fts.rowid "
            "WHERE search_index_fts MATCH ? ORDER BY search_index_fts.rank LIMIT ?",
            (expression, max(limit * 4, 200))).fetchall()
        wanted = [f for f in query_forms(query) if f]

        def closeness(names: str) -> int:
            forms = names.split(FORM_SEPARATOR)
            if any(f == w for f in forms for w in wanted):
                return 0  # the whole name typed
            if any(f.startswith(w) for f in forms for w in wanted):
                return 1  # the start of a name typed
            return 2  # words inside a name

        ranked = sorted(enumerate(rows), key=lambda item: (closeness(item[1][1]), item[0]))
        taxa = [rows[i][0] for i, _ in ranked[:limit]]
        return self._hits(taxa, locale)

    def _hits(self, taxa: list[str], locale: str) -> list[SearchHit]:
        if not taxa:
            return []
        marks = ",".join("?" * len(taxa))
        info = {
            r["uuid"]: r for r in self.store.query(
                f"SELECT t.uuid, t.scientific_name, s.uuid AS species_uuid FROM taxa t "
                f"LEFT JOIN species s ON s.taxon_uuid = t.uuid AND s.deleted = 0 "
                f"WHERE t.uuid IN ({marks})", tuple(taxa))
        }
        names = self.store.texts.for_owners("taxa", taxa, locale, fields=["name"])
        return [
            SearchHit(t, info[t]["species_uuid"], info[t]["scientific_name"],
                      names.get(t, {}).get("name"))
            for t in taxa if t in info
        ]
