"""Writing the course in the app: species and questions edited as drafts, checked by the
same rules as ``content load`` (core/content_rules.py) and saved as ordinary synced row
changes, so they reach officers' laptops in the next content bundle.

An :class:`AuthoringSession` is one trainer's editing session. It

- loads a species or question into a draft (plain data, every content language),
- lists the draft's problems as the author types (:meth:`species_problems`,
  :meth:`question_problems`); a *blocking* problem stops the save, a warning (a species
  with no picture yet) does not,
- saves a draft through ``Store.put`` and ``store.texts`` (rev, updated_at, updated_by
  stamped there) into the same rows and uuids the loader writes,
- undoes and redoes its saves and deletions (each undo is itself a synced change),
- says what points at an item before it is deleted,
- records the session in the sync history as "content edited on LAPTOP".

Only a trainer edits: a session is refused unless trainer mode is unlocked.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from idtrainer.core import content_rules as rules
from idtrainer.core.errors import IDTrainerError
from idtrainer.core.i18n import gettext as _
from idtrainer.core.i18n import ngettext
from idtrainer.core.languages import authored, required_content
from idtrainer.core.schema import (
    APPENDICES,
    ORIGIN_COLUMN,
    PRODUCT_TYPES,
    QUESTION_TYPES,
    SYNC_COLUMNS,
    TAXON_GROUPS,
)
from idtrainer.core.store import PutResult, content_uuid, new_uuid
from idtrainer.core.texts import Translation

if TYPE_CHECKING:
    from idtrainer.core.questions import Question
    from idtrainer.core.store import Store

T = TypeVar("T")

#: A translated field as the editor holds it: {locale: text}; empty texts are absent.
Words = dict[str, str]

SPECIES_TEXTS = ("summary", "range", "handling", "what_to_do")
REQUIRED_SPECIES_TEXTS = ("summary", "what_to_do")


class AuthoringError(IDTrainerError, ValueError):
    """An edit cannot be made: not in trainer mode, or the draft has problems."""


@dataclass(frozen=True)
class Problem:
    """One problem of a draft: the field it is in, why, and whether it stops a save."""

    field: str
    reason: str
    blocking: bool = True

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}"


@dataclass(frozen=True)
class Reference:
    """Something that points at an item about to be deleted."""

    table: str
    uuid: str
    label: str


# -- drafts ---------------------------------------------------------------------------------

@dataclass
class Listing:
    appendix: str = "II"
    source: str = ""
    checked_on: str = ""
    listed_since: str = ""
    to_verify: bool = True
    annotation: Words = field(default_factory=dict)


@dataclass
class Lookalike:
    other: str = ""              # the other species' id, or "" for a species not in the course
    label: Words = field(default_factory=dict)
    points: Words = field(default_factory=dict)


@dataclass
class SpeciesDraft:
    uuid: str | None = None      # None: not saved yet
    slug: str = ""
    scientific_name: str = ""
    author: str = ""
    family: str = ""
    synonyms: list[str] = field(default_factory=list)
    group: str = "mammals"
    tags: list[str] = field(default_factory=list)
    names: Words = field(default_factory=dict)
    other_names: dict[str, list[str]] = field(default_factory=dict)
    texts: dict[str, Words] = field(default_factory=lambda: {k: {} for k in SPECIES_TEXTS})
    listing: Listing = field(default_factory=Listing)
    features: list[Words] = field(default_factory=list)
    products: list[tuple[str, Words]] = field(default_factory=list)
    lookalikes: list[Lookalike] = field(default_factory=list)


@dataclass
class OptionDraft:
    text: Words = field(default_factory=dict)
    species: str = ""            # a species id: the option is that species' name
    correct: bool = False
    side: str | None = None      # matching: left | right
    pair: int | None = None      # matching: the pair's number


@dataclass
class QuestionDraft:
    uuid: str | None = None
    slug: str = ""
    qtype: str = "single"
    module: str = ""             # a module uuid, or ""
    difficulty: int = 1
    tags: list[str] = field(default_factory=list)
    species: list[str] = field(default_factory=list)   # species ids
    media_uuid: str = ""
    stem: Words = field(default_factory=dict)
    feedback: Words = field(default_factory=dict)
    options: list[OptionDraft] = field(default_factory=list)
    answer_value: bool = True    # truefalse
    answer_appendix: str = "I"   # appendix

    def answer(self) -> Any:
        if self.qtype == "truefalse":
            return {"value": self.answer_value}
        if self.qtype == "appendix":
            return {"appendix": self.answer_appendix}
        return None

    def used_options(self) -> list[OptionDraft]:
        """The options the question type uses, as they will be saved."""
        if self.qtype in ("single", "multiple", "image"):
            return [o for o in self.options if o.side is None]
        if self.qtype == "matching":
            return [o for o in self.options if o.side in ("left", "right")]
        return []


@dataclass
class Edit:
    """One step of the undo history: an item before and after (None: absent), and the
    statuses of its texts at each point (text uuid -> draft | machine | reviewed), so
    undoing an edit of a reviewed text makes it reviewed again."""

    kind: str                    # species | question
    uuid: str
    before: SpeciesDraft | QuestionDraft | None
    after: SpeciesDraft | QuestionDraft | None
    before_statuses: dict[str, str] = field(default_factory=dict)
    after_statuses: dict[str, str] = field(default_factory=dict)


#: A row as a journal keeps it: (table, uuid) -> the row's columns, or None (no row).
Rows = dict[tuple[str, str], dict[str, Any] | None]


@dataclass
class RowEdit:
    """One step of the undo history made of rows: pictures (details, captions, markers,
    deleting a picture) and lessons. ``before`` and ``after`` hold every row the step
    changed (its texts included, with their statuses) as it was before and after."""

    kind: str                    # picture | marker | lesson | module
    uuid: str
    before: Rows
    after: Rows


_NOT_CONTENT = (*SYNC_COLUMNS[1:4], ORIGIN_COLUMN)


def _content(row: dict[str, Any] | None) -> dict[str, Any] | None:
    """A row without its sync stamps: what an undo puts back."""
    if row is None:
        return None
    return {k: v for k, v in row.items() if k not in _NOT_CONTENT}


def _clean(words: Words) -> Words:
    return {loc: v.strip() for loc, v in words.items() if loc in authored() and v.strip()}


def _as_texts(words: Words) -> dict[str, Translation]:
    return {loc: Translation(v) for loc, v in _clean(words).items()}


# -- the session ----------------------------------------------------------------------------

class AuthoringSession:
    """One trainer's editing session over ``store``. See the module's docstring."""

    def __init__(self, store: Store, *, trainer_unlocked: bool) -> None:
        if not trainer_unlocked:
            raise AuthoringError(_("Only a trainer can edit the course: unlock trainer mode "
                                   "first."))
        self.store = store
        self.id = new_uuid()
        self.undo_stack: list[Edit | RowEdit] = []
        self.redo_stack: list[Edit | RowEdit] = []
        self._counts: Counter[tuple[str, str]] = Counter()

    # -- reading ----------------------------------------------------------------------

    def _words(self, table: str, owner: str, name: str) -> Words:
        """Every locale of one field (statuses are kept by the save)."""
        return {loc: t.value for loc, t in self._variants(table, owner, name).items()}

    def _variants(self, table: str, owner: str, name: str) -> dict[str, Translation]:
        return self.store.texts.variants(table, owner, name)

    def _slugs(self) -> dict[str, str]:
        """{species uuid: species id} of the species in the course."""
        return {r["uuid"]: r["slug"] for r in self.store.query(
            "SELECT uuid, slug FROM species WHERE deleted = 0")}

    def species_ids(self) -> set[str]:
        return set(self._slugs().values())

    def _children(self, table: str, column: str, parent: str) -> list[dict[str, Any]]:
        return self.store.query(f"SELECT * FROM {table} WHERE {column} = ? AND deleted = 0 "
                                "ORDER BY position", (parent,))

    def _listing_uuid(self, taxon_uuid: str) -> str | None:
        return self.store.scalar(
            "SELECT uuid FROM cites_listings WHERE taxon_uuid = ? AND deleted = 0 "
            "ORDER BY checked_on DESC, updated_at DESC LIMIT 1", (taxon_uuid,))

    def load_species(self, species_uuid: str) -> SpeciesDraft:
        row = self.store.query_one("SELECT * FROM species WHERE uuid = ? AND deleted = 0",
                                   (species_uuid,))
        if row is None:
            raise AuthoringError(_("This species no longer exists."))
        taxon = self.store.query_one("SELECT * FROM taxa WHERE uuid = ?", (row["taxon_uuid"],))
        assert taxon is not None
        draft = SpeciesDraft(
            uuid=species_uuid, slug=row["slug"], scientific_name=taxon["scientific_name"],
            author=taxon["author"], family=taxon["family"],
            synonyms=json.loads(taxon["synonyms"]), group=row["taxon_group"],
            tags=json.loads(row.get("tags") or "[]"),
            names=self._words("taxa", taxon["uuid"], "name"),
            other_names={loc: [n for n in v.split("\n") if n.strip()] for loc, v in
                         self._words("taxa", taxon["uuid"], "other_names").items()},
            texts={k: self._words("species", species_uuid, k) for k in SPECIES_TEXTS})
        if (listing := self._listing_uuid(taxon["uuid"])) is not None:
            lr = self.store.query_one("SELECT * FROM cites_listings WHERE uuid = ?", (listing,))
            assert lr is not None
            draft.listing = Listing(lr["appendix"], lr["source"], lr["checked_on"],
                                    lr["listed_since"] or "", bool(lr["to_verify"]),
                                    self._words("cites_listings", listing, "annotation"))
        draft.features = [self._words("species_features", r["uuid"], "text")
                          for r in self._children("species_features", "species_uuid",
                                                  species_uuid)]
        draft.products = [(r["product_type"], self._words("species_products", r["uuid"], "text"))
                          for r in self._children("species_products", "species_uuid",
                                                  species_uuid)]
        slugs = {r["uuid"]: r["slug"] for r in self.store.query("SELECT uuid, slug FROM species")}
        draft.lookalikes = [
            Lookalike(slugs.get(r["other_species_uuid"] or "", ""),
                      self._words("lookalikes", r["uuid"], "label"),
                      self._words("lookalikes", r["uuid"], "points"))
            for r in self._children("lookalikes", "species_uuid", species_uuid)]
        return draft

    def load_question(self, question_uuid: str) -> QuestionDraft:
        row = self.store.query_one("SELECT * FROM questions WHERE uuid = ? AND deleted = 0",
                                   (question_uuid,))
        if row is None:
            raise AuthoringError(_("This question no longer exists."))
        slugs = {r["uuid"]: r["slug"] for r in self.store.query("SELECT uuid, slug FROM species")}
        answer = json.loads(row["answer"]) if row["answer"] else {}
        draft = QuestionDraft(
            uuid=question_uuid, slug=row["slug"] or "", qtype=row["qtype"],
            module=row["module_uuid"] or "", difficulty=row["difficulty"],
            tags=json.loads(row["tags"]),
            species=[slugs.get(u, u) for u in json.loads(row["species"])],
            media_uuid=row["media_uuid"] or "",
            stem=self._words("questions", question_uuid, "stem"),
            feedback=self._words("questions", question_uuid, "feedback"),
            answer_value=bool(answer.get("value", True)),
            answer_appendix=answer.get("appendix", "I"))
        draft.options = [
            OptionDraft(self._words("question_options", r["uuid"], "text"),
                        slugs.get(r["species_uuid"] or "", ""),
                        bool(r["correct"]) and row["qtype"] != "matching", r["side"],
                        r["pair"])
            for r in self._children("question_options", "question_uuid", question_uuid)]
        return draft

    # -- checking ---------------------------------------------------------------------

    def species_problems(self, d: SpeciesDraft) -> list[Problem]:
        """What ``content load`` would refuse in this species, as the author types."""
        out: list[Problem] = []

        def add(where: str, reason: str | None, blocking: bool = True) -> None:
            if reason is not None:
                out.append(Problem(where, reason, blocking))

        def words(where: str, value: Words, required: bool) -> None:
            if required and not _clean(value):
                add(where, _("is required (a table with {locales})").format(
                    locales=", ".join(required_content())))
            add(where, rules.fallback_problem(_as_texts(value)))

        if not d.slug:
            add("id", _("is required"))
        add("id", rules.id_problem(d.slug))
        # A new item may not take the id of one that exists: it would overwrite it.
        if d.slug and self.store.scalar(
                "SELECT 1 FROM species WHERE slug = ? AND uuid != ? AND deleted = 0",
                (d.slug, d.uuid or "")):
            add("id", _("id {id!r} is used {n} times").format(id=d.slug, n=2))
        if not d.scientific_name.strip():
            add("scientific_name", _("is required"))
        if d.group not in TAXON_GROUPS:
            add("group", _("must be one of {values}, not {value!r}").format(
                values=", ".join(TAXON_GROUPS), value=d.group))
        words("name", d.names, True)
        for key in SPECIES_TEXTS:
            words(key, d.texts.get(key, {}), key in REQUIRED_SPECIES_TEXTS)
        listing = d.listing
        if listing.appendix not in APPENDICES:
            add("cites.appendix", _("must be one of {values}, not {value!r}").format(
                values=", ".join(APPENDICES), value=listing.appendix))
        if not listing.source.strip():
            add("cites.source", _("is required"))
        for key, value, required in (("checked_on", listing.checked_on, True),
                                     ("listed_since", listing.listed_since, False)):
            if not value.strip():
                if required:
                    add(f"cites.{key}", _("is required (a date such as 2026-11-20)"))
                continue
            try:
                dt.date.fromisoformat(value.strip())
            except ValueError:
                add(f"cites.{key}", _("must be a date such as 2026-11-20"))
        words("cites.annotation", listing.annotation, False)
        if not d.features:
            add("features", _("list at least one diagnostic feature"))
        for i, feature in enumerate(d.features, 1):
            words(f"features[{i}]", feature, True)
        for i, (ptype, text) in enumerate(d.products, 1):
            if ptype not in PRODUCT_TYPES:
                add(f"products[{i}].type", _("must be one of {values}, not {value!r}").format(
                    values=", ".join(PRODUCT_TYPES), value=ptype))
            words(f"products[{i}]", text, True)
        known = self.species_ids()
        for i, look in enumerate(d.lookalikes, 1):
            for reason in rules.species_link_problems([look.other] if look.other else [],
                                                      known):
                add(f"lookalikes[{i}].species", reason)
            words(f"lookalikes[{i}].label", look.label, not look.other)
            words(f"lookalikes[{i}].points", look.points, True)
        for tag in d.tags:
            if rules.id_problem(tag):
                add("tags", _("{tag!r}: use lowercase letters, digits and -").format(tag=tag))
        if d.uuid is None or not self.store.media.for_owner(d.uuid, "en"):
            # Pictures are added on the Pictures tab once the species exists: a warning.
            add("images", _("every species needs at least one image"), blocking=False)
        return out

    def question_problems(self, d: QuestionDraft) -> list[Problem]:
        """What ``content load`` would refuse in this question, as the author types."""
        out: list[Problem] = []

        def add(where: str, reason: str | None, blocking: bool = True) -> None:
            if reason is not None:
                out.append(Problem(where, reason, blocking))

        if not d.slug:
            add("id", _("is required"))
        add("id", rules.id_problem(d.slug))
        # A new item may not take the id of one that exists: it would overwrite it.
        if d.slug and self.store.scalar(
                "SELECT 1 FROM questions WHERE slug = ? AND uuid != ? AND deleted = 0",
                (d.slug, d.uuid or "")):
            add("id", _("id {id!r} is used {n} times").format(id=d.slug, n=2))
        if d.qtype not in QUESTION_TYPES:
            add("type", _("must be one of {values}, not {value!r}").format(
                values=", ".join(QUESTION_TYPES), value=d.qtype))
            return out
        if d.difficulty not in (1, 2, 3):
            add("difficulty", _("must be 1, 2 or 3"))
        if not _clean(d.stem):
            add("stem", _("is required (a table with {locales})").format(
                locales=", ".join(required_content())))
        add("stem", rules.fallback_problem(_as_texts(d.stem)))
        add("feedback", rules.fallback_problem(_as_texts(d.feedback)))
        for tag in d.tags:
            add("tags", rules.id_problem(tag))
        options = d.used_options()
        for i, opt in enumerate(options, 1):
            where = (f"pairs[{opt.pair}].{opt.side}" if d.qtype == "matching"
                     else f"options[{i}]")
            if not opt.species and not _clean(opt.text):
                add(where, _("must be non-empty text"))
            elif not opt.species:
                add(where, rules.fallback_problem(_as_texts(opt.text)))
        for where, reason in rules.option_problems(
                d.qtype, [self._option_spec(o) for o in options], bool(d.media_uuid)):
            add(where, reason)
        if d.qtype == "appendix" and d.answer_appendix not in APPENDICES:
            add("answer", _("must be one of {values}, not {value!r}").format(
                values=", ".join(APPENDICES), value=d.answer_appendix))
        known = self.species_ids()
        for reason in rules.species_link_problems(
                [*d.species, *(o.species for o in options if o.species)], known):
            add("species", reason)
        if d.media_uuid and self.store.scalar(
                "SELECT 1 FROM media WHERE uuid = ? AND deleted = 0", (d.media_uuid,)) is None:
            add("image", _("{image!r} is not an image listed in a species.toml").format(
                image=d.media_uuid))
        if d.module and self.store.scalar(
                "SELECT 1 FROM modules WHERE uuid = ? AND deleted = 0", (d.module,)) is None:
            add("module", _("no module with id {id!r}").format(id=d.module))
        return out

    @staticmethod
    def _option_spec(o: OptionDraft) -> dict[str, Any]:
        return {"correct": o.correct, "species": o.species or None, "text": _as_texts(o.text),
                "side": o.side, "pair": o.pair}

    def _refuse_blocking(self, problems: list[Problem]) -> None:
        blocking = [p for p in problems if p.blocking]
        if blocking:
            raise AuthoringError(_("Not saved: {count} problem(s): {first}").format(
                count=len(blocking), first=blocking[0]))

    # -- writing ----------------------------------------------------------------------

    def _put(self, table: str, row: dict[str, Any]) -> str:
        self._counts[(table, self.store.put(table, row))] += 1
        return str(row["uuid"])

    def _tombstone(self, table: str, uuid: str) -> None:
        self._counts[(table, self.store.tombstone(table, uuid))] += 1

    def _set_words(self, table: str, owner: str, name: str, words: Words) -> None:
        """Write every locale of one field. A text whose words did not change keeps its
        status (machine, reviewed); a changed or new one becomes a draft."""
        old = self._variants(table, owner, name)
        variants = {}
        for loc, value in _clean(words).items():
            kept = old.get(loc)
            variants[loc] = Translation(value, kept.status if kept and kept.value == value
                                        else "draft")
        results: list[PutResult] = self.store.texts.set_all(table, owner, name, variants)
        for result in results:
            self._counts[("texts", result)] += 1

    def _reuse(self, table: str, column: str, parent: str, kind: str, slug: str,
               count: int) -> list[str]:
        """Uuids for ``count`` children: the rows there are by position, then new ones
        named as the loader names them; rows beyond ``count`` are tombstoned."""
        rows = [r["uuid"] for r in self._children(table, column, parent)]
        for extra in rows[count:]:
            self._tombstone(table, extra)
        uuids = rows[:count]
        taken = set(uuids)
        n = len(uuids)
        while len(uuids) < count:
            n += 1
            candidate = content_uuid(kind, f"{slug}/{n}")
            if candidate in taken or self.store.scalar(
                    f"SELECT 1 FROM {table} WHERE uuid = ? AND {column} != ?",
                    (candidate, parent)):
                continue
            uuids.append(candidate)
            taken.add(candidate)
        return uuids

    def _write_species(self, d: SpeciesDraft) -> str:
        species_uuid = d.uuid or content_uuid("species", d.slug)
        current = self.store.query_one("SELECT taxon_uuid FROM species WHERE uuid = ?",
                                       (species_uuid,))
        taxon_uuid = current["taxon_uuid"] if current else content_uuid("taxon", d.slug)
        taxon_row = self.store.query_one("SELECT * FROM taxa WHERE uuid = ?", (taxon_uuid,))
        name = d.scientific_name.strip()
        self._put("taxa", {
            "uuid": taxon_uuid, "slug": d.slug, "scientific_name": name,
            "author": d.author.strip(), "family": d.family.strip(),
            "genus": (taxon_row or {}).get("genus") or (name.split()[0] if name else ""),
            "synonyms": [s.strip() for s in d.synonyms if s.strip()],
            **({} if taxon_row else {"rank": "species", "source": "IDTrainer authoring"})})
        self._set_words("taxa", taxon_uuid, "name", d.names)
        self._set_words("taxa", taxon_uuid, "other_names",
                        {loc: "\n".join(n.strip() for n in names if n.strip())
                         for loc, names in d.other_names.items()})
        listing_uuid = self._listing_uuid(taxon_uuid) or content_uuid("listing", d.slug)
        lst = d.listing
        self._put("cites_listings", {
            "uuid": listing_uuid, "taxon_uuid": taxon_uuid, "appendix": lst.appendix,
            "source": lst.source.strip(), "checked_on": lst.checked_on.strip(),
            "listed_since": lst.listed_since.strip() or None, "to_verify": lst.to_verify})
        self._set_words("cites_listings", listing_uuid, "annotation", lst.annotation)
        self._put("species", {"uuid": species_uuid, "slug": d.slug, "taxon_uuid": taxon_uuid,
                              "taxon_group": d.group, "tags": d.tags})
        for key in SPECIES_TEXTS:
            self._set_words("species", species_uuid, key, d.texts.get(key, {}))
        for i, (uuid, text) in enumerate(zip(self._reuse(
                "species_features", "species_uuid", species_uuid, "feature", d.slug,
                len(d.features)), d.features, strict=True), 1):
            self._put("species_features", {"uuid": uuid, "species_uuid": species_uuid,
                                           "position": i})
            self._set_words("species_features", uuid, "text", text)
        for i, (uuid, (ptype, text)) in enumerate(zip(self._reuse(
                "species_products", "species_uuid", species_uuid, "product", d.slug,
                len(d.products)), d.products, strict=True), 1):
            self._put("species_products", {"uuid": uuid, "species_uuid": species_uuid,
                                           "position": i, "product_type": ptype})
            self._set_words("species_products", uuid, "text", text)
        ids = {slug: uuid for uuid, slug in self._slugs().items()}
        for i, (uuid, look) in enumerate(zip(self._reuse(
                "lookalikes", "species_uuid", species_uuid, "lookalike", d.slug,
                len(d.lookalikes)), d.lookalikes, strict=True), 1):
            self._put("lookalikes", {"uuid": uuid, "species_uuid": species_uuid,
                                     "position": i, "other_species_uuid": ids.get(look.other)})
            self._set_words("lookalikes", uuid, "label", look.label)
            self._set_words("lookalikes", uuid, "points", look.points)
        self.store.search.reindex(taxon_uuid)
        return species_uuid

    def _write_question(self, d: QuestionDraft) -> str:
        question_uuid = d.uuid or content_uuid("question", d.slug)
        ids = {slug: uuid for uuid, slug in self._slugs().items()}
        self._put("questions", {
            "uuid": question_uuid, "slug": d.slug, "module_uuid": d.module or None,
            "qtype": d.qtype, "difficulty": d.difficulty, "tags": d.tags,
            "species": [ids[s] for s in d.species if s in ids],
            "media_uuid": d.media_uuid or None, "answer": d.answer()})
        self._set_words("questions", question_uuid, "stem", d.stem)
        self._set_words("questions", question_uuid, "feedback", d.feedback)
        options = d.used_options()
        for i, (uuid, opt) in enumerate(zip(self._reuse(
                "question_options", "question_uuid", question_uuid, "option", d.slug,
                len(options)), options, strict=True), 1):
            self._put("question_options", {
                "uuid": uuid, "question_uuid": question_uuid, "position": i,
                "correct": opt.correct or d.qtype == "matching", "side": opt.side,
                "pair": opt.pair, "species_uuid": ids.get(opt.species) if opt.species else None})
            self._set_words("question_options", uuid, "text", {} if opt.species else opt.text)
        return question_uuid

    def _remove(self, kind: str, uuid: str) -> None:
        """Tombstone an item and the rows that are part of it (a deletion travels like
        an edit). Its texts stay, so undoing the deletion restores every word."""
        if kind == "species":
            row = self.store.query_one("SELECT taxon_uuid FROM species WHERE uuid = ?", (uuid,))
            for table in ("species_features", "species_products", "lookalikes"):
                for child in self._children(table, "species_uuid", uuid):
                    self._tombstone(table, child["uuid"])
            self._tombstone("species", uuid)
            if row is not None:
                for listing in self.store.query(
                        "SELECT uuid FROM cites_listings WHERE taxon_uuid = ? AND deleted = 0",
                        (row["taxon_uuid"],)):
                    self._tombstone("cites_listings", listing["uuid"])
                self._tombstone("taxa", row["taxon_uuid"])
                self.store.search.reindex(row["taxon_uuid"])
        else:
            for child in self._children("question_options", "question_uuid", uuid):
                self._tombstone("question_options", child["uuid"])
            self._tombstone("questions", uuid)

    def _apply(self, kind: str, uuid: str, state: SpeciesDraft | QuestionDraft | None) -> None:
        with self.store.transaction(defer_foreign_keys=True):
            if state is None:
                self._remove(kind, uuid)
            elif isinstance(state, SpeciesDraft):
                self._write_species(copy.deepcopy(state))
            else:
                self._write_question(copy.deepcopy(state))
            self._record()

    def _snapshot(self, kind: str, uuid: str) -> SpeciesDraft | QuestionDraft | None:
        exists = self.store.scalar(
            f"SELECT 1 FROM {'species' if kind == 'species' else 'questions'} "
            "WHERE uuid = ? AND deleted = 0", (uuid,))
        if not exists:
            return None
        return self.load_species(uuid) if kind == "species" else self.load_question(uuid)

    def _statuses(self, kind: str, uuid: str) -> dict[str, str]:
        """The statuses of every text of an item and of the rows that are part of it."""
        owners = [uuid]
        if kind == "species":
            taxon = self.store.scalar("SELECT taxon_uuid FROM species WHERE uuid = ?", (uuid,))
            owners += [taxon or "", *(r["uuid"] for r in self.store.query(
                "SELECT uuid FROM cites_listings WHERE taxon_uuid = ?", (taxon,)))]
            for table in ("species_features", "species_products", "lookalikes"):
                owners += [r["uuid"] for r in self.store.query(
                    f"SELECT uuid FROM {table} WHERE species_uuid = ?", (uuid,))]
        else:
            owners += [r["uuid"] for r in self.store.query(
                "SELECT uuid FROM question_options WHERE question_uuid = ?", (uuid,))]
        marks = ",".join("?" * len(owners))
        return {r["uuid"]: r["status"] for r in self.store.query(
            f"SELECT uuid, status FROM texts WHERE deleted = 0 AND owner_uuid IN ({marks})",
            tuple(owners))}

    def _restore_statuses(self, statuses: dict[str, str]) -> None:
        with self.store.transaction():
            for text, status in statuses.items():
                if self.store.scalar("SELECT status FROM texts WHERE uuid = ? AND deleted = 0",
                                     (text,)) not in (None, status):
                    self._put("texts", {"uuid": text, "status": status})
            self._record()

    def _do(self, kind: str, uuid: str, after: SpeciesDraft | QuestionDraft | None) -> None:
        before = self._snapshot(kind, uuid)
        before_statuses = self._statuses(kind, uuid)
        self._apply(kind, uuid, after)
        after = self._snapshot(kind, uuid)
        if before != after:
            self.undo_stack.append(Edit(kind, uuid, before, after, before_statuses,
                                        self._statuses(kind, uuid)))
            self.redo_stack.clear()

    def save_species(self, draft: SpeciesDraft) -> str:
        """Save a species; raise :class:`AuthoringError` if it has blocking problems."""
        self._refuse_blocking(self.species_problems(draft))
        uuid = draft.uuid or content_uuid("species", draft.slug)
        self._do("species", uuid, copy.deepcopy(draft))
        draft.uuid = uuid
        return uuid

    def save_question(self, draft: QuestionDraft) -> str:
        """Save a question; raise :class:`AuthoringError` if it has blocking problems."""
        self._refuse_blocking(self.question_problems(draft))
        uuid = draft.uuid or content_uuid("question", draft.slug)
        self._do("question", uuid, copy.deepcopy(draft))
        draft.uuid = uuid
        return uuid

    def delete(self, kind: str, uuid: str) -> None:
        """Delete a species or question (ask first: :meth:`references`)."""
        self._do(kind, uuid, None)

    # -- undo and redo ----------------------------------------------------------------

    def can_undo(self) -> bool:
        return bool(self.undo_stack)

    def can_redo(self) -> bool:
        return bool(self.redo_stack)

    def undo(self) -> Edit | RowEdit | None:
        """Put the last edited item back as it was; the undo is itself a synced change."""
        if not self.undo_stack:
            return None
        edit = self.undo_stack.pop()
        if isinstance(edit, RowEdit):
            self._put_rows(edit.before)
        else:
            self._apply(edit.kind, edit.uuid, edit.before)
            self._restore_statuses(edit.before_statuses)
        self.redo_stack.append(edit)
        return edit

    def redo(self) -> Edit | RowEdit | None:
        if not self.redo_stack:
            return None
        edit = self.redo_stack.pop()
        if isinstance(edit, RowEdit):
            self._put_rows(edit.after)
        else:
            self._apply(edit.kind, edit.uuid, edit.after)
            self._restore_statuses(edit.after_statuses)
        self.undo_stack.append(edit)
        return edit

    # -- edits made elsewhere (pictures, markers, lessons), undone row by row ----------

    def record(self, kind: str, uuid: str, action: Callable[[], T]) -> T:
        """Run ``action`` (writes through ``Store.put``: core/photos.py, core/markers.py,
        core/authoring_lessons.py) in one transaction and keep the rows it changed, so
        :meth:`undo` and :meth:`redo` can put them back. Its errors pass through, with
        nothing written and nothing kept."""
        with self.store.transaction(defer_foreign_keys=True):
            with self.store.journal() as journal:
                result = action()
            before = dict(journal)
            self._count(before)
            self._record()
        # An item the action made (a new lesson) is named by the uuid it returns.
        self._keep(kind, uuid or (result if isinstance(result, str) else ""), before)
        return result

    def record_added(self, kind: str, uuid: str, rows: list[tuple[str, str]]) -> None:
        """Keep rows written outside the session (a photo imported off the GUI thread) as
        an edit that added them: undoing it deletes them again."""
        self._keep(kind, uuid, dict.fromkeys(rows))

    def _keep(self, kind: str, uuid: str, before: Rows) -> None:
        after: Rows = {key: self._row(*key) for key in before}
        changed = [key for key in before if _content(before[key]) != _content(after[key])]
        if changed:
            self.undo_stack.append(RowEdit(kind, uuid, {k: before[k] for k in changed},
                                           {k: after[k] for k in changed}))
            self.redo_stack.clear()

    def _row(self, table: str, uuid: str) -> dict[str, Any] | None:
        return self.store.query_one(f"SELECT * FROM [{table}] WHERE uuid = ?", (uuid,))

    def _count(self, before: Rows) -> None:
        for (table, _uuid), row in before.items():
            self._counts[(table, "added" if row is None else "updated")] += 1

    def _put_rows(self, rows: Rows) -> None:
        """Make each row as it was in ``rows``; a row that did not exist is deleted (a
        tombstone, as every deletion)."""
        with self.store.transaction(defer_foreign_keys=True):
            for (table, uuid), row in rows.items():
                if row is None:
                    if self.store.scalar(f"SELECT deleted FROM [{table}] WHERE uuid = ?",
                                         (uuid,)) == 0:
                        self._tombstone(table, uuid)
                else:
                    content = _content(row)
                    assert content is not None
                    self._put(table, content)
            self._record()

    # -- what points at an item -------------------------------------------------------

    def references(self, kind: str, uuid: str, locale: str) -> list[Reference]:
        """What would point at nothing if this species or question were deleted."""
        out: list[Reference] = []
        if kind == "species":
            slug = self.store.scalar("SELECT slug FROM species WHERE uuid = ?", (uuid,)) or ""
            for r in self.store.query(
                    "SELECT DISTINCT q.uuid, q.slug FROM questions q WHERE q.deleted = 0 AND ("
                    "EXISTS (SELECT 1 FROM json_each(q.species) WHERE value = ?) OR EXISTS "
                    "(SELECT 1 FROM question_options o WHERE o.question_uuid = q.uuid AND "
                    "o.deleted = 0 AND o.species_uuid = ?)) ORDER BY q.slug", (uuid, uuid)):
                out.append(Reference("questions", r["uuid"], _("question {id}").format(
                    id=r["slug"] or r["uuid"][:8])))
            for r in self.store.query(
                    "SELECT DISTINCT s.uuid, s.slug FROM lookalikes k JOIN species s ON "
                    "s.uuid = k.species_uuid WHERE k.other_species_uuid = ? AND k.deleted = 0 "
                    "AND s.deleted = 0 AND s.uuid != ? ORDER BY s.slug", (uuid, uuid)):
                out.append(Reference("species", r["uuid"], _("lookalike in species {id}")
                                     .format(id=r["slug"])))
            for r in self.store.query(
                    "SELECT DISTINCT l.uuid, l.slug FROM texts t JOIN lessons l ON "
                    "l.uuid = t.owner_uuid WHERE t.deleted = 0 AND l.deleted = 0 AND "
                    "t.owner_table = 'lessons' AND t.field = 'body' AND "
                    "(instr(t.value, ?) > 0 OR instr(t.value, ?) > 0 OR instr(t.value, ?) > 0) "
                    "ORDER BY l.slug",
                    (f"(species:{slug})", f"(species:{slug}/", f"{{{{features:{slug}}}}}")):
                out.append(Reference("lessons", r["uuid"], _("lesson {id}").format(
                    id=r["slug"])))
            for r in self.store.query(
                    "SELECT DISTINCT z.uuid, z.slug FROM quiz_rules r JOIN quizzes z ON "
                    "z.uuid = r.quiz_uuid WHERE r.deleted = 0 AND z.deleted = 0 AND EXISTS "
                    "(SELECT 1 FROM json_each(r.filter, '$.species') WHERE value = ?) "
                    "ORDER BY z.slug", (uuid,)):
                out.append(Reference("quizzes", r["uuid"], _("quiz {id}").format(
                    id=r["slug"] or r["uuid"][:8])))
            codings = self.store.scalar(
                "SELECT count(*) FROM key_codings WHERE species_uuid = ? AND deleted = 0",
                (uuid,))
            if codings:
                out.append(Reference("key_codings", uuid, ngettext(
                    "the identification key ({n} character coded)",
                    "the identification key ({n} characters coded)", codings).format(
                        n=codings)))
        elif kind == "picture":
            out += self._picture_references(uuid)
        else:
            for r in self.store.query(
                    "SELECT DISTINCT z.uuid, z.slug FROM quiz_rules r JOIN quizzes z ON "
                    "z.uuid = r.quiz_uuid WHERE r.deleted = 0 AND z.deleted = 0 AND "
                    "r.question_uuid = ? ORDER BY z.slug", (uuid,)):
                out.append(Reference("quizzes", r["uuid"], _("quiz {id}").format(
                    id=r["slug"] or r["uuid"][:8])))
        return out

    def _picture_references(self, media_uuid: str) -> list[Reference]:
        """What shows a picture: the species whose pictures it is among, questions that
        ask about it, lessons that show it (``![..](species:<id>/media/<file>)``) and its
        feature markers."""
        out: list[Reference] = []
        name = self.store.scalar("SELECT original_name FROM media WHERE uuid = ?",
                                 (media_uuid,)) or ""
        species = self.store.query(
            "SELECT DISTINCT s.uuid, s.slug FROM media_links k JOIN species s ON "
            "s.uuid = k.owner_uuid WHERE k.media_uuid = ? AND k.deleted = 0 AND "
            "k.owner_table = 'species' AND s.deleted = 0 ORDER BY s.slug", (media_uuid,))
        for r in species:
            out.append(Reference("species", r["uuid"], _("the pictures of species {id}")
                                 .format(id=r["slug"])))
        for r in self.store.query(
                "SELECT uuid, slug FROM questions WHERE media_uuid = ? AND deleted = 0 "
                "ORDER BY slug", (media_uuid,)):
            out.append(Reference("questions", r["uuid"], _("question {id}").format(
                id=r["slug"] or r["uuid"][:8])))
        # A lesson names a picture as Learn finds it: <species id>/media/<file> or
        # <species id>/<file>, the reference whose uuid is the picture's.
        refs = [f"(species:{ref})" for r in species
                for ref in (f"{r['slug']}/media/{name}", f"{r['slug']}/{name}")
                if name and content_uuid("media", ref) == media_uuid]
        if refs:
            found: dict[str, str] = {}
            for ref in refs:
                for r in self.store.query(
                        "SELECT DISTINCT l.uuid, l.slug FROM texts t JOIN lessons l ON "
                        "l.uuid = t.owner_uuid WHERE t.deleted = 0 AND l.deleted = 0 AND "
                        "t.owner_table = 'lessons' AND t.field = 'body' AND "
                        "instr(t.value, ?) > 0", (ref,)):
                    found[r["uuid"]] = r["slug"]
            for uuid, slug in sorted(found.items(), key=lambda kv: kv[1]):
                out.append(Reference("lessons", uuid, _("lesson {id}").format(id=slug)))
        markers = int(self.store.scalar(
            "SELECT count(*) FROM picture_markers WHERE media_uuid = ? AND deleted = 0",
            (media_uuid,)) or 0)
        if markers:
            out.append(Reference("picture_markers", media_uuid, ngettext(
                "{n} feature marker on it", "{n} feature markers on it", markers).format(
                    n=markers)))
        return out

    # -- the sync history -------------------------------------------------------------

    def _record(self) -> None:
        """This session's line in the sync history: "content edited on LAPTOP", with
        the rows it added and changed so far. Written in the edit's transaction."""
        from idtrainer.core.bundles.export import default_device_name

        tables: dict[str, dict[str, int]] = {}
        for (table, result), n in self._counts.items():
            if result != "unchanged":
                tables.setdefault(table, {})[result] = n
        self.store.sync_log.record_edit(
            f"edit-{self.id}", producer_name=default_device_name(self.store),
            tables=tables)

    # -- trying a question ------------------------------------------------------------

    def preview(self, d: QuestionDraft, locale: str) -> Question:
        """The draft as an officer's screen gets it (core/questions.py's ``Question``)."""
        from idtrainer.core.questions import Option, Question
        from idtrainer.core.texts import LocalText, pick

        def text(words: Words) -> LocalText | None:
            return pick(_as_texts(words), locale)

        ids = {slug: uuid for uuid, slug in self._slugs().items()}
        options = []
        for i, o in enumerate(d.used_options(), 1):
            shown = text(o.text)
            if o.species and o.species in ids:
                taxon = self.store.scalar("SELECT taxon_uuid FROM species WHERE uuid = ?",
                                          (ids[o.species],))
                shown = self.store.texts.get("taxa", taxon, "name", locale)
            options.append(Option(f"preview-{i}", i, o.correct or d.qtype == "matching",
                                  o.side, o.pair, ids.get(o.species), shown))
        return Question(d.uuid or "preview", d.slug, d.qtype, d.module or None, d.difficulty,
                        list(d.tags), [ids[s] for s in d.species if s in ids],
                        d.media_uuid or None, d.answer(), text(d.stem), text(d.feedback),
                        options)

    # -- lists for the editors' pickers -----------------------------------------------

    def media_choices(self) -> list[tuple[str, str]]:
        """(media uuid, a line naming it) for the question's picture picker."""
        rows = self.store.query(
            "SELECT m.uuid, m.original_name, m.author, m.licence, "
            "(SELECT s.slug FROM media_links k JOIN species s ON s.uuid = k.owner_uuid "
            " WHERE k.media_uuid = m.uuid AND k.deleted = 0 LIMIT 1) AS species "
            "FROM media m WHERE m.deleted = 0 ORDER BY species, m.original_name")
        return [(r["uuid"], f"{r['species'] or '—'} / {r['original_name'] or r['uuid'][:8]}")
                for r in rows]

    def module_choices(self, locale: str) -> list[tuple[str, str]]:
        rows = self.store.query("SELECT uuid, slug FROM modules WHERE deleted = 0 "
                                "ORDER BY position, slug")
        titles = self.store.texts.for_owners("modules", [r["uuid"] for r in rows], locale,
                                             fields=["title"])
        return [(r["uuid"], f"{r['slug']}: {titles.get(r['uuid'], {}).get('title') or ''}")
                for r in rows]

    def question_list(self, locale: str) -> list[tuple[str, str, str]]:
        """(uuid, id, type) of every question, by id."""
        return [(r["uuid"], r["slug"] or r["uuid"][:8], r["qtype"]) for r in self.store.query(
            "SELECT uuid, slug, qtype FROM questions WHERE deleted = 0 ORDER BY slug")]
