"""What the tables are for, in one place the store, the loader and sync can read.

The DDL itself lives in :mod:`idtrainer.core.migrations`; this module names
which tables travel between laptops and in which kind of bundle.
"""

from __future__ import annotations

#: Columns every synced row carries (docs/architecture.md, "Data model").
SYNC_COLUMNS: tuple[str, ...] = ("uuid", "rev", "updated_at", "updated_by", "deleted")

#: Synced tables that a trainer publishes in content bundles, in dependency order.
CONTENT_TABLES: tuple[str, ...] = (
    "taxa",
    "cites_listings",
    "media",
    "species",
    "species_features",
    "species_products",
    "lookalikes",
    "media_links",
    "picture_markers",
    "courses",
    "modules",
    "lessons",
    "questions",
    "question_options",
    "quizzes",
    "quiz_rules",
    "events",
    "classes",
    "quiz_assignments",
    "key_characters",
    "key_states",
    "key_codings",
    "key_not_separable",
    "experts",
    "revocations",
)

#: Synced tables that laptops send back in results bundles, in dependency order.
RESULTS_TABLES: tuple[str, ...] = (
    "trainees",
    "class_members",
    "attendance",
    "attempts",
    "answers",
    "lesson_progress",
    "practice_cards",
    "practice_reviews",
    "certificates",
    "certificate_events",
)

#: Translations of any synced row: travel with the kind of bundle their owner travels in.
TEXTS_TABLE = "texts"

SYNCED_TABLES: tuple[str, ...] = (*CONTENT_TABLES, *RESULTS_TABLES, TEXTS_TABLE)

#: Tables that never leave this installation.
LOCAL_TABLES: tuple[str, ...] = ("settings", "keys", "trusted_keys", "sync_log", "search_index",
                                 "checklist_taxa", "checklist_synonyms",
                                 "checklist_annotations", "device_pins", "grading_flags")

#: The column naming the device a synced row originated on (docs/security.md).
ORIGIN_COLUMN = "origin"

TEXT_STATUSES: tuple[str, ...] = ("draft", "machine", "reviewed")
APPENDICES: tuple[str, ...] = ("I", "II", "III", "none")
TAXON_GROUPS: tuple[str, ...] = (
    "mammals", "birds", "reptiles", "amphibians", "fish", "invertebrates", "plants",
)
PRODUCT_TYPES: tuple[str, ...] = (
    "live", "skin", "horn", "feathers", "meat", "eggs", "caviar", "shell", "bone",
    "medicine", "plant", "trophy", "other",
)
QUESTION_TYPES: tuple[str, ...] = (
    "single", "multiple", "truefalse", "image", "matching", "appendix",
)
RANKS: tuple[str, ...] = (
    "kingdom", "phylum", "class", "order", "family", "genus", "species", "subspecies", "variety",
)
