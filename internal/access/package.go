package access

import "github.com/tandemhq/tandem/internal/tandem"

// PackageExport is downloading an engagement's handover package (package
// bundle): everything about it, contacts unmasked. The client's owner
// only; partner roles never.
const PackageExport Rule = "package.export"

func init() { grants[tandem.RoleOwner][PackageExport] = true }
