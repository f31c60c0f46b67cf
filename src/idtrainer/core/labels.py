"""Display names of the fixed vocabularies (groups, products, Appendices), marked for
translation with N_ and translated where shown."""

from __future__ import annotations

import datetime as dt

from idtrainer.core.i18n import N_, format_date
from idtrainer.core.i18n import gettext as _

GROUPS: dict[str, str] = {
    "mammals": N_("Mammals"),
    "birds": N_("Birds"),
    "reptiles": N_("Reptiles"),
    "amphibians": N_("Amphibians"),
    "fish": N_("Fish"),
    "invertebrates": N_("Invertebrates"),
    "plants": N_("Plants"),
}

PRODUCTS: dict[str, str] = {
    "live": N_("Live animal or plant"),
    "skin": N_("Skin or fur"),
    "horn": N_("Horn or antler"),
    "feathers": N_("Feathers"),
    "meat": N_("Meat"),
    "eggs": N_("Eggs"),
    "caviar": N_("Caviar"),
    "shell": N_("Shell"),
    "bone": N_("Bone, teeth or claws"),
    "medicine": N_("Medicine"),
    "plant": N_("Plant parts or timber"),
    "trophy": N_("Hunting trophy"),
    "other": N_("Other"),
}

APPENDICES: dict[str, str] = {
    "I": N_("Appendix I"),
    "II": N_("Appendix II"),
    "III": N_("Appendix III"),
    "none": N_("Not listed"),
}


QUESTION_TYPES: dict[str, str] = {
    "single": N_("Single choice"),
    "multiple": N_("Multiple choice"),
    "truefalse": N_("True or false"),
    "image": N_("Image identification"),
    "matching": N_("Matching"),
    "appendix": N_("Appendix classification"),
}


def question_type_name(code: str) -> str:
    return _(QUESTION_TYPES.get(code, code))


def group_name(code: str) -> str:
    return _(GROUPS.get(code, code))


def product_name(code: str) -> str:
    return _(PRODUCTS.get(code, code))


def appendix_name(code: str | None) -> str:
    return _(APPENDICES.get(code or "none", code or "none"))


def listing_text(appendix: str | None, checked_on: str | None, to_verify: bool = False) -> str:
    """An Appendix always with the date it was last checked, never without it
    (docs/architecture.md, "Data model")."""
    if not checked_on:
        return _("CITES listing not recorded")
    day = format_date(dt.date.fromisoformat(checked_on), "medium")
    text = _("{appendix} · checked {date}").format(appendix=appendix_name(appendix), date=day)
    if to_verify:
        text += " · " + _("to verify")
    return text
