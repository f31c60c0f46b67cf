-- The schema that migration v1 creates: sqlite_master in creation order, one entry
-- per '-- type name ON table' line, then its SQL (none for automatic indexes).
-- Checked by tests/unit/test_migrations.py. v1 is released: never edit this file.

-- table settings ON settings
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);

-- index sqlite_autoindex_settings_1 ON settings

-- table keys ON keys
CREATE TABLE keys (
        key_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('device', 'publisher')),
        public_key BLOB NOT NULL,
        private_key BLOB,
        created_at TEXT NOT NULL);

-- index sqlite_autoindex_keys_1 ON keys

-- table trusted_keys ON trusted_keys
CREATE TABLE trusted_keys (
        key_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('device', 'publisher')),
        public_key BLOB NOT NULL,
        name TEXT NOT NULL DEFAULT '',
        trusted_at TEXT NOT NULL,
        revoked_at TEXT);

-- index sqlite_autoindex_trusted_keys_1 ON trusted_keys

-- table sync_log ON sync_log
CREATE TABLE sync_log (
        bundle_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('content', 'results')),
        direction TEXT NOT NULL CHECK (direction IN ('import', 'export')),
        file_name TEXT NOT NULL,
        at TEXT NOT NULL,
        producer_device TEXT NOT NULL,
        signer_key_id TEXT NOT NULL,
        summary TEXT NOT NULL DEFAULT '{}');

-- index sqlite_autoindex_sync_log_1 ON sync_log

-- table texts ON texts
CREATE TABLE texts (
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
        UNIQUE (owner_uuid, field, locale));

-- index sqlite_autoindex_texts_1 ON texts

-- index sqlite_autoindex_texts_2 ON texts

-- index texts_owner ON texts
CREATE INDEX texts_owner ON texts (owner_table, field, locale);

-- table taxa ON taxa
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
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)));

-- index sqlite_autoindex_taxa_1 ON taxa

-- index sqlite_autoindex_taxa_2 ON taxa

-- index taxa_scientific ON taxa
CREATE INDEX taxa_scientific ON taxa (scientific_name);

-- table cites_listings ON cites_listings
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
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)));

-- index sqlite_autoindex_cites_listings_1 ON cites_listings

-- index cites_listings_taxon ON cites_listings
CREATE INDEX cites_listings_taxon ON cites_listings (taxon_uuid);

-- table species ON species
CREATE TABLE species (
        uuid TEXT PRIMARY KEY,
        slug TEXT NOT NULL UNIQUE,
        taxon_uuid TEXT NOT NULL UNIQUE REFERENCES taxa (uuid),
        taxon_group TEXT NOT NULL CHECK (taxon_group IN ('mammals', 'birds', 'reptiles', 'amphibians', 'fish', 'invertebrates', 'plants')),
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)));

-- index sqlite_autoindex_species_1 ON species

-- index sqlite_autoindex_species_2 ON species

-- index sqlite_autoindex_species_3 ON species

-- table species_features ON species_features
CREATE TABLE species_features (
        uuid TEXT PRIMARY KEY,
        species_uuid TEXT NOT NULL REFERENCES species (uuid),
        position INTEGER NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)));

-- index sqlite_autoindex_species_features_1 ON species_features

-- index species_features_species ON species_features
CREATE INDEX species_features_species ON species_features (species_uuid, position);

-- table species_products ON species_products
CREATE TABLE species_products (
        uuid TEXT PRIMARY KEY,
        species_uuid TEXT NOT NULL REFERENCES species (uuid),
        position INTEGER NOT NULL,
        product_type TEXT NOT NULL CHECK (product_type IN ('live', 'skin', 'horn', 'feathers', 'meat', 'eggs', 'caviar', 'shell', 'bone', 'medicine', 'plant', 'trophy', 'other')),
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)));

-- index sqlite_autoindex_species_products_1 ON species_products

-- index species_products_species ON species_products
CREATE INDEX species_products_species ON species_products (species_uuid, position);

-- index species_products_type ON species_products
CREATE INDEX species_products_type ON species_products (product_type);

-- table lookalikes ON lookalikes
CREATE TABLE lookalikes (
        uuid TEXT PRIMARY KEY,
        species_uuid TEXT NOT NULL REFERENCES species (uuid),
        position INTEGER NOT NULL,
        other_species_uuid TEXT REFERENCES species (uuid),
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)));

-- index sqlite_autoindex_lookalikes_1 ON lookalikes

-- index lookalikes_species ON lookalikes
CREATE INDEX lookalikes_species ON lookalikes (species_uuid, position);

-- table media ON media
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
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)));

-- index sqlite_autoindex_media_1 ON media

-- index media_sha256 ON media
CREATE INDEX media_sha256 ON media (sha256);

-- table media_links ON media_links
CREATE TABLE media_links (
        uuid TEXT PRIMARY KEY,
        owner_table TEXT NOT NULL,
        owner_uuid TEXT NOT NULL,
        media_uuid TEXT NOT NULL REFERENCES media (uuid),
        position INTEGER NOT NULL DEFAULT 0,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)));

-- index sqlite_autoindex_media_links_1 ON media_links

-- index media_links_owner ON media_links
CREATE INDEX media_links_owner ON media_links (owner_uuid, position);

-- table courses ON courses
CREATE TABLE courses (
        uuid TEXT PRIMARY KEY,
        slug TEXT NOT NULL UNIQUE,
        position INTEGER NOT NULL DEFAULT 0,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)));

-- index sqlite_autoindex_courses_1 ON courses

-- index sqlite_autoindex_courses_2 ON courses

-- table modules ON modules
CREATE TABLE modules (
        uuid TEXT PRIMARY KEY,
        course_uuid TEXT NOT NULL REFERENCES courses (uuid),
        slug TEXT NOT NULL UNIQUE,
        position INTEGER NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)));

-- index sqlite_autoindex_modules_1 ON modules

-- index sqlite_autoindex_modules_2 ON modules

-- index modules_course ON modules
CREATE INDEX modules_course ON modules (course_uuid, position);

-- table lessons ON lessons
CREATE TABLE lessons (
        uuid TEXT PRIMARY KEY,
        module_uuid TEXT NOT NULL REFERENCES modules (uuid),
        slug TEXT NOT NULL,
        position INTEGER NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
        UNIQUE (module_uuid, slug));

-- index sqlite_autoindex_lessons_1 ON lessons

-- index sqlite_autoindex_lessons_2 ON lessons

-- index lessons_module ON lessons
CREATE INDEX lessons_module ON lessons (module_uuid, position);

-- table questions ON questions
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
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)));

-- index sqlite_autoindex_questions_1 ON questions

-- index sqlite_autoindex_questions_2 ON questions

-- index questions_module ON questions
CREATE INDEX questions_module ON questions (module_uuid);

-- table question_options ON question_options
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
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)));

-- index sqlite_autoindex_question_options_1 ON question_options

-- index question_options_question ON question_options
CREATE INDEX question_options_question ON question_options (question_uuid, position);

-- table quizzes ON quizzes
CREATE TABLE quizzes (
        uuid TEXT PRIMARY KEY,
        slug TEXT UNIQUE,
        course_uuid TEXT REFERENCES courses (uuid),
        settings TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(settings)),
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)));

-- index sqlite_autoindex_quizzes_1 ON quizzes

-- index sqlite_autoindex_quizzes_2 ON quizzes

-- table quiz_rules ON quiz_rules
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
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
        CHECK ((kind = 'fixed') = (question_uuid IS NOT NULL)));

-- index sqlite_autoindex_quiz_rules_1 ON quiz_rules

-- index quiz_rules_quiz ON quiz_rules
CREATE INDEX quiz_rules_quiz ON quiz_rules (quiz_uuid, position);

-- table classes ON classes
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
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)));

-- index sqlite_autoindex_classes_1 ON classes

-- table quiz_assignments ON quiz_assignments
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
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
        CHECK (class_uuid IS NOT NULL OR trainee_uuid IS NOT NULL));

-- index sqlite_autoindex_quiz_assignments_1 ON quiz_assignments

-- table trainees ON trainees
CREATE TABLE trainees (
        uuid TEXT PRIMARY KEY,
        name TEXT NOT NULL CHECK (length(trim(name)) > 0),
        organisation TEXT NOT NULL DEFAULT '',
        pin_hash TEXT,
        locale TEXT CHECK (locale IS NULL OR locale IN ('en', 'ru', 'kk', 'uz')),
        created_on TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)));

-- index sqlite_autoindex_trainees_1 ON trainees

-- table class_members ON class_members
CREATE TABLE class_members (
        uuid TEXT PRIMARY KEY,
        class_uuid TEXT NOT NULL REFERENCES classes (uuid),
        trainee_uuid TEXT NOT NULL REFERENCES trainees (uuid),
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
        UNIQUE (class_uuid, trainee_uuid));

-- index sqlite_autoindex_class_members_1 ON class_members

-- index sqlite_autoindex_class_members_2 ON class_members

-- table attempts ON attempts
CREATE TABLE attempts (
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
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)));

-- index sqlite_autoindex_attempts_1 ON attempts

-- index attempts_trainee ON attempts
CREATE INDEX attempts_trainee ON attempts (trainee_uuid, quiz_uuid);

-- table answers ON answers
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
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
        UNIQUE (attempt_uuid, question_uuid));

-- index sqlite_autoindex_answers_1 ON answers

-- index sqlite_autoindex_answers_2 ON answers

-- table lesson_progress ON lesson_progress
CREATE TABLE lesson_progress (
        uuid TEXT PRIMARY KEY,
        trainee_uuid TEXT NOT NULL REFERENCES trainees (uuid),
        lesson_uuid TEXT NOT NULL REFERENCES lessons (uuid),
        opened_at TEXT NOT NULL,
        completed_at TEXT,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
        UNIQUE (trainee_uuid, lesson_uuid));

-- index sqlite_autoindex_lesson_progress_1 ON lesson_progress

-- index sqlite_autoindex_lesson_progress_2 ON lesson_progress

-- table practice_cards ON practice_cards
CREATE TABLE practice_cards (
        uuid TEXT PRIMARY KEY,
        trainee_uuid TEXT NOT NULL REFERENCES trainees (uuid),
        card_key TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(state)),
        due_at TEXT,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
        UNIQUE (trainee_uuid, card_key));

-- index sqlite_autoindex_practice_cards_1 ON practice_cards

-- index sqlite_autoindex_practice_cards_2 ON practice_cards

-- table practice_reviews ON practice_reviews
CREATE TABLE practice_reviews (
        uuid TEXT PRIMARY KEY,
        card_uuid TEXT NOT NULL REFERENCES practice_cards (uuid),
        rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
        reviewed_at TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)));

-- index sqlite_autoindex_practice_reviews_1 ON practice_reviews

-- table certificates ON certificates
CREATE TABLE certificates (
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
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)));

-- index sqlite_autoindex_certificates_1 ON certificates

-- index sqlite_autoindex_certificates_2 ON certificates

-- table certificate_events ON certificate_events
CREATE TABLE certificate_events (
        uuid TEXT PRIMARY KEY,
        certificate_uuid TEXT NOT NULL REFERENCES certificates (uuid),
        kind TEXT NOT NULL CHECK (kind IN ('issued', 'reprinted', 'revoked')),
        at TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
    rev INTEGER NOT NULL DEFAULT 1 CHECK (rev >= 1),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)));

-- index sqlite_autoindex_certificate_events_1 ON certificate_events

-- table search_index ON search_index
CREATE TABLE search_index (
        taxon_uuid TEXT PRIMARY KEY REFERENCES taxa (uuid),
        names TEXT NOT NULL);

-- index sqlite_autoindex_search_index_1 ON search_index

-- table search_index_fts ON search_index_fts
CREATE VIRTUAL TABLE "search_index_fts" USING FTS5 (
    "names",
    tokenize='unicode61 remove_diacritics 2',
    content="search_index"
);

-- table search_index_fts_data ON search_index_fts_data
CREATE TABLE 'search_index_fts_data'(id INTEGER PRIMARY KEY, block BLOB);

-- table search_index_fts_idx ON search_index_fts_idx
CREATE TABLE 'search_index_fts_idx'(segid, term, pgno, PRIMARY KEY(segid, term)) WITHOUT ROWID;

-- table search_index_fts_docsize ON search_index_fts_docsize
CREATE TABLE 'search_index_fts_docsize'(id INTEGER PRIMARY KEY, sz BLOB);

-- table search_index_fts_config ON search_index_fts_config
CREATE TABLE 'search_index_fts_config'(k PRIMARY KEY, v) WITHOUT ROWID;

-- trigger search_index_ai ON search_index
CREATE TRIGGER "search_index_ai" AFTER INSERT ON "search_index" BEGIN
  INSERT INTO "search_index_fts" (rowid, "names") VALUES (new.rowid, new."names");
END;

-- trigger search_index_ad ON search_index
CREATE TRIGGER "search_index_ad" AFTER DELETE ON "search_index" BEGIN
  INSERT INTO "search_index_fts" ("search_index_fts", rowid, "names") VALUES('delete', old.rowid, old."names");
END;

-- trigger search_index_au ON search_index
CREATE TRIGGER "search_index_au" AFTER UPDATE ON "search_index" BEGIN
  INSERT INTO "search_index_fts" ("search_index_fts", rowid, "names") VALUES('delete', old.rowid, old."names");
  INSERT INTO "search_index_fts" (rowid, "names") VALUES (new.rowid, new."names");
END;
