package domain

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/jcmturner/gokrb5/v8/iana/errorcode"
	"github.com/jcmturner/gokrb5/v8/messages"
)

// KerberosError is a Kerberos failure said so that a person can act on it.
// Code is the [RFC 4120] 7.5.9 error name (e.g. "KDC_ERR_PREAUTH_FAILED")
// when the KDC or the DC answered with a KRB-ERROR, else empty.
// Problem, when set, names the failure as the connection's settings would
// remedy it, and Name the user, SPN, realm or cache it is about; Advice
// then says what happened without that remedy.
type KerberosError struct {
	Code    string
	Advice  string
	Problem Problem
	Name    string
	Err     error
}

func (e *KerberosError) Error() string {
	if e.Code != "" {
		return fmt.Sprintf("%s (Kerberos %s)", e.Advice, e.Code)
	}
	return e.Advice
}

func (e *KerberosError) Unwrap() error { return e.Err }

// kerberosHints is what the caller knows that makes advice concrete.
type kerberosHints struct {
	principal string // user@REALM
	realm     string
	spn       string
	keytab    string // set when the keys came from this keytab
	ccache    string // set when the tickets came from this cache
}

// krbErrorName finds an [RFC 4120] error name in gokrb5's error text, which
// flattens KRB-ERRORs into strings.
var krbErrorName = regexp.MustCompile(`\b(KDC_ERR|KRB_AP_ERR|KRB_ERR)_[A-Z_0-9]+\b`)

// explainKerberos turns gokrb5's failures into advice: which account
// problem, which clock, which name is wrong, and what to run.
func explainKerberos(err error, h kerberosHints) error {
	if err == nil {
		return nil
	}
	var already *KerberosError
	if errors.As(err, &already) {
		return err
	}
	code := ""
	var krbErr messages.KRBError
	if errors.As(err, &krbErr) {
		code = errorcode.Lookup(krbErr.ErrorCode)
		if i := strings.IndexByte(code, ' '); i >= 0 {
			code = code[i+1:]
		}
		if i := strings.IndexByte(code, ' '); i >= 0 {
			code = code[:i]
		}
	} else {
		code = krbErrorName.FindString(err.Error())
	}
	who := h.principal
	if who == "" {
		who = "the user"
	}
	if advice, p, name := kerberosCodeAdvice(code, who, h); advice != "" {
		return &KerberosError{Code: code, Advice: advice, Problem: p, Name: name, Err: err}
	}
	if advice, p, name := kerberosTextAdvice(err.Error(), h); advice != "" {
		return &KerberosError{Advice: advice, Problem: p, Name: name, Err: err}
	}
	return &KerberosError{Code: code, Advice: "Kerberos: " + err.Error(), Err: err}
}

// kerberosCodeAdvice is what a KRB-ERROR code means, and the Problem and
// its name when a connection setting remedies it.
func kerberosCodeAdvice(code, who string, h kerberosHints) (advice string, p Problem, name string) {
	switch code {
	case "KDC_ERR_PREAUTH_FAILED":
		if h.keytab != "" {
			return fmt.Sprintf("the keys in keytab %s do not match %s's password (changed since the keytab was made?): export the keytab again", h.keytab, who), "", ""
		}
		return fmt.Sprintf("wrong password for %s", who), "", ""
	case "KDC_ERR_C_PRINCIPAL_UNKNOWN":
		return fmt.Sprintf("no user %s in the domain: check the user name and the realm", who), ProblemKDCUnknownUser, who
	case "KDC_ERR_CLIENT_REVOKED":
		return fmt.Sprintf("account %s is disabled, locked out or expired: ask a domain admin to enable or unlock it", who), "", ""
	case "KDC_ERR_KEY_EXPIRED":
		return fmt.Sprintf("the password of %s has expired: change it (kpasswd %s) and try again", who, who), "", ""
	case "KDC_ERR_POLICY":
		return fmt.Sprintf("the domain's policy does not let %s log on now or from here (logon hours, allowed workstations, protected users)", who), "", ""
	case "KDC_ERR_S_PRINCIPAL_UNKNOWN":
		return fmt.Sprintf("the domain has no service principal %s: connect by the DC's full DNS name (or give the SPN host), not an alias or address", orUnknown(h.spn)), ProblemKDCNoSPN, orUnknown(h.spn)
	case "KDC_ERR_ETYPE_NOSUPP":
		return "the KDC and ctitui share no encryption type: enable AES for the accounts (msDS-SupportedEncryptionTypes)", "", ""
	case "KDC_ERR_WRONG_REALM":
		return fmt.Sprintf("the KDC is not for realm %s: check the domain and the realm's kdc in krb5.conf", orUnknown(h.realm)), ProblemKDCWrongRealm, orUnknown(h.realm)
	case "KRB_AP_ERR_SKEW":
		return "this computer's clock differs from the domain controller's by more than 5 minutes: synchronise it (for example with chrony against the DC) and try again", "", ""
	case "KRB_AP_ERR_TKT_EXPIRED":
		if h.ccache != "" {
			return fmt.Sprintf("the Kerberos tickets in %s have expired: run kinit again", h.ccache), "", ""
		}
		return "the Kerberos ticket has expired: get new tickets and try again", "", ""
	case "KRB_AP_ERR_MODIFIED", "KRB_AP_ERR_BAD_INTEGRITY":
		return fmt.Sprintf("the DC could not decrypt the ticket for %s: the SPN may belong to another account (duplicate SPN) or the DC's keys changed", orUnknown(h.spn)), "", ""
	case "KRB_AP_ERR_NOT_US":
		return fmt.Sprintf("the ticket for %s is for another server: connect to the DC the SPN names", orUnknown(h.spn)), "", ""
	}
	return "", "", ""
}

func kerberosTextAdvice(text string, h kerberosHints) (advice string, p Problem, name string) {
	realm := orUnknown(h.realm)
	switch {
	case strings.Contains(text, "no KDCs defined in configuration"):
		return fmt.Sprintf("no KDC known for realm %s: give the DC, or add the realm with its kdc to krb5.conf", realm), ProblemNoKDC, realm
	case strings.Contains(text, "Networking_Error"), strings.Contains(text, "communicating with KDC"),
		strings.Contains(text, "failed to communicate with KDC"), strings.Contains(text, "could not get a TCP connection"):
		return fmt.Sprintf("cannot reach a Kerberos KDC of realm %s (TCP/UDP port 88): check the DC or the realm's kdc in krb5.conf and the firewall: %s", realm, text), ProblemKDCUnreachable, realm
	case strings.Contains(text, "no user credentials available and no valid existing session"),
		strings.Contains(text, "TGT not found"):
		return fmt.Sprintf("no valid Kerberos ticket-granting ticket%s: run kinit %s", inCache(h.ccache), h.principal), "", ""
	}
	return "", "", ""
}

func orUnknown(s string) string {
	if s == "" {
		return "(unknown)"
	}
	return s
}

func inCache(path string) string {
	if path == "" {
		return ""
	}
	return " in " + path
}
