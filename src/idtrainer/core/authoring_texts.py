"""Languages side by side: every translatable text of the course, a source language beside
a target language, each text's status, and who reviewed it when (the authoring
workspace's Translations tab).

A "field" is one translatable value of one row: a species' ``summary``, a lesson's
``body``, an option's ``text``, a diagram's ``label:l3``. Whatever lives in ``texts``
for a content row is a field here; nothing lists them by hand. A field's *state* in a
language is ``missing`` (no text, or an empty one) or its status: ``draft``,
``machine`` or ``reviewed``. Marking a text reviewed records the reviewer's name and
the time in the text's own row (``reviewed_by``, ``reviewed_at``, schema 7), so they
travel with it in content bundles like every other column.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from idtrainer.core.errors import IDTrainerError
from idtrainer.core.i18n import content_chain
from idtrainer.core.i18n import gettext as _
from idtrainer.core.languages import authored
from idtrainer.core.schema import CONTENT_TABLES, TEXT_STATUSES
from idtrainer.core.store import PutResult, content_uuid

if TYPE_CHECKING:
    from idtrainer.core.store import Store

MISSING = "missing"
STATES: tuple[str, ...] = (MISSING, *TEXT_STATUSES)
#: Filters over states: a state itself, "unreviewed" (draft or machine) or "gaps" (not
#: reviewed, missing included).
FILTERS: dict[str, frozenset[str]] = {
    **{state: frozenset({state}) for state in STATES},
    "unreviewed": frozenset({"draft", "machine"}),
    "gaps": frozenset({MISSING, "draft", "machine"}),
}
#: What "Next untranslated" and "Next unreviewed" look for.
WALKS: dict[str, frozenset[str]] = {"untranslated": frozenset({MISSING}),
                                    "unreviewed": frozenset({"draft", "machine"})}

#: Fields that name their row in a list, best first.
_NAMING = ("name", "title", "stem", "label", "text", "caption", "short")
#: Rows named after their parent: (column pointing at the parent, the parent's table).
_PARENTS: dict[str, tuple[str, str]] = {
    "species": ("taxon_uuid", "taxa"),
    "cites_listings": ("taxon_uuid", "taxa"),
    "species_features": ("species_uuid", "species"),
    "species_products": ("species_uuid", "species"),
    "lookalikes": ("species_uuid", "species"),
    "question_options": ("question_uuid", "questions"),
    "key_states": ("character_uuid", "key_characters"),
}
LABEL_CHARS = 80


class TranslationError(IDTrainerError, ValueError):
    """A translation cannot be saved as given; the message says why."""


@dataclass(frozen=True, order=True)
class FieldKey:
    table: str
    owner: str
    field: str


@dataclass(frozen=True)
class Side:
    """One language of a field as stored."""

    locale: str
    value: str
    status: str
    reviewed_by: str = ""
    reviewed_at: str | None = None


@dataclass(frozen=True)
class Entry:
    key: FieldKey
    item: str               # the row in words ("Saiga · Horn of males only …")
    source: Side | None     # the source language, or the nearest one that has the text
    target: Side | None     # the target language; None when it has no text

    @property
    def state(self) -> str:
        if self.target is None or not self.target.value.strip():
            return MISSING
        return self.target.status


class TranslationDesk:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- reading ---------------------------------------------------------------------

    def tables(self) -> list[str]:
        """Content tables that have translatable texts, in the order content is built."""
        present = {r[0] for r in self.store.conn.execute(
            "SELECT DISTINCT owner_table FROM texts WHERE deleted = 0")}
        return [t for t in CONTENT_TABLES if t in present]

    def entries(self, source: str, target: str, *, table: str | None = None,
                state: str | None = None) -> list[Entry]:
        """Every field of live content rows (of ``table`` if given) with its text in
        ``source`` (or the nearest language along source -> ru -> en) and in ``target``,
        narrowed to a state or filter of :data:`FILTERS`; in a stable order."""
        for locale in (source, target):
            if locale not in authored():
                raise ValueError(f"unknown content locale {locale!r}")
        wanted = FILTERS[state] if state else None
        tables = [table] if table else self.tables()
        rows = self._rows(tables)
        labels = self._labels(rows, source)
        chain = [loc for loc in content_chain(source) if loc != target]
        out = []
        for key, sides in rows.items():
            found = next((sides[loc] for loc in chain if loc in sides
                          and sides[loc].value.strip()), None)
            entry = Entry(key, labels.get((key.table, key.owner), ""), found, sides.get(target))
            if wanted is None or entry.state in wanted:
                out.append(entry)
        order = {t: i for i, t in enumerate(CONTENT_TABLES)}
        out.sort(key=lambda e: (order.get(e.key.table, 99), e.item.casefold(), e.key.owner,
                                _field_rank(e.key.field)))
        return out

    def entry(self, key: FieldKey, source: str, target: str) -> Entry | None:
        for e in self.entries(source, target, table=key.table):
            if e.key == key:
                return e
        return None

    def next(self, walk: str, source: str, target: str, *, after: FieldKey | None = None,
             table: str | None = None) -> Entry | None:
        """The next field after ``after`` (from the start if None, wrapping round) that is
        untranslated or unreviewed (``walk``, see :data:`WALKS`) in ``target``."""
        listed = self.entries(source, target, table=table)
        wanted = WALKS[walk]
        start = 0
        if after is not None:
            keys = [e.key for e in listed]
            if after in keys:
                start = keys.index(after) + 1
        for e in [*listed[start:], *listed[:start]]:
            if e.state in wanted and e.key != after:
                return e
        return None

    def missing(self, table: str) -> dict[str, int]:
        """{locale: fields of live ``table`` rows with no text in that locale}: the
        translation-status page's "untranslated" column."""
        rows = self._rows([table])
        out = dict.fromkeys(authored(), 0)
        for sides in rows.values():
            for locale in authored():
                side = sides.get(locale)
                if side is None or not side.value.strip():
                    out[locale] += 1
        return out

    def _rows(self, tables: list[str]) -> dict[FieldKey, dict[str, Side]]:
        tables = [t for t in tables if t in CONTENT_TABLES]
        if not tables:
            return {}
        live: set[tuple[str, str]] = set()
        for t in tables:
            live |= {(t, r[0]) for r in self.store.conn.execute(
                f"SELECT uuid FROM [{t}] WHERE deleted = 0")}
        rows: dict[FieldKey, dict[str, Side]] = defaultdict(dict)
        for t, owner, field, locale, value, status, by, at in self.store.conn.execute(
                "SELECT owner_table, owner_uuid, field, locale, value, status, reviewed_by, "
                "reviewed_at FROM texts WHERE deleted = 0 AND owner_table IN ({})".format(
                    ",".join("?" * len(tables))), tables):
            if (t, owner) in live:
                rows[FieldKey(t, owner, field)][locale] = Side(locale, value, status, by, at)
        # A field whose every language is empty is not a field to translate.
        return {k: v for k, v in rows.items() if any(s.value.strip() for s in v.values())}

    def _labels(self, rows: dict[FieldKey, dict[str, Side]], locale: str
                ) -> dict[tuple[str, str], str]:
        """A short name for each owner: its own naming text, after its parent's name."""
        chain = content_chain(locale)
        owners = {(k.table, k.owner) for k in rows}
        own: dict[tuple[str, str], str] = {}
        by_owner: dict[tuple[str, str], dict[str, dict[str, Side]]] = defaultdict(dict)
        for key, sides in rows.items():
            by_owner[(key.table, key.owner)][key.field] = sides
        for owner, fields in by_owner.items():
            own[owner] = _naming_text(fields, chain)
        parents: dict[tuple[str, str], tuple[str, str]] = {}
        for table in {t for t, _o in owners} | {"species"}:
            if table not in _PARENTS:
                continue
            column, parent_table = _PARENTS[table]
            for uuid, parent in self.store.conn.execute(
                    f"SELECT uuid, [{column}] FROM [{table}] WHERE deleted = 0"):
                parents[(table, uuid)] = (parent_table, parent)
        needed = {p for p in parents.values()} | {parents[p] for p in parents.values()
                                                  if p in parents}
        for parent in needed - own.keys():
            names = self.store.query(
                "SELECT field, locale, value, status FROM texts WHERE owner_table = ? AND "
                "owner_uuid = ? AND deleted = 0", parent)
            fields = defaultdict(dict)
            for r in names:
                fields[r["field"]][r["locale"]] = Side(r["locale"], r["value"], r["status"])
            own[parent] = _naming_text(fields, chain)
        slugs: dict[tuple[str, str], str] = {}
        for table in {t for t, _o in owners}:
            columns = {r[1] for r in self.store.conn.execute(f"PRAGMA table_info([{table}])")}
            name_col = "slug" if "slug" in columns else (
                "original_name" if "original_name" in columns else None)
            if name_col:
                for uuid, slug in self.store.conn.execute(
                        f"SELECT uuid, [{name_col}] FROM [{table}]"):
                    slugs[(table, uuid)] = slug or ""

        def label(owner: tuple[str, str], depth: int = 0) -> str:
            mine = own.get(owner, "")
            parent = parents.get(owner)
            if parent is not None and depth < 2:
                above = label(parent, depth + 1)
                if above and mine and owner[0] != "species":
                    return f"{above} · {mine}"
                return above or mine
            return mine or slugs.get(owner, "") or owner[1][:8]

        return {owner: _short(label(owner)) for owner in owners}

    # -- writing ---------------------------------------------------------------------

    def save(self, key: FieldKey, locale: str, value: str, status: str, *,
             reviewer: str = "") -> PutResult:
        """Write one field in one language with a status. ``reviewed`` needs the
        reviewer's name and records it with the time; any other status clears them."""
        if locale not in authored():
            raise ValueError(f"unknown content locale {locale!r}")
        if status not in TEXT_STATUSES:
            raise ValueError(f"unknown translation status {status!r}")
        if key.table not in CONTENT_TABLES:
            raise ValueError(f"not a content table: {key.table!r}")
        if not value.strip():
            raise TranslationError(_("The translation is empty."))
        if status == "reviewed" and not reviewer.strip():
            raise TranslationError(_("Sign in with your own profile to mark texts reviewed: "
                                     "the review records who did it."))
        if key.table == "lessons" and key.field == "body":
            from idtrainer.core.authoring_lessons import LessonAuthoring

            if problems := LessonAuthoring(self.store).problems("-", value):
                raise TranslationError(problems[0])
        with self.store.transaction():
            if self.store.scalar(f"SELECT 1 FROM [{key.table}] WHERE uuid = ? AND deleted = 0",
                                 (key.owner,)) is None:
                raise TranslationError(_("This text's item no longer exists."))
            current = self.store.query_one(
                "SELECT value, status, reviewed_by, reviewed_at FROM texts WHERE uuid = ?",
                (content_uuid("text", f"{key.owner}/{key.field}/{locale}"),))
            if status == "reviewed":
                same = current is not None and current["status"] == "reviewed" and \
                    current["value"] == value and current["reviewed_by"] == reviewer.strip()
                by, at = (current["reviewed_by"], current["reviewed_at"]) if same and current \
                    else (reviewer.strip(), self.store.now())
            else:
                by, at = "", None
            result = self.store.put("texts", {
                "uuid": content_uuid("text", f"{key.owner}/{key.field}/{locale}"),
                "owner_table": key.table, "owner_uuid": key.owner, "field": key.field,
                "locale": locale, "value": value, "status": status, "deleted": 0,
                "reviewed_by": by, "reviewed_at": at})
            if key.table == "taxa" and result != "unchanged":
                self.store.search.reindex(key.owner)  # names are searched in every language
            return result

    def mark_reviewed(self, key: FieldKey, locale: str, reviewer: str) -> PutResult:
        """Mark the stored text reviewed by ``reviewer`` now, its words unchanged."""
        current = self.store.query_one(
            "SELECT value FROM texts WHERE owner_table = ? AND owner_uuid = ? AND field = ? "
            "AND locale = ? AND deleted = 0", (key.table, key.owner, key.field, locale))
        if current is None or not current["value"].strip():
            raise TranslationError(_("There is no text in this language to review yet."))
        return self.save(key, locale, current["value"], "reviewed", reviewer=reviewer)


def _field_rank(field: str) -> tuple[int, str]:
    return (_NAMING.index(field) if field in _NAMING else len(_NAMING), field)


def _naming_text(fields: dict[str, dict[str, Side]], chain: tuple[str, ...]) -> str:
    for name in _NAMING:
        sides = fields.get(name)
        if not sides:
            continue
        for locale in chain:
            side = sides.get(locale)
            if side is not None and side.value.strip():
                return side.value
    return ""


def _short(text: str) -> str:
    line = " ".join(text.replace("#", " ").split())
    return line if len(line) <= LABEL_CHARS else line[:LABEL_CHARS - 1].rstrip() + "…"
