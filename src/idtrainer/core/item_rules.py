"""Rules that keep a question bank fair: no giveaway pictures, no test-wise cues.

``content check`` runs :func:`check_rules` after the files have been read and refuses the
content when any rule is broken; ``content report`` prints :func:`bank_figures`. The rules
are written down in docs/content-format.md ("Item-writing rules").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from idtrainer.core import diagrams
from idtrainer.core.i18n import gettext as _
from idtrainer.core.languages import required_content
from idtrainer.core.texts import pick

if TYPE_CHECKING:
    from idtrainer.core.content import ContentSet, ImageSpec, Problem, SpeciesSpec, Texts

TRUE_SHARE = (0.40, 0.60)       # share of true/false questions whose answer is "true"
LONG_RATIO = 1.5                # correct option longer than this times the longest distractor
LONG_SHARE = 0.05               # ... in at most this share of single-answer questions
MIN_FEEDBACK_WORDS = 6          # feedback that explains, not just "Correct."
#: The share rules describe a bank, not a handful of questions: below these counts a
#: share says nothing (one true/false question is always 0 % or 100 % true).
MIN_TRUEFALSE = 10
MIN_SINGLE = 20

#: Options that let a test-wise reader answer without knowing (in every content language).
CATCH_ALL = re.compile(
    r"\b(all|none) of the above\b|\bboth of the above\b"
    r"|все (выше)?перечисленн|всё (выше)?перечисленн|ни один из (выше)?перечисленн"
    r"|ничего из (выше)?перечисленн|ни одно из (выше)?перечисленн"
    r"|жоғарыда(ғы)? (аталған|көрсетілген)(дардың)? (барлығы|бәрі|ешқайсысы)"
    r"|(барлығы|бәрі|ешқайсысы) дұрыс"
    r"|yuqoridagi(lar)?(ning)? (barchasi|hammasi|hech biri)",
    re.IGNORECASE)


def fold(text: str) -> str:
    """Case, accents, apostrophe variants and spacing folded, for comparing words."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub("[ʻʼ'‘’`]", "'", text)
    return " ".join(text.split())


def _terms(species: SpeciesSpec) -> tuple[list[str], list[str]]:
    """(common names, scientific words) that name ``species`` in any language."""
    common = [t.value for t in species.names.values()]
    common += [n for t in species.other_names.values() for n in t.value.split("\n") if n]
    taxon = species.taxon
    scientific = [taxon.get("scientific_name") or "", taxon.get("genus") or "",
                  *(taxon.get("synonyms") or [])]
    scientific += [s.split()[0] for s in taxon.get("synonyms") or [] if s.split()]
    return [fold(c) for c in common if c.strip()], [fold(s) for s in scientific if s.strip()]


def naming_hits(words: list[str], common: list[str], scientific: list[str]) -> list[str]:
    """The names found in ``words``: common names at a word start (they inflect),
    scientific names and genera as whole words."""
    text = fold(" \n ".join(words))
    hits = []
    for name in common:
        if re.search(r"(?<!\w)" + re.escape(name), text):
            hits.append(name)
    for name in scientific:
        if re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text):
            hits.append(name)
    return hits


def rendered_words(image: ImageSpec, locale: str, *, question: bool) -> list[str]:
    """What a reader in ``locale`` sees written in the picture."""
    if image.info is None or image.info.mime != "image/svg+xml":
        return []
    labels = {}
    for key, variants in image.labels.items():
        if (chosen := pick(variants, locale)) is not None:
            labels[key] = chosen.value
    svg = diagrams.localize(image.path.read_bytes(), labels, question=question)
    return diagrams.visible_text(svg)


@dataclass
class BankFigures:
    truefalse: int = 0
    truefalse_true: int = 0
    single: int = 0
    long_correct: dict[str, list[str]] = field(default_factory=dict)  # locale -> question ids
    pictures_checked: int = 0

    @property
    def true_share(self) -> float:
        return self.truefalse_true / self.truefalse if self.truefalse else 0.5

    def long_share(self, locale: str) -> float:
        return len(self.long_correct.get(locale, [])) / self.single if self.single else 0.0


def _option_text(opt: dict, species: dict[str, SpeciesSpec], locale: str) -> str:
    if opt.get("species") and opt["species"] in species:
        chosen = pick(species[opt["species"]].names, locale)
        return chosen.value if chosen else species[opt["species"]].taxon["scientific_name"]
    chosen = pick(opt["text"], locale)
    return chosen.value if chosen else ""


def bank_figures(content: ContentSet) -> BankFigures:
    species = {s.id: s for s in content.species}
    fig = BankFigures()
    for q in content.questions:
        if q.qtype == "truefalse":
            fig.truefalse += 1
            fig.truefalse_true += bool(q.answer and q.answer.get("value"))
        if q.qtype in ("single", "image"):
            fig.single += 1
            for loc in required_content():
                right = [len(_option_text(o, species, loc)) for o in q.options if o["correct"]]
                wrong = [len(_option_text(o, species, loc)) for o in q.options
                         if not o["correct"]]
                if right and wrong and right[0] > LONG_RATIO * max(wrong):
                    fig.long_correct.setdefault(loc, []).append(q.id)
    return fig


def _texts_locales(texts: Texts) -> set[str]:
    return {loc for loc, t in texts.items() if t.value.strip()}


def check_rules(content: ContentSet) -> list[Problem]:
    """Every broken item-writing or giveaway rule, as problems naming file and field."""
    from idtrainer.core.content import Problem

    problems: list[Problem] = []
    species = {s.id: s for s in content.species}
    images = {img.key: (s, img) for s in content.species for img in s.images}
    fig = bank_figures(content)
    bank = content.root / "course" / "questions"

    if fig.truefalse >= MIN_TRUEFALSE and not TRUE_SHARE[0] <= fig.true_share <= TRUE_SHARE[1]:
        problems.append(Problem(bank, "truefalse", _(
            "{true} of {n} true/false questions are true ({share:.0%}); keep it between "
            "{low:.0%} and {high:.0%} so that always answering the same scores no better "
            "than chance").format(true=fig.truefalse_true, n=fig.truefalse,
                                 share=fig.true_share, low=TRUE_SHARE[0],
                                 high=TRUE_SHARE[1])))
    for loc in required_content() if fig.single >= MIN_SINGLE else ():
        if fig.long_share(loc) > LONG_SHARE:
            problems.append(Problem(bank, f"options.{loc}", _(
                "in {n} of {total} single-answer questions the correct option is more than "
                "{ratio}× longer than any distractor (at most {share:.0%} allowed): "
                "{ids}").format(n=len(fig.long_correct[loc]), total=fig.single,
                                ratio=LONG_RATIO, share=LONG_SHARE,
                                ids=", ".join(fig.long_correct[loc]))))

    seen: dict[tuple[str, str, str], str] = {}
    for q in content.questions:
        where = f"question[{q.id}]"
        if q.qtype == "multiple" and q.options and all(o["correct"] for o in q.options):
            problems.append(Problem(q.file, f"{where}.options", _(
                "every option is correct: add at least one plausible wrong option")))
        for j, opt in enumerate(q.options, 1):
            for loc, t in opt["text"].items():
                if CATCH_ALL.search(t.value):
                    problems.append(Problem(q.file, f"{where}.options[{j}].{loc}", _(
                        "no \"all of the above\" or \"none of the above\" options")))
        for loc in _texts_locales(q.stem):
            feedback = q.feedback.get(loc)
            if feedback is None or len(feedback.value.split()) < MIN_FEEDBACK_WORDS:
                problems.append(Problem(q.file, f"{where}.feedback.{loc}", _(
                    "feedback must explain why the right answer is right (at least {n} "
                    "words)").format(n=MIN_FEEDBACK_WORDS)))
            answer = _answer_key(q, species, loc)
            key = (loc, fold(re.sub(r"[^\w\s]", " ", q.stem[loc].value)), answer)
            if key in seen:
                problems.append(Problem(q.file, where, _(
                    "same stem and answer as question {other!r}").format(other=seen[key])))
            seen.setdefault(key, q.id)

        if q.qtype in ("image", "single", "multiple") and q.image in images:
            # The picture is part of the question: it must not show the right answer.
            owner, img = images[q.image]
            common: list[str] = []
            scientific: list[str] = []
            named = {o["species"] for o in q.options if o["correct"] and o["species"]}
            if not named and q.qtype == "image":
                named = set(q.species) or {owner.id}
            for sid in named:
                if sid in species:
                    c, s = _terms(species[sid])
                    common += c
                    scientific += s
            for opt in q.options:
                if opt["correct"] and not opt["species"]:
                    common += [fold(t.value) for t in opt["text"].values()]
            problems += _giveaways(q.file, f"{where}.image", img, common, scientific)
    for spec in content.species:
        common, scientific = _terms(spec)
        for i, img in enumerate(spec.images, 1):
            if img.practice:
                problems += _giveaways(spec.file, f"images[{i}]", img, common, scientific)
    return problems


def _answer_key(q, species: dict, loc: str) -> str:
    if q.qtype in ("truefalse", "appendix"):
        return repr(sorted((q.answer or {}).items()))
    return "|".join(sorted(fold(_option_text(o, species, loc)) for o in q.options
                           if o["correct"] and o["side"] is None)) or repr(
        [(o["side"], fold(_option_text(o, species, loc))) for o in q.options])


def _giveaways(file, where: str, img: ImageSpec, common: list[str],
               scientific: list[str]) -> list[Problem]:
    from idtrainer.core.content import Problem

    out = []
    for loc in required_content():
        hits = naming_hits(rendered_words(img, loc, question=True), common, scientific)
        if hits:
            out.append(Problem(file, f"{where}.{loc}", _(
                "the picture {image} names the answer ({names}); mark the naming texts "
                "class=\"naming\" or use another picture").format(
                    image=img.key, names=", ".join(sorted(set(hits))))))
    return out
