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
	// Password for a simple bind, or to get Kerberos tickets with. Never
	// printed.
	Password string
	// CAFile is a PEM bundle of extra trusted CA certificates, added to the
	// system roots.
	CAFile string
	// StartTLS selects StartTLS on port 389 instead of LDAPS on port 636.
	StartTLS bool
	// Resolver finds DCs in DNS when DC is empty and resolves DC names
	// (nil: the system resolver).
	Resolver *net.Resolver
	// Timeout bounds connecting and each request. Zero means 15 seconds.
	Timeout time.Duration

	// Auth is how to authenticate: AuthSimple (the default) or AuthKerberos.
	Auth AuthMethod
	// LDAPS makes a Kerberos bind run over LDAPS (636). Without it (and
	// without StartTLS) Kerberos runs on plain 389 protected by the SASL
	// integrity layer. Simple binds always use TLS.
	LDAPS bool
	// KRB5Conf is the krb5.conf to use. Empty: $KRB5_CONFIG, else
	// /etc/krb5.conf, else one made up from Domain and DC.
	KRB5Conf string
	// CCache is the Kerberos credential cache (FILE: or a path). Empty:
	// $KRB5CCNAME, else /tmp/krb5cc_<uid>.
	CCache string
	// Keytab is a keytab to get tickets with instead of a password or
	// ccache.
	Keytab string
	// SPNHost is the DC's host name in its service principal name
	// (ldap/<SPNHost>). Empty: DC when it is a DNS name, else the
	// dnsHostName the DC announces in its rootDSE.
	SPNHost string
}

// AuthMethod says how ctitui proves who it is to the DC.
type AuthMethod string

const (
	// AuthSimple is an LDAP simple bind with user name and password, over TLS.
	AuthSimple AuthMethod = "simple"
	// AuthKerberos is a SASL GSSAPI bind with a Kerberos ticket
	// ([RFC 4752]); tickets come from a keytab, a password, a credential
	// cache, or on Windows the logged-on user's logon session.
	AuthKerberos AuthMethod = "kerberos"
)

// String describes the configuration without the password. Paths are not
// secrets; what is in the files is never read for this.
func (c Config) String() string {
	s := fmt.Sprintf("domain=%s dc=%s user=%s auth=%s mode=%s", c.Domain, c.DC, c.User, c.authMethod(), c.transport())
	for _, kv := range [][2]string{{"krb5conf", c.KRB5Conf}, {"ccache", c.CCache}, {"keytab", c.Keytab}, {"spnhost", c.SPNHost}} {
		if kv[1] != "" {
			s += " " + kv[0] + "=" + kv[1]
		}
	}
	return s
}

// transport is how the LDAP connection is protected.
type transport string

const (
	transportLDAPS    transport = "ldaps"
	transportStartTLS transport = "starttls"
	// transportSASLSign is plain TCP on 389 with every message signed by
	// the Kerberos SASL integrity layer ([RFC 4752] 3.3).
	transportSASLSign transport = "sasl-sign"
)

func (c Config) authMethod() AuthMethod {
	if c.Auth == "" {
		return AuthSimple
	}
	return c.Auth
}

func (c Config) transport() transport {
	switch {
	case c.StartTLS:
		return transportStartTLS
	case c.authMethod() == AuthKerberos && !c.LDAPS:
		return transportSASLSign
	default:
		return transportLDAPS
	}
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
		return "", "", newConfigError(ProblemNoDC, "", nil, "no domain controller given")
	}
	port := "636"
	if c.transport() != transportLDAPS {
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
		return "", newConfigError(ProblemNoUser, "", nil, "no user given")
	case strings.ContainsAny(u, "@\\"):
		return u, nil
	case c.Domain == "":
		return "", newConfigError(ProblemUserNoDomain, u, nil, "user %q has no domain: write user@domain or DOMAIN\\user", u)
	default:
		return u + "@" + c.Domain, nil
	}
}
