-- The SHA-256 of a version's terms, in hex: entering a value reads the
-- terms in force to learn its metric's definition, and finds them
-- decoded by this hash (decodedTerms) without reading the terms' text (6
-- KB) and hashing it again at every value. NULL when not known: the text
-- is read then. A change of the text that does not set a new hash clears
-- it, so that a stale hash never names other terms.
ALTER TABLE contract_versions ADD COLUMN terms_hash TEXT;
UPDATE contract_versions SET terms_hash = encode(sha256(convert_to(terms, 'UTF8')), 'hex');
CREATE FUNCTION contract_versions_terms_hash() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.terms IS DISTINCT FROM OLD.terms AND NEW.terms_hash IS NOT DISTINCT FROM OLD.terms_hash THEN
        NEW.terms_hash := NULL;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER contract_versions_terms_hash BEFORE UPDATE OF terms ON contract_versions
    FOR EACH ROW EXECUTE FUNCTION contract_versions_terms_hash();
