package domain

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/jcmturner/gokrb5/v8/client"
	"github.com/jcmturner/gokrb5/v8/config"
	"github.com/jcmturner/gokrb5/v8/credentials"
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

// ccachePath resolves the credential cache name the way MIT Kerberos
// does for the types gokrb5 can read: "FILE:path" or a bare path, and a
// "DIR:" collection's primary cache. Other types (KEYRING, KCM, MEMORY,
// API) live outside the file system.
func ccachePath(cfg Config, getenv func(string) string, uid int) (string, error) {
	name := firstNonEmptyString(cfg.CCache, getenv("KRB5CCNAME"))
	if name == "" {
		return fmt.Sprintf("/tmp/krb5cc_%d", uid), nil
	}
	kind, rest, hasKind := strings.Cut(name, ":")
	if !hasKind || len(kind) == 1 { // a bare path, or a Windows drive letter
		return name, nil
	}
	switch strings.ToUpper(kind) {
	case "FILE":
		return rest, nil
	case "DIR":
		if strings.HasPrefix(rest, ":") { // DIR::path names one cache file
			return rest[1:], nil
		}
		primary, err := os.ReadFile(filepath.Join(rest, "primary"))
		if err != nil {
			return "", fmt.Errorf("credential cache collection %s has no primary cache: %w (run kinit)", name, err)
		}
		return filepath.Join(rest, strings.TrimSpace(string(primary))), nil
	}
	return "", fmt.Errorf("credential cache %s is of type %s, which ctitui cannot read: run KRB5CCNAME=FILE:/tmp/krb5cc_ctitui kinit, then use that KRB5CCNAME", name, kind)
}

// kerberosPrincipal is the user name and realm to ask tickets for. The
// realm is the upper-cased domain (AD's rule); the user may be a UPN, a
// down-level DOMAIN\user, or a bare name.
func (c Config) kerberosPrincipal(defaultRealm string) (user, realm string, err error) {
	u := strings.TrimSpace(c.User)
	if u == "" {
		return "", "", errors.New("no user given: pass --user (user@domain) or use a ticket cache from kinit")
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
		return "", "", fmt.Errorf("user %q has no realm: write user@domain or pass --domain", c.User)
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

// loadKRB5Config reads krb5.conf from Config.KRB5Conf, $KRB5_CONFIG (a
// colon-separated list; the first file that exists) or /etc/krb5.conf;
// with none of them it makes a minimal one for the realm with the DC as
// KDC. When the file does not name a KDC for the realm and Config.DC is
// set, the DC is added as the realm's KDC (every AD DC is a KDC).
func loadKRB5Config(cfg Config, getenv func(string) string, systemConf string) (*config.Config, string, error) {
	path := cfg.KRB5Conf
	if path == "" {
		for _, p := range append(filepath.SplitList(getenv("KRB5_CONFIG")), systemConf) {
			if _, err := os.Stat(p); err == nil {
				path = p
				break
			}
		}
	}
	realm := cfg.kerberosRealm()
	var conf *config.Config
	if path != "" {
		var err error
		conf, err = config.Load(path)
		if err != nil {
			// gokrb5 reports unsupported directives as an error but still
			// returns the parsed configuration.
			var unsupported config.UnsupportedDirective
			if !errors.As(err, &unsupported) || conf == nil {
				return nil, "", fmt.Errorf("read krb5.conf %s: %w", path, err)
			}
		}
	} else {
		conf = config.New()
		path = "(built in)"
		// AD tickets carry a PAC and rarely fit in a UDP datagram.
		conf.LibDefaults.UDPPreferenceLimit = 1
		conf.LibDefaults.DNSLookupKDC = cfg.DC == ""
	}
	if realm == "" {
		realm = conf.LibDefaults.DefaultRealm
	}
	if conf.LibDefaults.DefaultRealm == "" {
		conf.LibDefaults.DefaultRealm = realm
	}
	if host := cfg.dcHost(); host != "" && realm != "" && !realmHasKDC(conf, realm) {
		conf.Realms = append(conf.Realms, config.Realm{Realm: realm, KDC: []string{net.JoinHostPort(host, "88")}})
	}
	return conf, path, nil
}

func realmHasKDC(conf *config.Config, realm string) bool {
	for _, r := range conf.Realms {
		if strings.EqualFold(r.Realm, realm) && len(r.KDC) > 0 {
			return true
		}
	}
	return false
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
		return nil, errors.New("no Kerberos credentials for a gokrb5 client: the logged-on Windows user's tickets are reachable only through SSPI; give a password, --keytab, or KRB5CCNAME")
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

// loadCCache reads a credential cache and checks, before any network
// traffic, that it holds a ticket-granting ticket still valid at now and,
// when a user is configured, that the tickets are that user's.
func loadCCache(path string, cfg Config, now time.Time) (*credentials.CCache, error) {
	cc, err := credentials.LoadCCache(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, &KerberosError{Advice: fmt.Sprintf("no Kerberos tickets: credential cache %s does not exist; run kinit %s (or give a password or --keytab)", path, cfg.User), Err: err}
		}
		return nil, fmt.Errorf("read credential cache %s: %w", path, err)
	}
	principal := strings.Join(cc.DefaultPrincipal.PrincipalName.NameString, "/") + "@" + cc.DefaultPrincipal.Realm
	if cfg.User != "" {
		want, _, _ := cfg.kerberosPrincipal(cc.DefaultPrincipal.Realm)
		have := strings.Join(cc.DefaultPrincipal.PrincipalName.NameString, "/")
		if want != "" && !strings.EqualFold(want, have) {
			return nil, &KerberosError{Advice: fmt.Sprintf("credential cache %s holds tickets of %s, not of %s: run kinit %s, or drop --user", path, principal, cfg.User, cfg.User)}
		}
	}
	for _, c := range cc.GetEntries() {
		names := c.Server.PrincipalName.NameString
		if len(names) == 2 && names[0] == "krbtgt" && strings.EqualFold(names[1], cc.DefaultPrincipal.Realm) {
			if !c.EndTime.After(now) {
				return nil, &KerberosError{Code: "KRB_AP_ERR_TKT_EXPIRED", Advice: fmt.Sprintf("the Kerberos tickets of %s in %s expired at %s: run kinit %s", principal, path, c.EndTime.Local().Format(time.DateTime), principal)}
			}
			return cc, nil
		}
	}
	return nil, &KerberosError{Advice: fmt.Sprintf("credential cache %s holds no ticket-granting ticket for %s: run kinit %s", path, principal, principal)}
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
