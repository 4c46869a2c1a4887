package doctor

import (
	"errors"
	"fmt"
)

// The doctor's errors and fixes say what is wrong and what to change in
// words of the domain; they never name the flags or commands of a program
// using the package. A Finding whose fix a program can do with one of its
// commands carries a Remedy with the facts, and the program words it
// (cmd/ctitui: advice.go); the console shows Fix as it is.

// ErrNoTarget is a request that names neither a computer nor a user.
var ErrNoTarget = errors.New("name a computer or a user to diagnose")

// AddressError is a computer address given for the site lookup that is not
// an IP address.
type AddressError struct{ Value string }

func (e *AddressError) Error() string {
	return fmt.Sprintf("%q is not an IP address (give the computer's address, e.g. 10.1.2.17)", e.Value)
}

// Action is the change a Remedy asks for.
type Action string

// Actions.
const (
	ActionEnableLink    Action = "enable-link"     // GPO, SOM (DN), Where (the SOM's label)
	ActionUnblock       Action = "unblock"         // SOM (the blocking OU), Where (the link's SOM label)
	ActionEnableHalf    Action = "enable-half"     // GPO, Half ("computer" or "user")
	ActionDetachWMI     Action = "detach-wmi"      // GPO
	ActionChangeWMI     Action = "change-wmi"      // Fix: "..., or none; ..."
	ActionRedeploy      Action = "redeploy"        // Fix ends with the redeploy
	ActionRedeployOrACL Action = "redeploy-or-acl" // Fix begins with the redeploy
	ActionShareACL      Action = "share-acl"       // the share folder's ACL
	ActionGiveSite      Action = "give-site"       // diagnose again naming the site or the address
	ActionGiveThisSite  Action = "give-this-site"  // Site: diagnose again naming that site
	ActionSiteGiven     Action = "site-given"      // Text: the site was given by the caller
	ActionAddressGiven  Action = "address-given"   // Text: the address was given by the caller
	// A half-made GPO: undo the cut-off change that left it, or delete
	// the GPO and deploy again (GPO).
	ActionRecoverOrDelete Action = "recover-or-delete"
	// Extension names that disagree with the class store: redeploy one of
	// the GPO's packages (GPO).
	ActionRedeployExtensions Action = "redeploy-extensions"
)

// Remedy is what a finding's fix asks for, with the facts a program needs
// to name its own command for it.
type Remedy struct {
	Action Action
	GPO    string // the GPO's display name (or GUID)
	SOM    string
	Where  string
	Half   string
	Site   string
}

// EachFinding calls fn on every finding of the report, the user's report
// of a loopback diagnosis included, so a caller can word the remedies.
func (r *Report) EachFinding(fn func(*Finding)) {
	each := func(fs []Finding) {
		for i := range fs {
			fn(&fs[i])
		}
	}
	if r.Site != nil {
		each(r.Site.Reasons)
	}
	for i := range r.GPOs {
		each(r.GPOs[i].Reasons)
	}
	for i := range r.Packages {
		each(r.Packages[i].Reasons)
	}
	each(r.Replication)
	if r.UserReport != nil {
		r.UserReport.EachFinding(fn)
	}
}
