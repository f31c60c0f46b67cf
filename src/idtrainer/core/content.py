"""Read the human-editable starter content under ``assets/`` and load it into a Store.

The format is described in docs/content-format.md. Reading validates every
file completely and reports every problem as ``file: field: reason`` before
the database is touched; loading then writes everything in one transaction.
Uuids derive from content ids, so reloading the same files changes nothing
and every laptop gets the same uuids.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from idtrainer.core import content_rules as rules
from idtrainer.core.diagrams import LABEL_PREFIX
from idtrainer.core.errors import IDTrainerError
from idtrainer.core.i18n import gettext as _
from idtrainer.core.languages import codes as language_codes
from idtrainer.core.languages import required_content
from idtrainer.core.media import MediaError, inspect_image
from idtrainer.core.resources import assets_dir
from idtrainer.core.schema import (
    APPENDICES,
    PRODUCT_TYPES,
    QUESTION_TYPES,
    RANKS,
    SYNCED_TABLES,
    TAXON_GROUPS,
    TEXT_STATUSES,
)
from idtrainer.core.store import content_uuid, is_content_uuid
from idtrainer.core.texts import Translation, text_row, with_derived

if TYPE_CHECKING:
    from idtrainer.core.store import PutResult, Store

Progress = Callable[[int, int], None]
Texts = dict[str, Translation]

ID_PATTERN = rules.ID_PATTERN
SPECIES_LINK = re.compile(r"\]\(species:([^)\s/]+)(/[^)\s]*)?\)")
#: ``{{features:saiga-tatarica}}`` in a lesson: the species' numbered diagnostic features
FEATURES_DIRECTIVE = re.compile(r"\{\{features:([a-z0-9-]+)\}\}")


@dataclass(frozen=True)
class Problem:
    file: Path
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.reason}"


class ContentError(IDTrainerError, ValueError):
    """The content files have problems; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        head = _("The content files have {count} problem(s):").format(count=len(problems))
        super().__init__("\n".join([head, *(str(p) for p in problems)]))


# -- the validated model -----------------------------------------------------------------

@dataclass
class ImageSpec:
    key: str                     # "<species-id>/<file>"
    path: Path
    author: str
    licence: str
    source: str
    caption: Texts
    info: Any = None             # pictures.PictureInfo once it passed the gate
    labels: dict[str, Texts] = field(default_factory=dict)   # svg text id -> words
    features: dict[str, int] = field(default_factory=dict)   # svg text id -> feature number
    practice: bool = True        # may be a picture card "which species is this?"
    #: the question this picture can answer when it cannot answer "which species?"
    #: ([images.ask]: question and answer), a practice card of its own
    ask: Texts = field(default_factory=dict)
    ask_answer: Texts = field(default_factory=dict)
    #: ([[images.markers]]) feature markers: (feature number, x, y), x and y fractions of
    #: the picture's width and height, in the order written
    markers: list[tuple[int, float, float]] = field(default_factory=list)


@dataclass
class SpeciesSpec:
    id: str
    file: Path
    taxon: dict[str, Any]
    group: str
    names: Texts
    other_names: Texts
    texts: dict[str, Texts]      # summary, range, handling, what_to_do
    listing: dict[str, Any] | None
    annotation: Texts
    features: list[Texts]
    products: list[tuple[str, Texts]]
    lookalikes: list[tuple[str | None, Texts, Texts]]   # other species id, label, points
    images: list[ImageSpec]
    tags: list[str] = field(default_factory=list)   # poster and filter tags
    feature_shorts: list[Texts] = field(default_factory=list)  # callout form of each feature


@dataclass
class LessonSpec:
    id: str
    title: Texts
    body: Texts


@dataclass
class ModuleSpec:
    id: str
    position: int
    title: Texts
    summary: Texts
    lessons: list[LessonSpec]
    adapted_from: dict[str, str | None] = field(default_factory=dict)


@dataclass
class QuestionSpec:
    id: str
    file: Path
    qtype: str
    module: str | None
    difficulty: int
    tags: list[str]
    species: list[str]
    image: str | None
    answer: Any
    stem: Texts
    feedback: Texts
    options: list[dict[str, Any]]    # correct, side, pair, species, text


@dataclass
class ContentSet:
    root: Path
    course_id: str = ""
    course_title: Texts = field(default_factory=dict)
    course_description: Texts = field(default_factory=dict)
    course_adapted_from: dict[str, str | None] = field(default_factory=dict)
    species: list[SpeciesSpec] = field(default_factory=list)
    modules: list[ModuleSpec] = field(default_factory=list)
    questions: list[QuestionSpec] = field(default_factory=list)
    key: Any = None                  # identify.KeySpec, when assets/key exists
    experts: list[dict[str, str]] = field(default_factory=list)


# -- reading -------------------------------------------------------------------------------

def unreadable(exc: UnicodeDecodeError | OSError) -> str:
    """Why a content file could not be read, in one line."""
    if isinstance(exc, UnicodeDecodeError):
        return _("not UTF-8 text ({reason} at byte {offset}); save the file as UTF-8").format(
            reason=exc.reason, offset=exc.start)
    if isinstance(exc, IsADirectoryError):
        return _("is a folder, not a file")
    return _("cannot be read ({reason})").format(reason=exc.strerror or exc)


class _File:
    """Field readers for one source file that record problems instead of raising."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems
        self.statuses: dict[str, str] = {}

    def problem(self, where: str, reason: str) -> None:
        self.problems.append(Problem(self.path, where, reason))

    def load_toml(self) -> dict[str, Any] | None:
        try:
            data = tomllib.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            self.problem("-", _("file is missing"))
            return None
        except (UnicodeDecodeError, OSError) as exc:
            self.problem("-", unreadable(exc))
            return None
        except tomllib.TOMLDecodeError as exc:
            self.problem("-", _("not valid TOML: {reason}").format(reason=exc))
            return None
        statuses = data.get("translation", {})
        if not isinstance(statuses, dict):
            self.problem("translation", _("must be a table of locale = status"))
            statuses = {}
        for loc, status in statuses.items():
            if loc not in language_codes():
                self.problem(f"translation.{loc}", _("unknown locale"))
            elif status not in TEXT_STATUSES:
                self.problem(f"translation.{loc}", _("status must be one of {values}").format(
                    values=", ".join(TEXT_STATUSES)))
            else:
                self.statuses[loc] = status
        return data

    def string(self, data: dict, key: str, where: str, *, required: bool = True,
               default: str = "") -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(where, _("is required"))
            return default
        if not isinstance(value, str) or (required and not value.strip()):
            self.problem(where, _("must be non-empty text"))
            return default
        return value.strip()

    def ident(self, data: dict, key: str, where: str) -> str:
        value = self.string(data, key, where)
        if (reason := rules.id_problem(value)) is not None:
            self.problem(where, reason)
        return value

    def choice(self, data: dict, key: str, where: str, values: tuple[str, ...], *,
               required: bool = True, default: str = "") -> str:
        value = self.string(data, key, where, required=required, default=default)
        if value and value not in values:
            self.problem(where, _("must be one of {values}, not {value!r}").format(
                values=", ".join(values), value=value))
            return default
        return value

    def date(self, data: dict, key: str, where: str, *, required: bool) -> str | None:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(where, _("is required (a date such as 2026-11-20)"))
            return None
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value).isoformat()
            except ValueError:
                pass
        self.problem(where, _("must be a date such as 2026-11-20"))
        return None

    def strings(self, data: dict, key: str, where: str) -> list[str]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(where, _("must be a list of text"))
            return []
        return [v.strip() for v in value if v.strip()]

    def texts(self, value: Any, where: str, *, required: bool = True) -> Texts:
        """A translated field: {locale: text or {text, status}}."""
        if value is None:
            if required:
                self.problem(where, _("is required (a table with {locales})").format(
                    locales=", ".join(required_content())))
            return {}
        if not isinstance(value, dict):
            self.problem(where, _("must be a table of locale = text"))
            return {}
        out: Texts = {}
        for loc, item in value.items():
            here = f"{where}.{loc}"
            if loc not in language_codes():
                self.problem(here, _("unknown locale; use one of {locales}").format(
                    locales=", ".join(language_codes())))
                continue
            status = self.statuses.get(loc, "draft")
            review: tuple[str, str | None] = ("", None)
            if isinstance(item, dict):
                status = item.get("status", status)
                if status not in TEXT_STATUSES:
                    self.problem(f"{here}.status", _("status must be one of {values}").format(
                        values=", ".join(TEXT_STATUSES)))
                    continue
                if (found := self.review(item, here)) is None:
                    continue
                review = found
                item = item.get("text")
            if not isinstance(item, str) or not item.strip():
                self.problem(here, _("must be non-empty text"))
                continue
            out[loc] = Translation(item.strip(), status, *review)
        if (reason := rules.fallback_problem(out)) is not None:
            self.problem(where, reason)
        return out

    def review(self, item: dict, where: str) -> tuple[str, str | None] | None:
        """``reviewed_by`` and ``reviewed_at`` of an inline text (who marked it reviewed in
        the app, and when); None after a problem."""
        by, at = item.get("reviewed_by", ""), item.get("reviewed_at")
        if not isinstance(by, str):
            self.problem(f"{where}.reviewed_by", _("must be text"))
            return None
        if at is not None and not isinstance(at, str):
            self.problem(f"{where}.reviewed_at", _("must be text"))
            return None
        return by.strip(), at or None

    def name_lists(self, value: Any, where: str) -> Texts:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problem(where, _("must be a table of locale = list of names"))
            return {}
        out: Texts = {}
        for loc, names in value.items():
            if loc not in language_codes():
                self.problem(f"{where}.{loc}", _("unknown locale; use one of {locales}").format(
                    locales=", ".join(language_codes())))
            elif not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                self.problem(f"{where}.{loc}", _("must be a list of names"))
            elif names:
                out[loc] = Translation("\n".join(n.strip() for n in names),
                                       self.statuses.get(loc, "draft"))
        return out

    def adapted_from(self, data: dict) -> dict[str, str | None]:
        """``[adapted_from]``: where an adapted course or module was copied from, as the
        provenance columns (all None when the table is absent)."""
        value = data.get("adapted_from", {})
        if not isinstance(value, dict):
            self.problem("adapted_from", _("must be a table: id, uuid, at, by"))
            value = {}
        out: dict[str, str | None] = {}
        for key, column in (("uuid", "copied_from_uuid"), ("id", "copied_from_slug"),
                            ("at", "copied_at"), ("by", "copied_by")):
            item = value.get(key)
            if item is not None and not isinstance(item, str):
                self.problem(f"adapted_from.{key}", _("must be text"))
                item = None
            out[column] = item or None
        if value and not out["copied_from_uuid"]:
            self.problem("adapted_from.uuid", _("is required"))
        return out

    def table_list(self, data: dict, key: str) -> list[dict]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.problem(key, _("must be a list of tables ([[{key}]])").format(key=key))
            return []
        return value


def _locale_part(entry: dict) -> dict:
    return {k: v for k, v in entry.items() if k in language_codes()}


def _open_folder_item(folder: Path, filename: str, problems: list[Problem]
                      ) -> tuple[_File, dict[str, Any], str] | None:
    """Read ``folder/filename``; its ``id`` must equal the folder's name."""
    f = _File(folder / filename, problems)
    data = f.load_toml()
    if data is None:
        return None
    ident = f.ident(data, "id", "id")
    if ident and ident != folder.name:
        f.problem("id", _("must equal the folder name {folder!r}").format(folder=folder.name))
    return f, data, ident


def read_species(folder: Path, problems: list[Problem]) -> SpeciesSpec | None:
    if (opened := _open_folder_item(folder, "species.toml", problems)) is None:
        return None
    f, data, sid = opened
    taxon: dict[str, Any] = {
        "scientific_name": f.string(data, "scientific_name", "scientific_name"),
        "author": f.string(data, "author", "author", required=False),
        "rank": f.choice(data, "rank", "rank", RANKS, required=False, default="species"),
        "kingdom": f.string(data, "kingdom", "kingdom", required=False),
        "phylum": f.string(data, "phylum", "phylum", required=False),
        "class": f.string(data, "class", "class", required=False),
        "order": f.string(data, "order", "order", required=False),
        "family": f.string(data, "family", "family", required=False),
        "genus": f.string(data, "genus", "genus", required=False),
        "synonyms": f.strings(data, "synonyms", "synonyms"),
    }
    if not taxon["genus"] and taxon["scientific_name"]:
        taxon["genus"] = taxon["scientific_name"].split()[0]
    group = f.choice(data, "group", "group", TAXON_GROUPS)
    names = f.texts(data.get("name"), "name")
    texts = {key: f.texts(data.get(key), key, required=key in ("summary", "what_to_do"))
             for key in ("summary", "range", "handling", "what_to_do")}

    listing = None
    annotation: Texts = {}
    cites = data.get("cites")
    if not isinstance(cites, dict):
        f.problem("cites", _("is required: appendix, source and checked_on"))
    else:
        listing = {
            "appendix": f.choice(cites, "appendix", "cites.appendix", APPENDICES),
            "source": f.string(cites, "source", "cites.source"),
            "checked_on": f.date(cites, "checked_on", "cites.checked_on", required=True),
            "listed_since": f.date(cites, "listed_since", "cites.listed_since", required=False),
            "to_verify": bool(cites.get("to_verify", False)),
        }
        if not isinstance(cites.get("to_verify", False), bool):
            f.problem("cites.to_verify", _("must be true or false"))
        annotation = f.texts(cites.get("annotation"), "cites.annotation", required=False)

    feature_entries = f.table_list(data, "features")
    features = [f.texts(_locale_part(e), f"features[{i}]")
                for i, e in enumerate(feature_entries, 1)]
    shorts = [f.texts(e.get("short"), f"features[{i}].short", required=False)
              for i, e in enumerate(feature_entries, 1)]
    if not features:
        f.problem("features", _("list at least one diagnostic feature"))
    products = []
    for i, entry in enumerate(f.table_list(data, "products"), 1):
        ptype = f.choice(entry, "type", f"products[{i}].type", PRODUCT_TYPES)
        products.append((ptype, f.texts(_locale_part(entry), f"products[{i}]")))
    lookalikes = []
    for i, entry in enumerate(f.table_list(data, "lookalikes"), 1):
        other = entry.get("species")
        label = f.texts(entry.get("label"), f"lookalikes[{i}].label", required=other is None)
        if other is not None and not isinstance(other, str):
            f.problem(f"lookalikes[{i}].species", _("must be a species id"))
            other = None
        points = f.texts(entry.get("points"), f"lookalikes[{i}].points")
        lookalikes.append((other, label, points))
    images = []
    for i, entry in enumerate(f.table_list(data, "images"), 1):
        where = f"images[{i}]"
        rel = f.string(entry, "file", f"{where}.file")
        licence = f.string(entry, "licence", f"{where}.licence")
        if licence and (reason := rules.licence_problem(licence)) is not None:
            f.problem(f"{where}.licence", reason)
        spec = ImageSpec(f"{sid}/{rel}", folder / rel,
                         f.string(entry, "author", f"{where}.author"), licence,
                         f.string(entry, "source", f"{where}.source"),
                         f.texts(entry.get("caption"), f"{where}.caption", required=False))
        labels = entry.get("labels", {})
        if not isinstance(labels, dict):
            f.problem(f"{where}.labels", _("must be a table of text ids"))
            labels = {}
        for key, value in labels.items():
            if isinstance(value, dict) and set(value) == {"feature"}:
                # A numbered callout: its words are the feature's short form, so callout,
                # caption and lesson list cannot disagree.
                number = value["feature"]
                if not isinstance(number, int) or not 1 <= number <= len(features):
                    f.problem(f"{where}.labels.{key}", _(
                        "feature must be the number of one of the [[features]] (1–{n})")
                        .format(n=len(features)))
                elif not shorts[number - 1]:
                    f.problem(f"{where}.labels.{key}", _(
                        "features[{n}] needs a short form (short = {{ en = … }}) to be a "
                        "callout").format(n=number))
                else:
                    spec.features[key] = number
                    spec.labels[key] = shorts[number - 1]
            else:
                spec.labels[key] = f.texts(value, f"{where}.labels.{key}")
        if spec.features and not spec.caption:
            spec.caption = _feature_caption(spec.features, shorts)
        practice = entry.get("practice", True)
        if not isinstance(practice, bool):
            f.problem(f"{where}.practice", _("must be true or false"))
        spec.practice = practice is not False
        if (ask := entry.get("ask")) is not None:
            if not isinstance(ask, dict) or set(ask) != {"question", "answer"}:
                f.problem(f"{where}.ask", _("must be a table with question and answer"))
            else:
                spec.ask = f.texts(ask["question"], f"{where}.ask.question")
                spec.ask_answer = f.texts(ask["answer"], f"{where}.ask.answer")
        spec.markers = _read_markers(f, entry.get("markers", []), where, len(features))
        if rel:
            if ".." in Path(rel).parts or Path(rel).is_absolute():
                f.problem(f"{where}.file", _("must be a path inside the species folder"))
                continue
            try:
                spec.info = inspect_image(spec.path)
            except MediaError as exc:
                f.problem(f"{where}.file", str(exc))
                continue
            if spec.info.mime == "image/svg+xml":
                _check_labels(f, spec, where)
        images.append(spec)
    if not images:
        f.problem("images", _("every species needs at least one image"))
    tags = f.strings(data, "tags", "tags")
    for tag in tags:
        if not ID_PATTERN.match(tag):
            f.problem("tags", _("{tag!r}: use lowercase letters, digits and -").format(tag=tag))
    return SpeciesSpec(sid, f.path, taxon, group, names,
                       f.name_lists(data.get("other_names"), "other_names"), texts, listing,
                       annotation, features, products, lookalikes, images, tags, shorts)


def _read_markers(f: _File, value: Any, where: str, features: int
                  ) -> list[tuple[int, float, float]]:
    """``[[images.markers]]``: each a feature number and a point on the picture."""
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        f.problem(f"{where}.markers", _("must be a list of tables ([[{key}]])").format(
            key="images.markers"))
        return []
    markers = []
    for j, entry in enumerate(value, 1):
        here = f"{where}.markers[{j}]"
        ok = True
        number = entry.get("feature")
        if number is None:
            f.problem(f"{here}.feature", _("is required"))
            ok = False
        elif isinstance(number, bool) or not isinstance(number, int) or not (
                1 <= number <= features):
            f.problem(f"{here}.feature", _(
                "feature must be the number of one of the [[features]] (1–{n})")
                .format(n=features))
            ok = False
        point = []
        for axis in ("x", "y"):
            v = entry.get(axis)
            if v is None:
                f.problem(f"{here}.{axis}", _("is required"))
                ok = False
            elif isinstance(v, bool) or not isinstance(v, int | float) or not (
                    0 <= v <= 1):            # NaN fails the comparison too
                f.problem(f"{here}.{axis}", _(
                    "must be a number from 0 to 1 (a fraction of the picture's width or "
                    "height)"))
                ok = False
            else:
                point.append(float(v))
        for key in sorted(set(entry) - {"feature", "x", "y"}):
            f.problem(f"{here}.{key}", _("unknown key; a marker has feature, x and y"))
            ok = False
        if ok:
            markers.append((int(number), point[0], point[1]))
    return markers


def _feature_caption(refs: dict[str, int], shorts: list[Texts]) -> Texts:
    """"2 amber, translucent; 3 …": the callouts of a picture, numbered as the features."""
    numbers = sorted(set(refs.values()))
    caption: Texts = {}
    for loc in language_codes():
        parts = [f"{n} {shorts[n - 1][loc].value}" for n in numbers if loc in shorts[n - 1]]
        if len(parts) == len(numbers):
            status = shorts[numbers[0] - 1][loc].status
            caption[loc] = Translation("; ".join(p.replace("\n", " ") for p in parts), status)
    return caption


def _check_labels(f: _File, spec: ImageSpec, where: str) -> None:
    """Every text of a diagram has its words in the species file, and no words are stray."""
    from idtrainer.core import diagrams

    try:
        ids = diagrams.label_ids(spec.path.read_bytes())
    except (OSError, ValueError, SyntaxError) as exc:
        f.problem(f"{where}.file", str(exc))
        return
    for ident in ids:
        if ident not in spec.labels:
            f.problem(f"{where}.labels", _("the diagram's text {id!r} has no words here; "
                                           "write them in [images.labels]").format(id=ident))
    for ident in spec.labels:
        if ident not in ids:
            f.problem(f"{where}.labels.{ident}", _("the diagram has no text with this id"))
    for ident, number in spec.features.items():
        if diagrams.callout_number(spec.path.read_bytes(), ident) != str(number):
            f.problem(f"{where}.labels.{ident}", _(
                "the callout's number in the diagram must be {n}, the feature's number")
                .format(n=number))


def read_module(folder: Path, problems: list[Problem]) -> ModuleSpec | None:
    if (opened := _open_folder_item(folder, "module.toml", problems)) is None:
        return None
    f, data, mid = opened
    position = data.get("position")
    if not isinstance(position, int):
        f.problem("position", _("must be a whole number"))
        position = 0
    lessons = []
    for i, entry in enumerate(f.table_list(data, "lessons"), 1):
        lid = f.ident(entry, "id", f"lessons[{i}].id")
        title = f.texts(entry.get("title"), f"lessons[{i}].title")
        overrides = entry.get("status", {})
        if not isinstance(overrides, dict):
            f.problem(f"lessons[{i}].status", _("must be a table of locale = status"))
            overrides = {}
        body: Texts = {}
        for loc in language_codes():
            md = folder / f"{lid}.{loc}.md"
            if md.exists():
                try:
                    text = md.read_text(encoding="utf-8").strip()
                except (UnicodeDecodeError, OSError) as exc:
                    problems.append(Problem(md, "-", unreadable(exc)))
                    continue
                if not text:
                    problems.append(Problem(md, "-", _("the lesson file is empty")))
                    continue
                status = overrides.get(loc, f.statuses.get(loc, "draft"))
                review: tuple[str, str | None] = ("", None)
                if isinstance(status, dict):   # { status = …, reviewed_by = …, reviewed_at = … }
                    review = f.review(status, f"lessons[{i}].status.{loc}") or review
                    status = status.get("status", f.statuses.get(loc, "draft"))
                if status not in TEXT_STATUSES:
                    f.problem(f"lessons[{i}].status.{loc}", _("status must be one of {values}")
                              .format(values=", ".join(TEXT_STATUSES)))
                    continue
                body[loc] = Translation(text, status, *review)
        if lid and not ({"ru", "en"} & body.keys()):
            f.problem(f"lessons[{i}]", _("no body found: write {name} or {alt}").format(
                name=f"{lid}.ru.md", alt=f"{lid}.en.md"))
        lessons.append(LessonSpec(lid, title, body))
    known = {lesson.id for lesson in lessons}
    for md in sorted(folder.glob("*.md")):
        stem = md.name.rsplit(".", 2)[0]
        if stem not in known or md.name.count(".") != 2:
            problems.append(Problem(md, "-", _("no lesson with this id in module.toml "
                                               "(expected <lesson-id>.<locale>.md)")))
    return ModuleSpec(mid, position, f.texts(data.get("title"), "title"),
                      f.texts(data.get("summary"), "summary", required=False), lessons,
                      f.adapted_from(data))


def read_questions(path: Path, problems: list[Problem]) -> list[QuestionSpec]:
    f = _File(path, problems)
    data = f.load_toml()
    if data is None:
        return []
    out = []
    for i, q in enumerate(f.table_list(data, "question"), 1):
        qid = f.ident(q, "id", f"question[{i}].id")
        where = f"question[{qid or i}]"
        qtype = f.choice(q, "type", f"{where}.type", QUESTION_TYPES)
        difficulty = q.get("difficulty", 1)
        if difficulty not in (1, 2, 3):
            f.problem(f"{where}.difficulty", _("must be 1, 2 or 3"))
            difficulty = 1
        spec = QuestionSpec(
            qid, path, qtype, q.get("module"), difficulty, f.strings(q, "tags", f"{where}.tags"),
            f.strings(q, "species", f"{where}.species"), q.get("image"), None,
            f.texts(q.get("stem"), f"{where}.stem"),
            f.texts(q.get("feedback"), f"{where}.feedback", required=False), [])
        _read_answer(f, q, spec, where)
        out.append(spec)
    return out


def _read_answer(f: _File, q: dict, spec: QuestionSpec, where: str) -> None:
    if spec.qtype in ("single", "multiple", "image"):
        for j, opt in enumerate(f.table_list(q, "options"), 1):
            here = f"{where}.options[{j}]"
            text = {} if "species" in opt else f.texts(opt.get("text"), f"{here}.text")
            if not isinstance(opt.get("correct", False), bool):
                f.problem(f"{here}.correct", _("must be true or false"))
            spec.options.append({"correct": opt.get("correct") is True,
                                 "species": opt.get("species"), "text": text,
                                 "side": None, "pair": None})
    elif spec.qtype == "truefalse":
        if not isinstance(q.get("answer"), bool):
            f.problem(f"{where}.answer", _("must be true or false"))
        spec.answer = {"value": q.get("answer") is True}
    elif spec.qtype == "appendix":
        answer = f.choice(q, "answer", f"{where}.answer", APPENDICES)
        spec.answer = {"appendix": answer}
    elif spec.qtype == "matching":
        for j, pair in enumerate(f.table_list(q, "pairs"), 1):
            for side in ("left", "right"):
                value = pair.get(side)
                here = f"{where}.pairs[{j}].{side}"
                if isinstance(value, dict) and "species" in value:
                    spec.options.append({"correct": True, "species": value["species"],
                                         "text": {}, "side": side, "pair": j})
                else:
                    spec.options.append({"correct": True, "species": None,
                                         "text": f.texts(value, here), "side": side,
                                         "pair": j})
    # The rules the authoring workspace applies too (core/content_rules.py).
    for here, reason in rules.option_problems(spec.qtype, spec.options, bool(spec.image)):
        f.problem(f"{where}.{here}", reason)


def read_content(root: Path | None = None) -> ContentSet:
    """Read and validate everything under ``root`` (default: the shipped assets)."""
    root = Path(root) if root else assets_dir()
    problems: list[Problem] = []
    content = ContentSet(root)
    species_dir = root / "species"
    # Ids of folders whose file could not be read: their problem is listed once, and
    # references to them are not reported again as "no species with id ...".
    unread: set[str] = set()
    for folder in sorted(p for p in species_dir.iterdir() if p.is_dir()) if (
            species_dir.is_dir()) else []:
        if (spec := read_species(folder, problems)) is not None:
            content.species.append(spec)
        else:
            unread.add(folder.name)
    course = root / "course"
    f = _File(course / "course.toml", problems)
    if (data := f.load_toml()) is not None:
        content.course_id = f.ident(data, "id", "id")
        content.course_title = f.texts(data.get("title"), "title")
        content.course_description = f.texts(data.get("description"), "description",
                                             required=False)
        content.course_adapted_from = f.adapted_from(data)
    modules_dir = course / "modules"
    for folder in sorted(p for p in modules_dir.iterdir() if p.is_dir()) if (
            modules_dir.is_dir()) else []:
        if (module := read_module(folder, problems)) is not None:
            content.modules.append(module)
        else:
            unread.add(folder.name)
    questions_dir = course / "questions"
    for path in sorted(questions_dir.glob("*.toml")) if questions_dir.is_dir() else []:
        content.questions += read_questions(path, problems)
    _cross_check(content, problems, unread)
    from idtrainer.core import experts, identify

    # Species whose files could not be read are reported once, not again by the key.
    content.key = identify.read_key(root, {s.id for s in content.species} | unread, problems)
    content.experts = experts.read_starter(root, problems)
    if problems:
        raise ContentError(problems)
    return content


def _cross_check(content: ContentSet, problems: list[Problem], unread: set[str]) -> None:
    species = {s.id for s in content.species} | unread
    modules = {m.id for m in content.modules} | unread
    images = {img.key for s in content.species for img in s.images}
    for kind, ids in (("species", [s.id for s in content.species]),
                      ("module", [m.id for m in content.modules]),
                      ("question", [q.id for q in content.questions])):
        for ident, n in Counter(ids).items():
            if n > 1 and ident:
                problems.append(Problem(content.root, kind, _("id {id!r} is used {n} times")
                                        .format(id=ident, n=n)))
    for s in content.species:
        for i, (other, _label, _points) in enumerate(s.lookalikes, 1):
            for reason in rules.species_link_problems([other] if other else [], species):
                problems.append(Problem(s.file, f"lookalikes[{i}].species", reason))
    for m in content.modules:
        for lesson in m.lessons:
            for loc, text in lesson.body.items():
                for target in FEATURES_DIRECTIVE.findall(text.value):
                    if target not in species:
                        md = content.root / "course" / "modules" / m.id / f"{lesson.id}.{loc}.md"
                        problems.append(Problem(md, f"features:{target}",
                                                _("no species with this id")))
                for target, rest in SPECIES_LINK.findall(text.value):
                    md = content.root / "course" / "modules" / m.id / f"{lesson.id}.{loc}.md"
                    if target not in species:
                        problems.append(Problem(md, f"species:{target}",
                                                _("no species with this id")))
                    elif rest and f"{target}{rest}" not in images and target not in unread:
                        problems.append(Problem(md, f"species:{target}{rest}",
                                                _("no such image listed in that species")))
    for q in content.questions:
        where = f"question[{q.id}]"
        if q.module and q.module not in modules:
            problems.append(Problem(q.file, f"{where}.module",
                                    _("no module with id {id!r}").format(id=q.module)))
        for reason in rules.species_link_problems(
                [*q.species, *(o["species"] for o in q.options if o["species"])], species):
            problems.append(Problem(q.file, where, reason))
        if q.image and q.image not in images and q.image.split("/")[0] not in unread:
            problems.append(Problem(q.file, f"{where}.image", _(
                "{image!r} is not an image listed in a species.toml").format(image=q.image)))


# -- loading -------------------------------------------------------------------------------

@dataclass
class LoadSummary:
    counts: Counter = field(default_factory=Counter)   # (table, result) -> n

    def total(self, result: str) -> int:
        return sum(n for (_table, r), n in self.counts.items() if r == result)


class _Writer:
    """Writes a content load's rows through :meth:`Store.put`, or, with ``fresh`` (a
    database without any synced row yet: a first start), keeps them in memory as ``put``
    would have left them and inserts each table's rows at :meth:`flush` in a few
    ``executemany`` calls. The rows and the summary are the same either way (a test
    compares them): only the per-row lookup and savepoint are saved."""

    def __init__(self, store: Store, summary: LoadSummary, *, fresh: bool = False) -> None:
        self.store = store
        self.summary = summary
        self.written: dict[str, set[str]] = {}
        self.fresh = fresh
        self.pending: dict[str, dict[str, dict[str, Any]]] = {}  # table -> uuid -> row
        self.text_uuids: dict[tuple[str, str, str], set[str]] = {}  # texts of one field

    def put(self, table: str, row: dict[str, Any]) -> str:
        result = self._put_pending(table, row) if self.fresh else self.store.put(table, row)
        self.summary.counts[(table, result)] += 1
        self.written.setdefault(table, set()).add(row["uuid"])
        return row["uuid"]

    def _put_pending(self, table: str, row: dict[str, Any]) -> PutResult:
        """:meth:`Store.put` on the rows kept in memory."""
        values = self.store.put_values(table, row)
        rows = self.pending.setdefault(table, {})
        current = rows.get(values["uuid"])
        if current is None:
            rows[values["uuid"]] = self.store.new_row(table, values)
            return "added"
        changed = self.store.changed_values(current, values)
        if not changed:
            return "unchanged"
        current.update(changed, rev=current["rev"] + 1, updated_at=self.store.now(),
                       updated_by=self.store.device_id)
        return "updated"

    def texts(self, table: str, owner: str, fields: dict[str, Texts]) -> None:
        for name, variants in fields.items():
            if not self.fresh:
                for result in self.store.texts.set_all(table, owner, name, variants,
                                                       reviews=True):
                    self.summary.counts[("texts", result)] += 1
                continue
            # TextManager.set_all on the rows kept in memory
            every = with_derived(variants)
            made = self.text_uuids.setdefault((table, owner, name), set())
            for locale, t in every.items():
                row = text_row(table, owner, name, locale, t.value, t.status,
                               (t.reviewed_by, t.reviewed_at))
                self.summary.counts[("texts", self._put_pending("texts", row))] += 1
                made.add(str(row["uuid"]))
            texts = self.pending["texts"]
            for uuid in made:
                if not texts[uuid]["deleted"] and texts[uuid]["locale"] not in every:
                    self.summary.counts[("texts", self._put_pending(
                        "texts", {"uuid": uuid, "deleted": 1}))] += 1

    def _live(self, table: str, parent_column: str) -> list[dict[str, Any]]:
        if self.fresh:
            return [{"uuid": r["uuid"], "parent": r.get(parent_column)}
                    for r in self.pending.get(table, {}).values() if not r["deleted"]]
        return self.store.query(
            f"SELECT uuid, {parent_column} AS parent FROM {table} WHERE deleted = 0")

    def prune(self, table: str, parent_column: str, parents: set[str], *,
              files_only: bool = False) -> None:
        """Tombstone children of reloaded parents that the files no longer have; with
        ``files_only``, only rows the files made (content uuids), so that what a trainer
        added in the app (a photo linked to a species) survives a reload."""
        keep = self.written.get(table, set())
        for row in self._live(table, parent_column):
            if files_only and not is_content_uuid(row["uuid"]):
                continue
            if row["parent"] in parents and row["uuid"] not in keep:
                self.summary.counts[(table, self._put_pending(
                    table, {"uuid": row["uuid"], "deleted": 1}) if self.fresh else
                    self.store.tombstone(table, row["uuid"]))] += 1

    def flush(self) -> None:
        """Insert the rows kept in memory (inside the load's transaction)."""
        for table, rows in self.pending.items():
            self.store.insert_new(table, list(rows.values()))
        self.pending.clear()


def _is_empty(store: Store) -> bool:
    """No synced row in any table: nothing a content load could find, update or prune."""
    return not any(store.scalar(f"SELECT EXISTS (SELECT 1 FROM [{table}])")
                   for table in SYNCED_TABLES)


def load_content(store: Store, content: ContentSet, progress: Progress | None = None
                 ) -> LoadSummary:
    """Write a validated content set into the store in one transaction."""
    summary = LoadSummary()
    total = len(content.species) + len(content.modules) + len(content.questions) + 1
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total)

    for s in content.species:
        for img in s.images:
            # The gate again, on the bytes that are stored: the file may have changed
            # since it was checked, and the media row must describe what is kept.
            img.info = store.media.import_file(img.path)
    # Lookalikes may point at species further down the list: check references at commit.
    with store.transaction(defer_foreign_keys=True):
        w = _Writer(store, summary, fresh=_is_empty(store))
        species_uuids = {s.id: content_uuid("species", s.id) for s in content.species}
        for s in content.species:
            _load_species(w, s, species_uuids)
            step()
        loaded = set(species_uuids.values())
        for table in ("species_features", "species_products", "lookalikes"):
            w.prune(table, "species_uuid", loaded)
        w.prune("media_links", "owner_uuid", loaded, files_only=True)
        # A picture's markers are those its [[images.markers]] list; markers a trainer
        # placed in the app on it survive, as photos do (files_only).
        w.prune("picture_markers", "media_uuid", {content_uuid("media", img.key)
                                                   for s in content.species
                                                   for img in s.images}, files_only=True)

        course = w.put("courses", {"uuid": content_uuid("course", content.course_id),
                                   "slug": content.course_id, "position": 0,
                                   **_provenance(content.course_adapted_from)})
        w.texts("courses", course, {"title": content.course_title,
                                    "description": content.course_description})
        for m in content.modules:
            _load_module(w, m, course)
            step()
        w.prune("lessons", "module_uuid", {content_uuid("module", m.id)
                                           for m in content.modules})
        for q in content.questions:
            _load_question(w, q, species_uuids)
            step()
        w.prune("question_options", "question_uuid",
                {content_uuid("question", q.id) for q in content.questions})
        from idtrainer.core import experts, identify

        if content.key is not None:
            identify.load_key(w, content.key, species_uuids)
        experts.load_starter(w, content.experts)
        w.flush()
        for s in content.species:
            store.search.reindex(content_uuid("taxon", s.id))
        step()
    return summary


def _load_species(w: _Writer, s: SpeciesSpec, species_uuids: dict[str, str]) -> None:
    taxon = w.put("taxa", {"uuid": content_uuid("taxon", s.id), "slug": s.id, **s.taxon,
                           "source": "IDTrainer starter content"})
    w.texts("taxa", taxon, {"name": s.names, "other_names": s.other_names})
    if s.listing:
        listing = w.put("cites_listings", {"uuid": content_uuid("listing", s.id),
                                           "taxon_uuid": taxon, **s.listing})
        w.texts("cites_listings", listing, {"annotation": s.annotation})
    species = w.put("species", {"uuid": species_uuids[s.id], "slug": s.id,
                                "taxon_uuid": taxon, "taxon_group": s.group, "tags": s.tags})
    w.texts("species", species, s.texts)
    for i, feature in enumerate(s.features, 1):
        row = w.put("species_features", {"uuid": content_uuid("feature", f"{s.id}/{i}"),
                                         "species_uuid": species, "position": i})
        short = s.feature_shorts[i - 1] if i <= len(s.feature_shorts) else {}
        w.texts("species_features", row, {"text": feature, "short": short})
    for i, (ptype, text) in enumerate(s.products, 1):
        row = w.put("species_products", {"uuid": content_uuid("product", f"{s.id}/{i}"),
                                         "species_uuid": species, "position": i,
                                         "product_type": ptype})
        w.texts("species_products", row, {"text": text})
    for i, (other, label, points) in enumerate(s.lookalikes, 1):
        row = w.put("lookalikes", {"uuid": content_uuid("lookalike", f"{s.id}/{i}"),
                                   "species_uuid": species, "position": i,
                                   "other_species_uuid": species_uuids.get(other or "")})
        w.texts("lookalikes", row, {"label": label, "points": points})
    for i, img in enumerate(s.images, 1):
        media = w.put("media", {
            "uuid": content_uuid("media", img.key), "sha256": img.info.sha256,
            "mime": img.info.mime, "bytes": img.info.bytes, "width": img.info.width,
            "height": img.info.height, "licence": img.licence, "author": img.author,
            "source": img.source, "original_name": img.path.name})
        w.texts("media", media, {"caption": img.caption, "ask": img.ask,
                                 "ask_answer": img.ask_answer, **{
            f"{LABEL_PREFIX}{key}": words for key, words in img.labels.items()}})
        w.put("media_links", {"uuid": content_uuid("media_link", img.key),
                              "owner_table": "species", "owner_uuid": species,
                              "media_uuid": media, "position": i,
                              "practice": int(img.practice)})
        for j, (number, x, y) in enumerate(img.markers, 1):
            feature_uuid = content_uuid("feature", f"{s.id}/{number}")
            # The same marker placed in the app (an export loaded back over the database
            # it came from) is that marker, not a second one on top of it.
            placed = [r["uuid"] for r in w.store.query(
                "SELECT uuid FROM picture_markers WHERE media_uuid = ? AND feature_uuid = ? "
                "AND x = ? AND y = ? AND deleted = 0 ORDER BY position, uuid",
                (media, feature_uuid, x, y)) if not is_content_uuid(r["uuid"])
                and r["uuid"] not in w.written.get("picture_markers", set())]
            w.put("picture_markers", {
                "uuid": placed[0] if placed else content_uuid("marker", f"{img.key}/{j}"),
                "media_uuid": media, "feature_uuid": feature_uuid, "x": x, "y": y,
                "position": j})

PROVENANCE = ("copied_from_uuid", "copied_from_slug", "copied_at", "copied_by")


def _provenance(found: dict[str, str | None]) -> dict[str, str | None]:
    return {column: found.get(column) for column in PROVENANCE}


def _load_module(w: _Writer, m: ModuleSpec, course: str) -> None:
    module = w.put("modules", {"uuid": content_uuid("module", m.id), "course_uuid": course,
                               "slug": m.id, "position": m.position,
                               **_provenance(m.adapted_from)})
    w.texts("modules", module, {"title": m.title, "summary": m.summary})
    for i, lesson in enumerate(m.lessons, 1):
        row = w.put("lessons", {"uuid": content_uuid("lesson", f"{m.id}/{lesson.id}"),
                                "module_uuid": module, "slug": lesson.id, "position": i})
        w.texts("lessons", row, {"title": lesson.title, "body": lesson.body})


def _load_question(w: _Writer, q: QuestionSpec, species_uuids: dict[str, str]) -> None:
    question = w.put("questions", {
        "uuid": content_uuid("question", q.id), "slug": q.id,
        "module_uuid": content_uuid("module", q.module) if q.module else None,
        "qtype": q.qtype, "difficulty": q.difficulty, "tags": q.tags,
        "species": [species_uuids[s] for s in q.species],
        "media_uuid": content_uuid("media", q.image) if q.image else None,
        "answer": q.answer})
    w.texts("questions", question, {"stem": q.stem, "feedback": q.feedback})
    for i, opt in enumerate(q.options, 1):
        row = w.put("question_options", {
            "uuid": content_uuid("option", f"{q.id}/{i}"), "question_uuid": question,
            "position": i, "correct": opt["correct"], "side": opt["side"], "pair": opt["pair"],
            "species_uuid": species_uuids.get(opt["species"] or "")})
        w.texts("question_options", row, {"text": opt["text"]})


def load_starter_content(store: Store, root: Path | None = None,
                         progress: Progress | None = None) -> LoadSummary:
    """Validate the content files, then load them; raise :class:`ContentError` on problems."""
    return load_content(store, read_content(root), progress)
