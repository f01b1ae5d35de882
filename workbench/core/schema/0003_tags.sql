-- Schema v3: free tags on events, actors, relations and sources ("priority", "Brest",
-- "needs second source"), so any view can be filtered to what an analyst marked.
-- A tag row names exactly one item; the same tag cannot be put twice on one item.
CREATE TABLE tags (
    id TEXT PRIMARY KEY,
    tag TEXT NOT NULL CHECK (tag <> '' AND length(tag) <= 100),
    event_id TEXT REFERENCES events (id) ON DELETE CASCADE,
    actor_id TEXT REFERENCES actors (id) ON DELETE CASCADE,
    relation_id TEXT REFERENCES relations (id) ON DELETE CASCADE,
    source_id TEXT REFERENCES sources (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((event_id IS NOT NULL) + (actor_id IS NOT NULL) + (relation_id IS NOT NULL)
           + (source_id IS NOT NULL) = 1)
);
CREATE UNIQUE INDEX tags_event ON tags (event_id, tag) WHERE event_id IS NOT NULL;
CREATE UNIQUE INDEX tags_actor ON tags (actor_id, tag) WHERE actor_id IS NOT NULL;
CREATE UNIQUE INDEX tags_relation ON tags (relation_id, tag) WHERE relation_id IS NOT NULL;
CREATE UNIQUE INDEX tags_source ON tags (source_id, tag) WHERE source_id IS NOT NULL;
CREATE INDEX tags_tag ON tags (tag);
