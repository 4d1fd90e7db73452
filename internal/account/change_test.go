package account

import (
	"testing"

	"github.com/tandemhq/tandem/internal/tandem"
)

func TestChangePassword(t *testing.T) {
	t.Parallel()
	hash, err := HashPassword("old password 1")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ current, next, field string }{
		{"wrong password", "new password 2", "current_password"},
		{"old password 1", "short", "new_password"},
		{"old password 1", "old password 1", "new_password"},
	} {
		_, err := ChangePassword(hash, c.current, c.next)
		if fe := tandem.FieldErrors(err); len(fe) != 1 || fe[0].Field != c.field {
			t.Errorf("%q → %q: %v, want an error on %s", c.current, c.next, err, c.field)
		}
	}
	got, err := ChangePassword(hash, "old password 1", "new password 2")
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := CheckPassword(got, "new password 2"); !ok {
		t.Error("the new hash does not match the new password")
	}
}
