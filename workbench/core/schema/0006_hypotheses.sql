-- Schema v6: Analysis of Competing Hypotheses (issue 27). A question holds its hypotheses and the
-- evidence rows weighed against them; an evidence row is one of the case's own items (an event, a
-- relation, a citation or a note), so its credibility can be read from the grades of its sources.
CREATE TABLE questions (
    id TEXT PRIMARY KEY,
    text TEXT NOT NULL CHECK (text <> ''),
    description TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE hypotheses (
    id TEXT PRIMARY KEY,
    question_id TEXT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    title TEXT NOT NULL CHECK (title <> ''),
    description TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX hypotheses_question ON hypotheses (question_id);

-- Exactly one of event_id, relation_id, citation_id, note_id names the item. `credibility` is the
-- analyst's override (NULL: taken from the item's sources' grades); `relevance` weighs the row too.
CREATE TABLE evidence_rows (
    id TEXT PRIMARY KEY,
    question_id TEXT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    event_id TEXT REFERENCES events (id) ON DELETE CASCADE,
    relation_id TEXT REFERENCES relations (id) ON DELETE CASCADE,
    citation_id TEXT REFERENCES citations (id) ON DELETE CASCADE,
    note_id TEXT REFERENCES notes (id) ON DELETE CASCADE,
    credibility TEXT CHECK (credibility IS NULL OR credibility IN ('high', 'medium', 'low')),
    relevance TEXT NOT NULL DEFAULT 'medium' CHECK (relevance IN ('high', 'medium', 'low')),
    position INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((event_id IS NOT NULL) + (relation_id IS NOT NULL) + (citation_id IS NOT NULL)
           + (note_id IS NOT NULL) = 1)
);
CREATE INDEX evidence_rows_question ON evidence_rows (question_id);
CREATE INDEX evidence_rows_event ON evidence_rows (event_id) WHERE event_id IS NOT NULL;
CREATE INDEX evidence_rows_relation ON evidence_rows (relation_id) WHERE relation_id IS NOT NULL;
CREATE INDEX evidence_rows_citation ON evidence_rows (citation_id) WHERE citation_id IS NOT NULL;
CREATE INDEX evidence_rows_note ON evidence_rows (note_id) WHERE note_id IS NOT NULL;

-- One cell of the matrix: how consistent one evidence row is with one hypothesis (Heuer's scale:
-- very consistent, consistent, neutral, inconsistent, very inconsistent, not applicable). No row: not rated.
CREATE TABLE ratings (
    id TEXT PRIMARY KEY,
    evidence_id TEXT NOT NULL REFERENCES evidence_rows (id) ON DELETE CASCADE,
    hypothesis_id TEXT NOT NULL REFERENCES hypotheses (id) ON DELETE CASCADE,
    rating TEXT NOT NULL CHECK (rating IN ('CC', 'C', 'N', 'I', 'II', 'NA')),
    comment TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (evidence_id, hypothesis_id)
);
CREATE INDEX ratings_hypothesis ON ratings (hypothesis_id);
