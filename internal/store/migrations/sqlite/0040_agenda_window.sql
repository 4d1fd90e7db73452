-- An agenda item that happened before its meeting's window and was on the
-- previous held agenda is kept, marked still open (governance.SinceLast).
ALTER TABLE meeting_items ADD COLUMN still_open INTEGER NOT NULL DEFAULT 0;
