package deploy

import (
	"errors"
	"fmt"
)

// Errors of this package say what happened, with the facts; they never name
// the flags or commands of a program using it (cmd/ctitui words those in
// advice.go, the console in its catalog). The Published/User Configuration
// rule is si.Options.Validate's (si.ErrPublishedToComputers).

// ErrNoOU is a request without the OU to link the GPO to.
var ErrNoOU = errors.New("no OU: give the DN of the OU holding the target computers (or users)")

// WMIError is a WMI filter choice that is neither one of the presets
// (Presets, comma-separated keys) nor valid WQL (Err says why).
type WMIError struct {
	Value   string
	Presets string
	Err     error
}

func (e *WMIError) Error() string {
	return fmt.Sprintf("WMI filter %q is neither a preset (%s) nor a WQL query: %v", e.Value, e.Presets, e.Err)
}

func (e *WMIError) Unwrap() error { return e.Err }

// InPlaceError is an in-place upgrade of Package that cannot work: the
// comparison of the MSIs found Message (with its Advice); an upgrade that
// uninstalls the old package first still can.
type InPlaceError struct {
	Package, Message, Advice string
}

func (e *InPlaceError) Error() string {
	return fmt.Sprintf("in-place upgrade of %q is meaningless: %s. %s (or upgrade in uninstall mode)", e.Package, e.Message, e.Advice)
}
