package contract

import (
	"strings"

	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// MaxNDADocument is the longest reference to the document that holds an NDA.
const MaxNDADocument = 500

// ValidateNDA checks an entry of the NDA register made on today: signed on a
// day given and not in the future, with a document reference of at most
// MaxNDADocument characters. It returns the trimmed document reference.
// Errors: EInvalid.
func ValidateNDA(signedOn tandem.Date, document string, today tandem.Date) (string, error) {
	document = strings.TrimSpace(document)
	var v tandem.Validator
	if v.Check(!signedOn.IsZero(), "signed_on", i18n.K("validation.required")) {
		v.Check(!today.Before(signedOn), "signed_on", i18n.K("contract.nda_future"))
	}
	v.MaxLen("document", document, MaxNDADocument)
	return document, v.Err()
}

// CheckNDAPerson refuses an NDA for a membership that is not a partner's
// person (partnerID 0): the client's own people sign none here. Errors:
// EInvalid.
func CheckNDAPerson(partnerID int64) error {
	if partnerID == 0 {
		var v tandem.Validator
		v.Add("membership_id", i18n.K("contract.nda_partner_only"))
		return v.Err()
	}
	return nil
}
