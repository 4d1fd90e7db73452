-- The SHA-256 of a version's terms, in hex: entering a value reads the
-- terms in force to learn its metric's definition, and finds them
-- decoded by this hash (decodedTerms) without reading the terms' text (6
-- KB, overflow pages) and hashing it again at every value. NULL when not
-- known: the text is read then. A change of the text that does not set a
-- new hash clears it, so that a stale hash never names other terms.
ALTER TABLE contract_versions ADD COLUMN terms_hash TEXT;
UPDATE contract_versions SET terms_hash = tandem_sha256_hex(terms);
CREATE TRIGGER contract_versions_terms_hash AFTER UPDATE OF terms ON contract_versions
    FOR EACH ROW WHEN NEW.terms IS NOT OLD.terms AND NEW.terms_hash IS OLD.terms_hash
BEGIN
    UPDATE contract_versions SET terms_hash = NULL WHERE id = NEW.id;
END;
