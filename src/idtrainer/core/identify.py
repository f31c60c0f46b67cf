"""The identification key as content: read from ``assets/key``, stored, and served.

Files (docs/content-format.md, "The identification key"):
``characters.toml`` (characters and their states, texts in every language, pictures),
``codings.toml`` (one table per species: its states per character) and
``not-separable.toml`` (species the key cannot tell apart, with the reason).
Reading validates everything, including that every pair of species is separated by at
least one character or recorded as not separable. Loading writes the tables
``key_characters``, ``key_states``, ``key_codings`` and ``key_not_separable`` (content:
they travel in content bundles). :class:`IdentifyManager` (``store.identify``) builds the
in-memory :class:`~idtrainer.core.idkey.Key` and the texts the GUI and CLI show.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from idtrainer.core import idkey
from idtrainer.core.i18n import gettext as _
from idtrainer.core.idkey import ITEM, Character, Coding, Key, NotSeparable
from idtrainer.core.languages import required_content
from idtrainer.core.store import content_uuid
from idtrainer.core.texts import LocalText, Translation

if TYPE_CHECKING:
    from idtrainer.core.content import Problem, _File, _Writer
    from idtrainer.core.store import Store

Texts = dict[str, Translation]
KINDS = ("states", "numeric")


@dataclass
class StateSpec:
    id: str
    text: Texts
    picture: Path | None = None


@dataclass
class CharacterSpec:
    id: str
    kind: str
    unit: str
    items: list[str]
    name: Texts
    states: list[StateSpec]


@dataclass
class NotSeparableSpec:
    id: str
    items: list[str]
    species: list[str]
    reason: Texts


@dataclass
class KeySpec:
    characters: list[CharacterSpec] = field(default_factory=list)
    codings: dict[str, dict[str, Any]] = field(default_factory=dict)   # species -> char -> raw
    not_separable: list[NotSeparableSpec] = field(default_factory=list)

    def key(self) -> Key:
        """The in-memory key these files describe (codings already validated)."""
        characters = {c.id: _character(c.id, c.kind, c.unit, c.items, [s.id for s in c.states])
                      for c in self.characters}
        codings = {sid: {cid: idkey.coding_from(raw, characters[cid])
                         for cid, raw in chars.items() if cid in characters}
                   for sid, chars in self.codings.items()}
        items: list[str | None]
        records = []
        for r in self.not_separable:
            items = list(r.items) if r.items else [None]
            records += [NotSeparable(f"{r.id}:{item}" if item else r.id,
                                     frozenset(r.species), item) for item in items]
        return Key(characters, list(self.codings), codings, records)


def _character(cid: str, kind: str, unit: str, items: list[str], states: list[str]
               ) -> Character:
    return Character(cid, kind, tuple(states), frozenset(items), unit)


# -- reading -------------------------------------------------------------------------------

def _all_locales(f: _File, texts: Texts, where: str) -> None:
    missing = [loc for loc in required_content() if loc not in texts]
    if texts and missing:
        f.problem(where, _("needs a text in every language; missing: {locales}").format(
            locales=", ".join(missing)))


def read_key(root: Path, species: set[str], problems: list[Problem]) -> KeySpec | None:
    """Read ``root/key`` (None when the folder is absent: a course without a key)."""
    from idtrainer.core.content import Problem, _File

    folder = root / "key"
    if not folder.is_dir():
        return None
    spec = KeySpec()
    before = len(problems)
    f = _File(folder / "characters.toml", problems)
    data = f.load_toml() or {}
    seen: set[str] = set()
    for i, c in enumerate(f.table_list(data, "character"), 1):
        where = f"character[{i}]"
        cid = f.ident(c, "id", f"{where}.id")
        if cid in seen:
            f.problem(f"{where}.id", _("id {id!r} is used twice").format(id=cid))
        seen.add(cid)
        kind = f.choice(c, "kind", f"{where}.kind", KINDS, required=False, default="states")
        name = f.texts(c.get("name"), f"{where}.name")
        _all_locales(f, name, f"{where}.name")
        states: list[StateSpec] = []
        for j, s in enumerate(f.table_list(c, "states"), 1):
            here = f"{where}.states[{j}]"
            sid = f.ident(s, "id", f"{here}.id")
            if sid in {x.id for x in states}:
                f.problem(f"{here}.id", _("id {id!r} is used twice").format(id=sid))
            text = f.texts(s.get("text"), f"{here}.text")
            _all_locales(f, text, f"{here}.text")
            picture = None
            if (rel := s.get("picture")) is not None:
                picture = folder / str(rel)
                if not isinstance(rel, str) or ".." in Path(rel).parts or not picture.is_file():
                    f.problem(f"{here}.picture", _("no such file: {file}").format(file=rel))
                    picture = None
            states.append(StateSpec(sid, text, picture))
        if kind == "states" and len(states) < 2:
            f.problem(where, _("a character needs at least two states"))
        if kind == "numeric" and states:
            f.problem(where, _("a numeric character has no states"))
        items = f.strings(c, "items", f"{where}.items")
        spec.characters.append(CharacterSpec(cid, kind, f.string(
            c, "unit", f"{where}.unit", required=False), items, name, states))
    by_id = {c.id: c for c in spec.characters}
    item_states = {s.id for s in by_id[ITEM].states} if ITEM in by_id else set()
    if ITEM not in by_id:
        f.problem("character", _("the key needs a character with id {id!r}").format(id=ITEM))
    for cs in spec.characters:
        for item in cs.items:
            if item not in item_states:
                f.problem(f"character[{cs.id}].items", _("no item state {id!r}").format(id=item))
    characters = {c.id: _character(c.id, c.kind, c.unit, c.items, [s.id for s in c.states])
                  for c in spec.characters}

    f = _File(folder / "codings.toml", problems)
    data = f.load_toml() or {}
    for sid, table in data.items():
        if sid == "translation":
            continue
        if sid not in species:
            f.problem(sid, _("no species with id {id!r}").format(id=sid))
            continue
        if not isinstance(table, dict):
            f.problem(sid, _("must be a table of character = state"))
            continue
        for cid, raw in table.items():
            if cid not in characters:
                f.problem(f"{sid}.{cid}", _("no character with this id"))
                continue
            try:
                idkey.coding_from(raw, characters[cid])
            except ValueError as exc:
                f.problem(f"{sid}.{cid}", _("must be {what}").format(what=exc))
        if ITEM not in table:
            f.problem(sid, _("needs {id!r}: what kinds of item this species is found as")
                      .format(id=ITEM))
        spec.codings[sid] = table
    for sid in sorted(species - set(spec.codings)):
        f.problem(sid, _("species has no codings in the key"))

    f = _File(folder / "not-separable.toml", problems)
    records = f.load_toml() if (folder / "not-separable.toml").exists() else {}
    for i, r in enumerate(f.table_list(records or {}, "not_separable"), 1):
        where = f"not_separable[{i}]"
        rid = f.ident(r, "id", f"{where}.id")
        items = f.strings(r, "items", f"{where}.items")
        for item in items:
            if item not in item_states:
                f.problem(f"{where}.items", _("no item state {id!r}").format(id=item))
        members = f.strings(r, "species", f"{where}.species")
        for sid in members:
            if sid not in species:
                f.problem(f"{where}.species", _("no species with id {id!r}").format(id=sid))
        if len(members) < 2:
            f.problem(f"{where}.species", _("name at least two species"))
        reason = f.texts(r.get("reason"), f"{where}.reason")
        _all_locales(f, reason, f"{where}.reason")
        spec.not_separable.append(NotSeparableSpec(rid, items, members, reason))

    if len(problems) == before:
        for a, b, held in idkey.separation_problems(spec.key()):
            problems.append(Problem(folder / "not-separable.toml", f"{a} / {b}", _(
                "no character separates these species (as item {item!r}); add a character "
                "that does, or record the pair as not separable with the reason").format(
                    item=held or "*")))
    return spec


def read_key_files(root: Path) -> KeySpec:
    """Read the key alone (tests, ``identify --list`` without a database)."""
    from idtrainer.core.content import ContentError

    problems: list[Problem] = []
    species = {p.name for p in (root / "species").iterdir() if p.is_dir()}
    spec = read_key(root, species, problems)
    if problems:
        raise ContentError(problems)
    if spec is None:
        raise FileNotFoundError(root / "key")
    return spec


def check_toml(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


# -- loading ---------------------------------------------------------------------------------

def load_key(w: _Writer, spec: KeySpec, species_uuids: dict[str, str]) -> None:
    """Write the key's rows (inside the content load's transaction)."""
    store = w.store
    characters: dict[str, str] = {}
    for i, c in enumerate(spec.characters, 1):
        uuid = w.put("key_characters", {"uuid": content_uuid("key_character", c.id),
                                        "slug": c.id, "kind": c.kind, "unit": c.unit,
                                        "items": c.items, "position": i})
        characters[c.id] = uuid
        w.texts("key_characters", uuid, {"name": c.name})
        for j, s in enumerate(c.states, 1):
            media = None
            if s.picture is not None:
                info = store.media.import_file(s.picture)
                key = f"key/{c.id}/{s.id}"
                media = w.put("media", {
                    "uuid": content_uuid("media", key), "sha256": info.sha256,
                    "mime": info.mime, "bytes": info.bytes, "width": info.width,
                    "height": info.height, "licence": "CC0-1.0", "author": "IDTrainer project",
                    "source": "Original drawing for the IDTrainer key",
                    "original_name": s.picture.name})
            row = w.put("key_states", {"uuid": content_uuid("key_state", f"{c.id}/{s.id}"),
                                       "character_uuid": uuid, "slug": s.id, "position": j,
                                       "media_uuid": media})
            w.texts("key_states", row, {"text": s.text})
    w.prune("key_states", "character_uuid", set(characters.values()))
    for sid, table in spec.codings.items():
        for cid, raw in table.items():
            w.put("key_codings", {"uuid": content_uuid("key_coding", f"{sid}/{cid}"),
                                  "species_uuid": species_uuids[sid],
                                  "character_uuid": characters[cid],
                                  "coding": json.dumps(raw, ensure_ascii=False)})
    w.prune("key_codings", "species_uuid", set(species_uuids.values()))
    for r in spec.not_separable:
        if not all(s in species_uuids for s in r.species):
            continue
        items: list[str | None] = list(r.items) if r.items else [None]
        for item in items:
            ident = f"{r.id}/{item}" if item else r.id
            row = w.put("key_not_separable", {
                "uuid": content_uuid("key_not_separable", ident), "slug": r.id, "item": item,
                "species": [species_uuids[s] for s in r.species]})
            w.texts("key_not_separable", row, {"reason": r.reason})


KEY_LOADED = "identify_key_loaded"


def load_into_existing(store: Store) -> bool:
    """Give a database made before schema 3 the shipped key and experts (once).

    Such a database already holds the starter species, perhaps edited by a trainer, so
    only the key's rows and the placeholder authorities are written, for the species it
    has. Returns whether anything was loaded."""
    from idtrainer.core import experts
    from idtrainer.core.content import LoadSummary, _Writer, read_content

    if store.get_setting(KEY_LOADED) or store.identify.has_key():
        return False
    content = read_content()
    present = {r["slug"]: r["uuid"] for r in store.query(
        "SELECT slug, uuid FROM species WHERE deleted = 0")}
    with store.transaction(defer_foreign_keys=True):
        if content.key is not None and present:
            spec = content.key
            spec.codings = {k: v for k, v in spec.codings.items() if k in present}
            load_key(_Writer(store, LoadSummary()), spec, present)
        if not store.count("experts"):
            experts.load_starter(_Writer(store, LoadSummary()), content.experts)
        store.set_setting(KEY_LOADED, store.now())
    return True


# -- serving -----------------------------------------------------------------------------------

@dataclass
class StateInfo:
    id: str
    text: LocalText | None
    media_uuid: str | None


@dataclass
class CharacterInfo:
    id: str
    kind: str
    unit: str
    items: list[str]
    name: LocalText | None
    states: list[StateInfo]

    def state_text(self, state: str) -> str:
        found = next((s for s in self.states if s.id == state), None)
        return str(found.text) if found and found.text else state


class IdentifyManager:
    """``store.identify``: the key over the curated species, with its texts."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def has_key(self) -> bool:
        return bool(self.store.scalar("SELECT 1 FROM key_characters WHERE deleted = 0 LIMIT 1"))

    def key(self) -> Key:
        """The key over the species in this database; taxa are species slugs."""
        rows = self.store.query(
            "SELECT c.uuid, c.slug, c.kind, c.unit, c.items, "
            "(SELECT json_group_array(slug) FROM (SELECT s.slug FROM key_states s "
            " WHERE s.character_uuid = c.uuid AND s.deleted = 0 ORDER BY s.position)) AS states "
            "FROM key_characters c WHERE c.deleted = 0 ORDER BY c.position")
        characters = {r["slug"]: _character(r["slug"], r["kind"], r["unit"],
                                            json.loads(r["items"]), json.loads(r["states"]))
                      for r in rows}
        by_uuid = {r["uuid"]: r["slug"] for r in rows}
        species = self.store.query(
            "SELECT s.uuid, s.slug FROM species s JOIN taxa t ON t.uuid = s.taxon_uuid "
            "WHERE s.deleted = 0 ORDER BY t.scientific_name")
        slug_of = {r["uuid"]: r["slug"] for r in species}
        codings: dict[str, dict[str, Coding]] = {}
        for r in self.store.query("SELECT species_uuid, character_uuid, coding FROM key_codings "
                                  "WHERE deleted = 0"):
            sid, cid = slug_of.get(r["species_uuid"]), by_uuid.get(r["character_uuid"])
            if sid is None or cid is None:
                continue
            try:
                coding = idkey.coding_from(json.loads(r["coding"]), characters[cid])
            except ValueError:
                continue  # a coding made stale by an edited character: treat as not coded
            codings.setdefault(sid, {})[cid] = coding
        records = [
            NotSeparable(r["uuid"], frozenset(slug_of[u] for u in json.loads(r["species"])
                                              if u in slug_of), r["item"])
            for r in self.store.query("SELECT uuid, item, species FROM key_not_separable "
                                      "WHERE deleted = 0 ORDER BY slug, item")]
        taxa = [r["slug"] for r in species if r["slug"] in codings]
        return Key(characters, taxa, codings, records)

    def characters(self, locale: str) -> list[CharacterInfo]:
        rows = self.store.query("SELECT uuid, slug, kind, unit, items FROM key_characters "
                                "WHERE deleted = 0 ORDER BY position")
        states = self.store.query("SELECT uuid, character_uuid, slug, media_uuid FROM key_states "
                                  "WHERE deleted = 0 ORDER BY position")
        texts = {**self.store.texts.for_owners("key_characters", [r["uuid"] for r in rows],
                                               locale),
                 **self.store.texts.for_owners("key_states", [s["uuid"] for s in states],
                                               locale)}
        out = []
        for r in rows:
            out.append(CharacterInfo(
                r["slug"], r["kind"], r["unit"], json.loads(r["items"]),
                texts.get(r["uuid"], {}).get("name"),
                [StateInfo(s["slug"], texts.get(s["uuid"], {}).get("text"), s["media_uuid"])
                 for s in states if s["character_uuid"] == r["uuid"]]))
        return out

    def lookalikes(self, species_uuid: str) -> list[str]:
        """Species to compare with: its own lookalikes, then species naming it as theirs."""
        rows = self.store.query(
            "SELECT other_species_uuid AS uuid, 0 AS side, position FROM lookalikes "
            "WHERE species_uuid = ? AND other_species_uuid IS NOT NULL AND deleted = 0 "
            "UNION ALL SELECT species_uuid, 1, position FROM lookalikes "
            "WHERE other_species_uuid = ? AND deleted = 0 ORDER BY 2, 3",
            (species_uuid, species_uuid))
        return list(dict.fromkeys(r["uuid"] for r in rows))

    def reason(self, record_uuid: str, locale: str) -> LocalText | None:
        return self.store.texts.get("key_not_separable", record_uuid, "reason", locale)
