"""Species profiles and their CITES listings: the queries the library and cards need."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from idtrainer.core.collation import sort_key
from idtrainer.core.media import MediaItem
from idtrainer.core.texts import LocalText

if TYPE_CHECKING:
    from idtrainer.core.store import Store


@dataclass(frozen=True)
class Listing:
    """A CITES listing. The UI never shows ``appendix`` without ``checked_on``."""

    appendix: str
    annotation: LocalText | None
    source: str
    listed_since: str | None
    checked_on: str
    to_verify: bool


@dataclass(frozen=True)
class Product:
    product_type: str
    text: LocalText | None


@dataclass(frozen=True)
class Lookalike:
    other_species_uuid: str | None
    other_slug: str | None
    label: LocalText | None
    points: LocalText | None


@dataclass(frozen=True)
class SpeciesSummary:
    uuid: str
    slug: str
    taxon_uuid: str
    scientific_name: str
    group: str
    name: LocalText | None
    appendix: str | None
    checked_on: str | None = None
    to_verify: bool = False
    thumbnail: str | None = None  # sha256 of the first image
    thumbnail_mime: str | None = None


@dataclass(frozen=True)
class SpeciesCard:
    summary: SpeciesSummary
    author: str
    family: str
    synonyms: list[str]
    names: dict[str, str]
    other_names: dict[str, list[str]]
    texts: dict[str, LocalText]
    features: list[LocalText]
    products: list[Product]
    lookalikes: list[Lookalike]
    listing: Listing | None
    images: list[MediaItem] = field(default_factory=list)

    @property
    def fell_back(self) -> bool:
        """True when any text on the card is shown from another language."""
        shown = [*self.texts.values(), *self.features,
                 *(p.text for p in self.products if p.text),
                 *(x for lk in self.lookalikes for x in (lk.label, lk.points) if x)]
        if self.summary.name:
            shown.append(self.summary.name)
        return any(t.fell_back for t in shown)


class SpeciesManager:
    def __init__(self, store: Store) -> None:
        self.store = store

    def count(self) -> int:
        return self.store.count("species")

    def tagged(self, tag: str) -> list[str]:
        """Uuids of the species carrying ``tag`` (poster and filter tags), by slug."""
        return [r["uuid"] for r in self.store.query(
            "SELECT uuid FROM species WHERE deleted = 0 AND EXISTS "
            "(SELECT 1 FROM json_each(species.tags) WHERE value = ?) ORDER BY slug", (tag,))]

    def expand_feature_lists(self, markdown: str, locale: str) -> str:
        """Replace ``{{features:<id>}}`` in a lesson with that species' numbered diagnostic
        features in ``locale``: the numbers are the callouts of its diagrams."""
        from idtrainer.core.content import FEATURES_DIRECTIVE

        def features(match: re.Match) -> str:
            uuid = self.uuid_for(match.group(1))
            card = self.card(uuid, locale) if uuid else None
            if card is None:
                return ""
            return "\n".join(f"{i}. {f.value}" for i, f in enumerate(card.features, 1))

        return FEATURES_DIRECTIVE.sub(features, markdown)

    def uuid_for(self, slug: str) -> str | None:
        return self.store.scalar(
            "SELECT uuid FROM species WHERE slug = ? AND deleted = 0", (slug,))

    def all(self, locale: str, *, appendix: str | None = None, group: str | None = None,
             product_type: str | None = None, only: list[str] | None = None
             ) -> list[SpeciesSummary]:
        """Species with a profile, filtered; sorted by name in ``locale``, or in the order
        of ``only`` (species uuids, e.g. search results) when that is given."""
        sql = [_SUMMARY_SQL, "WHERE s.deleted = 0"]
        params: list[str] = []
        if only is not None:
            if not only:
                return []
            sql.append("AND s.uuid IN ({})".format(",".join("?" * len(only))))
            params += only
        if appendix:
            sql.append("AND coalesce(l.appendix, 'none') = ?")
            params.append(appendix)
        if group:
            sql.append("AND s.taxon_group = ?")
            params.append(group)
        if product_type:
            sql.append("AND EXISTS (SELECT 1 FROM species_products p WHERE p.species_uuid = "
                       "s.uuid AND p.deleted = 0 AND p.product_type = ?)")
            params.append(product_type)
        rows = self.store.query(" ".join(sql), tuple(params))
        items = self._summaries(rows, locale)
        if only is not None:
            rank = {uuid: i for i, uuid in enumerate(only)}
            return sorted(items, key=lambda s: rank[s.uuid])
        return sorted(items, key=lambda s: (
            sort_key(s.name.value if s.name else s.scientific_name, locale), s.scientific_name))

    def summary(self, species_uuid: str, locale: str) -> SpeciesSummary | None:
        rows = self.store.query(_SUMMARY_SQL + " WHERE s.uuid = ?", (species_uuid,))
        found = self._summaries(rows, locale)
        return found[0] if found else None

    def search(self, query: str, locale: str, *, appendix: str | None = None,
               group: str | None = None, product_type: str | None = None
               ) -> list[SpeciesSummary]:
        """Library search: species whose names match ``query`` (any language or script),
        best match first, narrowed by the same filters as :meth:`all`."""
        only = None
        if query.strip():
            hits = self.store.search.find(query, locale, limit=500)
            only = list(dict.fromkeys(h.species_uuid for h in hits if h.species_uuid))
        return self.all(locale, appendix=appendix, group=group, product_type=product_type,
                        only=only)

    def listing(self, taxon_uuid: str, locale: str) -> Listing | None:
        row = self.store.query_one(
            "SELECT * FROM cites_listings WHERE taxon_uuid = ? AND deleted = 0 "
            "ORDER BY checked_on DESC, updated_at DESC LIMIT 1", (taxon_uuid,))
        if row is None:
            return None
        annotation = self.store.texts.get("cites_listings", row["uuid"], "annotation", locale)
        return Listing(row["appendix"], annotation,
                       row["source"], row["listed_since"], row["checked_on"],
                       bool(row["to_verify"]))

    def card(self, species_uuid: str, locale: str) -> SpeciesCard | None:
        summary = self.summary(species_uuid, locale)
        if summary is None:
            return None
        taxon = self.store.query_one("SELECT * FROM taxa WHERE uuid = ?", (summary.taxon_uuid,))
        assert taxon is not None
        texts = self.store.texts
        names: dict[str, str] = {}
        other: dict[str, list[str]] = {}
        for r in self.store.query(
                "SELECT field, locale, value FROM texts WHERE owner_table = 'taxa' AND "
                "owner_uuid = ? AND deleted = 0 AND field IN ('name', 'other_names')",
                (summary.taxon_uuid,)):
            if r["field"] == "name":
                names[r["locale"]] = r["value"]
            else:
                other[r["locale"]] = [n for n in r["value"].split("\n") if n.strip()]

        def children(table: str, extra: str = "") -> list[dict]:
            return self.store.query(
                f"SELECT * FROM {table} WHERE species_uuid = ? AND deleted = 0 {extra} "
                "ORDER BY position", (species_uuid,))

        features = children("species_features")
        products = children("species_products")
        lookalikes = children("lookalikes")
        owned = {**texts.for_owners("species_features", [r["uuid"] for r in features], locale),
                 **texts.for_owners("species_products", [r["uuid"] for r in products], locale),
                 **texts.for_owners("lookalikes", [r["uuid"] for r in lookalikes], locale)}
        slugs = {r["uuid"]: r["slug"] for r in self.store.query(
            "SELECT uuid, slug FROM species WHERE deleted = 0")}
        return SpeciesCard(
            summary=summary,
            author=taxon["author"],
            family=taxon["family"],
            synonyms=json.loads(taxon["synonyms"]),
            names=names,
            other_names=other,
            texts=texts.fields("species", species_uuid, locale),
            features=[owned[r["uuid"]]["text"] for r in features
                      if "text" in owned.get(r["uuid"], {})],
            products=[Product(r["product_type"], owned.get(r["uuid"], {}).get("text"))
                      for r in products],
            lookalikes=[Lookalike(r["other_species_uuid"], slugs.get(r["other_species_uuid"]),
                                  owned.get(r["uuid"], {}).get("label"),
                                  owned.get(r["uuid"], {}).get("points"))
                        for r in lookalikes],
            listing=self.listing(summary.taxon_uuid, locale),
            images=self.store.media.for_owner(species_uuid, locale),
        )

    def distinguishing_points(self, a: str, b: str, locale: str) -> list[LocalText]:
        """What tells species ``a`` from ``b``: the lookalike notes either card gives."""
        rows = self.store.query(
            "SELECT uuid FROM lookalikes WHERE deleted = 0 AND ((species_uuid = ? AND "
            "other_species_uuid = ?) OR (species_uuid = ? AND other_species_uuid = ?)) "
            "ORDER BY species_uuid = ? DESC, position", (a, b, b, a, a))
        texts = self.store.texts.for_owners("lookalikes", [r["uuid"] for r in rows], locale,
                                            fields=["points"])
        return [texts[r["uuid"]]["points"] for r in rows if "points" in texts.get(r["uuid"], {})]

    def _summaries(self, rows: list[dict], locale: str) -> list[SpeciesSummary]:
        names = self.store.texts.for_owners("taxa", [r["taxon_uuid"] for r in rows], locale,
                                            fields=["name"])
        return [SpeciesSummary(r["uuid"], r["slug"], r["taxon_uuid"], r["scientific_name"],
                               r["taxon_group"], names.get(r["taxon_uuid"], {}).get("name"),
                               r["appendix"], r["checked_on"], bool(r["to_verify"]),
                               *(r["thumbnail"] or "|").split("|", 1)) for r in rows]


# The newest listing of each taxon (there may be several rows over time).
_SUMMARY_SQL = """
SELECT s.uuid, s.slug, s.taxon_uuid, s.taxon_group, t.scientific_name, l.appendix,
    l.checked_on, l.to_verify,
    (SELECT m.sha256 || '|' || m.mime FROM media_links k JOIN media m ON m.uuid = k.media_uuid
     WHERE k.owner_uuid = s.uuid AND k.deleted = 0 AND m.deleted = 0
     ORDER BY k.position LIMIT 1) AS thumbnail
FROM species s
JOIN taxa t ON t.uuid = s.taxon_uuid
LEFT JOIN cites_listings l ON l.uuid = (
    SELECT uuid FROM cites_listings WHERE taxon_uuid = s.taxon_uuid AND deleted = 0
    ORDER BY checked_on DESC, updated_at DESC LIMIT 1)
"""
