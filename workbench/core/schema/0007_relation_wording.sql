-- Schema v7: relations found by their wording. The search box finds relations by their kind and label
-- ("detained", "member of"); without an index that read every relation on every keystroke (a tenth of a
-- second at 200,000 relations), so a search could not answer within a keystroke (issue 23).
CREATE INDEX relations_wording ON relations (kind, label);
