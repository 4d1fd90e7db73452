// Package tandem holds the domain vocabulary shared by every capability:
// errors with codes and field messages, roles, the principal (who is asking),
// and paging. It imports no storage and no HTTP package; capability packages
// (partner, engagement, account, audit …) build on it, and the adapters
// (store, web) translate to and from it.
package tandem
