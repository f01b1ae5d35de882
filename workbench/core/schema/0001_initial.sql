-- Schema v1 of a Case Workbench case file: the whole data model of DESIGN.md.
-- Times are ISO 8601 in UTC to the second ('2020-08-15T15:00:00Z', checked below); the case time zone is meta 'timezone'.
-- JSON columns get shape checks only: JSON functions count as unsafe under trusted_schema=OFF.
-- Tables whose text is searched carry `seq INTEGER PRIMARY KEY` because VACUUM may renumber
-- the implicit rowid, and the FTS5 indexes point at rows by that number.

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE places (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL CHECK (name <> ''),
    lat REAL CHECK (lat IS NULL OR lat BETWEEN -90 AND 90),
    lon REAL CHECK (lon IS NULL OR lon BETWEEN -180 AND 180),
    country TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE actors (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL CHECK (name <> ''),
    kind TEXT NOT NULL DEFAULT 'other',
    aliases TEXT NOT NULL DEFAULT '[]' CHECK (aliases GLOB '[[]*]'),
    description TEXT NOT NULL DEFAULT '',
    color TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE events (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL CHECK (title <> ''),
    summary TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT '',
    start TEXT NOT NULL,
    "end" TEXT,
    time_precision TEXT NOT NULL DEFAULT 'day'
        CHECK (time_precision IN ('minute', 'hour', 'day', 'approximate')),
    time_note TEXT NOT NULL DEFAULT '',
    earliest TEXT,
    latest TEXT,
    confidence TEXT NOT NULL DEFAULT 'reported'
        CHECK (confidence IN ('confirmed', 'reported', 'likely', 'possible', 'unverified', 'planned')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (start GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z'),
    CHECK ("end" IS NULL OR ("end" GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z' AND "end" >= start)),
    CHECK (earliest IS NULL OR (earliest GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z' AND earliest <= start)),
    CHECK (latest IS NULL OR (latest GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z' AND latest >= start))
);
CREATE INDEX events_start ON events (start);

CREATE TABLE event_actors (
    event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    actor_id TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    role TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (event_id, actor_id)
) WITHOUT ROWID;
CREATE INDEX event_actors_actor ON event_actors (actor_id);

CREATE TABLE event_places (
    event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    place_id TEXT NOT NULL REFERENCES places (id) ON DELETE CASCADE,
    PRIMARY KEY (event_id, place_id)
) WITHOUT ROWID;
CREATE INDEX event_places_place ON event_places (place_id);

CREATE TABLE relations (
    id TEXT PRIMARY KEY,
    from_actor_id TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    to_actor_id TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind <> ''),
    label TEXT NOT NULL DEFAULT '',
    directed INTEGER NOT NULL DEFAULT 1 CHECK (directed IN (0, 1)),
    start TEXT,
    "end" TEXT,
    confidence TEXT NOT NULL DEFAULT 'reported'
        CHECK (confidence IN ('confirmed', 'reported', 'likely', 'possible', 'unverified', 'planned')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (from_actor_id <> to_actor_id),
    CHECK (start IS NULL OR start GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z'),
    CHECK ("end" IS NULL OR ("end" GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z' AND (start IS NULL OR "end" >= start)))
);
CREATE INDEX relations_from ON relations (from_actor_id);
CREATE INDEX relations_to ON relations (to_actor_id);

CREATE TABLE documents (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL DEFAULT '',
    publisher TEXT NOT NULL DEFAULT '',
    published TEXT,
    url TEXT NOT NULL DEFAULT '',
    format TEXT NOT NULL DEFAULT 'text' CHECK (format IN ('markdown', 'html', 'text')),
    text TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE sources (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    publisher TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT '',
    published TEXT,
    accessed TEXT,
    reliability TEXT NOT NULL DEFAULT 'F' CHECK (reliability IN ('A', 'B', 'C', 'D', 'E', 'F')),
    archived_text TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- A footnote of a document lists one or more sources; one source may stand under several
-- footnotes (the ISW report cites the same BelTA article under 1 and 2).
CREATE TABLE footnotes (
    document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    label TEXT NOT NULL CHECK (label <> ''),
    source_id TEXT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    position INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (document_id, label, source_id)
) WITHOUT ROWID;
CREATE INDEX footnotes_source ON footnotes (source_id);

-- Exactly one of event_id, relation_id, actor_id names what the source supports.
CREATE TABLE citations (
    id TEXT PRIMARY KEY,
    source_id TEXT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    event_id TEXT REFERENCES events (id) ON DELETE CASCADE,
    relation_id TEXT REFERENCES relations (id) ON DELETE CASCADE,
    actor_id TEXT REFERENCES actors (id) ON DELETE CASCADE,
    document_id TEXT REFERENCES documents (id) ON DELETE SET NULL,
    footnote TEXT NOT NULL DEFAULT '',
    quote TEXT NOT NULL DEFAULT '',
    credibility INTEGER NOT NULL DEFAULT 6 CHECK (credibility BETWEEN 1 AND 6),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((event_id IS NOT NULL) + (relation_id IS NOT NULL) + (actor_id IS NOT NULL) = 1)
);
CREATE INDEX citations_source ON citations (source_id);
CREATE INDEX citations_event ON citations (event_id) WHERE event_id IS NOT NULL;
CREATE INDEX citations_relation ON citations (relation_id) WHERE relation_id IS NOT NULL;
CREATE INDEX citations_actor ON citations (actor_id) WHERE actor_id IS NOT NULL;

-- A note stands alone or is attached to at most one record.
CREATE TABLE notes (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    text TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL DEFAULT '',
    event_id TEXT REFERENCES events (id) ON DELETE CASCADE,
    relation_id TEXT REFERENCES relations (id) ON DELETE CASCADE,
    actor_id TEXT REFERENCES actors (id) ON DELETE CASCADE,
    source_id TEXT REFERENCES sources (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((event_id IS NOT NULL) + (relation_id IS NOT NULL) + (actor_id IS NOT NULL)
           + (source_id IS NOT NULL) <= 1)
);

-- A saved view, which is also a storyboard slide; `state` is JSON owned by the UI.
CREATE TABLE views (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL DEFAULT '',
    caption TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL DEFAULT '{}' CHECK (state GLOB '{*}'),
    thumbnail BLOB,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Append-only: the app never rewrites history, and the triggers below make SQL refuse to.
CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete', 'bulk insert', 'migrate', 'create')),
    table_name TEXT NOT NULL,
    record_id TEXT NOT NULL DEFAULT '',
    old TEXT,
    new TEXT,
    summary TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_record ON audit (table_name, record_id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;

-- Full-text search over the text of events, actors, sources, documents and notes.
-- The index is kept in sync by workbench.core.store.Case, the one gateway for writes, not by
-- triggers: SQLite does not count FTS5 as innocuous, so under trusted_schema=OFF (always on
-- here) a trigger writing to it fails with "unsafe use of virtual table".
CREATE VIRTUAL TABLE events_fts USING fts5(
    title, summary, content='events', content_rowid='seq', tokenize='unicode61 remove_diacritics 2');

CREATE VIRTUAL TABLE actors_fts USING fts5(
    name, aliases, description, content='actors', content_rowid='seq', tokenize='unicode61 remove_diacritics 2');

CREATE VIRTUAL TABLE sources_fts USING fts5(
    title, publisher, url, archived_text, content='sources', content_rowid='seq',
    tokenize='unicode61 remove_diacritics 2');

CREATE VIRTUAL TABLE documents_fts USING fts5(
    title, text, content='documents', content_rowid='seq', tokenize='unicode61 remove_diacritics 2');

CREATE VIRTUAL TABLE notes_fts USING fts5(
    text, content='notes', content_rowid='seq', tokenize='unicode61 remove_diacritics 2');
