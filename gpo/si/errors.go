package si

import (
	"errors"
	"fmt"

	"github.com/ctitui/ctitui/gpo"
)

// Errors of this package say what happened, with the facts (the GPO, the
// package, the path, the conflicting option); they never name the flags or
// commands of a program using the package. Callers branch on them with
// errors.Is and errors.As and word the remedy for their own users:
// cmd/ctitui with its flags and commands (advice.go), the console with its
// catalog (ui/errors.go).

var (
	// ErrNotFound is what every *NotFoundError is (errors.Is).
	ErrNotFound = errors.New("not found")
	// ErrPublishedToComputers is what Options.Validate returns for a
	// Published package in Computer Configuration (errors.Is).
	ErrPublishedToComputers = errors.New("Published deployment is for User Configuration only: Windows does not publish applications to computers")
)

// Kind is the kind of object a NotFoundError is about.
type Kind string

// Kinds.
const (
	KindPackage  Kind = "package"
	KindCategory Kind = "application category"
)

// NotFoundError is a package of GPO (by name or id) or an application
// category the caller named that does not exist.
type NotFoundError struct {
	Kind Kind
	Name string
	GPO  string // the GPO's display name, for a package
}

func (e *NotFoundError) Error() string {
	if e.Kind == KindPackage {
		return fmt.Sprintf("GPO %q has no package %q", e.GPO, e.Name)
	}
	return fmt.Sprintf("no %s %q", e.Kind, e.Name)
}

// Is makes errors.Is(err, ErrNotFound) true.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// Validate checks the options against the rules that hold whatever the
// directory holds, for a package in the given half of a GPO. It is the one
// place of each rule: AddPlan, deploy.Plan, the command line and the
// console all call it. Today's rule: [MS-GPSI] 1.3 and the guide, Published
// is for User Configuration only (a computer has nobody to choose an
// application); the error is ErrPublishedToComputers.
func (o Options) Validate(half gpo.Half) error {
	if half == gpo.Computer && o.Deployment == Published {
		return ErrPublishedToComputers
	}
	return nil
}

// SameProductError is an upgrade whose new MSI has the old package's
// ProductCode: Windows sees no new product, so there is nothing to upgrade
// to (the guide: the packages must differ in ProductCode or UpgradeCode).
type SameProductError struct {
	Package, Version, ProductCode string
}

func (e *SameProductError) Error() string {
	return fmt.Sprintf("upgrade of %q (%s) is meaningless: both MSIs have ProductCode %s; the guide: the new and old packages must differ in ProductCode or UpgradeCode for the upgrade to work. "+
		"Ask the vendor for a package with a new ProductCode, or redeploy the package to push the same product again", e.Package, e.Version, e.ProductCode)
}

// OtherProductError is a redeploy of a package whose MSI at MSIPath now is
// another product (ProductCode Now, the package was made for Was): that is
// an upgrade, not a redeploy.
type OtherProductError struct {
	MSIPath, Now, Was string
}

func (e *OtherProductError) Error() string {
	return fmt.Sprintf("the MSI at %s now has ProductCode %s, the package was made for %s: that is another product version; upgrade the package to it instead", e.MSIPath, e.Now, e.Was)
}

// SourceMissingError is an MSI path on the share with no file: Path is the
// file, Dir its folder; Err the share's answer (fs.ErrNotExist).
type SourceMissingError struct {
	Path, Dir string
	Err       error
}

func (e *SourceMissingError) Error() string {
	return fmt.Sprintf("%s does not exist: upload it first", e.Path)
}

func (e *SourceMissingError) Unwrap() error { return e.Err }

// UnreadableError is a file or folder computer accounts (Domain Computers,
// over the network) cannot read. Folder is set for the MSI's share folder,
// else Path is a file of the GPO on SYSVOL; Why is the access check's
// explanation.
type UnreadableError struct {
	Folder string
	Path   string
	Why    string
}

func (e *UnreadableError) Error() string {
	if e.Folder != "" {
		return fmt.Sprintf("Domain Computers cannot read the folder %s (%s): give Domain Computers Read & execute on it, as the guide's table says", e.Folder, e.Why)
	}
	return fmt.Sprintf("computers cannot read %s: %s; give Authenticated Users or Domain Computers Read on the GPO and run again", e.Path, e.Why)
}
