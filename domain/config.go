package domain

import (
	"fmt"
	"net"
	"strings"
	"time"
)

// Config says which domain controller to talk to and how to authenticate.
// Password is a secret: it is never printed, logged or put in an error.
type Config struct {
	// Domain is the DNS name of the domain, e.g. "corp.example.com".
	Domain string
	// DC is the domain controller's host name or address, optionally with a
	// port. Empty means: locate one from Domain.
	DC string
	// User is "user@domain", "DOMAIN\user" or a plain "user" (then Domain is
	// appended as the UPN suffix).
	User string
	// Password for a simple bind. Never printed.
	Password string
	// CAFile is a PEM bundle of extra trusted CA certificates, added to the
	// system roots.
	CAFile string
	// StartTLS selects StartTLS on port 389 instead of LDAPS on port 636.
	StartTLS bool
	// Timeout bounds connecting and each request. Zero means 15 seconds.
	Timeout time.Duration
}

// String describes the configuration without the password.
func (c Config) String() string {
	mode := "ldaps"
	if c.StartTLS {
		mode = "starttls"
	}
	return fmt.Sprintf("domain=%s dc=%s user=%s mode=%s", c.Domain, c.DC, c.User, mode)
}

// GoString keeps the password out of %#v as well.
func (c Config) GoString() string { return "domain.Config{" + c.String() + "}" }

func (c Config) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return 15 * time.Second
}

// ldapAddress returns host:port for the LDAP connection and the name the
// server certificate must carry.
func (c Config) ldapAddress() (addr, serverName string, err error) {
	host := strings.TrimSpace(c.DC)
	if host == "" {
		return "", "", fmt.Errorf("no domain controller given: pass --dc (host name or address of a DC)")
	}
	port := "636"
	if c.StartTLS {
		port = "389"
	}
	if h, p, splitErr := net.SplitHostPort(host); splitErr == nil {
		host, port = h, p
	}
	return net.JoinHostPort(host, port), host, nil
}

// BindName turns the configured user into the form AD accepts for a simple
// bind: a UPN (user@domain) or a down-level name (DOMAIN\user).
func (c Config) BindName() (string, error) {
	u := strings.TrimSpace(c.User)
	switch {
	case u == "":
		return "", fmt.Errorf("no user given: pass --user (user@domain or DOMAIN\\user)")
	case strings.ContainsAny(u, "@\\"):
		return u, nil
	case c.Domain == "":
		return "", fmt.Errorf("user %q has no domain: write user@domain, DOMAIN\\user, or pass --domain", u)
	default:
		return u + "@" + c.Domain, nil
	}
}
