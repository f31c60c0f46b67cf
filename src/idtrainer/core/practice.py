"""Flashcard practice with spaced repetition (FSRS), per trainee.

Four kinds of card for every species in the library: its picture → its name, its
diagnostic features → its name, its name → its CITES Appendix, a product it is smuggled
as → the species. A fifth asks what a picture can answer when it cannot show the species
(generic caviar: "which of A, B, C is sturgeon caviar?"), from the picture's ``ask``. Each
trainee's schedule lives in ``practice_cards`` (the FSRS card state as JSON, and
when it is due); every review is a row in ``practice_reviews``, so both travel in
results bundles.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from idtrainer.core import labels
from idtrainer.core.i18n import gettext as _
from idtrainer.core.store import content_uuid, iso, new_uuid

if TYPE_CHECKING:
    from idtrainer.core.media import MediaItem
    from idtrainer.core.store import Store

KINDS = ("picture", "features", "appendix", "product", "ask")
NEW_PER_DAY = 20
RATINGS = (1, 2, 3, 4)  # again, hard, good, easy (fsrs.Rating values)


@dataclass(frozen=True)
class Flashcard:
    key: str                 # "<kind>:<species slug>"
    kind: str
    species_uuid: str
    prompt: str
    image: MediaItem | None
    answer: str


def _names_species(items: list[MediaItem], common: list[str], scientific: list[str]) -> bool:
    """True when the question variant of a picture spells out the answer in any language."""
    from idtrainer.core import diagrams, item_rules

    for item in items:
        if not item.drawn_as_svg:
            continue
        try:
            words = diagrams.visible_text(diagrams.svg_for(item, question=True))
        except (OSError, ValueError, SyntaxError):
            return True
        if item_rules.naming_hits(words, common, scientific):
            return True
    return False


def interleave(keys: list[str], seed: str) -> list[str]:
    """New cards in an order that mixes species and kinds: no run of one species (six
    sturgeon cards in a row) and no run of one kind. Each kind's species come in their own
    order, fixed per trainee (``seed``), and the kinds take turns."""
    import random

    by_kind: dict[str, list[str]] = {}
    for key in keys:
        by_kind.setdefault(key.partition(":")[0], []).append(key)
    for kind, group in by_kind.items():
        random.Random(f"{seed}/{kind}").shuffle(group)
    order = [k for k in KINDS if k in by_kind]
    out: list[str] = []
    species: list[str] = []  # the species of ``out``, card by card
    last_kind, turn = "", 0
    while len(out) < len(keys):
        # Kinds take turns from ``turn``; the kind just shown waits unless it is all that is
        # left. Each tries its next few cards for one that is well spaced: its species not
        # in the last full round of kinds and its genus (the slug's first word: six
        # sturgeons) not in the last five cards; failing that its species at least four
        # cards apart; and only when nothing else is left, whatever comes next.
        rotation = [order[(turn + i) % len(order)] for i in range(len(order))]
        ready = [k for k in rotation if by_kind[k]]
        if len(ready) > 1:
            ready = [k for k in ready if k != last_kind]
        chosen = None
        for gap, genus_gap in ((len(order) + 1, 5), (len(order) + 1, 0), (3, 0), (0, 0)):
            recent = set(species[-gap:]) if gap else set()
            genera = {s.split("-")[0] for s in species[-genus_gap:]} if genus_gap else set()
            chosen = next(((kind, i) for kind in ready
                           for i, key in enumerate(by_kind[kind][:8])
                           if key.partition(":")[2] not in recent
                           and key.partition(":")[2].split("-")[0] not in genera), None)
            if chosen:
                break
        kind, i = chosen or (ready[0], 0)
        key = by_kind[kind].pop(i)
        out.append(key)
        species.append(key.partition(":")[2])
        last_kind, turn = kind, order.index(kind) + 1
    return out


class PracticeManager:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._pictures: dict[str, str | None] = {}  # species uuid -> usable media uuid

    @property
    def scheduler(self):
        from fsrs import Scheduler  # imported when practice is used, not at start-up

        # No fuzzing: the same reviews give the same schedule (tests, reproducibility).
        return Scheduler(enable_fuzzing=False)

    def picture_for(self, species_uuid: str) -> str | None:
        """The first picture of a species that may be a "which species?" card (its file
        says so) and does not name the species in any language; remembered per session."""
        if species_uuid not in self._pictures:
            from idtrainer.core import item_rules
            from idtrainer.core.languages import codes as language_codes

            locales = language_codes()

            taxon = self.store.query_one(
                "SELECT t.uuid, t.scientific_name, t.genus, t.synonyms FROM species s "
                "JOIN taxa t ON t.uuid = s.taxon_uuid WHERE s.uuid = ?", (species_uuid,))
            scientific = [taxon["scientific_name"], taxon["genus"] or
                          taxon["scientific_name"].split()[0],
                          *json.loads(taxon["synonyms"])] if taxon else []
            common = [n for r in self.store.conn.execute(
                "SELECT value FROM texts WHERE owner_table = 'taxa' AND owner_uuid = ? AND "
                "field IN ('name', 'other_names') AND deleted = 0",
                (taxon["uuid"] if taxon else "",))
                for n in r[0].split("\n") if n.strip()]
            by_locale = {loc: self.store.media.for_owner(species_uuid, loc) for loc in locales}
            chosen = None
            for i, item in enumerate(by_locale[locales[0]]):
                if not item.practice:
                    continue
                if not _names_species([by_locale[loc][i] for loc in locales],
                                      [item_rules.fold(c) for c in common],
                                      [item_rules.fold(s) for s in scientific if s]):
                    chosen = item.uuid
                    break
            self._pictures[species_uuid] = chosen
        return self._pictures[species_uuid]

    def ask_picture(self, species_uuid: str, locale: str) -> MediaItem | None:
        """The first picture of a species with a question of its own ("caviar of which
        group?") and its answer."""
        return next((item for item in self.store.media.for_owner(species_uuid, locale)
                     if item.ask is not None and item.ask_answer is not None), None)

    def all_keys(self) -> list[str]:
        keys = []
        for row in self.store.query("SELECT s.slug, s.uuid FROM species s WHERE s.deleted = 0 "
                                    "ORDER BY s.slug"):
            if self.picture_for(row["uuid"]) is not None:
                keys.append(f"picture:{row['slug']}")
            keys.append(f"features:{row['slug']}")
            if self.ask_picture(row["uuid"], "en") is not None:
                keys.append(f"ask:{row['slug']}")
            keys.append(f"appendix:{row['slug']}")
            if self.store.scalar("SELECT 1 FROM species_products WHERE species_uuid = ? AND "
                                 "deleted = 0", (row["uuid"],)):
                keys.append(f"product:{row['slug']}")
        return keys

    def _rows(self, trainee: str) -> dict[str, dict]:
        return {r["card_key"]: r for r in self.store.query(
            "SELECT * FROM practice_cards WHERE trainee_uuid = ? AND deleted = 0", (trainee,))}

    def _schedule(self, trainee: str, now: dt.datetime | None
                  ) -> tuple[dict[str, dict], list[str], int]:
        """The trainee's card rows, the keys due now (oldest first) and how many new cards
        may still start today."""
        now = now or self.store.clock()
        rows = self._rows(trainee)
        due = sorted((r["due_at"], k) for k, r in rows.items() if r["due_at"] <= iso(now))
        today = iso(now.replace(hour=0, minute=0, second=0, microsecond=0))
        started_today = sum(1 for r in rows.values() if r["updated_at"] >= today and
                            json.loads(r["state"]).get("first_review", "") >= today)
        return rows, [k for _due, k in due], max(0, NEW_PER_DAY - started_today)

    def due(self, trainee: str, now: dt.datetime | None = None) -> list[str]:
        """Cards to review now: those whose time has come, then today's new ones."""
        rows, due, quota = self._schedule(trainee, now)
        # The order is fixed over every card, so reviewing one does not reshuffle the rest.
        fresh = [k for k in interleave(self.all_keys(), seed=trainee) if k not in rows]
        return due + fresh[:quota]

    def reviewed_today(self, trainee: str, now: dt.datetime | None = None) -> int:
        """How many reviews the trainee has made since midnight (the day's progress)."""
        now = now or self.store.clock()
        today = iso(now.replace(hour=0, minute=0, second=0, microsecond=0))
        return self.store.scalar(
            "SELECT count(*) FROM practice_reviews r JOIN practice_cards c ON "
            "c.uuid = r.card_uuid WHERE c.trainee_uuid = ? AND r.reviewed_at >= ? AND "
            "r.deleted = 0", (trainee, today)) or 0

    def card(self, key: str, locale: str) -> Flashcard | None:
        kind, _sep, slug = key.partition(":")
        uuid = self.store.species.uuid_for(slug)
        card = self.store.species.card(uuid, locale) if uuid else None
        if uuid is None or card is None:
            return None
        name = card.summary.name.value if card.summary.name else card.summary.scientific_name
        full = f"{name} ({card.summary.scientific_name})"
        if kind == "picture":
            media = self.picture_for(uuid)
            image = next((i for i in card.images if i.uuid == media), None)
            if image is None:
                return None
            return Flashcard(key, kind, uuid, _("Which species is this?"), image, full)
        if kind == "ask":
            item = self.ask_picture(uuid, locale)
            if item is None or item.ask is None or item.ask_answer is None:
                return None
            return Flashcard(key, kind, uuid, item.ask.value, item, item.ask_answer.value)
        if kind == "features" and card.features:
            listed = "\n".join(f"• {feature.value}" for feature in card.features[:4])
            return Flashcard(key, kind, uuid, _("Which species has these features?") + "\n\n"
                             + listed, None, full)
        if kind == "appendix":
            listing = card.listing
            answer = labels.listing_text(listing.appendix if listing else None,
                                         listing.checked_on if listing else None,
                                         listing.to_verify if listing else False)
            return Flashcard(key, kind, uuid, _("In which CITES Appendix is {name}?").format(
                name=full), None, answer)
        if kind == "product" and card.products:
            product = card.products[0]
            text = product.text.value if product.text else labels.product_name(
                product.product_type)
            return Flashcard(key, kind, uuid, _("Which species is this product from?") + "\n\n"
                             + text, None, full)
        return None

    def review(self, trainee: str, key: str, rating: int) -> dt.datetime:
        """Record a review (1 again, 2 hard, 3 good, 4 easy); return when it is due next."""
        if rating not in RATINGS:
            raise ValueError(f"rating must be 1-4, not {rating!r}")
        from fsrs import Card, Rating

        now = self.store.clock()
        uuid = content_uuid("practice_card", f"{trainee}/{key}")
        row = self.store.query_one("SELECT state FROM practice_cards WHERE uuid = ?", (uuid,))
        state: Any = json.loads(row["state"]) if row else {}  # fsrs' own card dict
        first = state.pop("first_review", iso(now))
        card = Card.from_dict(state) if state else Card()
        card, _log = self.scheduler.review_card(card, Rating(rating), review_datetime=now)
        with self.store.transaction():
            self.store.put("practice_cards", {
                "uuid": uuid, "trainee_uuid": trainee, "card_key": key,
                "state": {**card.to_dict(), "first_review": first}, "due_at": iso(card.due)})
            self.store.put("practice_reviews", {"uuid": new_uuid(), "card_uuid": uuid,
                                                "rating": rating, "reviewed_at": iso(now)})
        return card.due

    def due_count(self, trainee: str, now: dt.datetime | None = None) -> int:
        """``len(due(trainee))``, without choosing every species' picture card (which reads
        and checks every diagram) while the cards that need no picture already fill the
        day's new ones: the start page asks this before its first paint."""
        rows, due, quota = self._schedule(trainee, now)
        plain = sum(1 for key in self._keys_without_pictures() if key not in rows)
        if plain >= quota:
            return len(due) + quota
        return len(self.due(trainee, now))

    def _keys_without_pictures(self) -> list[str]:
        """Every card key but the picture cards (the features, appendix and product ones)."""
        keys = []
        for row in self.store.query(
                "SELECT s.slug, EXISTS (SELECT 1 FROM species_products p WHERE "
                "p.species_uuid = s.uuid AND p.deleted = 0) AS product FROM species s "
                "WHERE s.deleted = 0 ORDER BY s.slug"):
            keys += [f"features:{row['slug']}", f"appendix:{row['slug']}"]
            if row["product"]:
                keys.append(f"product:{row['slug']}")
        return keys
