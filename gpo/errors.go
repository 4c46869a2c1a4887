package gpo

import (
	"errors"
	"fmt"
)

// Errors of this package say what happened, with the facts (kind, name,
// GUID); they never name the flags or commands of a program using the
// package. Callers branch on them with errors.Is and errors.As and word the
// remedy for their own users: cmd/ctitui with its flags (advice.go), the
// console with its catalog (ui/errors.go). An OU that does not exist is
// domain's *NotFoundError of kind domain.KindOU.

var (
	// ErrNotFound is what every *NotFoundError is (errors.Is).
	ErrNotFound = errors.New("not found")
	// ErrExists is what every *ExistsError is (errors.Is).
	ErrExists = errors.New("already exists")
	// ErrNoGPO is a GPO reference that is empty.
	ErrNoGPO = errors.New("no GPO given: name it by its display name or {GUID}")
)

// Kind is the kind of object an error of this package is about.
type Kind string

// Kinds.
const (
	KindGPO       Kind = "GPO"
	KindWMIFilter Kind = "WMI filter"
)

// NotFoundError is a GPO or WMI filter the caller named that the domain
// does not hold: by GUID when GUID is set, else by Name. Domain is the DNS
// name of the domain searched, when known.
type NotFoundError struct {
	Kind   Kind
	Name   string
	GUID   string
	Domain string
}

func (e *NotFoundError) Error() string {
	switch {
	case e.Kind == KindGPO && e.GUID != "":
		return fmt.Sprintf("no GPO %s in %s", e.GUID, e.Domain)
	case e.Kind == KindGPO:
		return fmt.Sprintf("no GPO named %q in %s (names are compared exactly, ignoring case)", e.Name, e.Domain)
	}
	return fmt.Sprintf("no %s %q", e.Kind, e.Name)
}

// Is makes errors.Is(err, ErrNotFound) true.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// ExistsError is a name taken already: a GPO of that display name (GUID is
// the existing one's; reusing it is the other way on), or a WMI filter of
// that name with a different query.
type ExistsError struct {
	Kind Kind
	Name string
	GUID string
}

func (e *ExistsError) Error() string {
	if e.Kind == KindWMIFilter {
		return fmt.Sprintf("a WMI filter named %q exists with a different query; give another name", e.Name)
	}
	return fmt.Sprintf("a GPO named %q already exists (%s); choose another name, or reuse that GPO", e.Name, e.GUID)
}

// Is makes errors.Is(err, ErrExists) true.
func (e *ExistsError) Is(target error) bool { return target == ErrExists }
