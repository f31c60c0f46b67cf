"""The schema a new database gets: what replaying every step of core/migrations.py
leaves, up to step 13. Written by ``python tools/schema_snapshot.py``; do not edit.
"""

VERSION = 13

SQL = """
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE keys (
        key_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('device', 'publisher')),
        public_key BLOB NOT NULL,
        private_key BLOB,
        created_at TEXT NOT NULL, sealed_key TEXT);
CREATE TABLE trusted_keys (
        key_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('device', 'publisher')),
        public_key BLOB NOT NULL,
        name TEXT NOT NULL DEFAULT '',
        trusted_at TEXT NOT NULL,
        revoked_at TEXT);
CREATE TABLE texts (
        uuid TEXT PRIMARY KEY,
        owner_table TEXT NOT NULL,
        owner_uuid TEXT NOT NULL,
        field TEXT NOT NULL,
        locale TEXT NOT NULL CHECK ((length(locale) BETWEEN 2 AND 8 AND locale NOT GLOB '*[^A-Za-z-]*')),
        value TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('draft', 'machine', 'reviewed')),
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)), origin TEXT, reviewed_by TEXT NOT NULL DEFAULT '', reviewed_at TEXT,
        UNIQUE (owner_uuid, field, locale));
CREATE INDEX texts_owner ON texts (owner_table, field, locale);
CREATE TABLE taxa (
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
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)), origin TEXT);
CREATE INDEX taxa_scientific ON taxa (scientific_name);
CREATE TABLE cites_listings (
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
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)), origin TEXT);
CREATE INDEX cites_listings_taxon ON cites_listings (taxon_uuid);
CREATE TABLE species (
        uuid TEXT PRIMARY KEY,
        slug TEXT NOT NULL UNIQUE,
        taxon_uuid TEXT NOT NULL UNIQUE REFERENCES taxa (uuid),
        taxon_group TEXT NOT NULL CHECK (taxon_group IN ('mammals', 'birds', 'reptiles', 'amphibians', 'fish', 'invertebrates', 'plants')),
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)), tags TEXT NOT NULL DEFAULT '[]', origin TEXT);
CREATE TABLE species_features (
        uuid TEXT PRIMARY KEY,
        species_uuid TEXT NOT NULL REFERENCES species (uuid),
        position INTEGER NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)), origin TEXT);
CREATE INDEX species_features_species ON species_features (species_uuid, position);
CREATE TABLE species_products (
        uuid TEXT PRIMARY KEY,
        species_uuid TEXT NOT NULL REFERENCES species (uuid),
        position INTEGER NOT NULL,
        product_type TEXT NOT NULL CHECK (product_type IN ('live', 'skin', 'horn', 'feathers', 'meat', 'eggs', 'caviar', 'shell', 'bone', 'medicine', 'plant', 'trophy', 'other')),
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)), origin TEXT);
CREATE INDEX species_products_species ON species_products (species_uuid, position);
CREATE INDEX species_products_type ON species_products (product_type);
CREATE TABLE lookalikes (
        uuid TEXT PRIMARY KEY,
        species_uuid TEXT NOT NULL REFERENCES species (uuid),
        position INTEGER NOT NULL,
        other_species_uuid TEXT REFERENCES species (uuid),
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)), origin TEXT);
CREATE INDEX lookalikes_species ON lookalikes (species_uuid, position);
CREATE TABLE media (
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
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)), origin TEXT);
CREATE INDEX media_sha256 ON media (sha256);
CREATE TABLE media_links (
        uuid TEXT PRIMARY KEY,
        owner_table TEXT NOT NULL,
        owner_uuid TEXT NOT NULL,
        media_uuid TEXT NOT NULL REFERENCES media (uuid),
        position INTEGER NOT NULL DEFAULT 0,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)), practice INTEGER NOT NULL DEFAULT 1 CHECK (practice IN (0, 1)), origin TEXT);
CREATE INDEX media_links_owner ON media_links (owner_uuid, position);
CREATE TABLE courses (
        uuid TEXT PRIMARY KEY,
        slug TEXT NOT NULL UNIQUE,
        position INTEGER NOT NULL DEFAULT 0,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)), origin TEXT, copied_from_uuid TEXT, copied_from_slug TEXT, copied_at TEXT, copied_by TEXT);
CREATE TABLE modules (
        uuid TEXT PRIMARY KEY,
        course_uuid TEXT NOT NULL REFERENCES courses (uuid),
        slug TEXT NOT NULL UNIQUE,
        position INTEGER NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)), origin TEXT, copied_from_uuid TEXT, copied_from_slug TEXT, copied_at TEXT, copied_by TEXT);
CREATE INDEX modules_course ON modules (course_uuid, position);
CREATE TABLE lessons (
        uuid TEXT PRIMARY KEY,
        module_uuid TEXT NOT NULL REFERENCES modules (uuid),
        slug TEXT NOT NULL,
        position INTEGER NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)), origin TEXT,
        UNIQUE (module_uuid, slug));
CREATE INDEX lessons_module ON lessons (module_uuid, position);
CREATE TABLE questions (
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
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)), origin TEXT);
CREATE TABLE question_options (
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
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)), origin TEXT);
CREATE INDEX question_options_question ON question_options (question_uuid, position);
CREATE TABLE quizzes (
        uuid TEXT PRIMARY KEY,
        slug TEXT UNIQUE,
        course_uuid TEXT REFERENCES courses (uuid),
        settings TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(settings)),
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)), origin TEXT);
CREATE TABLE quiz_rules (
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
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)), origin TEXT,
        CHECK ((kind = 'fixed') = (question_uuid IS NOT NULL)));
CREATE INDEX quiz_rules_quiz ON quiz_rules (quiz_uuid, position);
CREATE TABLE classes (
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
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)), event_uuid TEXT REFERENCES events (uuid), origin TEXT);
CREATE TABLE quiz_assignments (
        uuid TEXT PRIMARY KEY,
        quiz_uuid TEXT NOT NULL REFERENCES quizzes (uuid),
        class_uuid TEXT REFERENCES classes (uuid),
        trainee_uuid TEXT,
        available_from TEXT,
        available_until TEXT,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)), origin TEXT,
        CHECK (class_uuid IS NOT NULL OR trainee_uuid IS NOT NULL));
CREATE TABLE trainees (
        uuid TEXT PRIMARY KEY,
        name TEXT NOT NULL CHECK (length(trim(name)) > 0),
        organisation TEXT NOT NULL DEFAULT '',
        pin_hash TEXT,
        locale TEXT CHECK (locale IS NULL OR (length(locale) BETWEEN 2 AND 8 AND locale NOT GLOB '*[^A-Za-z-]*')),
        created_on TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)), gender TEXT NOT NULL DEFAULT '' CHECK (gender IN ('', 'f', 'm')), agency TEXT NOT NULL DEFAULT '', subdivision TEXT NOT NULL DEFAULT '', region TEXT NOT NULL DEFAULT '', position TEXT NOT NULL DEFAULT '', contact TEXT NOT NULL DEFAULT '', merged_into TEXT REFERENCES trainees (uuid), origin TEXT);
CREATE TABLE class_members (
        uuid TEXT PRIMARY KEY,
        class_uuid TEXT NOT NULL REFERENCES classes (uuid),
        trainee_uuid TEXT NOT NULL REFERENCES trainees (uuid),
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)), origin TEXT,
        UNIQUE (class_uuid, trainee_uuid));
CREATE TABLE attempts (
        uuid TEXT PRIMARY KEY,
        quiz_uuid TEXT NOT NULL REFERENCES quizzes (uuid),
        trainee_uuid TEXT NOT NULL REFERENCES trainees (uuid),
        class_uuid TEXT REFERENCES classes (uuid),
        seed INTEGER NOT NULL,
        question_order TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(question_order)),
        locale TEXT NOT NULL CHECK ((length(locale) BETWEEN 2 AND 8 AND locale NOT GLOB '*[^A-Za-z-]*')),
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
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)), origin TEXT);
CREATE INDEX attempts_trainee ON attempts (trainee_uuid, quiz_uuid);
CREATE TABLE answers (
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
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)), origin TEXT,
        UNIQUE (attempt_uuid, question_uuid));
CREATE TABLE lesson_progress (
        uuid TEXT PRIMARY KEY,
        trainee_uuid TEXT NOT NULL REFERENCES trainees (uuid),
        lesson_uuid TEXT NOT NULL REFERENCES lessons (uuid),
        opened_at TEXT NOT NULL,
        completed_at TEXT,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)), origin TEXT,
        UNIQUE (trainee_uuid, lesson_uuid));
CREATE TABLE practice_cards (
        uuid TEXT PRIMARY KEY,
        trainee_uuid TEXT NOT NULL REFERENCES trainees (uuid),
        card_key TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(state)),
        due_at TEXT,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)), origin TEXT,
        UNIQUE (trainee_uuid, card_key));
CREATE TABLE practice_reviews (
        uuid TEXT PRIMARY KEY,
        card_uuid TEXT NOT NULL REFERENCES practice_cards (uuid),
        rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
        reviewed_at TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)), origin TEXT);
CREATE TABLE search_index (
        taxon_uuid TEXT PRIMARY KEY REFERENCES taxa (uuid),
        names TEXT NOT NULL);
CREATE VIRTUAL TABLE "search_index_fts" USING FTS5 (
    "names",
    tokenize='unicode61 remove_diacritics 2',
    content="search_index"
);
CREATE TRIGGER "search_index_ai" AFTER INSERT ON "search_index" BEGIN
  INSERT INTO "search_index_fts" (rowid, "names") VALUES (new.rowid, new."names");
END;
CREATE TRIGGER "search_index_ad" AFTER DELETE ON "search_index" BEGIN
  INSERT INTO "search_index_fts" ("search_index_fts", rowid, "names") VALUES('delete', old.rowid, old."names");
END;
CREATE TRIGGER "search_index_au" AFTER UPDATE ON "search_index" BEGIN
  INSERT INTO "search_index_fts" ("search_index_fts", rowid, "names") VALUES('delete', old.rowid, old."names");
  INSERT INTO "search_index_fts" (rowid, "names") VALUES (new.rowid, new."names");
END;
CREATE TABLE key_characters (
        uuid TEXT PRIMARY KEY,
        slug TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL CHECK (kind IN ('states', 'numeric')),
        unit TEXT NOT NULL DEFAULT '',
        items TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(items)),
        position INTEGER NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)), origin TEXT);
CREATE TABLE key_states (
        uuid TEXT PRIMARY KEY,
        character_uuid TEXT NOT NULL REFERENCES key_characters (uuid),
        slug TEXT NOT NULL,
        position INTEGER NOT NULL,
        media_uuid TEXT REFERENCES media (uuid),
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)), origin TEXT,
        UNIQUE (character_uuid, slug));
CREATE TABLE key_codings (
        uuid TEXT PRIMARY KEY,
        species_uuid TEXT NOT NULL REFERENCES species (uuid),
        character_uuid TEXT NOT NULL REFERENCES key_characters (uuid),
        coding TEXT NOT NULL CHECK (json_valid(coding)),
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)), origin TEXT,
        UNIQUE (species_uuid, character_uuid));
CREATE INDEX key_codings_character ON key_codings (character_uuid);
CREATE TABLE key_not_separable (
        uuid TEXT PRIMARY KEY,
        slug TEXT NOT NULL,
        item TEXT,
        species TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(species)),
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)), origin TEXT);
CREATE TABLE experts (
        uuid TEXT PRIMARY KEY,
        country TEXT NOT NULL CHECK (length(country) = 2 AND country = upper(country)),
        taxon_group TEXT NOT NULL CHECK (taxon_group IN ('all', 'mammals', 'birds', 'reptiles', 'fish-caviar', 'plants', 'timber', 'derivatives')),
        role TEXT NOT NULL CHECK (role IN ('management-authority', 'scientific-authority', 'enforcement', 'expert')),
        name TEXT NOT NULL DEFAULT '',
        organisation TEXT NOT NULL DEFAULT '',
        phone TEXT NOT NULL DEFAULT '',
        email TEXT NOT NULL DEFAULT '',
        languages TEXT NOT NULL DEFAULT '',
        position INTEGER NOT NULL DEFAULT 0,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)), origin TEXT);
CREATE INDEX experts_country ON experts (country, taxon_group);
CREATE TABLE checklist_taxa (
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
        distribution TEXT NOT NULL DEFAULT '');
CREATE INDEX checklist_taxa_name ON checklist_taxa (full_name COLLATE NOCASE);
CREATE INDEX checklist_taxa_genus ON checklist_taxa (genus COLLATE NOCASE, rank);
CREATE INDEX checklist_taxa_family ON checklist_taxa (family COLLATE NOCASE, rank);
CREATE INDEX checklist_taxa_order ON checklist_taxa ("order" COLLATE NOCASE, rank);
CREATE TABLE checklist_annotations (
        id INTEGER PRIMARY KEY,
        text TEXT NOT NULL);
CREATE TABLE checklist_synonyms (
        name TEXT NOT NULL,
        taxon_id INTEGER NOT NULL);
CREATE INDEX checklist_synonyms_name ON checklist_synonyms (name COLLATE NOCASE);
CREATE TABLE events (
        uuid TEXT PRIMARY KEY,
        name TEXT NOT NULL CHECK (length(trim(name)) > 0),
        starts_on TEXT NOT NULL,
        ends_on TEXT NOT NULL,
        place TEXT NOT NULL DEFAULT '',
        organiser TEXT NOT NULL DEFAULT '',
        agency TEXT NOT NULL DEFAULT '',
        languages TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(languages)),
        pre_quiz_uuid TEXT REFERENCES quizzes (uuid),
        post_quiz_uuid TEXT REFERENCES quizzes (uuid),
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)), origin TEXT,
        CHECK (ends_on >= starts_on));
CREATE INDEX events_dates ON events (starts_on);
CREATE TABLE attendance (
        uuid TEXT PRIMARY KEY,
        event_uuid TEXT NOT NULL REFERENCES events (uuid),
        trainee_uuid TEXT NOT NULL REFERENCES trainees (uuid),
        day TEXT NOT NULL,
        present INTEGER NOT NULL DEFAULT 1 CHECK (present IN (0, 1)),
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)), origin TEXT,
        UNIQUE (event_uuid, trainee_uuid, day));
CREATE TABLE certificates (
        uuid TEXT PRIMARY KEY,
        serial TEXT NOT NULL,
        trainee_uuid TEXT NOT NULL REFERENCES trainees (uuid),
        class_uuid TEXT REFERENCES classes (uuid),
        quiz_uuid TEXT REFERENCES quizzes (uuid),
        attempt_uuid TEXT REFERENCES attempts (uuid),
        trainee_name TEXT NOT NULL,
        course_title TEXT NOT NULL,
        score REAL,
        locale TEXT NOT NULL CHECK ((length(locale) BETWEEN 2 AND 8 AND locale NOT GLOB '*[^A-Za-z-]*')),
        issued_on TEXT NOT NULL,
        issuer_key_id TEXT NOT NULL,
        payload TEXT NOT NULL,
        signature TEXT NOT NULL,
        revoked_at TEXT,
        revoke_reason TEXT,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
        kind TEXT NOT NULL DEFAULT 'course'
            CHECK (kind IN ('course', 'attendance', 'achievement')),
        event_uuid TEXT REFERENCES events (uuid),
        origin TEXT,
        UNIQUE (issuer_key_id, serial));
CREATE TABLE certificate_events (
        uuid TEXT PRIMARY KEY,
        certificate_uuid TEXT NOT NULL REFERENCES certificates (uuid),
        kind TEXT NOT NULL CHECK (kind IN ('issued', 'reprinted', 'revoked')),
        at TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
        origin TEXT);
CREATE INDEX certificates_serial ON certificates (serial);
CREATE TABLE revocations (
        uuid TEXT PRIMARY KEY,
        issuer_key_id TEXT NOT NULL,
        serial TEXT NOT NULL,
        revoked_on TEXT NOT NULL,
        reason TEXT NOT NULL,
        signature TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
        origin TEXT,
        UNIQUE (issuer_key_id, serial));
CREATE TABLE device_pins (
        device_id TEXT PRIMARY KEY,
        key_id TEXT NOT NULL,
        public_key BLOB NOT NULL,
        name TEXT NOT NULL DEFAULT '',
        pinned_at TEXT NOT NULL);
CREATE TABLE grading_flags (
        attempt_uuid TEXT NOT NULL,
        bundle_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        device_name TEXT NOT NULL DEFAULT '',
        reason TEXT NOT NULL,
        stored_score REAL,
        recomputed_score REAL,
        at TEXT NOT NULL,
        PRIMARY KEY (attempt_uuid, bundle_id, reason));
CREATE TABLE picture_markers (
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
        origin TEXT);
CREATE INDEX picture_markers_media ON picture_markers (media_uuid, position);
CREATE TABLE sync_log (
        bundle_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('content', 'results')),
        direction TEXT NOT NULL CHECK (direction IN ('import', 'export', 'edit')),
        file_name TEXT NOT NULL,
        at TEXT NOT NULL,
        producer_device TEXT NOT NULL,
        signer_key_id TEXT NOT NULL,
        summary TEXT NOT NULL DEFAULT '{}');
CREATE INDEX questions_module_pool ON questions (module_uuid, deleted, uuid);
CREATE INDEX questions_difficulty_pool ON questions (difficulty, deleted, uuid);
CREATE INDEX attempts_quiz ON attempts (quiz_uuid, deleted, submitted_at, uuid, score, max_score, trainee_uuid);
CREATE INDEX answers_attempt ON answers (attempt_uuid, deleted, question_uuid, score, response);
"""
