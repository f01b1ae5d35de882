-- Schema v2: where the analyst put each actor on the link chart, so that a copied case file
-- opens with the chart as it was left. Positions are in chart units (pixels at 100 % zoom).
-- An actor with no row here is placed by the automatic layout; `pinned` actors stay where
-- they are when the analyst re-lays out "unpinned only".
CREATE TABLE actor_layout (
    actor_id TEXT PRIMARY KEY REFERENCES actors (id) ON DELETE CASCADE,
    x REAL NOT NULL CHECK (abs(x) <= 1e9),
    y REAL NOT NULL CHECK (abs(y) <= 1e9),
    pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1))
) WITHOUT ROWID;
