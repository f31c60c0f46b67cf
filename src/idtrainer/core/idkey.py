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


class _Index:
    """Bit masks over the taxa, built once per key: for each state, the taxa fitting it,
    split by how many states they have (a polymorphic taxon splits its weight); and the
    taxa a character does not apply to. A candidate set is a mask too, so a question's
    information gain costs a few popcounts instead of a loop over the taxa."""

    def __init__(self, key: Key) -> None:
        self.pos = {t: i for i, t in enumerate(key.taxa)}
        self.states: dict[str, dict[str, dict[int, int]]] = {}
        self.na: dict[str, int] = {}
        for cid, character in key.characters.items():
            if character.numeric:
                continue
            by_state: dict[str, dict[int, int]] = {s: {} for s in character.states}
            na = 0
            for t, i in self.pos.items():
                coding = key.coding(t, cid)
                if coding is None:
                    na |= 1 << i
                    continue
                fits = character.states if coding.states is None else tuple(
                    s for s in coding.states if s in by_state)
                k = len(fits)
                for st in fits:
                    by_state[st][k] = by_state[st].get(k, 0) | (1 << i)
            self.states[cid], self.na[cid] = by_state, na

    def mask(self, taxa: Sequence[str]) -> int:
        m = 0
        for t in taxa:
            m |= 1 << self.pos[t]
        return m


def _index(key: Key) -> _Index:
    found = key.__dict__.get("_index")
    if found is None:
        found = key.__dict__["_index"] = _Index(key)
    return found


def _categorical(key: Key, character: Character, taxa: Sequence[str]
                 ) -> tuple[float, bool]:
    """(information gain in bits, whether some answer discards some but not all)."""
    index = _index(key)
    c = index.mask(taxa)
    n = c.bit_count()
    if n < 2:
        return 0.0, False
    after, changes = 0.0, False
    for by_k in index.states[character.id].values():
        kept, weight = 0, 0.0
        for k, m in by_k.items():
            hit = (m & c).bit_count()
            kept += hit
            weight += hit / k
        if kept:
            after += weight / n * math.log2(kept)
            changes = changes or kept < n
    na = (index.na[character.id] & c).bit_count()
    if na:
        after += na / n * math.log2(na)
    return max(0.0, math.log2(n) - after), changes


def _numeric(key: Key, character: Character, taxa: Sequence[str]) -> tuple[float, bool]:
    """The same for a numeric character: the answers are the endpoints of the candidates'
    ranges and the intervals between them (a sweep over sorted endpoints)."""
    n = len(taxa)
    if n < 2:
        return 0.0, False
    ranges: list[tuple[float, float]] = []
    na = anywhere = 0
    for t in taxa:
        coding = key.coding(t, character.id)
        if coding is None:
            na += 1
        elif coding.low is None or coding.high is None:
            anywhere += 1
        else:
            ranges.append((coding.low, coding.high))
    edges = sorted({v for r in ranges for v in r})
    if not edges:
        return 0.0, na > 0 and anywhere > 0
    at = {v: i for i, v in enumerate(edges)}
    bins = 2 * len(edges) - 1          # bin 2i: the value edges[i]; 2i+1: between i and i+1
    kept_diff = [0] * (bins + 1)
    weight_diff = [0.0] * (bins + 1)
    for low, high in ranges:
        a, b = 2 * at[low], 2 * at[high]
        share = 1.0 / (n * (b - a + 1))
        kept_diff[a] += 1
        kept_diff[b + 1] -= 1
        weight_diff[a] += share
        weight_diff[b + 1] -= share
    after, changes = 0.0, False
    kept, weight = anywhere, 0.0
    spread = anywhere / (n * bins) if anywhere else 0.0
    for i in range(bins):
        kept += kept_diff[i]
        weight += weight_diff[i]
        if kept:
            after += (weight + spread) * math.log2(kept)
            changes = changes or kept < n
    if na:
        after += na / n * math.log2(na)
        changes = True
    return max(0.0, math.log2(n) - after), changes


def _score(key: Key, character: Character, taxa: Sequence[str]) -> tuple[float, bool]:
    if character.numeric:
        return _numeric(key, character, taxa)
    return _categorical(key, character, taxa)


def information_gain(key: Key, character: Character, taxa: Sequence[str]) -> float:
    """Expected reduction in entropy (bits) of the candidate set from answering.

    Each candidate is equally likely; a polymorphic taxon splits its weight over its
    states; a taxon the character does not apply to sends its weight to "cannot
    answer", which an officer holding that taxon would report by skipping."""
    return _score(key, character, taxa)[0]


def can_change(key: Key, character: Character, taxa: Sequence[str]) -> bool:
    """Whether some answer would discard some, but not all, of ``taxa``."""
    return _score(key, character, taxa)[1]


def best_questions(key: Key, taxa: Sequence[str], *, exclude: Iterable[str] = ()
                   ) -> list[Question]:
    skip = set(exclude)
    found = []
    for character in key.characters.values():
        if character.id in skip:
            continue
        gain, changes = _score(key, character, taxa)
        if changes:
            found.append(Question(character.id, gain))
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
