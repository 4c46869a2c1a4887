package domain

import (
	"errors"
	"fmt"
)

// Errors of this package say what happened, with the facts (the user, host,
// realm or object concerned); they never name the flags or commands of a
// program using the package. Callers branch on them with errors.Is and
// errors.As, and word the remedy for their own users: cmd/ctitui with its
// flags (advice.go), the console with its catalog (ui/errors.go).

// ErrNotFound is what every *NotFoundError is (errors.Is).
var ErrNotFound = errors.New("not found")

// Kind is the kind of directory object an error is about.
type Kind string

// Kinds of NotFoundError.
const (
	KindGroup    Kind = "group"
	KindComputer Kind = "computer"
	KindOU       Kind = "OU"
)

// NotFoundError is an object named by the caller that the directory does
// not hold. Name is the name or DN as given; for a computer, Prefix is the
// bare name (without domain suffix or $) that a search by prefix would take.
type NotFoundError struct {
	Kind   Kind
	Name   string
	Prefix string
}

func (e *NotFoundError) Error() string {
	switch e.Kind {
	case KindComputer:
		return fmt.Sprintf("computer %q not found in the domain: check the name", e.Name)
	case KindOU:
		return fmt.Sprintf("OU %q does not exist: check the DN", e.Name)
	}
	return fmt.Sprintf("%s %q not found: check the name", e.Kind, e.Name)
}

// Is makes errors.Is(err, ErrNotFound) true.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// Problem names a failure to connect or authenticate that a setting of the
// connection (Config), the user's Kerberos tickets or the DNS remedy. It is
// carried by *ConfigError and, for Kerberos failures, by *KerberosError.
type Problem string

// Problems. The comment says which Config setting remedies each.
const (
	ProblemNoDC                Problem = "no-dc"                      // Config.DC empty
	ProblemNoUser              Problem = "no-user"                    // Config.User empty
	ProblemNoKerberosUser      Problem = "no-kerberos-user"           // Config.User empty, no ticket cache either
	ProblemUserNoDomain        Problem = "user-no-domain"             // bare user name and no Config.Domain
	ProblemUserNoRealm         Problem = "user-no-realm"              // bare user name and no Config.Domain or default realm
	ProblemEmptyPassword       Problem = "empty-password"             // Config.Password empty
	ProblemUntrustedCA         Problem = "untrusted-ca"               // Config.CAFile
	ProblemCertName            Problem = "cert-name"                  // Config.DC: a name the certificate carries
	ProblemStrongAuthRequired  Problem = "strong-auth-required"       // LDAPS or Config.StartTLS
	ProblemSPNHostUnknown      Problem = "spn-host-unknown"           // Config.DC as a full DNS name
	ProblemSPNHostNotAnnounced Problem = "spn-host-not-announced"     // Config.DC as a full DNS name
	ProblemTicketRejected      Problem = "ticket-rejected"            // the SPN's account, or Config.DC
	ProblemNoClientCredentials Problem = "no-client-credentials"      // Config.Password, Config.Keytab or a credential cache
	ProblemNoCCache            Problem = "no-ccache"                  // kinit, Config.Password or Config.Keytab
	ProblemCCacheOtherUser     Problem = "ccache-other-user"          // kinit, or no Config.User
	ProblemKDCUnknownUser      Problem = "kdc-unknown-user"           // Config.User and Config.Domain
	ProblemKDCNoSPN            Problem = "kdc-no-spn"                 // Config.DC (or Config.SPNHost)
	ProblemKDCWrongRealm       Problem = "kdc-wrong-realm"            // Config.Domain, krb5.conf
	ProblemNoKDC               Problem = "no-kdc"                     // Config.DC, krb5.conf
	ProblemKDCUnreachable      Problem = "kdc-unreachable"            // Config.DC, krb5.conf, the firewall
	ProblemLocateNoDomain      Problem = "locate-no-domain"           // Config.Domain (or Config.DC)
	ProblemLocateNoSRV         Problem = "locate-no-srv"              // the host's DNS servers, or Config.DC
	ProblemLocateFailed        Problem = "locate-failed"              // Config.DC
	ProblemLocateNoDC          Problem = "locate-no-dc"               // Config.DC
	ProblemSSPINoCredentials   Problem = "sspi-no-credentials"        // Config.User and Config.Password
	ProblemSSPINoSPN           Problem = "sspi-no-spn"                // Config.DC as a full DNS name
	ProblemLogonSessionWindows Problem = "logon-session-only-windows" // kinit, Config.Password or Config.Keytab
)

// ConfigError is a failure to connect or authenticate that the
// connection's settings remedy. Problem says which; Name is the user, host,
// realm, SPN or domain it is about (empty when there is none); Err is the
// cause, when there is one.
type ConfigError struct {
	Problem Problem
	Name    string
	Err     error
	text    string
}

func newConfigError(p Problem, name string, err error, format string, args ...any) *ConfigError {
	return &ConfigError{Problem: p, Name: name, Err: err, text: fmt.Sprintf(format, args...)}
}

func (e *ConfigError) Error() string { return e.text }

func (e *ConfigError) Unwrap() error { return e.Err }
