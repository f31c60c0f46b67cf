"""Ordered schema steps over ``PRAGMA user_version``.

Each step runs in its own transaction, together with the version bump, after
the database file has been copied aside with SQLite's backup API. A file made
by a newer IDTrainer is refused before anything is written to it.

To change the schema, append a step; never edit a released one. A released step is
literal SQL, like v1: no constants that a later edit could change, no library calls
whose output changes with the library's version (tests/data/schema_v1.sql is what v1
creates, checked by a test). See docs/architecture.md, "Data model".

A new, empty database is not built step by step: it gets the latest schema in one script,
``core/schema_latest.py`` (6 ms instead of about 55: every ALTER TABLE re-reads the whole
schema). That script is what replaying every step leaves; after appending a step, write
it again with ``python tools/schema_snapshot.py`` (tests/unit/test_migrations.py compares
the two, and a script older than the last step is not used).
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

from idtrainer.core.errors import IDTrainerError


class SchemaTooNewError(IDTrainerError, RuntimeError):
    """The database was written by a newer IDTrainer than this one."""

    def __init__(self, path: Path | str, found: int, supported: int) -> None:
        self.path, self.found, self.supported = Path(path), found, supported
        super().__init__(
            f"{path}: this database has schema version {found}, but this IDTrainer "
            f"reads versions up to {supported}. Install a newer IDTrainer; "
            "the file was left unchanged."
        )


# Helpers for drafting a new step's SQL. Before a step is released, write out the SQL they
# produce, as v1 does, so a later edit of a constant cannot change a released step.


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


SYNC = """
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))"""

_V1 = [
    # -- local to this installation --------------------------------------------------
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE keys (
        key_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('device', 'publisher')),
        public_key BLOB NOT NULL,
        private_key BLOB,
        created_at TEXT NOT NULL)""",
    """CREATE TABLE trusted_keys (
        key_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('device', 'publisher')),
        public_key BLOB NOT NULL,
        name TEXT NOT NULL DEFAULT '',
        trusted_at TEXT NOT NULL,
        revoked_at TEXT)""",
    """CREATE TABLE sync_log (
        bundle_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('content', 'results')),
        direction TEXT NOT NULL CHECK (direction IN ('import', 'export')),
        file_name TEXT NOT NULL,
        at TEXT NOT NULL,
        producer_device TEXT NOT NULL,
        signer_key_id TEXT NOT NULL,
        summary TEXT NOT NULL DEFAULT '{}')""",
    # -- translations of every translatable field ------------------------------------
    """CREATE TABLE texts (
        uuid TEXT PRIMARY KEY,
        owner_table TEXT NOT NULL,
        owner_uuid TEXT NOT NULL,
        field TEXT NOT NULL,
        locale TEXT NOT NULL CHECK (locale IN ('en', 'ru', 'kk', 'uz')),
        value TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('draft', 'machine', 'reviewed')),
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
        UNIQUE (owner_uuid, field, locale))""",
    "CREATE INDEX texts_owner ON texts (owner_table, field, locale)",
    # -- taxonomy and CITES ----------------------------------------------------------
    """CREATE TABLE taxa (
        uuid TEXT PRIMARY KEY,
        slug TEXT UNIQUE,
        scientific_name TEXT NOT NULL,
        author TEXT NOT NULL DEFAULT '',
        rank TEXT NOT NULL DEFAULT 'species',
        kingdom TEXT NOT NULL DEFAULT '',
        phylum TEXT NOT NULL DEFAULT '',
        class TEXT NOT NULL DEFAULT '',
        "order" TEXT NOT NULL DEFAULT '',
        family TEXT NOT NULL DEFAULT '',
        genus TEXT NOT NULL DEFAULT '',
        synonyms TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(synonyms)),
        cites_taxon_id INTEGER,
        source TEXT NOT NULL DEFAULT '',
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)))""",
    "CREATE INDEX taxa_scientific ON taxa (scientific_name)",
    """CREATE TABLE cites_listings (
        uuid TEXT PRIMARY KEY,
        taxon_uuid TEXT NOT NULL REFERENCES taxa (uuid),
        appendix TEXT NOT NULL CHECK (appendix IN ('I', 'II', 'III', 'none')),
        listed_since TEXT,
        source TEXT NOT NULL,
        checked_on TEXT NOT NULL,
        to_verify INTEGER NOT NULL DEFAULT 0 CHECK (to_verify IN (0, 1)),
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)))""",
    "CREATE INDEX cites_listings_taxon ON cites_listings (taxon_uuid)",
    # -- species profiles ------------------------------------------------------------
    """CREATE TABLE species (
        uuid TEXT PRIMARY KEY,
        slug TEXT NOT NULL UNIQUE,
        taxon_uuid TEXT NOT NULL UNIQUE REFERENCES taxa (uuid),
        taxon_group TEXT NOT NULL CHECK (taxon_group IN ('mammals', 'birds', 'reptiles', 'amphibians', 'fish', 'invertebrates', 'plants')),
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)))""",
    """CREATE TABLE species_features (
        uuid TEXT PRIMARY KEY,
        species_uuid TEXT NOT NULL REFERENCES species (uuid),
        position INTEGER NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)))""",
    "CREATE INDEX species_features_species ON species_features (species_uuid, position)",
    """CREATE TABLE species_products (
        uuid TEXT PRIMARY KEY,
        species_uuid TEXT NOT NULL REFERENCES species (uuid),
        position INTEGER NOT NULL,
        product_type TEXT NOT NULL CHECK (product_type IN ('live', 'skin', 'horn', 'feathers', 'meat', 'eggs', 'caviar', 'shell', 'bone', 'medicine', 'plant', 'trophy', 'other')),
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)))""",
    "CREATE INDEX species_products_species ON species_products (species_uuid, position)",
    "CREATE INDEX species_products_type ON species_products (product_type)",
    """CREATE TABLE lookalikes (
        uuid TEXT PRIMARY KEY,
        species_uuid TEXT NOT NULL REFERENCES species (uuid),
        position INTEGER NOT NULL,
        other_species_uuid TEXT REFERENCES species (uuid),
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)))""",
    "CREATE INDEX lookalikes_species ON lookalikes (species_uuid, position)",
    # -- media (files live beside the database, named by sha256) ----------------------
    """CREATE TABLE media (
        uuid TEXT PRIMARY KEY,
        sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
        mime TEXT NOT NULL,
        bytes INTEGER NOT NULL CHECK (bytes >= 0),
        width INTEGER,
        height INTEGER,
        licence TEXT NOT NULL,
        author TEXT NOT NULL,
        source TEXT NOT NULL,
        original_name TEXT NOT NULL DEFAULT '',
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)))""",
    "CREATE INDEX media_sha256 ON media (sha256)",
    """CREATE TABLE media_links (
        uuid TEXT PRIMARY KEY,
        owner_table TEXT NOT NULL,
        owner_uuid TEXT NOT NULL,
        media_uuid TEXT NOT NULL REFERENCES media (uuid),
        position INTEGER NOT NULL DEFAULT 0,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)))""",
    "CREATE INDEX media_links_owner ON media_links (owner_uuid, position)",
    # -- course structure --------------------------------------------------------------
    """CREATE TABLE courses (
        uuid TEXT PRIMARY KEY,
        slug TEXT NOT NULL UNIQUE,
        position INTEGER NOT NULL DEFAULT 0,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)))""",
    """CREATE TABLE modules (
        uuid TEXT PRIMARY KEY,
        course_uuid TEXT NOT NULL REFERENCES courses (uuid),
        slug TEXT NOT NULL UNIQUE,
        position INTEGER NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)))""",
    "CREATE INDEX modules_course ON modules (course_uuid, position)",
    """CREATE TABLE lessons (
        uuid TEXT PRIMARY KEY,
        module_uuid TEXT NOT NULL REFERENCES modules (uuid),
        slug TEXT NOT NULL,
        position INTEGER NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
        UNIQUE (module_uuid, slug))""",
    "CREATE INDEX lessons_module ON lessons (module_uuid, position)",
    # -- questions and quizzes ---------------------------------------------------------
    """CREATE TABLE questions (
        uuid TEXT PRIMARY KEY,
        slug TEXT UNIQUE,
        module_uuid TEXT REFERENCES modules (uuid),
        qtype TEXT NOT NULL CHECK (qtype IN ('single', 'multiple', 'truefalse', 'image', 'matching', 'appendix')),
        difficulty INTEGER NOT NULL DEFAULT 1 CHECK (difficulty BETWEEN 1 AND 3),
        tags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),
        species TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(species)),
        media_uuid TEXT REFERENCES media (uuid),
        answer TEXT CHECK (answer IS NULL OR json_valid(answer)),
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)))""",
    "CREATE INDEX questions_module ON questions (module_uuid)",
    """CREATE TABLE question_options (
        uuid TEXT PRIMARY KEY,
        question_uuid TEXT NOT NULL REFERENCES questions (uuid),
        position INTEGER NOT NULL,
        correct INTEGER NOT NULL DEFAULT 0 CHECK (correct IN (0, 1)),
        side TEXT CHECK (side IS NULL OR side IN ('left', 'right')),
        pair INTEGER,
        species_uuid TEXT REFERENCES species (uuid),
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)))""",
    "CREATE INDEX question_options_question ON question_options (question_uuid, position)",
    """CREATE TABLE quizzes (
        uuid TEXT PRIMARY KEY,
        slug TEXT UNIQUE,
        course_uuid TEXT REFERENCES courses (uuid),
        settings TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(settings)),
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)))""",
    """CREATE TABLE quiz_rules (
        uuid TEXT PRIMARY KEY,
        quiz_uuid TEXT NOT NULL REFERENCES quizzes (uuid),
        position INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('fixed', 'random')),
        question_uuid TEXT REFERENCES questions (uuid),
        draw_count INTEGER CHECK (draw_count IS NULL OR draw_count >= 1),
        filter TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(filter)),
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
        CHECK ((kind = 'fixed') = (question_uuid IS NOT NULL)))""",
    "CREATE INDEX quiz_rules_quiz ON quiz_rules (quiz_uuid, position)",
    # -- people ------------------------------------------------------------------------
    """CREATE TABLE classes (
        uuid TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        course_uuid TEXT REFERENCES courses (uuid),
        location TEXT NOT NULL DEFAULT '',
        trainer_name TEXT NOT NULL DEFAULT '',
        starts_on TEXT,
        ends_on TEXT,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)))""",
    """CREATE TABLE quiz_assignments (
        uuid TEXT PRIMARY KEY,
        quiz_uuid TEXT NOT NULL REFERENCES quizzes (uuid),
        class_uuid TEXT REFERENCES classes (uuid),
        trainee_uuid TEXT,
        available_from TEXT,
        available_until TEXT,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
        CHECK (class_uuid IS NOT NULL OR trainee_uuid IS NOT NULL))""",
    """CREATE TABLE trainees (
        uuid TEXT PRIMARY KEY,
        name TEXT NOT NULL CHECK (length(trim(name)) > 0),
        organisation TEXT NOT NULL DEFAULT '',
        pin_hash TEXT,
        locale TEXT CHECK (locale IS NULL OR locale IN ('en', 'ru', 'kk', 'uz')),
        created_on TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)))""",
    """CREATE TABLE class_members (
        uuid TEXT PRIMARY KEY,
        class_uuid TEXT NOT NULL REFERENCES classes (uuid),
        trainee_uuid TEXT NOT NULL REFERENCES trainees (uuid),
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
        UNIQUE (class_uuid, trainee_uuid))""",
    # -- results -----------------------------------------------------------------------
    """CREATE TABLE attempts (
        uuid TEXT PRIMARY KEY,
        quiz_uuid TEXT NOT NULL REFERENCES quizzes (uuid),
        trainee_uuid TEXT NOT NULL REFERENCES trainees (uuid),
        class_uuid TEXT REFERENCES classes (uuid),
        seed INTEGER NOT NULL,
        question_order TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(question_order)),
        locale TEXT NOT NULL CHECK (locale IN ('en', 'ru', 'kk', 'uz')),
        started_at TEXT NOT NULL,
        deadline_at TEXT,
        extra_seconds INTEGER NOT NULL DEFAULT 0,
        submitted_at TEXT,
        score REAL,
        max_score REAL,
        passed INTEGER CHECK (passed IS NULL OR passed IN (0, 1)),
        device_id TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)))""",
    "CREATE INDEX attempts_trainee ON attempts (trainee_uuid, quiz_uuid)",
    """CREATE TABLE answers (
        uuid TEXT PRIMARY KEY,
        attempt_uuid TEXT NOT NULL REFERENCES attempts (uuid),
        question_uuid TEXT NOT NULL REFERENCES questions (uuid),
        response TEXT CHECK (response IS NULL OR json_valid(response)),
        flagged INTEGER NOT NULL DEFAULT 0 CHECK (flagged IN (0, 1)),
        answered_at TEXT,
        score REAL,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
        UNIQUE (attempt_uuid, question_uuid))""",
    """CREATE TABLE lesson_progress (
        uuid TEXT PRIMARY KEY,
        trainee_uuid TEXT NOT NULL REFERENCES trainees (uuid),
        lesson_uuid TEXT NOT NULL REFERENCES lessons (uuid),
        opened_at TEXT NOT NULL,
        completed_at TEXT,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
        UNIQUE (trainee_uuid, lesson_uuid))""",
    """CREATE TABLE practice_cards (
        uuid TEXT PRIMARY KEY,
        trainee_uuid TEXT NOT NULL REFERENCES trainees (uuid),
        card_key TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(state)),
        due_at TEXT,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
        UNIQUE (trainee_uuid, card_key))""",
    """CREATE TABLE practice_reviews (
        uuid TEXT PRIMARY KEY,
        card_uuid TEXT NOT NULL REFERENCES practice_cards (uuid),
        rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
        reviewed_at TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)))""",
    """CREATE TABLE certificates (
        uuid TEXT PRIMARY KEY,
        serial TEXT NOT NULL UNIQUE,
        trainee_uuid TEXT NOT NULL REFERENCES trainees (uuid),
        class_uuid TEXT REFERENCES classes (uuid),
        quiz_uuid TEXT REFERENCES quizzes (uuid),
        attempt_uuid TEXT REFERENCES attempts (uuid),
        trainee_name TEXT NOT NULL,
        course_title TEXT NOT NULL,
        score REAL,
        locale TEXT NOT NULL CHECK (locale IN ('en', 'ru', 'kk', 'uz')),
        issued_on TEXT NOT NULL,
        issuer_key_id TEXT NOT NULL,
        payload TEXT NOT NULL,
        signature TEXT NOT NULL,
        revoked_at TEXT,
        revoke_reason TEXT,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)))""",
    """CREATE TABLE certificate_events (
        uuid TEXT PRIMARY KEY,
        certificate_uuid TEXT NOT NULL REFERENCES certificates (uuid),
        kind TEXT NOT NULL CHECK (kind IN ('issued', 'reprinted', 'revoked')),
        at TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)))""",
    # -- search (derived from taxa and texts; rebuilt, never synced) --------------------
    """CREATE TABLE search_index (
        taxon_uuid TEXT PRIMARY KEY REFERENCES taxa (uuid),
        names TEXT NOT NULL)""",
    # Full-text index over search_index, kept in step by triggers (the statements
    # sqlite-utils' enable_fts wrote when v1 was released, now fixed here). Folding (case,
    # diacritics, Kazakh letters, Uzbek script) happens in Python before text reaches the
    # index, see core/search.py; unicode61 only splits words.
    """CREATE VIRTUAL TABLE "search_index_fts" USING FTS5 (
    "names",
    tokenize='unicode61 remove_diacritics 2',
    content="search_index"
)""",
    """CREATE TRIGGER "search_index_ai" AFTER INSERT ON "search_index" BEGIN
  INSERT INTO "search_index_fts" (rowid, "names") VALUES (new.rowid, new."names");
END""",
    """CREATE TRIGGER "search_index_ad" AFTER DELETE ON "search_index" BEGIN
  INSERT INTO "search_index_fts" ("search_index_fts", rowid, "names") \
VALUES('delete', old.rowid, old."names");
END""",
    """CREATE TRIGGER "search_index_au" AFTER UPDATE ON "search_index" BEGIN
  INSERT INTO "search_index_fts" ("search_index_fts", rowid, "names") \
VALUES('delete', old.rowid, old."names");
  INSERT INTO "search_index_fts" (rowid, "names") VALUES (new.rowid, new."names");
END""",
]


def _v1(conn: sqlite3.Connection) -> None:
    for statement in _V1:
        conn.execute(statement)


GENDERS: tuple[str, ...] = ("", "f", "m")  # "" = not given

_V4 = [
    # Roster fields (issue 14) and the trainee merge: a merged record points at the
    # record it became, and every report reads attempts through that pointer.
    "ALTER TABLE trainees ADD COLUMN gender TEXT NOT NULL DEFAULT '' "
    f"CHECK (gender IN {_in(GENDERS)})",
    "ALTER TABLE trainees ADD COLUMN agency TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE trainees ADD COLUMN subdivision TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE trainees ADD COLUMN region TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE trainees ADD COLUMN position TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE trainees ADD COLUMN contact TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE trainees ADD COLUMN merged_into TEXT REFERENCES trainees (uuid)",
    f"""CREATE TABLE events (
        uuid TEXT PRIMARY KEY,
        name TEXT NOT NULL CHECK (length(trim(name)) > 0),
        starts_on TEXT NOT NULL,
        ends_on TEXT NOT NULL,
        place TEXT NOT NULL DEFAULT '',
        organiser TEXT NOT NULL DEFAULT '',
        agency TEXT NOT NULL DEFAULT '',
        languages TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(languages)),
        pre_quiz_uuid TEXT REFERENCES quizzes (uuid),
        post_quiz_uuid TEXT REFERENCES quizzes (uuid),{SYNC},
        CHECK (ends_on >= starts_on))""",
    "CREATE INDEX events_dates ON events (starts_on)",
    "ALTER TABLE classes ADD COLUMN event_uuid TEXT REFERENCES events (uuid)",
    f"""CREATE TABLE attendance (
        uuid TEXT PRIMARY KEY,
        event_uuid TEXT NOT NULL REFERENCES events (uuid),
        trainee_uuid TEXT NOT NULL REFERENCES trainees (uuid),
        day TEXT NOT NULL,
        present INTEGER NOT NULL DEFAULT 1 CHECK (present IN (0, 1)),{SYNC},
        UNIQUE (event_uuid, trainee_uuid, day))""",
    "CREATE INDEX attempts_quiz ON attempts (quiz_uuid, submitted_at)",
    # Certificates by outcome: attendance for everyone present, achievement for a pass.
    "ALTER TABLE certificates ADD COLUMN kind TEXT NOT NULL DEFAULT 'course' "
    "CHECK (kind IN ('course', 'attendance', 'achievement'))",
    "ALTER TABLE certificates ADD COLUMN event_uuid TEXT REFERENCES events (uuid)",
]


def _v4(conn: sqlite3.Connection) -> None:
    for statement in _V4:
        conn.execute(statement)


#: Roles and groups of the experts directory ("who to call").
EXPERT_ROLES: tuple[str, ...] = (
    "management-authority", "scientific-authority", "enforcement", "expert",
)
EXPERT_GROUPS: tuple[str, ...] = (
    "all", "mammals", "birds", "reptiles", "fish-caviar", "plants", "timber", "derivatives",
)

_V3 = [
    # -- the identification key (content: travels in content bundles) ------------------
    f"""CREATE TABLE key_characters (
        uuid TEXT PRIMARY KEY,
        slug TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL CHECK (kind IN ('states', 'numeric')),
        unit TEXT NOT NULL DEFAULT '',
        items TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(items)),
        position INTEGER NOT NULL,{SYNC})""",
    f"""CREATE TABLE key_states (
        uuid TEXT PRIMARY KEY,
        character_uuid TEXT NOT NULL REFERENCES key_characters (uuid),
        slug TEXT NOT NULL,
        position INTEGER NOT NULL,
        media_uuid TEXT REFERENCES media (uuid),{SYNC},
        UNIQUE (character_uuid, slug))""",
    f"""CREATE TABLE key_codings (
        uuid TEXT PRIMARY KEY,
        species_uuid TEXT NOT NULL REFERENCES species (uuid),
        character_uuid TEXT NOT NULL REFERENCES key_characters (uuid),
        coding TEXT NOT NULL CHECK (json_valid(coding)),{SYNC},
        UNIQUE (species_uuid, character_uuid))""",
    "CREATE INDEX key_codings_character ON key_codings (character_uuid)",
    f"""CREATE TABLE key_not_separable (
        uuid TEXT PRIMARY KEY,
        slug TEXT NOT NULL,
        item TEXT,
        species TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(species)),{SYNC})""",
    # -- who to call (content) -----------------------------------------------------------
    f"""CREATE TABLE experts (
        uuid TEXT PRIMARY KEY,
        country TEXT NOT NULL CHECK (length(country) = 2 AND country = upper(country)),
        taxon_group TEXT NOT NULL CHECK (taxon_group IN {_in(EXPERT_GROUPS)}),
        role TEXT NOT NULL CHECK (role IN {_in(EXPERT_ROLES)}),
        name TEXT NOT NULL DEFAULT '',
        organisation TEXT NOT NULL DEFAULT '',
        phone TEXT NOT NULL DEFAULT '',
        email TEXT NOT NULL DEFAULT '',
        languages TEXT NOT NULL DEFAULT '',
        position INTEGER NOT NULL DEFAULT 0,{SYNC})""",
    "CREATE INDEX experts_country ON experts (country, taxon_group)",
    # -- the Index of CITES Species (local: imported on each laptop from a file) -----------
    """CREATE TABLE checklist_taxa (
        taxon_id INTEGER PRIMARY KEY,
        kingdom TEXT NOT NULL DEFAULT '',
        phylum TEXT NOT NULL DEFAULT '',
        class TEXT NOT NULL DEFAULT '',
        "order" TEXT NOT NULL DEFAULT '',
        family TEXT NOT NULL DEFAULT '',
        genus TEXT NOT NULL DEFAULT '',
        species TEXT NOT NULL DEFAULT '',
        subspecies TEXT NOT NULL DEFAULT '',
        full_name TEXT NOT NULL,
        author TEXT NOT NULL DEFAULT '',
        rank TEXT NOT NULL,
        listing TEXT NOT NULL DEFAULT '',
        annotation_en INTEGER NOT NULL DEFAULT 0,
        full_annotation_en INTEGER NOT NULL DEFAULT 0,
        annotation_es INTEGER NOT NULL DEFAULT 0,
        annotation_fr INTEGER NOT NULL DEFAULT 0,
        hash_symbol TEXT NOT NULL DEFAULT '',
        hash_annotation INTEGER NOT NULL DEFAULT 0,
        names_en TEXT NOT NULL DEFAULT '',
        names_es TEXT NOT NULL DEFAULT '',
        names_fr TEXT NOT NULL DEFAULT '',
        accepted INTEGER NOT NULL DEFAULT 0,
        distribution TEXT NOT NULL DEFAULT '')""",
    "CREATE INDEX checklist_taxa_name ON checklist_taxa (full_name COLLATE NOCASE)",
    "CREATE INDEX checklist_taxa_genus ON checklist_taxa (genus COLLATE NOCASE, rank)",
    "CREATE INDEX checklist_taxa_family ON checklist_taxa (family COLLATE NOCASE, rank)",
    "CREATE INDEX checklist_taxa_order ON checklist_taxa (\"order\" COLLATE NOCASE, rank)",
    # Annotations repeat across thousands of taxa (Orchidaceae's alone ~28 000 times): the
    # taxa point at one copy of each text (0 is the empty text).
    """CREATE TABLE checklist_annotations (
        id INTEGER PRIMARY KEY,
        text TEXT NOT NULL)""",
    """CREATE TABLE checklist_synonyms (
        name TEXT NOT NULL,
        taxon_id INTEGER NOT NULL)""",  # ids checked on import; no FK keeps DELETE fast
    "CREATE INDEX checklist_synonyms_name ON checklist_synonyms (name COLLATE NOCASE)",
]


def _v3(conn: sqlite3.Connection) -> None:
    """Schema 3: the identification key, the experts directory, the CITES checklist."""
    for statement in _V3:
        conn.execute(statement)


def _v5(conn: sqlite3.Connection) -> None:
    """Species tags (posters, filters) and which pictures may be a "which species?" card."""
    conn.execute("ALTER TABLE species ADD COLUMN tags TEXT NOT NULL DEFAULT '[]'")
    conn.execute("ALTER TABLE media_links ADD COLUMN practice INTEGER NOT NULL DEFAULT 1 "
                 "CHECK (practice IN (0, 1))")


def _v11(conn: sqlite3.Connection) -> None:
    """The sync history also lists editing sessions ("content edited on LAPTOP"):
    ``direction`` may be 'edit'. Rebuilt, since SQLite cannot change a CHECK."""
    conn.execute("ALTER TABLE sync_log RENAME TO sync_log_v10")
    conn.execute("""CREATE TABLE sync_log (
        bundle_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('content', 'results')),
        direction TEXT NOT NULL CHECK (direction IN ('import', 'export', 'edit')),
        file_name TEXT NOT NULL,
        at TEXT NOT NULL,
        producer_device TEXT NOT NULL,
        signer_key_id TEXT NOT NULL,
        summary TEXT NOT NULL DEFAULT '{}')""")
    columns = ", ".join(f"[{r[1]}]" for r in conn.execute("PRAGMA table_info(sync_log_v10)"))
    conn.execute(f"INSERT INTO sync_log ({columns}) SELECT {columns} FROM sync_log_v10")
    conn.execute("DROP TABLE sync_log_v10")


_V1_SYNCED = (
    "texts", "taxa", "cites_listings", "media", "species", "species_features",
    "species_products", "lookalikes", "media_links", "courses", "modules", "lessons",
    "questions", "question_options", "quizzes", "quiz_rules", "classes", "quiz_assignments",
    "trainees", "class_members", "attempts", "answers", "lesson_progress", "practice_cards",
    "practice_reviews", "certificates", "certificate_events")
#: Synced tables that versions 3 to 5 added (identification key, experts, events).
_V3_TO_V5_SYNCED = ("key_characters", "key_states", "key_codings", "key_not_separable",
                    "experts", "events", "attendance")


def _v6(conn: sqlite3.Connection) -> None:
    """Trust (docs/security.md): sealed publisher keys, where each synced row came from,
    laptops pinned to their keys, certificates named by (publisher key, serial), signed
    revocations that travel with content, grading flags."""
    # The publisher's private key, encrypted with a key derived from the trainer password
    # (core/keys.py); the plain private_key column keeps only the device key.
    conn.execute("ALTER TABLE keys ADD COLUMN sealed_key TEXT")
    # The device each synced row originated on. Filled from what the rows already say.
    for table in (*_V1_SYNCED, *_V3_TO_V5_SYNCED):
        conn.execute(f"ALTER TABLE [{table}] ADD COLUMN origin TEXT")
    conn.execute("UPDATE attendance SET origin = updated_by")
    conn.execute("UPDATE attempts SET origin = device_id")
    conn.execute("UPDATE trainees SET origin = created_on")
    for table, parent, column in (("answers", "attempts", "attempt_uuid"),
                                  ("lesson_progress", "trainees", "trainee_uuid"),
                                  ("practice_cards", "trainees", "trainee_uuid")):
        conn.execute(f"UPDATE [{table}] SET origin = (SELECT p.origin FROM [{parent}] p "
                     f"WHERE p.uuid = [{table}].[{column}])")
    conn.execute("UPDATE practice_reviews SET origin = (SELECT c.origin FROM practice_cards c "
                 "WHERE c.uuid = practice_reviews.card_uuid)")
    conn.execute("UPDATE class_members SET origin = updated_by")
    # Content, certificates and their texts came from the trainer: no device owns them.
    # A certificate is (publisher key, serial): two publishers' serials never collide.
    # Rebuilt (SQLite cannot drop a constraint) with certificate_events, whose reference
    # follows the renamed table: both old tables are dropped once the new ones are full.
    def names(table: str) -> str:
        return ", ".join(f"[{r[1]}]" for r in conn.execute(f"PRAGMA table_info({table})"))

    conn.execute("ALTER TABLE certificates RENAME TO certificates_v1")
    conn.execute("ALTER TABLE certificate_events RENAME TO certificate_events_v1")
    conn.execute(f"""CREATE TABLE certificates (
        uuid TEXT PRIMARY KEY,
        serial TEXT NOT NULL,
        trainee_uuid TEXT NOT NULL REFERENCES trainees (uuid),
        class_uuid TEXT REFERENCES classes (uuid),
        quiz_uuid TEXT REFERENCES quizzes (uuid),
        attempt_uuid TEXT REFERENCES attempts (uuid),
        trainee_name TEXT NOT NULL,
        course_title TEXT NOT NULL,
        score REAL,
        locale TEXT NOT NULL CHECK (locale IN ('en', 'ru', 'kk', 'uz')),
        issued_on TEXT NOT NULL,
        issuer_key_id TEXT NOT NULL,
        payload TEXT NOT NULL,
        signature TEXT NOT NULL,
        revoked_at TEXT,
        revoke_reason TEXT,{SYNC},
        kind TEXT NOT NULL DEFAULT 'course'
            CHECK (kind IN ('course', 'attendance', 'achievement')),
        event_uuid TEXT REFERENCES events (uuid),
        origin TEXT,
        UNIQUE (issuer_key_id, serial))""")
    conn.execute(f"""CREATE TABLE certificate_events (
        uuid TEXT PRIMARY KEY,
        certificate_uuid TEXT NOT NULL REFERENCES certificates (uuid),
        kind TEXT NOT NULL CHECK (kind IN ('issued', 'reprinted', 'revoked')),
        at TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',{SYNC},
        origin TEXT)""")
    for table in ("certificates", "certificate_events"):
        columns = names(f"{table}_v1")
        conn.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {table}_v1")
    conn.execute("DROP TABLE certificate_events_v1")
    conn.execute("DROP TABLE certificates_v1")
    conn.execute("CREATE INDEX certificates_serial ON certificates (serial)")
    # Revocations signed by the publisher that issued the certificate; they travel in
    # every content bundle, so officers' laptops learn of them at the next sync.
    conn.execute(f"""CREATE TABLE revocations (
        uuid TEXT PRIMARY KEY,
        issuer_key_id TEXT NOT NULL,
        serial TEXT NOT NULL,
        revoked_on TEXT NOT NULL,
        reason TEXT NOT NULL,
        signature TEXT NOT NULL,{SYNC},
        origin TEXT,
        UNIQUE (issuer_key_id, serial))""")
    # Laptops pinned to their device keys on the trainer's laptop (local).
    conn.execute("""CREATE TABLE device_pins (
        device_id TEXT PRIMARY KEY,
        key_id TEXT NOT NULL,
        public_key BLOB NOT NULL,
        name TEXT NOT NULL DEFAULT '',
        pinned_at TEXT NOT NULL)""")
    # What re-grading found on import (local): shown in the report and the sync history.
    conn.execute("""CREATE TABLE grading_flags (
        attempt_uuid TEXT NOT NULL,
        bundle_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        device_name TEXT NOT NULL DEFAULT '',
        reason TEXT NOT NULL,
        stored_score REAL,
        recomputed_score REAL,
        at TEXT NOT NULL,
        PRIMARY KEY (attempt_uuid, bundle_id, reason))""")


def _v8(conn: sqlite3.Connection) -> None:
    """Feature markers: numbered points on a picture, each tied to one diagnostic feature
    of a species (the label is drawn from the feature's texts in the reader's language)."""
    conn.execute("""CREATE TABLE picture_markers (
        uuid TEXT PRIMARY KEY,
        media_uuid TEXT NOT NULL REFERENCES media (uuid),
        feature_uuid TEXT NOT NULL REFERENCES species_features (uuid),
        x REAL NOT NULL CHECK (x >= 0 AND x <= 1),
        y REAL NOT NULL CHECK (y >= 0 AND y <= 1),
        position INTEGER NOT NULL DEFAULT 0,
        rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL,
        deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
        origin TEXT)""")
    conn.execute("CREATE INDEX picture_markers_media ON picture_markers (media_uuid, position)")


def _v9(conn: sqlite3.Connection) -> None:
    """Where an adapted course or module came from (issue 13, "Adapt"): the source's uuid
    and id, when it was copied and by whom. No foreign key: the source may not travel."""
    for table in ("courses", "modules"):
        for column in ("copied_from_uuid", "copied_from_slug", "copied_at", "copied_by"):
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} TEXT")


# Languages are data (locales/languages.toml): the schema no longer lists them. Every column
# checked against the four first languages (texts, trainees, attempts, certificates, and
# the certificates table that trust's step 2 rebuilds) checks the shape of a BCP 47 code
# instead; the app checks the code against the registry before it writes.
_V10_OLD_CHECK = re.compile(
    r"(\w+)\s+IN\s*\(\s*'en'\s*,\s*'ru'\s*,\s*'kk'\s*,\s*'uz'\s*\)")
_V10_NEW_CHECK = r"(length(\1) BETWEEN 2 AND 8 AND \1 NOT GLOB '*[^A-Za-z-]*')"


def _v10(conn: sqlite3.Connection) -> None:
    """Language columns accept any language code (SQLite's documented way to change a
    CHECK constraint in place: rewrite the table's SQL in sqlite_schema; every stored row
    satisfies the looser check, so nothing else changes)."""
    tables = [(name, sql) for name, sql in conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL")
        if _V10_OLD_CHECK.search(sql)]
    if not tables:
        return
    version = int(conn.execute("PRAGMA schema_version").fetchone()[0])
    conn.execute("PRAGMA writable_schema = ON")
    try:
        for name, sql in tables:
            conn.execute("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?",
                         (_V10_OLD_CHECK.sub(_V10_NEW_CHECK, sql), name))
        conn.execute(f"PRAGMA schema_version = {version + 1:d}")
    finally:
        conn.execute("PRAGMA writable_schema = OFF")
    problems = [row[0] for row in conn.execute("PRAGMA quick_check")]
    if problems != ["ok"]:
        raise sqlite3.DatabaseError("schema step 10: " + "; ".join(problems[:3]))
    left = [name for name, sql in conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL")
        if _V10_OLD_CHECK.search(sql)]
    if left:  # a SQLite built in defensive mode ignores writable_schema
        raise sqlite3.DatabaseError("schema step 10 could not widen the language checks of "
                                    + ", ".join(left))


def _v7(conn: sqlite3.Connection) -> None:
    """Who marked a text reviewed, and when (the authoring workspace's Translations tab).
    Ordinary columns of a synced table: they travel in bundles with the text."""
    conn.execute("ALTER TABLE texts ADD COLUMN reviewed_by TEXT NOT NULL DEFAULT ''")
    conn.execute("ALTER TABLE texts ADD COLUMN reviewed_at TEXT")


def _v12(conn: sqlite3.Connection) -> None:
    """Drawing an exam reads a rule's pool of question uuids by module or by difficulty
    (core/quizzes.py ``pool``). Covering indexes let SQLite answer both from the index
    alone, already in uuid order within a module, instead of visiting each question's row
    (bench/run.py ``quiz``: 3.3 ms → 1.9 ms for 50 of 5,000). The module index replaces
    the narrower one it covers."""
    conn.execute("DROP INDEX IF EXISTS questions_module")
    conn.execute("CREATE INDEX questions_module_pool ON questions (module_uuid, deleted, uuid)")
    conn.execute("CREATE INDEX questions_difficulty_pool ON questions (difficulty, deleted, uuid)")


def _v13(conn: sqlite3.Connection) -> None:
    """Covering indexes for reading a quiz's answers (item analysis, issue 14): the
    attempts of a quiz in one index range with the columns the analysis reads (the
    attempt rows themselves hold the long question list, read through overflow pages),
    and each attempt's answers with question, score and response, so neither table's
    rows are touched. ``attempts_quiz`` (quiz_uuid, submitted_at) is widened in place:
    ``deleted`` comes before ``submitted_at`` so that the live submitted attempts of a
    quiz are one range, in (submitted_at, uuid) order."""
    conn.execute("DROP INDEX IF EXISTS attempts_quiz")
    conn.execute("CREATE INDEX attempts_quiz ON attempts (quiz_uuid, deleted, submitted_at, "
                 "uuid, score, max_score, trainee_uuid)")
    conn.execute("CREATE INDEX answers_attempt ON answers (attempt_uuid, deleted, "
                 "question_uuid, score, response)")


#: (version, step). A step gets the connection inside an open transaction. Versions may
#: have gaps while branches are merged; steps run in this order.
MIGRATIONS: list[tuple[int, Callable[[sqlite3.Connection], None]]] = sorted([
    (1, _v1),
    (3, _v3),
    (4, _v4),
    (5, _v5),
    (6, _v6),
    (7, _v7),
    (8, _v8),
    (9, _v9),
    (10, _v10),
    (11, _v11),
    (12, _v12),
    (13, _v13),
])
LATEST = MIGRATIONS[-1][0]


def read_version(path: Path) -> int:
    """The schema version of the file at ``path``, read without writing anything to it."""
    if not path.exists() or path.stat().st_size == 0:
        return 0
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def check_openable(path: Path) -> int:
    """Refuse a file from a newer IDTrainer; return its current version."""
    found = read_version(path)
    if found > LATEST:
        raise SchemaTooNewError(path, found, LATEST)
    return found


def backup_file(conn: sqlite3.Connection, target: Path) -> Path:
    """Copy the open database to ``target`` with SQLite's online backup API."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    try:
        dest = sqlite3.connect(partial)
        try:
            conn.backup(dest)
        finally:
            dest.close()
        partial.replace(target)
    except BaseException:  # a full disk, a read-only folder: no half-written copy stays
        for leftover in (partial, partial.with_name(partial.name + "-journal")):
            leftover.unlink(missing_ok=True)
        raise
    return target


def migrate(conn: sqlite3.Connection, *, path: Path | None, backups: Path | None,
            target: int = LATEST, snapshot: bool = True) -> list[int]:
    """Bring the database up to ``target``; return the versions applied.

    The connection must not be inside a transaction. If the file already holds
    data (version > 0) it is backed up first to ``backups``. A new, empty database
    brought to the latest step gets ``core/schema_latest.py`` in one script, unless
    ``snapshot`` is False (tools/schema_snapshot.py and the tests build it step by step).
    """
    current = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if current > LATEST:
        raise SchemaTooNewError(path or ":memory:", current, LATEST)
    pending = [(v, step) for v, step in MIGRATIONS if current < v <= target]
    if not pending:
        return []
    if current > 0 and path is not None and backups is not None:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        backup_file(conn, backups / f"{path.stem}-v{current}-{stamp}.sqlite")
    if snapshot and current == 0 and target == LATEST and _create_latest(conn):
        return [version for version, _step in pending]
    applied = []
    for version, step in pending:
        conn.execute("BEGIN IMMEDIATE")
        try:
            step(conn)
            conn.execute(f"PRAGMA user_version = {version:d}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        applied.append(version)
    return applied


def schema_script(conn: sqlite3.Connection) -> str:
    """The SQL that creates ``conn``'s schema: every table, index, trigger and virtual
    table in the order they were made, without SQLite's own (internal indexes, and the
    tables a virtual table makes for itself)."""
    rows = conn.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "
                        "AND name NOT LIKE 'sqlite%' ORDER BY rowid").fetchall()
    virtual = [name for _type, name, sql in rows if sql.upper().startswith("CREATE VIRTUAL")]
    return "".join(f"{sql};\n" for _type, name, sql in rows
                   if not any(name.startswith(f"{table}_") for table in virtual))


def _create_latest(conn: sqlite3.Connection) -> bool:
    """Give a new, empty database the latest schema in one transaction; False (nothing
    done) when the database is not empty or the script is older than the last step."""
    from idtrainer.core import schema_latest

    if schema_latest.VERSION != LATEST or conn.execute(
            "SELECT count(*) FROM sqlite_master").fetchone()[0]:
        return False
    try:
        conn.executescript(f"BEGIN IMMEDIATE;\n{schema_latest.SQL}"
                           f"PRAGMA user_version = {LATEST:d};\nCOMMIT;\n")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return True
