"""A multi-access identification key, in memory and without Qt or SQL.

The officer answers any character in any order (or skips it as unknown); after each
step :func:`evaluate` says which taxa remain, why each other taxon was discarded, and
which unanswered characters would best split the remaining ones (information gain,
as Lucid's "Best").

Coding semantics, per taxon and character:

- a set of states: the taxon may show any of them (polymorphic coding);
- ``ANY`` (``"*"`` in the files): the character applies but varies or is unknown, so no
  answer discards the taxon;
- a numeric range ``[low, high]``: an answered value or range must overlap it;
- not coded at all: the character does not apply to the taxon (a tortoise has no horn
  colour), so any answer to it discards the taxon.

With ``tolerance = 1`` a taxon survives one mismatching answer (features of worn or
processed items are unreliable); candidates are then ranked by how many answers they
miss. :func:`separation_problems` checks that every pair of taxa can be told apart.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

ANY = "*"
ITEM = "item"  # the character "what do you hold"; characters may apply to some items only


@dataclass(frozen=True)
class Character:
    id: str
    kind: str = "states"             # "states" | "numeric"
    states: tuple[str, ...] = ()
    items: frozenset[str] = frozenset()  # item states where it can be observed; empty: all
    unit: str = ""

    @property
    def numeric(self) -> bool:
        return self.kind == "numeric"


@dataclass(frozen=True)
class Coding:
    states: frozenset[str] | None = None   # None: ANY
    low: float | None = None
    high: float | None = None

    @property
    def any(self) -> bool:
        return self.states is None and self.low is None


@dataclass(frozen=True)
class Answer:
    character: str
    states: frozenset[str] = frozenset()
    low: float | None = None
    high: float | None = None

    @classmethod
    def state(cls, character: str, *states: str) -> Answer:
        return cls(character, frozenset(states))

    @classmethod
    def value(cls, character: str, low: float, high: float | None = None) -> Answer:
        high = low if high is None else high
        return cls(character, frozenset(), min(low, high), max(low, high))


@dataclass(frozen=True)
class NotSeparable:
    """Taxa the key cannot tell apart (for one kind of item, or any), with the reason."""
    id: str
    taxa: frozenset[str]
    item: str | None = None


@dataclass
class Key:
    characters: dict[str, Character]
    taxa: list[str]
    codings: dict[str, dict[str, Coding]]   # taxon -> character -> coding
    not_separable: list[NotSeparable] = field(default_factory=list)

    def coding(self, taxon: str, character: str) -> Coding | None:
        return self.codings.get(taxon, {}).get(character)


def matches(coding: Coding | None, answer: Answer) -> bool:
    if coding is None:
        return False
    if coding.any:
        return True
    if answer.low is not None:
        if coding.low is None or coding.high is None:
            return coding.states is None
        return coding.low <= answer.high and answer.low <= coding.high  # type: ignore[operator]
    return coding.states is None or bool(coding.states & answer.states)


@dataclass
class Candidate:
    taxon: str
    mismatches: tuple[str, ...]   # characters whose answers it does not fit (tolerance)
    rank: int                     # 1 = first or tied first


@dataclass
class Question:
    character: str
    gain: float                   # bits


@dataclass
class Evaluation:
    candidates: list[Candidate]
    discarded: dict[str, tuple[str, ...]]   # taxon -> characters whose answers excluded it
    best: list[Question]                    # useful unanswered characters, best first
    not_separable: list[NotSeparable]       # records that apply to two or more candidates


def evaluate(key: Key, answers: Sequence[Answer], *, tolerance: int = 0,
             skipped: Iterable[str] = (), taxa: Iterable[str] | None = None) -> Evaluation:
    """Candidates, reasons for the discarded, and the best next questions."""
    pool = list(taxa) if taxa is not None else key.taxa
    candidates: list[tuple[str, tuple[str, ...]]] = []
    discarded: dict[str, tuple[str, ...]] = {}
    for taxon in pool:
        codes = key.codings.get(taxon, {})
        missed = tuple(a.character for a in answers if not matches(codes.get(a.character), a))
        if len(missed) <= tolerance:
            candidates.append((taxon, missed))
        else:
            discarded[taxon] = missed
    order = {t: i for i, t in enumerate(key.taxa)}
    candidates.sort(key=lambda c: (len(c[1]), order.get(c[0], 0)))
    best_missed = len(candidates[0][1]) if candidates else 0
    ranked = [Candidate(t, m, 1 if len(m) == best_missed else 2) for t, m in candidates]
    done = {a.character for a in answers} | set(skipped)
    remaining = [t for t, _m in candidates]
    item = next((next(iter(a.states)) for a in answers
                 if a.character == ITEM and len(a.states) == 1), None)
    if ITEM in key.characters and ITEM not in done:
        # Which characters can be seen depends on what is held: ask that first.
        done |= {c for c, ch in key.characters.items() if ch.items}
    elif item is not None:
        done |= {c for c, ch in key.characters.items() if ch.items and item not in ch.items}
    questions = best_questions(key, remaining, exclude=done)
    # Like WildScan's wizard, start from what kind of item it is when that is still open.
    questions.sort(key=lambda q: q.character != ITEM)
    names = set(remaining)
    unsplit = [r for r in key.not_separable
               if len(r.taxa & names) >= 2 and (r.item is None or r.item == item)]
    return Evaluation(ranked, discarded, questions, unsplit)


def _outcomes(key: Key, character: Character, taxa: Sequence[str]
              ) -> list[tuple[str, ...] | None]:
    """Per taxon, the answers (states or numeric bins) it would fit; None: not coded."""
    out: list[tuple[str, ...] | None] = []
    if not character.numeric:
        for t in taxa:
            c = key.coding(t, character.id)
            if c is None:
                out.append(None)
            elif c.states is None:
                out.append(character.states)
            else:
                out.append(tuple(c.states))
        return out
    codes = [key.coding(t, character.id) for t in taxa]
    edges = sorted({v for c in codes if c is not None and c.low is not None
                    for v in (c.low, c.high)})
    # Bins are the endpoints themselves and the open intervals between them.
    bins: list[tuple[float, float]] = []
    for i, v in enumerate(edges):
        bins.append((v, v))
        if i + 1 < len(edges):
            bins.append((v, edges[i + 1]))
    for c in codes:
        if c is None:
            out.append(None)
        elif c.low is None:
            out.append(tuple(str(i) for i in range(len(bins))))
        else:
            out.append(tuple(str(i) for i, (lo, hi) in enumerate(bins)
                             if lo >= c.low and hi <= c.high))  # type: ignore[operator]
    return out


def information_gain(key: Key, character: Character, taxa: Sequence[str]) -> float:
    """Expected reduction in entropy (bits) of the candidate set from answering.

    Each candidate is equally likely; a polymorphic taxon splits its weight over its
    states; a taxon the character does not apply to sends its weight to "cannot
    answer", which an officer holding that taxon would report by skipping."""
    n = len(taxa)
    if n < 2:
        return 0.0
    outcomes = _outcomes(key, character, taxa)
    weight: dict[str, float] = defaultdict(float)       # outcome -> probability
    members: dict[str, dict[int, float]] = defaultdict(dict)
    for i, o in enumerate(outcomes):
        states = ("\x00n/a",) if o is None or not o else o
        share = 1.0 / (n * len(states))
        for s in states:
            weight[s] += share
            members[s][i] = members[s].get(i, 0.0) + share
    after = 0.0
    for s, p in weight.items():
        # An answer keeps every taxon that fits it, each with equal weight.
        kept = len(members[s])
        after += p * math.log2(kept)
    return max(0.0, math.log2(n) - after)


def can_change(key: Key, character: Character, taxa: Sequence[str]) -> bool:
    """Whether some answer would discard some, but not all, of ``taxa``."""
    outcomes = _outcomes(key, character, taxa)
    sets = [frozenset(o) if o else frozenset() for o in outcomes]
    every = frozenset().union(*sets) if sets else frozenset()
    return any(0 < sum(1 for s in sets if state in s) < len(sets) for state in every)


def best_questions(key: Key, taxa: Sequence[str], *, exclude: Iterable[str] = ()
                   ) -> list[Question]:
    skip = set(exclude)
    found = []
    for character in key.characters.values():
        if character.id in skip or not can_change(key, character, taxa):
            continue
        found.append(Question(character.id, information_gain(key, character, taxa)))
    order = {c: i for i, c in enumerate(key.characters)}
    found.sort(key=lambda q: (-round(q.gain, 9), order[q.character]))
    return found


# -- validation -------------------------------------------------------------------------

def separated(key: Key, a: str, b: str, item: str | None = None) -> bool:
    """Whether some character (observable on ``item``, if given) tells ``a`` from ``b``:
    every answer fitting one fails the other."""
    for character in key.characters.values():
        if item is not None and character.items and item not in character.items:
            continue
        ca, cb = key.coding(a, character.id), key.coding(b, character.id)
        if ca is None or cb is None or ca.any or cb.any:
            continue
        if character.numeric:
            if ca.low is not None and cb.low is not None and (
                    ca.high < cb.low or cb.high < ca.low):  # type: ignore[operator]
                return True
        elif ca.states is not None and cb.states is not None and not (ca.states & cb.states):
            return True
    return False


def items_of(key: Key, taxon: str) -> tuple[str, ...]:
    coding = key.coding(taxon, ITEM)
    if coding is None or coding.states is None:
        return ()
    return tuple(sorted(coding.states))


def separation_problems(key: Key) -> list[tuple[str, str, str | None]]:
    """Pairs (a, b, item) that no character separates and no record covers.

    With an item character, a pair is checked for every kind of item both can be
    found as, using only characters observable on that item; without one, once."""
    problems = []
    covered = {(frozenset((a, b)), r.item) for r in key.not_separable
               for a in r.taxa for b in r.taxa if a != b}
    has_items = ITEM in key.characters
    for i, a in enumerate(key.taxa):
        for b in key.taxa[i + 1:]:
            pair = frozenset((a, b))
            shared: Sequence[str | None] = (
                sorted(set(items_of(key, a)) & set(items_of(key, b))) if has_items else [None])
            for item in shared:
                if separated(key, a, b, item):
                    continue
                if (pair, None) in covered or (pair, item) in covered:
                    continue
                problems.append((a, b, item))
    return problems


# -- a session: answers in order, with undo -----------------------------------------------

@dataclass
class Session:
    key: Key
    answers: dict[str, Answer] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    tolerance: int = 0
    history: list[tuple[str, str, Answer | None]] = field(default_factory=list)

    def answer(self, answer: Answer) -> None:
        if answer.character not in self.key.characters:
            raise KeyError(answer.character)
        self.history.append(("answer", answer.character, self.answers.get(answer.character)))
        self.answers[answer.character] = answer
        if answer.character in self.skipped:
            self.skipped.remove(answer.character)

    def skip(self, character: str) -> None:
        self.history.append(("skip", character, self.answers.pop(character, None)))
        if character not in self.skipped:
            self.skipped.append(character)

    def clear(self, character: str) -> None:
        self.history.append(("clear", character, self.answers.pop(character, None)))
        if character in self.skipped:
            self.skipped.remove(character)

    def undo(self) -> bool:
        if not self.history:
            return False
        op, character, previous = self.history.pop()
        if op == "skip" and character in self.skipped:
            self.skipped.remove(character)
        if op == "answer":
            self.answers.pop(character, None)
        if previous is not None:
            self.answers[character] = previous
        if op == "clear" and previous is None:
            self.skipped.append(character)
        return True

    def reset(self) -> None:
        self.answers.clear()
        self.skipped.clear()
        self.history.clear()

    def evaluate(self) -> Evaluation:
        return evaluate(self.key, list(self.answers.values()), tolerance=self.tolerance,
                        skipped=self.skipped)


def coding_from(value: object, character: Character) -> Coding:
    """A coding from file or database form: "*", a state, a list of states, [low, high]."""
    if value == ANY or value == [ANY]:
        return Coding()
    if character.numeric:
        if isinstance(value, (int, float)):
            return Coding(None, float(value), float(value))
        if isinstance(value, list) and len(value) == 2 and all(
                isinstance(v, (int, float)) for v in value):
            low, high = float(value[0]), float(value[1])
            return Coding(None, min(low, high), max(low, high))
        raise ValueError("a number or [low, high]")
    states = [value] if isinstance(value, str) else value
    if not isinstance(states, list) or not states or not all(
            isinstance(s, str) for s in states):
        raise ValueError("a state id or a list of state ids")
    unknown = [s for s in states if s not in character.states]
    if unknown:
        raise ValueError("unknown state " + ", ".join(repr(s) for s in unknown))
    return Coding(frozenset(states))


def coding_to_json(coding: Coding) -> object:
    if coding.any:
        return ANY
    if coding.low is not None:
        return [coding.low, coding.high]
    return sorted(coding.states or ())


def describe_range(coding: Coding | None) -> tuple[float, float] | None:
    if coding is None or coding.low is None or coding.high is None:
        return None
    return coding.low, coding.high


def group_items(characters: Mapping[str, Character]) -> dict[str, list[str]]:
    """Characters per item state (a character applying to every item is in each)."""
    item = characters.get(ITEM)
    out: dict[str, list[str]] = {s: [] for s in (item.states if item else ())}
    for c in characters.values():
        if c.id == ITEM:
            continue
        for s in out:
            if not c.items or s in c.items:
                out[s].append(c.id)
    return out
