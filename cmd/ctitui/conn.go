package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/internal/profile"
)

// connFlags are the connection settings shared by every command that talks
// to a domain controller. Flags win over the environment.
type connFlags struct {
	domain       string
	dc           string
	user         string
	passwordFile string
	caFile       string
	startTLS     bool
	kerberos     bool
	ldaps        bool
	keytab       string
	krb5Conf     string
	profile      string
}

func (f *connFlags) register(root *cobra.Command) {
	pf := root.PersistentFlags()
	pf.StringVar(&f.domain, "domain", "", "DNS name of the domain, e.g. corp.example.com (env CTITUI_DOMAIN)")
	pf.StringVar(&f.dc, "dc", "", "domain controller host name or address[:port] (env CTITUI_DC)")
	pf.StringVar(&f.user, "user", "", `user to bind as: user@domain, DOMAIN\user or user with --domain (env CTITUI_USER)`)
	pf.StringVar(&f.passwordFile, "password-file", "", "read the password from this file (first line) (env CTITUI_PASSWORD_FILE); else env CTITUI_PASSWORD, else a prompt")
	pf.StringVar(&f.caFile, "ca-file", "", "PEM file with the CA certificate(s) that signed the DC's certificate (env CTITUI_CA_FILE)")
	pf.BoolVar(&f.startTLS, "starttls", false, "use StartTLS on port 389 instead of LDAPS on 636")
	pf.BoolVar(&f.kerberos, "kerberos", false, "authenticate with Kerberos: tickets from --keytab, a password (--password-file, CTITUI_PASSWORD), KRB5CCNAME after kinit, or on Windows the logged-on user; LDAP on 389 is then signed (env CTITUI_KERBEROS=1)")
	pf.BoolVar(&f.ldaps, "ldaps", false, "with --kerberos: run over LDAPS (636) instead of signed LDAP on 389")
	pf.StringVar(&f.keytab, "keytab", "", "with --kerberos: get tickets with this keytab (env CTITUI_KEYTAB)")
	pf.StringVar(&f.krb5Conf, "krb5-conf", "", "with --kerberos: krb5.conf to use (default $KRB5_CONFIG, /etc/krb5.conf, or one made from --domain and --dc)")
	pf.StringVar(&f.profile, "profile", "", `saved connection settings to start from (env CTITUI_PROFILE; default: the profile named "default" if saved; see ctitui profile)`)
}

// settings are the non-secret connection settings from flags, then the
// environment, then the saved profile: the first one set wins.
func (f *connFlags) settings() (profile.Profile, error) {
	saved, err := f.savedProfile()
	if err != nil {
		return profile.Profile{}, err
	}
	return profile.Profile{
		Domain:   firstNonEmpty(f.domain, os.Getenv("CTITUI_DOMAIN"), saved.Domain),
		DC:       firstNonEmpty(f.dc, os.Getenv("CTITUI_DC"), saved.DC),
		User:     firstNonEmpty(f.user, os.Getenv("CTITUI_USER"), saved.User),
		CAFile:   firstNonEmpty(f.caFile, os.Getenv("CTITUI_CA_FILE"), saved.CAFile),
		StartTLS: f.startTLS || saved.StartTLS,
		Kerberos: f.kerberos || saved.Kerberos,
		LDAPS:    f.ldaps || saved.LDAPS,
		Keytab:   firstNonEmpty(f.keytab, os.Getenv("CTITUI_KEYTAB"), saved.Keytab),
		KRB5Conf: firstNonEmpty(f.krb5Conf, saved.KRB5Conf),
	}, nil
}

// savedProfile is the profile named by --profile or CTITUI_PROFILE (which
// must exist), else "default" if it exists, else none.
func (f *connFlags) savedProfile() (profile.Profile, error) {
	name := firstNonEmpty(f.profile, os.Getenv("CTITUI_PROFILE"))
	store, err := profile.DefaultStore()
	if err != nil {
		if name != "" {
			return profile.Profile{}, err
		}
		return profile.Profile{}, nil
	}
	if name == "" {
		p, _, err := store.Get(profile.DefaultName)
		return p, err
	}
	p, found, err := store.Get(name)
	if err != nil {
		return profile.Profile{}, err
	}
	if !found {
		return profile.Profile{}, fmt.Errorf("no saved profile %q: save one with 'ctitui profile save %s --domain ... --dc ...' (ctitui profile list shows them)", name, name)
	}
	return p, nil
}

// config resolves flags, environment and the password into a domain.Config.
func (f *connFlags) config() (domain.Config, error) {
	s, err := f.settings()
	if err != nil {
		return domain.Config{}, err
	}
	cfg := domain.Config{
		Domain:   s.Domain,
		DC:       s.DC,
		User:     s.User,
		CAFile:   s.CAFile,
		StartTLS: s.StartTLS,
		LDAPS:    s.LDAPS,
		Keytab:   s.Keytab,
		KRB5Conf: s.KRB5Conf,
	}
	kerberos, err := f.useKerberos()
	if err != nil {
		return domain.Config{}, err
	}
	kerberos = kerberos || s.Kerberos
	if kerberos {
		cfg.Auth = domain.AuthKerberos
		// Kerberos needs a password only when there are no tickets or keys:
		// it is taken from a file or the environment, never prompted for,
		// so that a kinit ticket cache is used when neither is given.
		if cfg.Keytab == "" {
			pw, _, err := f.passwordNoPrompt()
			if err != nil {
				return domain.Config{}, err
			}
			cfg.Password = pw
		}
		return cfg, nil
	}
	if f.keytab != "" || f.ldaps {
		return domain.Config{}, fmt.Errorf("--keytab and --ldaps go with --kerberos")
	}
	pw, err := f.password(cfg.User)
	if err != nil {
		return domain.Config{}, err
	}
	cfg.Password = pw
	return cfg, nil
}

// useKerberos is --kerberos or CTITUI_KERBEROS (1, true, yes).
func (f *connFlags) useKerberos() (bool, error) {
	if f.kerberos {
		return true, nil
	}
	switch v := strings.ToLower(os.Getenv("CTITUI_KERBEROS")); v {
	case "", "0", "false", "no":
		return false, nil
	case "1", "true", "yes":
		return true, nil
	default:
		return false, fmt.Errorf("CTITUI_KERBEROS=%q: want 1 or 0", v)
	}
}

// passwordNoPrompt is the password from --password-file or the
// environment; given says whether either was there.
func (f *connFlags) passwordNoPrompt() (pw string, given bool, err error) {
	if file := firstNonEmpty(f.passwordFile, os.Getenv("CTITUI_PASSWORD_FILE")); file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", false, fmt.Errorf("read password file: %w", err)
		}
		line, _, _ := strings.Cut(string(b), "\n")
		return strings.TrimRight(line, "\r"), true, nil
	}
	pw, given = os.LookupEnv("CTITUI_PASSWORD")
	return pw, given, nil
}

// password never comes from argv: a file, the environment, or a no-echo prompt.
func (f *connFlags) password(user string) (string, error) {
	if pw, given, err := f.passwordNoPrompt(); err != nil || given {
		return pw, err
	}
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		return "", fmt.Errorf("no password: use --password-file or CTITUI_PASSWORD when not on a terminal")
	}
	fmt.Fprintf(os.Stderr, "Password for %s: ", user)
	b, err := term.ReadPassword(fd)
	fmt.Fprintln(os.Stderr)
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	return string(b), nil
}

// dial connects with the resolved settings.
func (f *connFlags) dial(ctx context.Context) (*domain.Conn, error) {
	cfg, err := f.config()
	if err != nil {
		return nil, err
	}
	return domain.Dial(ctx, cfg)
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
