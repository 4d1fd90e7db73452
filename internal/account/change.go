package account

import (
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/tandem"
)

// ChangePassword decides a signed-in person's change of password: the
// current password must match the stored hash, the new one must be a valid
// password and differ from the current one. It returns the new hash. A
// change ends every other session of the person (the store keeps the one
// that asked), so a password someone else learnt stops working everywhere
// at once. Errors: EInvalid on "current_password" or "new_password".
func ChangePassword(storedHash, current, next string) (string, error) {
	var v tandem.Validator
	ok, err := PasswordMatches(storedHash, current)
	if err != nil {
		return "", err
	}
	v.Check(ok, "current_password", i18n.K("account.password_wrong"))
	if err := ValidatePassword("new_password", next); err != nil {
		return "", err
	}
	v.Check(next != current, "new_password", i18n.K("account.password_same"))
	if err := v.Err(); err != nil {
		return "", err
	}
	return HashPassword(next)
}
