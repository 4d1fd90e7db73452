-- Corrections of an issued invoice (invoice/corrections.go): besides a
-- credit note of an amount, a credit note of chosen lines and a
-- supplementary invoice, both kept in credit_notes (a correction referring
-- to its invoice, numbered from the same sequence). kind says which:
-- credit (negative amounts) or supplement (positive); lines are the
-- correction's lines with their explanations, as JSON ('[]' for a credit
-- note of an amount, stored before this migration).
ALTER TABLE credit_notes ADD COLUMN kind TEXT NOT NULL DEFAULT 'credit';
ALTER TABLE credit_notes ADD COLUMN lines TEXT NOT NULL DEFAULT '[]';
