package notification

import (
	"slices"
	"testing"
)

func TestRecipients(t *testing.T) {
	t.Parallel()
	deciders, partner := []int64{1, 2}, []int64{5, 6, 2}
	for _, c := range []struct {
		a    Audience
		want []int64
	}{
		{Client, []int64{2}},                     // the actor (1) is not told
		{Partner, []int64{5, 6, 2}},              // once each
		{Both, []int64{2, 5, 6}},                 // 2 is on both lists
		{Partner.And(9, 5), []int64{5, 6, 2, 9}}, // named people besides
		{Audience{}.And(1), []int64{}},           // nobody but the actor
	} {
		if got := c.a.Recipients(1, deciders, partner); !slices.Equal(got, c.want) {
			t.Errorf("%+v: %v, want %v", c.a, got, c.want)
		}
	}
	if a := Partner.And(3); len(Partner.Users) != 0 || len(a.Users) != 1 {
		t.Error("And changed the shared audience")
	}
}
