-- Schema v4: the full-text indexes as sqlite-utils builds them (enable_fts with create_triggers), so that
-- Datasette's ?_search= and `sqlite-utils search` find them (they look for content="<table>") and the
-- triggers keep them in step whoever writes the case: the app, the sqlite3 shell, another tool.
-- The text below is exactly what sqlite-utils 3.x/4.x writes (tests/test_interop_search.py compares it);
-- the schema check compares these triggers like every other object, so a planted one is still refused.
-- SQLite runs a trigger that writes FTS5 only with trusted_schema on: the app turns it on for a
-- writing connection once the file's schema has been found to be exactly this (store/checks.py).

DROP TABLE events_fts;
DROP TABLE actors_fts;
DROP TABLE sources_fts;
DROP TABLE documents_fts;
DROP TABLE notes_fts;
CREATE VIRTUAL TABLE "events_fts" USING FTS5 (
    "title", "summary",
    tokenize='unicode61 remove_diacritics 2',
    content="events"
);
INSERT INTO "events_fts" ("events_fts") VALUES ('rebuild');
CREATE TRIGGER "events_ad" AFTER DELETE ON "events" BEGIN
  INSERT INTO "events_fts" ("events_fts", rowid, "title", "summary") VALUES('delete', old.rowid, old."title", old."summary");
END;
CREATE TRIGGER "events_ai" AFTER INSERT ON "events" BEGIN
  INSERT INTO "events_fts" (rowid, "title", "summary") VALUES (new.rowid, new."title", new."summary");
END;
CREATE TRIGGER "events_au" AFTER UPDATE ON "events" BEGIN
  INSERT INTO "events_fts" ("events_fts", rowid, "title", "summary") VALUES('delete', old.rowid, old."title", old."summary");
  INSERT INTO "events_fts" (rowid, "title", "summary") VALUES (new.rowid, new."title", new."summary");
END;
CREATE VIRTUAL TABLE "actors_fts" USING FTS5 (
    "name", "aliases", "description",
    tokenize='unicode61 remove_diacritics 2',
    content="actors"
);
INSERT INTO "actors_fts" ("actors_fts") VALUES ('rebuild');
CREATE TRIGGER "actors_ad" AFTER DELETE ON "actors" BEGIN
  INSERT INTO "actors_fts" ("actors_fts", rowid, "name", "aliases", "description") VALUES('delete', old.rowid, old."name", old."aliases", old."description");
END;
CREATE TRIGGER "actors_ai" AFTER INSERT ON "actors" BEGIN
  INSERT INTO "actors_fts" (rowid, "name", "aliases", "description") VALUES (new.rowid, new."name", new."aliases", new."description");
END;
CREATE TRIGGER "actors_au" AFTER UPDATE ON "actors" BEGIN
  INSERT INTO "actors_fts" ("actors_fts", rowid, "name", "aliases", "description") VALUES('delete', old.rowid, old."name", old."aliases", old."description");
  INSERT INTO "actors_fts" (rowid, "name", "aliases", "description") VALUES (new.rowid, new."name", new."aliases", new."description");
END;
CREATE VIRTUAL TABLE "sources_fts" USING FTS5 (
    "title", "publisher", "url", "archived_text",
    tokenize='unicode61 remove_diacritics 2',
    content="sources"
);
INSERT INTO "sources_fts" ("sources_fts") VALUES ('rebuild');
CREATE TRIGGER "sources_ad" AFTER DELETE ON "sources" BEGIN
  INSERT INTO "sources_fts" ("sources_fts", rowid, "title", "publisher", "url", "archived_text") VALUES('delete', old.rowid, old."title", old."publisher", old."url", old."archived_text");
END;
CREATE TRIGGER "sources_ai" AFTER INSERT ON "sources" BEGIN
  INSERT INTO "sources_fts" (rowid, "title", "publisher", "url", "archived_text") VALUES (new.rowid, new."title", new."publisher", new."url", new."archived_text");
END;
CREATE TRIGGER "sources_au" AFTER UPDATE ON "sources" BEGIN
  INSERT INTO "sources_fts" ("sources_fts", rowid, "title", "publisher", "url", "archived_text") VALUES('delete', old.rowid, old."title", old."publisher", old."url", old."archived_text");
  INSERT INTO "sources_fts" (rowid, "title", "publisher", "url", "archived_text") VALUES (new.rowid, new."title", new."publisher", new."url", new."archived_text");
END;
CREATE VIRTUAL TABLE "documents_fts" USING FTS5 (
    "title", "text",
    tokenize='unicode61 remove_diacritics 2',
    content="documents"
);
INSERT INTO "documents_fts" ("documents_fts") VALUES ('rebuild');
CREATE TRIGGER "documents_ad" AFTER DELETE ON "documents" BEGIN
  INSERT INTO "documents_fts" ("documents_fts", rowid, "title", "text") VALUES('delete', old.rowid, old."title", old."text");
END;
CREATE TRIGGER "documents_ai" AFTER INSERT ON "documents" BEGIN
  INSERT INTO "documents_fts" (rowid, "title", "text") VALUES (new.rowid, new."title", new."text");
END;
CREATE TRIGGER "documents_au" AFTER UPDATE ON "documents" BEGIN
  INSERT INTO "documents_fts" ("documents_fts", rowid, "title", "text") VALUES('delete', old.rowid, old."title", old."text");
  INSERT INTO "documents_fts" (rowid, "title", "text") VALUES (new.rowid, new."title", new."text");
END;
CREATE VIRTUAL TABLE "notes_fts" USING FTS5 (
    "text",
    tokenize='unicode61 remove_diacritics 2',
    content="notes"
);
INSERT INTO "notes_fts" ("notes_fts") VALUES ('rebuild');
CREATE TRIGGER "notes_ad" AFTER DELETE ON "notes" BEGIN
  INSERT INTO "notes_fts" ("notes_fts", rowid, "text") VALUES('delete', old.rowid, old."text");
END;
CREATE TRIGGER "notes_ai" AFTER INSERT ON "notes" BEGIN
  INSERT INTO "notes_fts" (rowid, "text") VALUES (new.rowid, new."text");
END;
CREATE TRIGGER "notes_au" AFTER UPDATE ON "notes" BEGIN
  INSERT INTO "notes_fts" ("notes_fts", rowid, "text") VALUES('delete', old.rowid, old."text");
  INSERT INTO "notes_fts" (rowid, "text") VALUES (new.rowid, new."text");
END;
