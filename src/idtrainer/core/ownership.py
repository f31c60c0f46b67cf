"""Who may change what: the one table of rules a bundle import enforces.

docs/security.md explains the model; this module is where the code reads it. Every
synced row records the device it originated on (the ``origin`` column, set by
:meth:`Store.put` when the row is made and never changed). A content bundle is
signed by a publisher key this laptop trusts, so it may add and change what the
trainer publishes. A results bundle is signed by a laptop's device key, pinned to
that laptop's device id on the trainer's laptop (core/bundles/apply.py), and may only
add or change rows that originated on that laptop.
"""

from __future__ import annotations

from dataclasses import dataclass

from idtrainer.core.i18n import N_
from idtrainer.core.schema import CONTENT_TABLES, RESULTS_TABLES, TEXTS_TABLE

PUBLISHER = "publisher"  # the trainer, through a content bundle signed by a trusted key
OWN = "own"              # a laptop, through its results bundle, rows that originated on it
NEVER = "never"          # nobody through a bundle of this kind


@dataclass(frozen=True)
class Rule:
    table: str
    content: str  # what a content bundle may do with the table's rows
    results: str  # what a results bundle may do with them
    why: str      # one line for docs/security.md and for refusals


_CONTENT = N_("content is the trainer's: only a content bundle signed by a trusted "
              "publisher key changes it")
_ROSTER = N_("classes and their members are the trainer's roster")
_PEOPLE = N_("a profile, its PIN and its progress belong to the laptop the profile was made "
             "on")
_RESULTS = N_("an attempt and its answers belong to the laptop they were given on; the "
              "trainer re-grades every submitted attempt")
_CERTIFICATES = N_("certificates are issued and revoked only with the publisher key; "
                   "revocations travel signed in content bundles")

#: The rules, one row per synced table.
RULES: dict[str, Rule] = {
    **{t: Rule(t, PUBLISHER, NEVER, _CONTENT) for t in CONTENT_TABLES},
    "revocations": Rule("revocations", PUBLISHER, NEVER, _CERTIFICATES),
    "classes": Rule("classes", PUBLISHER, NEVER, _ROSTER),
    "quiz_assignments": Rule("quiz_assignments", PUBLISHER, NEVER, _ROSTER),
    "class_members": Rule("class_members", PUBLISHER, NEVER, _ROSTER),
    "attendance": Rule("attendance", NEVER, OWN, N_("attendance belongs to the laptop it "
                                                    "was ticked on")),
    "trainees": Rule("trainees", PUBLISHER, OWN, _PEOPLE),
    "lesson_progress": Rule("lesson_progress", NEVER, OWN, _PEOPLE),
    "practice_cards": Rule("practice_cards", NEVER, OWN, _PEOPLE),
    "practice_reviews": Rule("practice_reviews", NEVER, OWN, _PEOPLE),
    "attempts": Rule("attempts", NEVER, OWN, _RESULTS),
    "answers": Rule("answers", NEVER, OWN, _RESULTS),
    "certificates": Rule("certificates", NEVER, NEVER, _CERTIFICATES),
    "certificate_events": Rule("certificate_events", NEVER, NEVER, _CERTIFICATES),
    # A text follows its owner row: the rule of ``owner_table`` applies to it, and its
    # owner must be a row of that very table.
    TEXTS_TABLE: Rule(TEXTS_TABLE, PUBLISHER, OWN, N_("a translation follows the row it "
                                                      "belongs to (its owner_table)")),
}

#: Rows that hang off a parent row of the same laptop: a results bundle may only add
#: them to a parent that originated on its own device (no answers to another laptop's
#: attempt), by (column, parent table).
PARENTS: dict[str, tuple[str, str]] = {
    "answers": ("attempt_uuid", "attempts"),
    "practice_reviews": ("card_uuid", "practice_cards"),
}

#: Columns that follow the person wherever they sign in: a results bundle may change
#: these (and only these) on a profile made elsewhere, e.g. the language an officer
#: chose on the laptop they sat the exam on.
SHARED_COLUMNS: dict[str, tuple[str, ...]] = {"trainees": ("locale",)}

#: Columns that hold credentials: a PIN or password hash is only ever set on the laptop
#: the row originated on, and its settings are bounded (core/trainees.py).
CREDENTIALS: dict[str, tuple[str, ...]] = {"trainees": ("pin_hash",)}

assert set(RULES) >= {*CONTENT_TABLES, *RESULTS_TABLES, TEXTS_TABLE}


def may_change(kind: str, table: str) -> str:
    """PUBLISHER, OWN or NEVER: what a bundle of ``kind`` may do with ``table``'s rows."""
    rule = RULES.get(table)
    if rule is None:
        return NEVER
    return rule.content if kind == "content" else rule.results
