package web

import (
	"github.com/tandemhq/tandem/internal/i18n"
	"github.com/tandemhq/tandem/internal/notification"
)

// NotificationText is a notification in the reader's language and the path
// it leads to, as the notifications page shows it: for its e-mail.
func NotificationText(l *i18n.Localizer, n notification.Notification) (text, path string) {
	return notificationMessage(l, n), notificationLink(n)
}
