"""Flashcard practice with spaced repetition (FSRS), per trainee.

Four kinds of card for every species in the library: its picture → its name, its
diagnostic features → its name, its name → its CITES Appendix, a product it is smuggled
as → the species. Each
trainee's schedule lives in ``practice_cards`` (the FSRS card state as JSON, and
when it is due); every review is a row in ``practice_reviews``, so both travel in
results bundles.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from idtrainer.core import labels
from idtrainer.core.i18n import gettext as _
from idtrainer.core.media import MediaItem
from idtrainer.core.store import content_uuid, iso, new_uuid

if TYPE_CHECKING:
    from idtrainer.core.store import Store

KINDS = ("picture", "features", "appendix", "product")
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


def _names_species(path, mime: str, names: list[str]) -> bool:
    """True when a drawing spells out the answer (its title names the species)."""
    if mime != "image/svg+xml":
        return False
    try:
        text = path.read_text(encoding="utf-8", errors="ignore").casefold()
    except OSError:
        return True
    return any(n.casefold() in text for n in names if n)


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
        """The first image of a species that does not name it, remembered per session."""
        if species_uuid not in self._pictures:
            taxon = self.store.query_one(
                "SELECT t.uuid, t.scientific_name, t.synonyms FROM species s JOIN taxa t ON "
                "t.uuid = s.taxon_uuid WHERE s.uuid = ?", (species_uuid,))
            names = [taxon["scientific_name"], taxon["scientific_name"].split()[0],
                     *json.loads(taxon["synonyms"])] if taxon else []
            names += [r[0] for r in self.store.conn.execute(
                "SELECT value FROM texts WHERE owner_table = 'taxa' AND owner_uuid = ? AND "
                "field = 'name' AND deleted = 0", (taxon["uuid"] if taxon else "",))]
            self._pictures[species_uuid] = next(
                (r["uuid"] for r in self.store.query(
                    "SELECT m.uuid, m.sha256, m.mime FROM media_links k JOIN media m ON "
                    "m.uuid = k.media_uuid WHERE k.owner_uuid = ? AND k.deleted = 0 AND "
                    "m.deleted = 0 ORDER BY k.position", (species_uuid,))
                 if not _names_species(self.store.media.path_for(r["sha256"]), r["mime"],
                                       names)), None)
        return self._pictures[species_uuid]

    def all_keys(self) -> list[str]:
        keys = []
        for row in self.store.query("SELECT s.slug, s.uuid FROM species s WHERE s.deleted = 0 "
                                    "ORDER BY s.slug"):
            if self.picture_for(row["uuid"]) is not None:
                keys.append(f"picture:{row['slug']}")
            keys.append(f"features:{row['slug']}")
            keys.append(f"appendix:{row['slug']}")
            if self.store.scalar("SELECT 1 FROM species_products WHERE species_uuid = ? AND "
                                 "deleted = 0", (row["uuid"],)):
                keys.append(f"product:{row['slug']}")
        return keys

    def _rows(self, trainee: str) -> dict[str, dict]:
        return {r["card_key"]: r for r in self.store.query(
            "SELECT * FROM practice_cards WHERE trainee_uuid = ? AND deleted = 0", (trainee,))}

    def due(self, trainee: str, now: dt.datetime | None = None) -> list[str]:
        """Cards to review now: those whose time has come, then today's new ones."""
        now = now or self.store.clock()
        rows = self._rows(trainee)
        due = sorted((r["due_at"], k) for k, r in rows.items() if r["due_at"] <= iso(now))
        today = iso(now.replace(hour=0, minute=0, second=0, microsecond=0))
        started_today = sum(1 for r in rows.values() if r["updated_at"] >= today and
                            json.loads(r["state"]).get("first_review", "") >= today)
        fresh = [k for k in self.all_keys() if k not in rows]
        return [k for _due, k in due] + fresh[:max(0, NEW_PER_DAY - started_today)]

    def card(self, key: str, locale: str) -> Flashcard | None:
        kind, _sep, slug = key.partition(":")
        uuid = self.store.species.uuid_for(slug)
        card = self.store.species.card(uuid, locale) if uuid else None
        if card is None:
            return None
        name = card.summary.name.value if card.summary.name else card.summary.scientific_name
        full = f"{name} ({card.summary.scientific_name})"
        if kind == "picture":
            media = self.picture_for(uuid)
            image = next((i for i in card.images if i.uuid == media), None)
            if image is None:
                return None
            return Flashcard(key, kind, uuid, _("Which species is this?"), image, full)
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
        state = json.loads(row["state"]) if row else {}
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

    def due_count(self, trainee: str) -> int:
        return len(self.due(trainee))
