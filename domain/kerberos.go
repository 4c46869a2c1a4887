package domain

import (
	"context"
	"fmt"
	"net"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/jcmturner/gokrb5/v8/client"
	"github.com/jcmturner/gokrb5/v8/keytab"
)

// krbSource is where Kerberos credentials come from.
type krbSource int

const (
	krbFromKeytab       krbSource = iota + 1 // Config.Keytab
	krbFromPassword                          // Config.Password, an AS exchange
	krbFromCCache                            // a credential cache filled by kinit
	krbFromLogonSession                      // Windows: the logged-on user, through SSPI
)

func (s krbSource) String() string {
	switch s {
	case krbFromKeytab:
		return "keytab"
	case krbFromPassword:
		return "password"
	case krbFromCCache:
		return "ccache"
	case krbFromLogonSession:
		return "windows-logon"
	}
	return "unknown"
}

// kerberosSource picks the credentials, most explicit first: a keytab, a
// password, a named credential cache (Config.CCache or $KRB5CCNAME); then
// on Windows the logon session, elsewhere the default cache. getenv and
// goos are parameters so that the choice is testable on any platform.
func kerberosSource(cfg Config, getenv func(string) string, goos string) krbSource {
	switch {
	case cfg.Keytab != "":
		return krbFromKeytab
	case cfg.Password != "":
		return krbFromPassword
	case cfg.CCache != "" || getenv("KRB5CCNAME") != "":
		return krbFromCCache
	case goos == "windows":
		return krbFromLogonSession
	default:
		return krbFromCCache
	}
}

// kerberosPrincipal is the user name and realm to ask tickets for. The
// realm is the upper-cased domain (AD's rule); the user may be a UPN, a
// down-level DOMAIN\user, or a bare name.
func (c Config) kerberosPrincipal(defaultRealm string) (user, realm string, err error) {
	u := strings.TrimSpace(c.User)
	if u == "" {
		return "", "", newConfigError(ProblemNoKerberosUser, "", nil, "no user given")
	}
	realm = strings.ToUpper(strings.TrimSpace(c.Domain))
	if name, suffix, ok := strings.Cut(u, "@"); ok {
		u = name
		if realm == "" {
			realm = strings.ToUpper(suffix)
		}
	} else if _, name, ok := strings.Cut(u, `\`); ok {
		u = name
	}
	if realm == "" {
		realm = defaultRealm
	}
	if realm == "" {
		return "", "", newConfigError(ProblemUserNoRealm, c.User, nil, "user %q has no realm: write user@domain", c.User)
	}
	return u, realm, nil
}

// kerberosRealm is the realm of the domain before any credential is
// looked at: from Domain, else from a UPN.
func (c Config) kerberosRealm() string {
	if c.Domain != "" {
		return strings.ToUpper(c.Domain)
	}
	if _, suffix, ok := strings.Cut(c.User, "@"); ok {
		return strings.ToUpper(suffix)
	}
	return ""
}

// dcHost is the DC's host name or address without a port.
func (c Config) dcHost() string {
	h := strings.TrimSpace(c.DC)
	if host, _, err := net.SplitHostPort(h); err == nil {
		return host
	}
	return strings.Trim(h, "[]")
}

// NewKerberosClient returns a gokrb5 client holding a ticket-granting
// ticket for cfg's user, from the first source that applies: Config.Keytab,
// Config.Password (a fresh AS exchange), or a credential cache
// (Config.CCache, $KRB5CCNAME, /tmp/krb5cc_<uid>). krb5.conf comes from
// Config.KRB5Conf, $KRB5_CONFIG or /etc/krb5.conf, or is made up from the
// domain and DC. On Windows without any of these, the logged-on user's
// tickets are only reachable through SSPI, and this returns an error that
// says so. Errors are *KerberosError where the cause is known.
func NewKerberosClient(ctx context.Context, cfg Config) (*client.Client, error) {
	return newKerberosClient(ctx, cfg, os.Getenv, runtime.GOOS)
}

func newKerberosClient(ctx context.Context, cfg Config, getenv func(string) string, goos string) (*client.Client, error) {
	conf, confPath, err := loadKRB5Config(cfg, getenv, "/etc/krb5.conf")
	if err != nil {
		return nil, err
	}
	settings := []func(*client.Settings){
		// AD KDCs answer gokrb5's FAST negotiation with errors; plain
		// encrypted-timestamp pre-authentication is what they expect.
		client.DisablePAFXFAST(true),
	}
	switch src := kerberosSource(cfg, getenv, goos); src {
	case krbFromLogonSession:
		return nil, newConfigError(ProblemNoClientCredentials, "", nil, "no Kerberos credentials for a gokrb5 client: the logged-on Windows user's tickets are reachable only through SSPI")
	case krbFromCCache:
		path, err := ccachePath(cfg, getenv, os.Getuid())
		if err != nil {
			return nil, err
		}
		cc, err := loadCCache(path, cfg, time.Now())
		if err != nil {
			return nil, err
		}
		cl, err := client.NewFromCCache(cc, conf, settings...)
		if err != nil {
			return nil, explainKerberos(err, kerberosHints{ccache: path, realm: cc.DefaultPrincipal.Realm})
		}
		return cl, nil
	case krbFromKeytab, krbFromPassword:
		var cl *client.Client
		hints := kerberosHints{}
		if src == krbFromKeytab {
			kt, err := keytab.Load(cfg.Keytab)
			if err != nil {
				return nil, fmt.Errorf("read keytab %s: %w", cfg.Keytab, err)
			}
			user, realm, err := keytabPrincipal(cfg, kt, conf.LibDefaults.DefaultRealm)
			if err != nil {
				return nil, err
			}
			cl = client.NewWithKeytab(user, realm, kt, conf, settings...)
			hints = kerberosHints{principal: user + "@" + realm, realm: realm, keytab: cfg.Keytab}
		} else {
			user, realm, err := cfg.kerberosPrincipal(conf.LibDefaults.DefaultRealm)
			if err != nil {
				return nil, err
			}
			cl = client.NewWithPassword(user, realm, cfg.Password, conf, settings...)
			hints = kerberosHints{principal: user + "@" + realm, realm: realm}
		}
		if err := runWithContext(ctx, cl.Login); err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("get Kerberos tickets for %s: %w", hints.principal, err)
			}
			return nil, fmt.Errorf("get Kerberos tickets for %s (krb5.conf %s): %w", hints.principal, confPath, explainKerberos(err, hints))
		}
		return cl, nil
	default:
		return nil, fmt.Errorf("unknown Kerberos credential source %v", src)
	}
}

// keytabPrincipal is Config.User if set, else the keytab's first entry.
func keytabPrincipal(cfg Config, kt *keytab.Keytab, defaultRealm string) (user, realm string, err error) {
	if cfg.User != "" {
		return cfg.kerberosPrincipal(defaultRealm)
	}
	if len(kt.Entries) == 0 {
		return "", "", fmt.Errorf("keytab %s is empty", cfg.Keytab)
	}
	p := kt.Entries[0].Principal
	return strings.Join(p.Components, "/"), p.Realm, nil
}

// runWithContext runs a blocking gokrb5 call, which takes no context, and
// stops waiting for it when ctx ends; the call itself finishes in the
// background within gokrb5's own network timeouts.
func runWithContext(ctx context.Context, f func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func firstNonEmptyString(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
