"""Scoring one answer, per question type. Every question is worth one point.

Responses (stored as JSON on the answer row):

- single, image: ``{"option": <option uuid>}``
- multiple: ``{"options": [<option uuid>, ...]}`` — partial credit: +1/k for each correct
  option chosen, −1/k for each wrong one (k = number of correct options), floored at 0.
- truefalse: ``{"value": true | false}``
- matching: ``{"pairs": {<left option uuid>: <right option uuid>}}`` — the share of
  left items matched to their own right item.
- appendix: ``{"appendix": "I" | "II" | "III" | "none"}``
"""

from __future__ import annotations

from typing import Any

from idtrainer.core.questions import Question


def score(question: Question, response: Any) -> float:
    """Points in [0, 1] for ``response``; 0 for no answer or a malformed one."""
    if not isinstance(response, dict):
        return 0.0
    kind = question.qtype
    if kind in ("single", "image"):
        chosen = response.get("option")
        return 1.0 if any(o.uuid == chosen and o.correct for o in question.options) else 0.0
    if kind == "multiple":
        chosen = response.get("options")
        if not isinstance(chosen, list):
            return 0.0
        correct = {o.uuid for o in question.options if o.correct}
        known = {o.uuid for o in question.options}
        picked = {c for c in chosen if c in known}
        if not correct:
            return 0.0
        raw = (len(picked & correct) - len(picked - correct)) / len(correct)
        return max(0.0, min(1.0, raw))
    if kind == "truefalse":
        value = response.get("value")
        expected = (question.answer or {}).get("value")
        return 1.0 if isinstance(value, bool) and value == expected else 0.0
    if kind == "appendix":
        expected = (question.answer or {}).get("appendix")
        return 1.0 if response.get("appendix") == expected else 0.0
    if kind == "matching":
        pairs = response.get("pairs")
        lefts = {o.uuid: o.pair for o in question.options if o.side == "left"}
        rights = {o.uuid: o.pair for o in question.options if o.side == "right"}
        if not isinstance(pairs, dict) or not lefts:
            return 0.0
        right_pairs = [rights.get(pairs.get(left, "")) for left in lefts]
        return sum(1 for left, got in zip(lefts.values(), right_pairs, strict=True)
                   if got is not None and got == left) / len(lefts)
    return 0.0


def correct_response(question: Question) -> dict[str, Any]:
    """The response that scores 1 (for review screens and tests)."""
    kind = question.qtype
    if kind in ("single", "image"):
        return {"option": next(o.uuid for o in question.options if o.correct)}
    if kind == "multiple":
        return {"options": [o.uuid for o in question.options if o.correct]}
    if kind == "matching":
        rights = {o.pair: o.uuid for o in question.options if o.side == "right"}
        return {"pairs": {o.uuid: rights[o.pair] for o in question.options
                          if o.side == "left"}}
    return dict(question.answer or {})


#: How complete a response is (:func:`completeness`).
UNANSWERED, PARTIAL, ANSWERED = "unanswered", "partial", "answered"


def completeness(question: Question | None, response: Any) -> str:
    """Whether ``response`` answers all of ``question``: :data:`ANSWERED`,
    :data:`PARTIAL` or :data:`UNANSWERED`, for the exam's navigator and submit list.

    A matching question is answered when every left item has a partner, partly
    answered with some. A multiple-answer question ("select all that apply") is
    answered with one option or more: counting the correct options would give them
    away. Other types take one choice, so they are answered or not.
    """
    if not isinstance(response, dict) or not response:
        return UNANSWERED
    kind = question.qtype if question is not None else ""
    if "pairs" in response or kind == "matching":
        pairs = response.get("pairs")
        if not isinstance(pairs, dict):
            return UNANSWERED
        lefts = {o.uuid for o in question.options if o.side == "left"} if question else set()
        given = {left for left, right in pairs.items() if right and (not lefts or left in lefts)}
        if not given:
            return UNANSWERED
        return ANSWERED if lefts and given >= lefts else PARTIAL
    if "options" in response or kind == "multiple":
        chosen = response.get("options")
        return ANSWERED if isinstance(chosen, list) and chosen else UNANSWERED
    present = [response.get(k) for k in ("option", "value", "appendix")]
    return ANSWERED if any(v is not None for v in present) else UNANSWERED
