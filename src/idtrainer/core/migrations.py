"""Ordered schema steps over ``PRAGMA user_version``.

Each step runs in its own transaction, together with the version bump, after
the database file has been copied aside with SQLite's backup API. A file made
by a newer IDTrainer is refused before anything is written to it.

To change the schema, append a step; never edit a released one.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from pathlib import Path

from idtrainer.core.errors import IDTrainerError
from idtrainer.core.schema import (
    APPENDICES,
    LOCALES,
    PRODUCT_TYPES,
    QUESTION_TYPES,
    TAXON_GROUPS,
    TEXT_STATUSES,
)


class SchemaTooNewError(IDTrainerError, RuntimeError):
    """The database was written by a newer IDTrainer than this one."""

    def __init__(self, path: Path | str, found: int, supported: int) -> None:
        self.path, self.found, self.supported = Path(path), found, supported
        super().__init__(
            f"{path}: this database has schema version {found}, but this IDTrainer "
            f"reads versions up to {supported}. Install a newer IDTrainer; "
            "the file was left unchanged."
        )


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
    f"""CREATE TABLE texts (
        uuid TEXT PRIMARY KEY,
        owner_table TEXT NOT NULL,
        owner_uuid TEXT NOT NULL,
        field TEXT NOT NULL,
        locale TEXT NOT NULL CHECK (locale IN {_in(LOCALES)}),
        value TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN {_in(TEXT_STATUSES)}),{SYNC},
        UNIQUE (owner_uuid, field, locale))""",
    "CREATE INDEX texts_owner ON texts (owner_table, field, locale)",
    # -- taxonomy and CITES ----------------------------------------------------------
    f"""CREATE TABLE taxa (
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
        source TEXT NOT NULL DEFAULT '',{SYNC})""",
    "CREATE INDEX taxa_scientific ON taxa (scientific_name)",
    f"""CREATE TABLE cites_listings (
        uuid TEXT PRIMARY KEY,
        taxon_uuid TEXT NOT NULL REFERENCES taxa (uuid),
        appendix TEXT NOT NULL CHECK (appendix IN {_in(APPENDICES)}),
        listed_since TEXT,
        source TEXT NOT NULL,
        checked_on TEXT NOT NULL,
        to_verify INTEGER NOT NULL DEFAULT 0 CHECK (to_verify IN (0, 1)),{SYNC})""",
    "CREATE INDEX cites_listings_taxon ON cites_listings (taxon_uuid)",
    # -- species profiles ------------------------------------------------------------
    f"""CREATE TABLE species (
        uuid TEXT PRIMARY KEY,
        slug TEXT NOT NULL UNIQUE,
        taxon_uuid TEXT NOT NULL UNIQUE REFERENCES taxa (uuid),
        taxon_group TEXT NOT NULL CHECK (taxon_group IN {_in(TAXON_GROUPS)}),{SYNC})""",
    f"""CREATE TABLE species_features (
        uuid TEXT PRIMARY KEY,
        species_uuid TEXT NOT NULL REFERENCES species (uuid),
        position INTEGER NOT NULL,{SYNC})""",
    "CREATE INDEX species_features_species ON species_features (species_uuid, position)",
    f"""CREATE TABLE species_products (
        uuid TEXT PRIMARY KEY,
        species_uuid TEXT NOT NULL REFERENCES species (uuid),
        position INTEGER NOT NULL,
        product_type TEXT NOT NULL CHECK (product_type IN {_in(PRODUCT_TYPES)}),{SYNC})""",
    "CREATE INDEX species_products_species ON species_products (species_uuid, position)",
    "CREATE INDEX species_products_type ON species_products (product_type)",
    f"""CREATE TABLE lookalikes (
        uuid TEXT PRIMARY KEY,
        species_uuid TEXT NOT NULL REFERENCES species (uuid),
        position INTEGER NOT NULL,
        other_species_uuid TEXT REFERENCES species (uuid),{SYNC})""",
    "CREATE INDEX lookalikes_species ON lookalikes (species_uuid, position)",
    # -- media (files live beside the database, named by sha256) ----------------------
    f"""CREATE TABLE media (
        uuid TEXT PRIMARY KEY,
        sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
        mime TEXT NOT NULL,
        bytes INTEGER NOT NULL CHECK (bytes >= 0),
        width INTEGER,
        height INTEGER,
        licence TEXT NOT NULL,
        author TEXT NOT NULL,
        source TEXT NOT NULL,
        original_name TEXT NOT NULL DEFAULT '',{SYNC})""",
    "CREATE INDEX media_sha256 ON media (sha256)",
    f"""CREATE TABLE media_links (
        uuid TEXT PRIMARY KEY,
        owner_table TEXT NOT NULL,
        owner_uuid TEXT NOT NULL,
        media_uuid TEXT NOT NULL REFERENCES media (uuid),
        position INTEGER NOT NULL DEFAULT 0,{SYNC})""",
    "CREATE INDEX media_links_owner ON media_links (owner_uuid, position)",
    # -- course structure --------------------------------------------------------------
    f"""CREATE TABLE courses (
        uuid TEXT PRIMARY KEY,
        slug TEXT NOT NULL UNIQUE,
        position INTEGER NOT NULL DEFAULT 0,{SYNC})""",
    f"""CREATE TABLE modules (
        uuid TEXT PRIMARY KEY,
        course_uuid TEXT NOT NULL REFERENCES courses (uuid),
        slug TEXT NOT NULL UNIQUE,
        position INTEGER NOT NULL,{SYNC})""",
    "CREATE INDEX modules_course ON modules (course_uuid, position)",
    f"""CREATE TABLE lessons (
        uuid TEXT PRIMARY KEY,
        module_uuid TEXT NOT NULL REFERENCES modules (uuid),
        slug TEXT NOT NULL,
        position INTEGER NOT NULL,{SYNC},
        UNIQUE (module_uuid, slug))""",
    "CREATE INDEX lessons_module ON lessons (module_uuid, position)",
    # -- questions and quizzes ---------------------------------------------------------
    f"""CREATE TABLE questions (
        uuid TEXT PRIMARY KEY,
        slug TEXT UNIQUE,
        module_uuid TEXT REFERENCES modules (uuid),
        qtype TEXT NOT NULL CHECK (qtype IN {_in(QUESTION_TYPES)}),
        difficulty INTEGER NOT NULL DEFAULT 1 CHECK (difficulty BETWEEN 1 AND 3),
        tags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),
        species TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(species)),
        media_uuid TEXT REFERENCES media (uuid),
        answer TEXT CHECK (answer IS NULL OR json_valid(answer)),{SYNC})""",
    "CREATE INDEX questions_module ON questions (module_uuid)",
    f"""CREATE TABLE question_options (
        uuid TEXT PRIMARY KEY,
        question_uuid TEXT NOT NULL REFERENCES questions (uuid),
        position INTEGER NOT NULL,
        correct INTEGER NOT NULL DEFAULT 0 CHECK (correct IN (0, 1)),
        side TEXT CHECK (side IS NULL OR side IN ('left', 'right')),
        pair INTEGER,
        species_uuid TEXT REFERENCES species (uuid),{SYNC})""",
    "CREATE INDEX question_options_question ON question_options (question_uuid, position)",
    f"""CREATE TABLE quizzes (
        uuid TEXT PRIMARY KEY,
        slug TEXT UNIQUE,
        course_uuid TEXT REFERENCES courses (uuid),
        settings TEXT NOT NULL DEFAULT '{{}}' CHECK (json_valid(settings)),{SYNC})""",
    f"""CREATE TABLE quiz_rules (
        uuid TEXT PRIMARY KEY,
        quiz_uuid TEXT NOT NULL REFERENCES quizzes (uuid),
        position INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('fixed', 'random')),
        question_uuid TEXT REFERENCES questions (uuid),
        draw_count INTEGER CHECK (draw_count IS NULL OR draw_count >= 1),
        filter TEXT NOT NULL DEFAULT '{{}}' CHECK (json_valid(filter)),{SYNC},
        CHECK ((kind = 'fixed') = (question_uuid IS NOT NULL)))""",
    "CREATE INDEX quiz_rules_quiz ON quiz_rules (quiz_uuid, position)",
    # -- people ------------------------------------------------------------------------
    f"""CREATE TABLE classes (
        uuid TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        course_uuid TEXT REFERENCES courses (uuid),
        location TEXT NOT NULL DEFAULT '',
        trainer_name TEXT NOT NULL DEFAULT '',
        starts_on TEXT,
        ends_on TEXT,{SYNC})""",
    f"""CREATE TABLE quiz_assignments (
        uuid TEXT PRIMARY KEY,
        quiz_uuid TEXT NOT NULL REFERENCES quizzes (uuid),
        class_uuid TEXT REFERENCES classes (uuid),
        trainee_uuid TEXT,
        available_from TEXT,
        available_until TEXT,{SYNC},
        CHECK (class_uuid IS NOT NULL OR trainee_uuid IS NOT NULL))""",
    f"""CREATE TABLE trainees (
        uuid TEXT PRIMARY KEY,
        name TEXT NOT NULL CHECK (length(trim(name)) > 0),
        organisation TEXT NOT NULL DEFAULT '',
        pin_hash TEXT,
        locale TEXT CHECK (locale IS NULL OR locale IN {_in(LOCALES)}),
        created_on TEXT NOT NULL,{SYNC})""",
    f"""CREATE TABLE class_members (
        uuid TEXT PRIMARY KEY,
        class_uuid TEXT NOT NULL REFERENCES classes (uuid),
        trainee_uuid TEXT NOT NULL REFERENCES trainees (uuid),{SYNC},
        UNIQUE (class_uuid, trainee_uuid))""",
    # -- results -----------------------------------------------------------------------
    f"""CREATE TABLE attempts (
        uuid TEXT PRIMARY KEY,
        quiz_uuid TEXT NOT NULL REFERENCES quizzes (uuid),
        trainee_uuid TEXT NOT NULL REFERENCES trainees (uuid),
        class_uuid TEXT REFERENCES classes (uuid),
        seed INTEGER NOT NULL,
        question_order TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(question_order)),
        locale TEXT NOT NULL CHECK (locale IN {_in(LOCALES)}),
        started_at TEXT NOT NULL,
        deadline_at TEXT,
        extra_seconds INTEGER NOT NULL DEFAULT 0,
        submitted_at TEXT,
        score REAL,
        max_score REAL,
        passed INTEGER CHECK (passed IS NULL OR passed IN (0, 1)),
        device_id TEXT NOT NULL,{SYNC})""",
    "CREATE INDEX attempts_trainee ON attempts (trainee_uuid, quiz_uuid)",
    f"""CREATE TABLE answers (
        uuid TEXT PRIMARY KEY,
        attempt_uuid TEXT NOT NULL REFERENCES attempts (uuid),
        question_uuid TEXT NOT NULL REFERENCES questions (uuid),
        response TEXT CHECK (response IS NULL OR json_valid(response)),
        flagged INTEGER NOT NULL DEFAULT 0 CHECK (flagged IN (0, 1)),
        answered_at TEXT,
        score REAL,{SYNC},
        UNIQUE (attempt_uuid, question_uuid))""",
    f"""CREATE TABLE lesson_progress (
        uuid TEXT PRIMARY KEY,
        trainee_uuid TEXT NOT NULL REFERENCES trainees (uuid),
        lesson_uuid TEXT NOT NULL REFERENCES lessons (uuid),
        opened_at TEXT NOT NULL,
        completed_at TEXT,{SYNC},
        UNIQUE (trainee_uuid, lesson_uuid))""",
    f"""CREATE TABLE practice_cards (
        uuid TEXT PRIMARY KEY,
        trainee_uuid TEXT NOT NULL REFERENCES trainees (uuid),
        card_key TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT '{{}}' CHECK (json_valid(state)),
        due_at TEXT,{SYNC},
        UNIQUE (trainee_uuid, card_key))""",
    f"""CREATE TABLE practice_reviews (
        uuid TEXT PRIMARY KEY,
        card_uuid TEXT NOT NULL REFERENCES practice_cards (uuid),
        rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
        reviewed_at TEXT NOT NULL,{SYNC})""",
    f"""CREATE TABLE certificates (
        uuid TEXT PRIMARY KEY,
        serial TEXT NOT NULL UNIQUE,
        trainee_uuid TEXT NOT NULL REFERENCES trainees (uuid),
        class_uuid TEXT REFERENCES classes (uuid),
        quiz_uuid TEXT REFERENCES quizzes (uuid),
        attempt_uuid TEXT REFERENCES attempts (uuid),
        trainee_name TEXT NOT NULL,
        course_title TEXT NOT NULL,
        score REAL,
        locale TEXT NOT NULL CHECK (locale IN {_in(LOCALES)}),
        issued_on TEXT NOT NULL,
        issuer_key_id TEXT NOT NULL,
        payload TEXT NOT NULL,
        signature TEXT NOT NULL,
        revoked_at TEXT,
        revoke_reason TEXT,{SYNC})""",
    f"""CREATE TABLE certificate_events (
        uuid TEXT PRIMARY KEY,
        certificate_uuid TEXT NOT NULL REFERENCES certificates (uuid),
        kind TEXT NOT NULL CHECK (kind IN ('issued', 'reprinted', 'revoked')),
        at TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',{SYNC})""",
    # -- search (derived from taxa and texts; rebuilt, never synced) --------------------
    """CREATE TABLE search_index (
        taxon_uuid TEXT PRIMARY KEY REFERENCES taxa (uuid),
        names TEXT NOT NULL)""",
]


def _v1(conn: sqlite3.Connection) -> None:
    for statement in _V1:
        conn.execute(statement)
    _enable_fts(conn)


def _enable_fts(conn: sqlite3.Connection) -> None:
    import sqlite_utils

    db = sqlite_utils.Database(conn, execute_plugins=False, recursive_triggers=False)
    # Folding (case, diacritics, Kazakh letters, Uzbek script) happens in Python before
    # text reaches the index, see core/search.py; unicode61 only splits words.
    db["search_index"].enable_fts(
        ["names"], create_triggers=True, tokenize="unicode61 remove_diacritics 2"
    )


_V1_SYNCED = (
    "texts", "taxa", "cites_listings", "media", "species", "species_features",
    "species_products", "lookalikes", "media_links", "courses", "modules", "lessons",
    "questions", "question_options", "quizzes", "quiz_rules", "classes", "quiz_assignments",
    "trainees", "class_members", "attempts", "answers", "lesson_progress", "practice_cards",
    "practice_reviews", "certificates", "certificate_events")


def _v2(conn: sqlite3.Connection) -> None:
    """Trust (docs/security.md): sealed publisher keys, where each synced row came from,
    laptops pinned to their keys, certificates named by (publisher key, serial), signed
    revocations that travel with content, grading flags."""
    # The publisher's private key, encrypted with a key derived from the trainer password
    # (core/keys.py); the plain private_key column keeps only the device key.
    conn.execute("ALTER TABLE keys ADD COLUMN sealed_key TEXT")
    # The device each synced row originated on. Filled from what the rows already say.
    for table in _V1_SYNCED:
        conn.execute(f"ALTER TABLE [{table}] ADD COLUMN origin TEXT")
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
        locale TEXT NOT NULL CHECK (locale IN {_in(LOCALES)}),
        issued_on TEXT NOT NULL,
        issuer_key_id TEXT NOT NULL,
        payload TEXT NOT NULL,
        signature TEXT NOT NULL,
        revoked_at TEXT,
        revoke_reason TEXT,{SYNC},
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


#: (version, step). A step gets the connection inside an open transaction. Kept sorted
#: by version: steps from other branches may land with other numbers.
MIGRATIONS: list[tuple[int, Callable[[sqlite3.Connection], None]]] = sorted([
    (1, _v1),
    (2, _v2),
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
    dest = sqlite3.connect(partial)
    try:
        conn.backup(dest)
    finally:
        dest.close()
    partial.replace(target)
    return target


def migrate(conn: sqlite3.Connection, *, path: Path | None, backups: Path | None,
            target: int = LATEST) -> list[int]:
    """Bring the database up to ``target``; return the versions applied.

    The connection must not be inside a transaction. If the file already holds
    data (version > 0) it is backed up first to ``backups``.
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
