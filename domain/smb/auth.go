package smb

import (
	"fmt"
	"strings"

	"github.com/jcmturner/gokrb5/v8/client"
)

// Auth says how an SMB session authenticates. Exactly one of Password (NTLM)
// or Kerberos is used; Kerberos wins when set.
type Auth struct {
	// User is the account name without domain, Domain its NetBIOS or DNS
	// domain name (NTLMv2 accepts either).
	User   string
	Domain string
	// Password is a secret: never printed, logged or put in an error.
	Password string
	// Kerberos is a logged-in gokrb5 client; the session asks it for a
	// ticket to SPN.
	Kerberos *client.Client
	// SPN is the service principal of the file server, "cifs/<fqdn>".
	// Empty means "cifs/" + the server name from the UNC path, which only
	// works when that is the server's DNS name, not an address.
	SPN string
}

// String describes the authentication without the password.
func (a Auth) String() string {
	if a.Kerberos != nil {
		return "kerberos spn=" + a.SPN
	}
	return fmt.Sprintf("ntlm user=%s domain=%s", a.User, a.Domain)
}

// GoString keeps the password out of %#v as well.
func (a Auth) GoString() string { return "smb.Auth{" + a.String() + "}" }

// PasswordAuth builds NTLM authentication from the user forms ctitui accepts
// everywhere: "user@domain", "DOMAIN\user", or "user" with defaultDomain.
func PasswordAuth(user, defaultDomain, password string) (Auth, error) {
	u := strings.TrimSpace(user)
	a := Auth{Password: password}
	switch {
	case u == "":
		return Auth{}, &AuthError{Problem: AuthNoUser}
	case strings.Contains(u, `\`):
		a.Domain, a.User, _ = strings.Cut(u, `\`)
	case strings.Contains(u, "@"):
		i := strings.LastIndex(u, "@")
		a.User, a.Domain = u[:i], u[i+1:]
	default:
		a.User, a.Domain = u, defaultDomain
	}
	if a.User == "" || a.Domain == "" {
		return Auth{}, &AuthError{Problem: AuthUserNoDomain, User: u}
	}
	if password == "" {
		return Auth{}, &AuthError{Problem: AuthEmptyPassword, User: u}
	}
	return a, nil
}
