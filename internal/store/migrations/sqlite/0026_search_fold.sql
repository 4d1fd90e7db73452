-- Search text is folded in Go (tandem.Fold: lower case, no accents, so
-- "malmo" finds Malmö and "ou" finds OÜ). Clearing it marks every row to be
-- folded again when the store opens (refoldSearch): SQL cannot fold.
UPDATE partners SET search_text = '';
UPDATE engagements SET search_text = '';
UPDATE deliverables SET search_text = '';
UPDATE requests SET search_text = '';
