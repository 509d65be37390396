"""Versioned schema migrations, applied in order, each in one transaction.

Never edit a released migration: add a new one. ``PRAGMA user_version`` holds
the number of the last one applied.
"""

from __future__ import annotations

MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "taxonomies",
        """
        CREATE TABLE taxonomies (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            version TEXT NOT NULL,
            source TEXT NOT NULL,
            imported_at TEXT NOT NULL,
            meta TEXT NOT NULL DEFAULT '{}'
        );
        CREATE TABLE skills (
            id INTEGER PRIMARY KEY,
            taxonomy_id INTEGER NOT NULL REFERENCES taxonomies(id) ON DELETE CASCADE,
            code TEXT NOT NULL,
            label TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            skill_type TEXT NOT NULL DEFAULT '',
            reuse_level TEXT NOT NULL DEFAULT '',
            meta TEXT NOT NULL DEFAULT '{}',
            UNIQUE (taxonomy_id, code)
        );
        CREATE TABLE skill_labels (
            id INTEGER PRIMARY KEY,
            skill_id INTEGER NOT NULL REFERENCES skills(id) ON DELETE CASCADE,
            label TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('preferred', 'alternative', 'hidden')),
            norm TEXT NOT NULL,  -- lexical key (skillmatch.text.normalize)
            UNIQUE (skill_id, label, kind)
        );
        CREATE INDEX skill_labels_skill ON skill_labels(skill_id);
        CREATE INDEX skill_labels_norm ON skill_labels(norm);
        CREATE TABLE skill_groups (
            id INTEGER PRIMARY KEY,
            taxonomy_id INTEGER NOT NULL REFERENCES taxonomies(id) ON DELETE CASCADE,
            code TEXT NOT NULL,
            label TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            UNIQUE (taxonomy_id, code)
        );
        CREATE TABLE skill_broader (
            taxonomy_id INTEGER NOT NULL REFERENCES taxonomies(id) ON DELETE CASCADE,
            narrower_code TEXT NOT NULL,
            broader_code TEXT NOT NULL,
            PRIMARY KEY (taxonomy_id, narrower_code, broader_code)
        );
        CREATE TABLE skill_collections (
            skill_id INTEGER NOT NULL REFERENCES skills(id) ON DELETE CASCADE,
            collection TEXT NOT NULL,
            PRIMARY KEY (skill_id, collection)
        );
        CREATE TABLE occupations (
            id INTEGER PRIMARY KEY,
            taxonomy_id INTEGER NOT NULL REFERENCES taxonomies(id) ON DELETE CASCADE,
            code TEXT NOT NULL,
            label TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            group_code TEXT NOT NULL DEFAULT '',
            meta TEXT NOT NULL DEFAULT '{}',
            UNIQUE (taxonomy_id, code)
        );
        CREATE TABLE occupation_labels (
            id INTEGER PRIMARY KEY,
            occupation_id INTEGER NOT NULL REFERENCES occupations(id) ON DELETE CASCADE,
            label TEXT NOT NULL,
            kind TEXT NOT NULL
        );
        CREATE INDEX occupation_labels_occ ON occupation_labels(occupation_id);
        CREATE TABLE occupation_tasks (
            id INTEGER PRIMARY KEY,
            occupation_id INTEGER NOT NULL REFERENCES occupations(id) ON DELETE CASCADE,
            text TEXT NOT NULL
        );
        CREATE INDEX occupation_tasks_occ ON occupation_tasks(occupation_id);
        -- Keyed by occupation code, not row id: ESCO v1.1.1 relates 67 skills to an
        -- occupation its occupations file lacks, and those relations are kept.
        CREATE TABLE occupation_skills (
            taxonomy_id INTEGER NOT NULL REFERENCES taxonomies(id) ON DELETE CASCADE,
            occupation_code TEXT NOT NULL,
            skill_id INTEGER NOT NULL REFERENCES skills(id) ON DELETE CASCADE,
            relation TEXT NOT NULL,
            meta TEXT NOT NULL DEFAULT '{}',
            PRIMARY KEY (taxonomy_id, occupation_code, skill_id, relation)
        );
        CREATE INDEX occupation_skills_skill ON occupation_skills(skill_id);
        """,
    ),
    (
        2,
        "catalogue and demand records",
        """
        CREATE TABLE credentials (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            provider TEXT NOT NULL DEFAULT '',
            type TEXT NOT NULL DEFAULT '',
            description TEXT NOT NULL DEFAULT '',
            level TEXT NOT NULL DEFAULT '',
            hours REAL,
            cost REAL,
            delivery TEXT NOT NULL DEFAULT '',
            region TEXT NOT NULL DEFAULT '',
            url TEXT NOT NULL DEFAULT '',
            occupation_codes TEXT NOT NULL DEFAULT '[]',
            declared_skills TEXT NOT NULL DEFAULT '[]',
            meta TEXT NOT NULL DEFAULT '{}',
            content_hash TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE postings (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            employer TEXT NOT NULL DEFAULT '',
            description TEXT NOT NULL DEFAULT '',
            region TEXT NOT NULL DEFAULT '',
            date_posted TEXT,
            openings INTEGER NOT NULL DEFAULT 1,
            occupation_code TEXT NOT NULL DEFAULT '',
            declared_skills TEXT NOT NULL DEFAULT '[]',
            meta TEXT NOT NULL DEFAULT '{}',
            content_hash TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX postings_occupation ON postings(occupation_code);
        CREATE TABLE needs (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            employer TEXT NOT NULL,
            role TEXT NOT NULL DEFAULT '',
            occupation_code TEXT NOT NULL DEFAULT '',
            required_skills TEXT NOT NULL DEFAULT '[]',
            preferred_skills TEXT NOT NULL DEFAULT '[]',
            openings INTEGER NOT NULL DEFAULT 1,
            region TEXT NOT NULL DEFAULT '',
            date TEXT,
            meta TEXT NOT NULL DEFAULT '{}',
            content_hash TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        -- A skill found in (linked) or declared by a record, with its evidence.
        CREATE TABLE skill_mentions (
            id INTEGER PRIMARY KEY,
            record_kind TEXT NOT NULL CHECK (record_kind IN ('credential', 'posting', 'need')),
            record_id INTEGER NOT NULL,
            skill_id INTEGER NOT NULL REFERENCES skills(id) ON DELETE CASCADE,
            score REAL NOT NULL,
            source TEXT NOT NULL CHECK (source IN ('linked', 'declared')),
            role TEXT NOT NULL DEFAULT '',
            evidence_start INTEGER,
            evidence_end INTEGER,
            evidence_text TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX skill_mentions_record ON skill_mentions(record_kind, record_id);
        CREATE INDEX skill_mentions_skill ON skill_mentions(skill_id);
        """,
    ),
    (
        3,
        "occupation code crosswalks",
        """
        -- One row per imported crosswalk (kind: onet-2010 | soc-2010), its official file.
        CREATE TABLE crosswalks (
            kind TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            imported_at TEXT NOT NULL,
            pairs INTEGER NOT NULL
        );
        CREATE TABLE crosswalk_pairs (
            kind TEXT NOT NULL REFERENCES crosswalks(kind) ON DELETE CASCADE,
            from_code TEXT NOT NULL,
            from_title TEXT NOT NULL DEFAULT '',
            to_code TEXT NOT NULL,
            to_title TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (kind, from_code, to_code)
        );
        """,
    ),
    (
        4,
        "change log and record vectors",
        """
        -- Every committed change, in order: other processes apply just these to their
        -- read snapshot (skillmatch.services.snapshot), and index files catch up from it.
        -- scope: record | taxonomy | crosswalk | index; kind: the record kind or the name;
        -- op: upsert | delete | replace.
        CREATE TABLE changes (
            generation INTEGER PRIMARY KEY AUTOINCREMENT,
            scope TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT '',
            op TEXT NOT NULL,
            row_id INTEGER,
            at TEXT NOT NULL
        );
        CREATE INDEX changes_scope ON changes(scope, generation);
        -- The embedding of each credential and posting, committed with the record: the
        -- truth the vector indexes are reconciled from.
        CREATE TABLE record_vectors (
            record_kind TEXT NOT NULL CHECK (record_kind IN ('credential', 'posting')),
            record_id INTEGER NOT NULL,
            model TEXT NOT NULL,
            vector BLOB NOT NULL,
            PRIMARY KEY (record_kind, record_id)
        ) WITHOUT ROWID;
        """,
    ),
    (
        5,
        "API keys, record ownership and rate limits",
        """
        -- An API key: only its HMAC-SHA256 under the server secret is kept (hash); id is
        -- the short public part of the key, shown in lists and used to revoke it.
        CREATE TABLE api_keys (
            id TEXT PRIMARY KEY,
            hash TEXT NOT NULL UNIQUE,
            role TEXT NOT NULL CHECK (role IN ('admin', 'employer', 'designer', 'counselor')),
            employer TEXT NOT NULL DEFAULT '',
            name TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            revoked_at TEXT,
            CHECK ((role = 'employer') = (employer != ''))
        );
        -- Fixed-window request counters shared by every worker: hits of a bucket (a key
        -- or a client address) in the window numbered slot.
        CREATE TABLE rate_limits (
            bucket TEXT NOT NULL,
            slot INTEGER NOT NULL,
            hits INTEGER NOT NULL,
            PRIMARY KEY (bucket, slot)
        ) WITHOUT ROWID;
        CREATE INDEX rate_limits_slot ON rate_limits(slot);
        -- The employer whose key wrote a posting or need ('' for imports by an admin or
        -- the command line), and whether only that employer may list and read it.
        ALTER TABLE postings ADD COLUMN owner TEXT NOT NULL DEFAULT '';
        ALTER TABLE postings ADD COLUMN private INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE needs ADD COLUMN owner TEXT NOT NULL DEFAULT '';
        ALTER TABLE needs ADD COLUMN private INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX postings_owner ON postings(owner);
        CREATE INDEX needs_owner ON needs(owner);
        """,
    ),
    (
        6,
        "skill link corrections and their review queue",
        """
        -- An employer's correction of a skill linked in one of its postings or needs: the
        -- phrase (the evidence text; norm is its lexical key, skillmatch.text.normalize)
        -- was linked to a skill that is wrong (action reject) or should be another
        -- (replace, with_*). It applies to the owner's records ('' : records of no
        -- employer, an admin's) from then on, and to everyone's once accepted. Skills
        -- are kept by taxonomy name and code, so a taxonomy imported again keeps them.
        CREATE TABLE corrections (
            id INTEGER PRIMARY KEY,
            owner TEXT NOT NULL DEFAULT '',
            key_id TEXT NOT NULL DEFAULT '',
            record_kind TEXT NOT NULL CHECK (record_kind IN ('posting', 'need')),
            record_code TEXT NOT NULL,
            phrase TEXT NOT NULL,
            norm TEXT NOT NULL,
            taxonomy TEXT NOT NULL,
            skill_code TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('reject', 'replace')),
            with_taxonomy TEXT NOT NULL DEFAULT '',
            with_code TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'accepted', 'rejected')),
            applied INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            reviewed_at TEXT,
            reviewed_by TEXT NOT NULL DEFAULT '',
            review_note TEXT NOT NULL DEFAULT '',
            CHECK ((action = 'replace') = (with_code != ''))
        );
        CREATE INDEX corrections_owner ON corrections(owner, id);
        CREATE INDEX corrections_status ON corrections(status, id);
        """,
    ),
    (
        7,
        "import jobs",
        """
        -- A file uploaded to /v1/imports and imported in the background by the worker that
        -- received it. heartbeat_at moves while it runs; a running job whose heartbeat
        -- stopped (its worker died) reads as interrupted.
        CREATE TABLE import_jobs (
            id TEXT PRIMARY KEY,
            owner TEXT NOT NULL DEFAULT '',
            key_id TEXT NOT NULL DEFAULT '',
            filename TEXT NOT NULL,
            bytes INTEGER NOT NULL,
            params TEXT NOT NULL DEFAULT '{}',
            status TEXT NOT NULL DEFAULT 'queued'
                CHECK (status IN ('queued', 'running', 'done', 'failed')),
            done INTEGER NOT NULL DEFAULT 0,
            result TEXT,
            error TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            heartbeat_at TEXT NOT NULL,
            finished_at TEXT
        );
        CREATE INDEX import_jobs_owner ON import_jobs(owner, created_at);
        """,
    ),
]
