-- Schema v5: what an analyst enters by hand (issue 21): places with their other names, kind and
-- part in an event; where in a source a cited passage stands and when it was read; and typed
-- attributes of actors (date of birth, rank, unit, phone, handle...), searched like names.
ALTER TABLE places ADD COLUMN aliases TEXT NOT NULL DEFAULT '[]' CHECK (aliases GLOB '[[]*]');
ALTER TABLE places ADD COLUMN kind TEXT NOT NULL DEFAULT '';

-- The part a place plays in an event: where it happened, where it started from, what it was aimed at.
ALTER TABLE event_places ADD COLUMN role TEXT NOT NULL DEFAULT 'location'
    CHECK (role IN ('location', 'origin', 'target'));

-- A page, timestamp or paragraph, and the day the analyst read the passage there (YYYY-MM-DD).
ALTER TABLE citations ADD COLUMN locator TEXT NOT NULL DEFAULT '';
ALTER TABLE citations ADD COLUMN accessed TEXT;

-- One typed value of one actor. `value` is stored normalised for its type: a date as YYYY, YYYY-MM or
-- YYYY-MM-DD, a number in Python's float notation, coordinates as 'lat, lon' in decimal degrees.
CREATE TABLE actor_attributes (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    actor_id TEXT NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    key TEXT NOT NULL CHECK (key <> '' AND length(key) <= 100),
    type TEXT NOT NULL DEFAULT 'text' CHECK (type IN ('text', 'date', 'number', 'url', 'phone', 'coordinates')),
    value TEXT NOT NULL CHECK (value <> ''),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX actor_attributes_actor ON actor_attributes (actor_id);

-- Its search index as sqlite-utils builds it (as schema 4 made the others): enable_fts(["key", "value"],
-- create_triggers=True, tokenize='unicode61 remove_diacritics 2'), text exactly.
CREATE VIRTUAL TABLE "actor_attributes_fts" USING FTS5 (
    "key", "value",
    tokenize='unicode61 remove_diacritics 2',
    content="actor_attributes"
);
CREATE TRIGGER "actor_attributes_ai" AFTER INSERT ON "actor_attributes" BEGIN
  INSERT INTO "actor_attributes_fts" (rowid, "key", "value") VALUES (new.rowid, new."key", new."value");
END;
CREATE TRIGGER "actor_attributes_ad" AFTER DELETE ON "actor_attributes" BEGIN
  INSERT INTO "actor_attributes_fts" ("actor_attributes_fts", rowid, "key", "value") VALUES('delete', old.rowid, old."key", old."value");
END;
CREATE TRIGGER "actor_attributes_au" AFTER UPDATE ON "actor_attributes" BEGIN
  INSERT INTO "actor_attributes_fts" ("actor_attributes_fts", rowid, "key", "value") VALUES('delete', old.rowid, old."key", old."value");
  INSERT INTO "actor_attributes_fts" (rowid, "key", "value") VALUES (new.rowid, new."key", new."value");
END;
