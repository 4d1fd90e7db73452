package proposal

import (
	"testing"

	"github.com/tandemhq/tandem/internal/tandem"
)

func TestValidate(t *testing.T) {
	d := Decision{Status: StatusDeclined}
	if fe := tandem.FieldErrors(d.Validate()); len(fe) != 1 || fe[0].Field != "comment" {
		t.Errorf("decline without comment: %v", fe)
	}
}
