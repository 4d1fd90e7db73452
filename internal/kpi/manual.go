package kpi

// ValueCountsFor reports whether an own metric value (ownmetric.Value) entered for a period of
// kind valueKind counts for a period of kind periodKind that contains the
// value's period: a weekly value counts for its week only; a monthly value
// for its month and the quarter containing it; a quarterly value for its
// quarter. A value never counts for a shorter period — a week that
// contains the 1st of a month does not pick up that month's value — nor
// for a week or month merely because its period starts inside it. A
// period's value is the mean of the values that count for it.
func ValueCountsFor(valueKind, periodKind string) bool {
	switch periodKind {
	case Week:
		return valueKind == Week
	case Month:
		return valueKind == Month
	case Quarter:
		return valueKind == Month || valueKind == Quarter
	}
	return false
}
