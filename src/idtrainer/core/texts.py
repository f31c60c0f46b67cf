"""Translated content text: stored per locale with a status, read through a fallback chain.

Any synced row can own translated fields (a species' ``summary``, a lesson's
``body``, a question's ``stem``). Each (owner, field, locale) is one synced row
in ``texts``, so two trainers translating different languages of the same
lesson merge without conflict. An owner is named by its table *and* its uuid, and
every lookup asks for both: a text that names another table never shows up in
place of the owner's own (docs/security.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from idtrainer.core import languages
from idtrainer.core.i18n import content_chain
from idtrainer.core.languages import codes as language_codes
from idtrainer.core.schema import TEXT_STATUSES
from idtrainer.core.store import PutResult, content_uuid

if TYPE_CHECKING:
    from idtrainer.core.store import Store


@dataclass(frozen=True)
class LocalText:
    """A text as shown to a reader: the value, the locale it came from, its status."""

    value: str
    locale: str
    requested: str
    status: str

    @property
    def fell_back(self) -> bool:
        """True when the requested locale had no text and another one was used."""
        return self.locale != self.requested

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Translation:
    """A text as written: the value and its status in one locale."""

    value: str
    status: str = "draft"


def pick(variants: Mapping[str, Translation], requested: str) -> LocalText | None:
    """Choose the best variant for ``requested`` along requested -> ru -> en."""
    for locale in content_chain(requested):
        found = variants.get(locale)
        if found is not None and found.value.strip():
            return LocalText(found.value, locale, requested, found.status)
    return None


def with_derived(variants: Mapping[str, Translation]) -> dict[str, Translation]:
    """``variants`` plus the texts of every derived language (Uzbek Cyrillic from Uzbek Latin)
    whose source text is there and which ``variants`` does not give itself; generated texts
    are machine-grade. Names the source language's text has (CITES, Latin names) are kept."""
    out = dict(variants)
    reg = languages.registry()
    for lang in reg.derived():
        source = variants.get(lang.derive_from or "")
        if source is None or lang.code in variants or not source.value.strip():
            continue
        names = variants.get(reg.source)
        out[lang.code] = Translation(lang.derive(source.value, names.value if names else ""),
                                     "machine")
    return out


def text_row(owner_table: str, owner_uuid: str, field: str, locale: str, value: str,
             status: str) -> dict[str, str]:
    """The row of one text, as :meth:`TextManager.set` puts it."""
    if locale not in language_codes():
        raise ValueError(f"unknown content locale {locale!r}")
    if status not in TEXT_STATUSES:
        raise ValueError(f"unknown translation status {status!r}")
    return {"uuid": content_uuid("text", f"{owner_uuid}/{field}/{locale}"),
            "owner_table": owner_table, "owner_uuid": owner_uuid, "field": field,
            "locale": locale, "value": value, "status": status}


class TextManager:
    def __init__(self, store: Store) -> None:
        self.store = store

    def set(self, owner_table: str, owner_uuid: str, field: str, locale: str, value: str,
            status: str = "draft") -> PutResult:
        """Write one text. A text of a language others are derived from regenerates theirs,
        unless a person has written or reviewed them (status other than machine)."""
        result = self._put(owner_table, owner_uuid, field, locale, value, status)
        derived = [lang for lang in languages.registry().derived() if lang.derive_from == locale]
        if derived:
            current = self.variants(owner_table, owner_uuid, field)
            for lang in derived:
                if lang.code in current and current[lang.code].status != "machine":
                    continue
                names = current.get(languages.registry().source)
                self._put(owner_table, owner_uuid, field, lang.code,
                          lang.derive(value, names.value if names else ""), "machine")
        return result

    def _put(self, owner_table: str, owner_uuid: str, field: str, locale: str, value: str,
             status: str) -> PutResult:
        return self.store.put("texts", text_row(owner_table, owner_uuid, field, locale, value,
                                                status))

    def set_all(self, owner_table: str, owner_uuid: str, field: str,
                variants: Mapping[str, Translation]) -> list[PutResult]:
        """Write every locale of one field, with the derived languages' texts generated
        (:func:`with_derived`); locales absent from them are tombstoned."""
        variants = with_derived(variants)
        results = [self._put(owner_table, owner_uuid, field, locale, t.value, t.status)
                   for locale, t in variants.items()]
        stale = self.store.query(
            "SELECT uuid, locale FROM texts WHERE owner_table = ? AND owner_uuid = ? AND "
            "field = ? AND deleted = 0", (owner_table, owner_uuid, field))
        for row in stale:
            if row["locale"] not in variants:
                results.append(self.store.tombstone("texts", row["uuid"]))
        return results

    def variants(self, owner_table: str, owner_uuid: str, field: str
                 ) -> dict[str, Translation]:
        rows = self.store.query(
            "SELECT locale, value, status FROM texts WHERE owner_table = ? AND "
            "owner_uuid = ? AND field = ? AND deleted = 0", (owner_table, owner_uuid, field))
        return {r["locale"]: Translation(r["value"], r["status"]) for r in rows}

    def get(self, owner_table: str, owner_uuid: str, field: str, locale: str
            ) -> LocalText | None:
        return pick(self.variants(owner_table, owner_uuid, field), locale)

    def fields(self, owner_table: str, owner_uuid: str, locale: str) -> dict[str, LocalText]:
        """Every translated field of one owner, each through the fallback chain."""
        return self.for_owners(owner_table, [owner_uuid], locale).get(owner_uuid, {})

    def for_owners(self, owner_table: str, owner_uuids: Iterable[str], locale: str,
                   fields: Iterable[str] | None = None) -> dict[str, dict[str, LocalText]]:
        """{owner: {field: text}} for many owners of one table in one query (lists, cards)."""
        owners = list(dict.fromkeys(owner_uuids))
        if not owners:
            return {}
        chain = content_chain(locale)
        sql = ("SELECT owner_uuid, field, locale, value, status FROM texts "
               "WHERE deleted = 0 AND owner_table = ? AND locale IN ({}) "
               "AND owner_uuid IN ({})").format(
            ",".join("?" * len(chain)), ",".join("?" * len(owners)))
        params: list[str] = [owner_table, *chain, *owners]
        if fields is not None:
            wanted = list(fields)
            sql += " AND field IN ({})".format(",".join("?" * len(wanted)))
            params += wanted
        grouped: dict[str, dict[str, dict[str, Translation]]] = defaultdict(
            lambda: defaultdict(dict))
        for owner, field, loc, value, status in self.store.conn.execute(sql, params):
            grouped[owner][field][loc] = Translation(value, status)
        result: dict[str, dict[str, LocalText]] = {}
        for owner, by_field in grouped.items():
            picked = {f: pick(v, locale) for f, v in by_field.items()}
            result[owner] = {f: t for f, t in picked.items() if t is not None}
        return result

    def coverage(self, owner_table: str) -> dict[str, dict[str, int]]:
        """{locale: {status: count}} of one table's texts, for translation dashboards."""
        out: dict[str, dict[str, int]] = {loc: {s: 0 for s in TEXT_STATUSES}
                                           for loc in language_codes()}
        for loc, status, n in self.store.conn.execute(
                "SELECT locale, status, count(*) FROM texts "
                "WHERE owner_table = ? AND deleted = 0 GROUP BY locale, status", (owner_table,)):
            out[loc][status] = n
        return out
