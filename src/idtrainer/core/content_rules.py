"""The content rules that both ``content load`` (core/content.py) and the authoring
workspace (core/authoring.py) apply, so a course written in the app passes the loader
and a file the loader refuses is refused in the app with the same words.

Each rule takes plain data (the loader's specs and the editor's drafts share the shapes:
texts are ``{locale: Translation}``, options are dicts with ``correct``, ``species``,
``text``, ``side`` and ``pair``) and returns reasons; the caller says where.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from idtrainer.core.i18n import gettext as _
from idtrainer.core.media import LICENCES
from idtrainer.core.texts import Translation

ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

Texts = Mapping[str, Translation]


def id_problem(value: str) -> str | None:
    """Ids (species, questions, modules, tags) are lowercase letters, digits and '-'."""
    if value and not ID_PATTERN.match(value):
        return _("ids use lowercase letters, digits and '-' only: {value!r}").format(value=value)
    return None


def fallback_problem(texts: Texts) -> str | None:
    """A translated field needs the ru or en text: the languages every reader falls back to."""
    if texts and not ({"ru", "en"} & texts.keys()):
        return _("needs at least the ru or en text (the fallback languages)")
    return None


def licence_problem(licence: str) -> str | None:
    """A picture's licence must be one of the open licences the course accepts."""
    if not licence.strip():
        return _("is required")
    if licence not in LICENCES:
        return _("{licence!r} is not an accepted open licence ({values})").format(
            licence=licence, values=", ".join(LICENCES))
    return None


def species_link_problems(ids: Iterable[str], known: set[str]) -> list[str]:
    """Links to species that do not exist (a typo, or a species deleted since)."""
    return [_("no species with id {id!r}").format(id=sid) for sid in ids if sid not in known]


def duplicate_options(options: list[dict[str, Any]]) -> str | None:
    """Two options reading the same in any language make a question unanswerable."""
    seen: dict[tuple[str, str], int] = {}
    for j, opt in enumerate(options, 1):
        keys = [("species", opt["species"])] if opt.get("species") else [
            (loc, t.value.strip().casefold()) for loc, t in (opt.get("text") or {}).items()
            if t.value.strip()]
        for key in keys:
            if key in seen:
                return _("options {a} and {b} are the same").format(a=seen[key], b=j)
            seen[key] = j
    return None


def option_problems(qtype: str, options: list[dict[str, Any]], has_image: bool
                    ) -> list[tuple[str, str]]:
    """The rules of a question's options or pairs: ``(where, reason)`` with ``where`` one
    of ``options``, ``image``, ``pairs``, ``pairs.left``, ``pairs.right``."""
    out: list[tuple[str, str]] = []
    if qtype in ("single", "multiple", "image"):
        correct = sum(bool(o["correct"]) for o in options)
        if (same := duplicate_options(options)) is not None:
            out.append(("options", same))
        if len(options) < 2:
            out.append(("options", _("needs at least two options")))
        if qtype == "multiple" and correct < 1:
            out.append(("options", _("mark at least one option correct = true")))
        if qtype in ("single", "image") and correct != 1:
            out.append(("options", _("mark exactly one option correct = true")))
        if qtype == "image" and not has_image:
            out.append(("image", _("an image question needs an image")))
    elif qtype == "matching":
        if len({o["pair"] for o in options}) < 2:
            out.append(("pairs", _("needs at least two pairs")))
        for side in ("left", "right"):
            if (same := duplicate_options([o for o in options if o["side"] == side])):
                out.append((f"pairs.{side}", same))
    return out
