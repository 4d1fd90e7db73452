package web_test

import "github.com/tandemhq/tandem/internal/store"

func storeFilter(action string) store.AuditFilter { return store.AuditFilter{Action: action} }

func storeFilterNone() store.EngagementFilter { return store.EngagementFilter{} }
