package account

import "time"

// Limits of a session.
const (
	// SessionTouchEvery is how often a session's last use is written: at
	// most once a minute, not on every request.
	SessionTouchEvery = time.Minute
	// MaxUserAgent is how much of a browser's User-Agent a session keeps.
	MaxUserAgent = 300
)

// NewSession starts a session at now that ends ttl later at the latest.
func NewSession(userID, workspaceID int64, now time.Time, ttl time.Duration, userAgent, ip string) Session {
	if len(userAgent) > MaxUserAgent {
		userAgent = userAgent[:MaxUserAgent]
	}
	return Session{UserID: userID, WorkspaceID: workspaceID, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(ttl), UserAgent: userAgent, IP: ip}
}

// Ended reports whether the session is over at now: past its absolute
// expiry, or unused for longer than idle.
func (s *Session) Ended(now time.Time, idle time.Duration) bool {
	return now.After(s.ExpiresAt) || now.Sub(s.LastSeenAt) > idle
}

// Stale reports whether the session's last use should be written again.
func (s *Session) Stale(now time.Time) bool { return now.Sub(s.LastSeenAt) > SessionTouchEvery }
