"""Course files out: export the course, or chosen modules, to the content format.

The format is the one :mod:`idtrainer.core.content` reads (docs/content-format.md), so a
course can live in version control and pass between countries as files: TOML and
Markdown plus the pictures. Loading an export gives back the same rows, uuids and texts
(each with its status); exporting twice gives the same bytes (everything is written in a
fixed order). An export is written to a working folder inside the target, read back with
the loader's own validation, and only then moved into place, so a target never holds a
half-written or unloadable course.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from idtrainer.core.diagrams import LABEL_PREFIX
from idtrainer.core.errors import IDTrainerError
from idtrainer.core.i18n import gettext as _
from idtrainer.core.languages import codes as language_codes
from idtrainer.core.languages import registry
from idtrainer.core.schema import TEXT_STATUSES
from idtrainer.core.texts import Translation

if TYPE_CHECKING:
    from idtrainer.core.content import Progress
    from idtrainer.core.store import Store

Texts = dict[str, Translation]

#: What an export owns inside its target folder (replaced as a whole on each export).
EXPORTED = ("course", "species", "key", "experts.toml")
#: The working folder inside the target while an export is written.
WORKING = ".idtrainer-export.partial"
SPECIES_LINK = re.compile(r"\]\(species:([^)\s/]+)(/[^)\s]*)?\)")
FEATURES_DIRECTIVE = re.compile(r"\{\{features:([a-z0-9-]+)\}\}")
#: ``](media:<uuid>)``: a picture added in the app, shown in a lesson written in the app
MEDIA_LINK = re.compile(r"\]\(media:([0-9a-f-]{36})\)")


class ExportError(IDTrainerError):
    """The course cannot be exported as asked (unknown module, missing picture file...)."""


@dataclass
class ExportSummary:
    folder: Path
    course: str = ""
    modules: list[str] = field(default_factory=list)
    species: int = 0
    lessons: int = 0
    questions: int = 0
    pictures: int = 0
    key: bool = False


# -- a small TOML writer (the standard library reads TOML but does not write it) ---------

def _string(value: str) -> str:
    out = json.dumps(value, ensure_ascii=False)   # a valid TOML basic string...
    return out.replace("\x7f", "\\u007f")          # ...but for DEL, which TOML forbids raw


_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else _string(key)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, _Date):
        return value.iso
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


@dataclass(frozen=True)
class _Date:
    """A TOML local date (written bare: ``checked_on = 2026-11-01``)."""

    iso: str


class _Doc:
    """Lines of one TOML file, written in the order they are added."""

    def __init__(self, comment: str = "") -> None:
        self.lines: list[str] = [f"# {comment}"] if comment else []

    def keys(self, pairs: dict[str, Any]) -> None:
        for k, v in pairs.items():
            if v is not None:
                self.lines.append(f"{_key(k)} = {_value(v)}")

    def table(self, name: str, pairs: dict[str, Any], *, array: bool = False) -> None:
        pairs = {k: v for k, v in pairs.items() if v is not None}
        if not pairs and not array:
            return
        self.lines += ["", f"[[{name}]]" if array else f"[{name}]"]
        self.keys(pairs)

    def text(self) -> str:
        return "\n".join(self.lines).lstrip("\n") + "\n"


# -- texts and their statuses ------------------------------------------------------------

class _Statuses:
    """One file's ``[translation]`` table: the commonest status per locale, so that only
    the texts that differ need an inline ``{ text = …, status = … }``."""

    def __init__(self, forced: dict[str, str] | None = None) -> None:
        self.counts: dict[str, Counter[str]] = defaultdict(Counter)
        self.forced = dict(forced or {})

    def see(self, texts: Texts | None) -> None:
        for loc, t in (texts or {}).items():
            self.counts[loc][t.status] += 1

    def table(self) -> dict[str, str]:
        out = {}
        for loc in language_codes():
            if loc in self.forced:
                out[loc] = self.forced[loc]
            elif self.counts.get(loc):
                counts = self.counts[loc]
                # The commonest; ties go to the first status in TEXT_STATUSES (stable).
                out[loc] = max(TEXT_STATUSES, key=lambda s: (counts[s], -TEXT_STATUSES.index(s)))
        return out


def _texts(texts: Texts | None, statuses: dict[str, str]) -> dict[str, Any] | None:
    """A translated field as written: plain text where the file's status holds."""
    if not texts:
        return None
    out: dict[str, Any] = {}
    for loc in language_codes():
        if (t := texts.get(loc)) is not None:
            out[loc] = t.value if statuses.get(loc, "draft") == t.status and not _reviewer(
                t) else {"text": t.value, **_status(t)}
    return out


def _reviewer(t: Translation) -> bool:
    return bool(t.reviewed_by or t.reviewed_at)


def _status(t: Translation) -> dict[str, Any]:
    """A text's status as written inline, with who reviewed it and when (if recorded)."""
    out: dict[str, Any] = {"status": t.status}
    if t.reviewed_by:
        out["reviewed_by"] = t.reviewed_by
    if t.reviewed_at:
        out["reviewed_at"] = t.reviewed_at
    return out


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


# -- the exporter --------------------------------------------------------------------------

class _Exporter:
    def __init__(self, store: Store, root: Path) -> None:
        self.store = store
        self.root = root
        self.texts: dict[tuple[str, str], Texts] = defaultdict(dict)
        # A text generated from another language (Uzbek Cyrillic from Uzbek Latin) and
        # still machine-made is made again on load; writing it out would freeze it.
        derived = {lang.code for lang in registry().derived()}
        for r in store.query("SELECT owner_uuid, field, locale, value, status, reviewed_by, "
                             "reviewed_at FROM texts WHERE deleted = 0"):
            if r["locale"] in derived and r["status"] == "machine" and not r["reviewed_by"]:
                continue
            self.texts[(r["owner_uuid"], r["field"])][r["locale"]] = Translation(
                r["value"], r["status"], r["reviewed_by"] or "", r["reviewed_at"])
        self.species = {r["uuid"]: r for r in store.query(
            "SELECT * FROM species WHERE deleted = 0")}
        self.species_slug = {u: r["slug"] for u, r in self.species.items()}
        self.image_keys: dict[str, str] = {}   # media uuid -> "<species-id>/media/<file>"

    def t(self, owner: str, name: str) -> Texts:
        return dict(self.texts.get((owner, name), {}))

    def rows(self, sql: str, params: tuple = ()) -> list[dict[str, Any]]:
        return self.store.query(sql, params)

    # species ----------------------------------------------------------------------------

    def species_file(self, uuid: str) -> int:
        s = self.species[uuid]
        sid = s["slug"]
        folder = self.root / "species" / sid
        taxon = self.store.query_one("SELECT * FROM taxa WHERE uuid = ?", (s["taxon_uuid"],))
        if taxon is None:
            raise ExportError(_("species {id}: its taxon is missing").format(id=sid))
        listing = self.store.query_one(
            "SELECT * FROM cites_listings WHERE taxon_uuid = ? AND deleted = 0 "
            "ORDER BY checked_on DESC, uuid LIMIT 1", (taxon["uuid"],))
        # Ordered as the markers number them (core/markers.py): position, then uuid.
        features = self.rows("SELECT uuid FROM species_features WHERE species_uuid = ? "
                             "AND deleted = 0 ORDER BY position, uuid", (uuid,))
        numbers = {f["uuid"]: i for i, f in enumerate(features, 1)}
        products = self.rows("SELECT uuid, product_type FROM species_products "
                             "WHERE species_uuid = ? AND deleted = 0 ORDER BY position", (uuid,))
        lookalikes = self.rows("SELECT uuid, other_species_uuid FROM lookalikes "
                               "WHERE species_uuid = ? AND deleted = 0 ORDER BY position",
                               (uuid,))
        images = self.rows(
            "SELECT m.*, k.practice AS practice FROM media_links k "
            "JOIN media m ON m.uuid = k.media_uuid WHERE k.owner_table = 'species' "
            "AND k.owner_uuid = ? AND k.deleted = 0 AND m.deleted = 0 ORDER BY k.position",
            (uuid,))
        other_names = self.t(taxon["uuid"], "other_names")
        stats = _Statuses({loc: t.status for loc, t in other_names.items()})
        names = self.t(taxon["uuid"], "name")
        fields = {k: self.t(uuid, k) for k in ("summary", "range", "handling", "what_to_do")}
        annotation = self.t(listing["uuid"], "annotation") if listing else {}
        feature_texts = [(self.t(f["uuid"], "text"), self.t(f["uuid"], "short"))
                         for f in features]
        product_texts = [self.t(p["uuid"], "text") for p in products]
        look_texts = [(self.t(la["uuid"], "label"), self.t(la["uuid"], "points"))
                      for la in lookalikes]
        image_texts = [{name: texts for (owner, name), texts in self.texts.items()
                        if owner == m["uuid"] and (name in ("caption", "ask", "ask_answer") or
                                                   name.startswith(LABEL_PREFIX))}
                       for m in images]
        for texts in [names, *fields.values(), annotation, *(a for pair in feature_texts
                      for a in pair), *product_texts, *(a for pair in look_texts for a in pair),
                      *(t for d in image_texts for t in d.values())]:
            stats.see(texts)
        st = stats.table()

        doc = _Doc()
        doc.keys({"id": sid, "scientific_name": taxon["scientific_name"]})
        doc.keys({k: taxon[k] or None for k in ("author",)})
        doc.keys({"rank": taxon["rank"]})
        doc.keys({k: taxon[k] or None for k in ("kingdom", "phylum", "class", "order",
                                                "family", "genus")})
        synonyms = json.loads(taxon["synonyms"] or "[]")
        doc.keys({"synonyms": synonyms or None, "group": s["taxon_group"]})
        tags = json.loads(s["tags"] or "[]")
        doc.keys({"tags": tags or None})
        doc.table("translation", dict(st))
        doc.table("name", _texts(names, st) or {})
        if other_names:
            doc.table("other_names", {loc: t.value.split("\n") for loc, t in
                                      sorted(other_names.items(),
                                             key=lambda kv: language_codes().index(kv[0]))})
        for key in ("summary", "range"):
            doc.table(key, _texts(fields[key], st) or {})
        if listing:
            doc.table("cites", {
                "appendix": listing["appendix"],
                "annotation": _texts(annotation, st),
                "source": listing["source"],
                "listed_since": _Date(listing["listed_since"]) if listing["listed_since"]
                else None,
                "checked_on": _Date(listing["checked_on"]),
                "to_verify": bool(listing["to_verify"])})
        for text, short in feature_texts:
            doc.table("features", {**(_texts(text, st) or {}), "short": _texts(short, st)},
                      array=True)
        for p, text in zip(products, product_texts, strict=True):
            doc.table("products", {"type": p["product_type"], **(_texts(text, st) or {})},
                      array=True)
        for la, (label, points) in zip(lookalikes, look_texts, strict=True):
            doc.table("lookalikes", {
                "species": self.species_slug.get(la["other_species_uuid"] or ""),
                "label": _texts(label, st), "points": _texts(points, st)}, array=True)
        for key in ("handling", "what_to_do"):
            doc.table(key, _texts(fields[key], st) or {})
        used: set[str] = set()
        shorts = [short for _text, short in feature_texts]
        for m, own in zip(images, image_texts, strict=True):
            name = _file_name(m, used)
            data = self._picture(m, sid)
            _write_bytes(folder / "media" / name, data)
            self.image_keys[m["uuid"]] = f"{sid}/media/{name}"
            labels, refs = _labels(own, shorts, data, m["mime"])
            caption = own.get("caption")
            if refs and caption == _caption(refs, shorts):
                caption = None          # the loader makes the same caption from the callouts
            doc.table("images", {
                "file": f"media/{name}", "author": m["author"], "licence": m["licence"],
                "source": m["source"], "caption": _texts(caption, st),
                "practice": None if m["practice"] else False}, array=True)
            if labels:
                doc.table("images.labels", {
                    k: ({"feature": refs[k]} if k in refs else _texts(v, st))
                    for k, v in labels.items()})
            if own.get("ask"):  # the picture's own practice question (docs/content-format.md)
                doc.table("images.ask", {"question": _texts(own["ask"], st),
                                         "answer": _texts(own.get("ask_answer"), st)})
            # Feature markers: the feature by its number on this species, the point as
            # fractions of the picture (markers on another species' features are written
            # with that species' picture entry).
            for mk in self.rows(
                    "SELECT feature_uuid, x, y FROM picture_markers WHERE media_uuid = ? "
                    "AND deleted = 0 ORDER BY position, uuid", (m["uuid"],)):
                if mk["feature_uuid"] in numbers:
                    doc.table("images.markers", {"feature": numbers[mk["feature_uuid"]],
                                                 "x": float(mk["x"]), "y": float(mk["y"])},
                              array=True)
        _write(folder / "species.toml", doc.text())
        return len(images)

    def _picture(self, media: dict[str, Any], sid: str) -> bytes:
        path = self.store.media.path_for(media["sha256"])
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise ExportError(_("species {id}: the picture file {file} is missing from the "
                                "media folder ({path})").format(
                id=sid, file=media["original_name"] or media["sha256"], path=path)) from None

    # course -----------------------------------------------------------------------------

    def course_file(self, course: dict[str, Any]) -> None:
        title, description = self.t(course["uuid"], "title"), self.t(course["uuid"],
                                                                     "description")
        stats = _Statuses()
        stats.see(title)
        stats.see(description)
        st = stats.table()
        doc = _Doc()
        doc.keys({"id": course["slug"]})
        doc.table("translation", dict(st))
        _provenance(doc, course)
        doc.table("title", _texts(title, st) or {})
        doc.table("description", _texts(description, st) or {})
        _write(self.root / "course" / "course.toml", doc.text())

    def module_file(self, module: dict[str, Any]) -> int:
        mid = module["slug"]
        folder = self.root / "course" / "modules" / mid
        lessons = self.rows("SELECT uuid, slug FROM lessons WHERE module_uuid = ? "
                            "AND deleted = 0 ORDER BY position, slug", (module["uuid"],))
        title, summary = self.t(module["uuid"], "title"), self.t(module["uuid"], "summary")
        bodies = [self.t(row["uuid"], "body") for row in lessons]
        titles = [self.t(row["uuid"], "title") for row in lessons]
        stats = _Statuses()
        for texts in (title, summary, *titles, *bodies):
            stats.see(texts)
        st = stats.table()
        doc = _Doc()
        doc.keys({"id": mid, "position": module["position"]})
        doc.table("translation", dict(st))
        _provenance(doc, module)
        doc.table("title", _texts(title, st) or {})
        doc.table("summary", _texts(summary, st) or {})
        for row, lesson_title, body in zip(lessons, titles, bodies, strict=True):
            overrides = {loc: _status(t) if _reviewer(t) else t.status for loc, t in sorted(
                body.items(), key=lambda kv: language_codes().index(kv[0]))
                if t.status != st.get(loc, "draft") or _reviewer(t)}
            doc.table("lessons", {"id": row["slug"], "title": _texts(lesson_title, st),
                                  "status": overrides or None}, array=True)
            for loc, text in body.items():
                _write(folder / f"{row['slug']}.{loc}.md",
                       self.picture_links(text.value).strip() + "\n")
        _write(folder / "module.toml", doc.text())
        return len(lessons)

    def picture_links(self, body: str) -> str:
        """A lesson's ``](media:<uuid>)`` as ``](species:<id>/media/<file>)``: the files
        name a picture by its species folder, and loading gives it a uuid of its own."""
        return MEDIA_LINK.sub(lambda m: f"](species:{self.image_keys[m.group(1)]})"
                              if m.group(1) in self.image_keys else m.group(0), body)

    def questions_file(self, name: str, questions: list[dict[str, Any]],
                       modules: dict[str, str]) -> None:
        per_q = []
        stats = _Statuses()
        for q in questions:
            options = self.rows("SELECT * FROM question_options WHERE question_uuid = ? "
                                "AND deleted = 0 ORDER BY position", (q["uuid"],))
            texts = {"stem": self.t(q["uuid"], "stem"),
                     "feedback": self.t(q["uuid"], "feedback")}
            opt_texts = [self.t(o["uuid"], "text") for o in options]
            for tx in (*texts.values(), *opt_texts):
                stats.see(tx)
            per_q.append((q, options, texts, opt_texts))
        st = stats.table()
        doc = _Doc()
        doc.table("translation", dict(st))
        for q, options, texts, opt_texts in per_q:
            answer = json.loads(q["answer"]) if q["answer"] else None
            species = [self.species_slug[u] for u in json.loads(q["species"] or "[]")]
            entry: dict[str, Any] = {
                # A question written in the app may have no id yet: one from its uuid.
                "id": q["slug"] or f"q-{q['uuid'][:8]}", "type": q["qtype"],
                "module": modules.get(q["module_uuid"] or ""), "difficulty": q["difficulty"],
                "tags": json.loads(q["tags"] or "[]") or None, "species": species or None,
                "image": self.image_keys.get(q["media_uuid"]) if q["media_uuid"] else None,
                "stem": _texts(texts["stem"], st), "feedback": _texts(texts["feedback"], st)}
            if q["qtype"] == "truefalse":
                entry["answer"] = bool((answer or {}).get("value"))
            elif q["qtype"] == "appendix":
                entry["answer"] = (answer or {}).get("appendix")
            doc.table("question", entry, array=True)
            if q["qtype"] == "matching":
                pairs: dict[int, dict[str, Any]] = {}
                for o, text in zip(options, opt_texts, strict=True):
                    side = ({"species": self.species_slug[o["species_uuid"]]}
                            if o["species_uuid"] else _texts(text, st))
                    pairs.setdefault(o["pair"], {})[o["side"]] = side
                for number in sorted(pairs):
                    doc.table("question.pairs", {"left": pairs[number].get("left"),
                                                 "right": pairs[number].get("right")},
                              array=True)
            else:
                for o, text in zip(options, opt_texts, strict=True):
                    doc.table("question.options", {
                        "species": self.species_slug.get(o["species_uuid"] or ""),
                        "text": None if o["species_uuid"] else _texts(text, st),
                        "correct": True if o["correct"] else None}, array=True)
        _write(self.root / "course" / "questions" / f"{name}.toml", doc.text())

    # the identification key and the experts -------------------------------------------

    def key_files(self, species: set[str]) -> bool:
        """The key, when every exported species has codings (the format needs them)."""
        characters = self.rows("SELECT * FROM key_characters WHERE deleted = 0 "
                               "ORDER BY position, slug")
        if not characters:
            return False
        codings = self.rows("SELECT k.species_uuid, c.slug AS character, k.coding "
                            "FROM key_codings k JOIN key_characters c "
                            "ON c.uuid = k.character_uuid WHERE k.deleted = 0 "
                            "AND c.deleted = 0 ORDER BY c.position, c.slug")
        by_species: dict[str, dict[str, Any]] = defaultdict(dict)
        for r in codings:
            if r["species_uuid"] in species:
                by_species[r["species_uuid"]][r["character"]] = json.loads(r["coding"])
        if set(by_species) != species:
            return False
        folder = self.root / "key"
        doc = _Doc()
        stats = _Statuses()
        states_of = {c["uuid"]: self.rows(
            "SELECT s.*, m.sha256, m.original_name, m.mime FROM key_states s "
            "LEFT JOIN media m ON m.uuid = s.media_uuid "
            "WHERE s.character_uuid = ? AND s.deleted = 0 ORDER BY s.position, s.slug",
            (c["uuid"],)) for c in characters}
        for c in characters:
            stats.see(self.t(c["uuid"], "name"))
            for s in states_of[c["uuid"]]:
                stats.see(self.t(s["uuid"], "text"))
        separable = self.rows("SELECT * FROM key_not_separable WHERE deleted = 0 "
                              "ORDER BY slug, item")
        for r in separable:
            stats.see(self.t(r["uuid"], "reason"))
        st = stats.table()
        doc.table("translation", dict(st))
        used: set[str] = set()
        for c in characters:
            items = json.loads(c["items"] or "[]")
            doc.table("character", {"id": c["slug"], "kind": c["kind"],
                                    "unit": c["unit"] or None, "items": items or None,
                                    "name": _texts(self.t(c["uuid"], "name"), st)}, array=True)
            for s in states_of[c["uuid"]]:
                picture = None
                if s["media_uuid"] and s["sha256"]:
                    name = _file_name(s, used)
                    _write_bytes(folder / "media" / name, self._picture(s, "key"))
                    picture = f"media/{name}"
                doc.table("character.states", {"id": s["slug"], "picture": picture,
                                               "text": _texts(self.t(s["uuid"], "text"), st)},
                          array=True)
        _write(folder / "characters.toml", doc.text())
        doc = _Doc()
        for uuid in sorted(by_species, key=lambda u: self.species_slug[u]):
            doc.table(_key(self.species_slug[uuid]), by_species[uuid])
        _write(folder / "codings.toml", doc.text())
        records: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in separable:
            records[r["slug"]].append(r)
        doc = _Doc()
        doc.table("translation", dict(st))
        for slug, rows in records.items():
            members = json.loads(rows[0]["species"] or "[]")
            if not all(m in species for m in members):
                continue
            items = sorted(r["item"] for r in rows if r["item"])
            doc.table("not_separable", {
                "id": slug, "items": items or None,
                "species": [self.species_slug[m] for m in members],
                "reason": _texts(self.t(rows[0]["uuid"], "reason"), st)}, array=True)
        _write(folder / "not-separable.toml", doc.text())
        return True

    def experts_file(self) -> None:
        from idtrainer.core.experts import FIELDS

        rows = self.rows("SELECT * FROM experts WHERE deleted = 0 "
                         "ORDER BY position, country, role, uuid")
        if not rows:
            return
        doc = _Doc("Who to call (docs/content-format.md, \"Experts\"): exported by IDTrainer.")
        seen: Counter[str] = Counter()
        for r in rows:
            ident = f"{r['country'].lower()}-{r['role']}"
            if r["taxon_group"] != "all":
                ident += f"-{r['taxon_group']}"
            seen[ident] += 1
            if seen[ident] > 1:
                ident += f"-{seen[ident]}"
            doc.table("expert", {"id": ident, "country": r["country"],
                                 "group": r["taxon_group"], "role": r["role"],
                                 **{f: r[f] or None for f in FIELDS}}, array=True)
        _write(self.root / "experts.toml", doc.text())


def _provenance(doc: _Doc, row: dict[str, Any]) -> None:
    if row.get("copied_from_uuid"):
        doc.table("adapted_from", {"id": row.get("copied_from_slug") or None,
                                   "uuid": row["copied_from_uuid"],
                                   "at": row.get("copied_at") or None,
                                   "by": row.get("copied_by") or None})


_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_EXTENSIONS = {"image/svg+xml": ".svg", "image/png": ".png", "image/jpeg": ".jpg",
               "image/webp": ".webp"}


def _file_name(media: dict[str, Any], used: set[str]) -> str:
    """The picture's original name, made safe and unique within its folder."""
    name = _SAFE_NAME.sub("-", Path(media.get("original_name") or "").name).strip(".-")
    if not name:
        name = media["sha256"][:16] + _EXTENSIONS.get(media.get("mime") or "", "")
    if name in used:
        stem, dot, ext = name.rpartition(".")
        name = f"{stem or ext}-{media['sha256'][:8]}{dot}{ext if stem else ''}"
    used.add(name)
    return name


def _write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _labels(texts: dict[str, Texts], shorts: list[Texts], svg: bytes, mime: str
            ) -> tuple[dict[str, Texts], dict[str, int]]:
    """A diagram's labels, and which of them are numbered callouts of a feature."""
    labels = {name[len(LABEL_PREFIX):]: t for name, t in sorted(texts.items())
              if name.startswith(LABEL_PREFIX)}
    refs: dict[str, int] = {}
    if mime != "image/svg+xml":
        return labels, refs
    from idtrainer.core import diagrams

    for ident, words in labels.items():
        try:
            number = diagrams.callout_number(svg, ident)
        except (ValueError, SyntaxError):
            return labels, {}
        if number and number.isdigit() and 1 <= int(number) <= len(shorts) and (
                shorts[int(number) - 1] == words):
            refs[ident] = int(number)
    return labels, refs


def _caption(refs: dict[str, int], shorts: list[Texts]) -> Texts:
    from idtrainer.core.content import _feature_caption

    return _feature_caption(refs, shorts)


# -- what to export ------------------------------------------------------------------------

def _course(store: Store, course: str | None, modules: list[str] | None) -> dict[str, Any]:
    courses = store.query("SELECT * FROM courses WHERE deleted = 0 ORDER BY position, slug")
    if course is not None:
        found = [c for c in courses if c["slug"] == course]
        if not found:
            raise ExportError(_("no course with id {id!r}").format(id=course))
        return found[0]
    if modules:
        owners = {r["course_uuid"] for r in store.query(
            "SELECT course_uuid FROM modules WHERE deleted = 0 AND slug IN ({})".format(
                ",".join("?" * len(modules))), tuple(modules))}
        found = [c for c in courses if c["uuid"] in owners]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise ExportError(_("the chosen modules belong to different courses; export "
                                "one course at a time"))
    if len(courses) == 1:
        return courses[0]
    if not courses:
        raise ExportError(_("the database has no course to export"))
    raise ExportError(_("the database has {n} courses; choose one ({ids})").format(
        n=len(courses), ids=", ".join(c["slug"] for c in courses)))


def _needed_species(store: Store, ex: _Exporter, lessons: Iterable[str],
                    questions: list[dict[str, Any]]) -> set[str]:
    """Species the chosen modules need: linked from lessons, named by questions, their
    pictures' owners, and (so the files load) every lookalike they point at."""
    by_slug = {slug: uuid for uuid, slug in ex.species_slug.items()}
    wanted: set[str] = set()
    owners = {r["media_uuid"]: r["owner_uuid"] for r in store.query(
        "SELECT media_uuid, owner_uuid FROM media_links WHERE owner_table = 'species' "
        "AND deleted = 0 ORDER BY position DESC")}
    for lesson in lessons:
        for body in ex.t(lesson, "body").values():
            for slug, _rest in SPECIES_LINK.findall(body.value):
                wanted.add(by_slug.get(slug, ""))
            for slug in FEATURES_DIRECTIVE.findall(body.value):
                wanted.add(by_slug.get(slug, ""))
            for media in MEDIA_LINK.findall(body.value):
                wanted.add(owners.get(media, ""))
    for q in questions:
        wanted.update(json.loads(q["species"] or "[]"))
        if q["media_uuid"]:
            wanted.add(owners.get(q["media_uuid"], ""))
        wanted.update(r["species_uuid"] for r in store.query(
            "SELECT species_uuid FROM question_options WHERE question_uuid = ? "
            "AND deleted = 0 AND species_uuid IS NOT NULL", (q["uuid"],)))
    wanted &= set(ex.species)
    todo = list(wanted)
    while todo:
        for r in store.query("SELECT other_species_uuid FROM lookalikes WHERE species_uuid = ? "
                             "AND deleted = 0 AND other_species_uuid IS NOT NULL",
                             (todo.pop(),)):
            if r["other_species_uuid"] not in wanted and r["other_species_uuid"] in ex.species:
                wanted.add(r["other_species_uuid"])
                todo.append(r["other_species_uuid"])
    return wanted


def module_choices(store: Store) -> list[dict[str, Any]]:
    """Every module with its course, for a picker: uuid, slug, course slug, position."""
    return store.query(
        "SELECT m.uuid, m.slug, m.position, c.slug AS course, c.uuid AS course_uuid "
        "FROM modules m JOIN courses c ON c.uuid = m.course_uuid "
        "WHERE m.deleted = 0 AND c.deleted = 0 ORDER BY c.position, c.slug, m.position, m.slug")


def export_content(store: Store, target: Path, *, modules: list[str] | None = None,
                   course: str | None = None, progress: Progress | None = None
                   ) -> ExportSummary:
    """Write the course (or the modules with ids ``modules`` and what they need) to
    ``target`` in the content format; return what was written.

    ``course/``, ``species/``, ``key/`` and ``experts.toml`` in ``target`` are replaced as
    a whole; anything else there (a ``.git`` folder, a README) is left alone."""
    from idtrainer.core.content import ContentError, read_content

    target = Path(target)
    if target.exists() and not target.is_dir():
        raise ExportError(_("{path}: not a folder").format(path=target))
    the_course = _course(store, course, modules)
    all_modules = store.query("SELECT * FROM modules WHERE course_uuid = ? AND deleted = 0 "
                              "ORDER BY position, slug", (the_course["uuid"],))
    if modules:
        known = {m["slug"] for m in all_modules}
        if unknown := [m for m in modules if m not in known]:
            raise ExportError(_("no module with id {ids} in course {course}").format(
                ids=", ".join(repr(m) for m in unknown), course=the_course["slug"]))
        chosen = [m for m in all_modules if m["slug"] in set(modules)]
    else:
        chosen = all_modules
    module_slugs = {m["uuid"]: m["slug"] for m in chosen}
    questions = store.query(
        "SELECT * FROM questions WHERE deleted = 0 AND (module_uuid IN ({}){}) "
        "ORDER BY slug, uuid"
        .format(",".join("?" * len(module_slugs)),
                "" if modules else " OR module_uuid IS NULL"), tuple(module_slugs))
    lessons = [r["uuid"] for r in store.query(
        "SELECT uuid FROM lessons WHERE deleted = 0 AND module_uuid IN ({})".format(
            ",".join("?" * len(module_slugs))), tuple(module_slugs))]

    target.mkdir(parents=True, exist_ok=True)
    work = target / WORKING
    shutil.rmtree(work, ignore_errors=True)
    summary = ExportSummary(target, the_course["slug"], [m["slug"] for m in chosen])
    ex = _Exporter(store, work)
    species = set(ex.species) if not modules else _needed_species(store, ex, lessons, questions)
    total = len(species) + len(chosen) + 3
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total)

    try:
        for uuid in sorted(species, key=lambda u: ex.species_slug[u]):
            summary.pictures += ex.species_file(uuid)
            step()
        summary.species = len(species)
        ex.course_file(the_course)
        for m in chosen:
            summary.lessons += ex.module_file(m)
            step()
        grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for q in questions:
            grouped[module_slugs.get(q["module_uuid"] or "", "general")].append(q)
        for name in sorted(grouped):
            ex.questions_file(name, grouped[name], module_slugs)
        summary.questions = len(questions)
        if not modules:
            # The key and the experts are the whole course's: a few modules leave them out
            # (loading such a folder leaves the database's key and experts as they are).
            summary.key = ex.key_files(species)
            ex.experts_file()
        step()
        # Read back with the loader's own checks: what cannot be loaded is not exported.
        try:
            read_content(work)
        except ContentError as exc:
            raise ExportError(_("the export would not load back, so nothing was written:\n"
                                "{problems}").format(problems=exc)) from exc
        step()
        for name in EXPORTED:
            old = target / name
            if old.is_dir():
                shutil.rmtree(old)
            elif old.exists():
                old.unlink()
            if (work / name).exists():
                (work / name).replace(old)
        step()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return summary


# -- pickers and the folder import (for the authoring workspace) -------------------------

@dataclass(frozen=True)
class Choice:
    kind: str            # "course" or "module"
    uuid: str
    slug: str
    title: str           # in the reader's language (fallback ru -> en), or the id
    course: str          # the course's id (a course's own id for a course)
    provenance: dict[str, Any] | None


def choices(store: Store, locale: str) -> list[Choice]:
    """Every course followed by its modules, titled in ``locale``, with provenance."""
    from idtrainer.core.texts import pick

    titles: dict[str, Texts] = defaultdict(dict)
    for r in store.query("SELECT owner_uuid, locale, value, status FROM texts "
                         "WHERE field = 'title' AND deleted = 0 "
                         "AND owner_table IN ('courses', 'modules')"):
        titles[r["owner_uuid"]][r["locale"]] = Translation(r["value"], r["status"])

    def made(kind: str, row: dict[str, Any], course: str) -> Choice:
        shown = pick(titles.get(row["uuid"], {}), locale)
        prov = {k: row[k] for k in ("copied_from_uuid", "copied_from_slug", "copied_at",
                                    "copied_by")} if row.get("copied_from_uuid") else None
        return Choice(kind, row["uuid"], row["slug"], shown.value if shown else row["slug"],
                      course, prov)

    out = []
    for c in store.query("SELECT * FROM courses WHERE deleted = 0 ORDER BY position, slug"):
        out.append(made("course", c, c["slug"]))
        for m in store.query("SELECT * FROM modules WHERE course_uuid = ? AND deleted = 0 "
                             "ORDER BY position, slug", (c["uuid"],)):
            out.append(made("module", m, c["slug"]))
    return out


def import_folder(store: Store, root: Path, progress: Progress | None = None
                  ) -> tuple[Any, Any]:
    """``content load`` for a folder: validate everything (the format and the
    item-writing rules), then load it in one transaction. Raises ContentError with every
    problem, the database unchanged. Returns (content set, load summary)."""
    from idtrainer.core.app_data import STARTER_LOADED
    from idtrainer.core.content import ContentError, load_content, read_content
    from idtrainer.core.item_rules import check_rules

    root = Path(root)
    if not root.is_dir():
        raise ExportError(_("{path}: not a folder").format(path=root))
    if not (root / "course" / "course.toml").is_file() and not (root / "species").is_dir():
        raise ExportError(_("{path}: not a course folder (it has no course/course.toml "
                            "and no species/ folder)").format(path=root))
    content = read_content(root)
    if problems := check_rules(content):
        raise ContentError(problems)
    summary = load_content(store, content, progress)
    store.set_setting(STARTER_LOADED, store.now())
    return content, summary
