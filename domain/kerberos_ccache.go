package domain

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jcmturner/gokrb5/v8/credentials"
)

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

// loadCCache reads a credential cache and checks, before any network
// traffic, that it holds a ticket-granting ticket still valid at now and,
// when a user is configured, that the tickets are that user's.
func loadCCache(path string, cfg Config, now time.Time) (*credentials.CCache, error) {
	cc, err := credentials.LoadCCache(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, &KerberosError{Problem: ProblemNoCCache, Name: path, Advice: fmt.Sprintf("no Kerberos tickets: credential cache %s does not exist; run kinit %s", path, cfg.User), Err: err}
		}
		return nil, fmt.Errorf("read credential cache %s: %w", path, err)
	}
	principal := strings.Join(cc.DefaultPrincipal.PrincipalName.NameString, "/") + "@" + cc.DefaultPrincipal.Realm
	if cfg.User != "" {
		want, _, _ := cfg.kerberosPrincipal(cc.DefaultPrincipal.Realm)
		have := strings.Join(cc.DefaultPrincipal.PrincipalName.NameString, "/")
		if want != "" && !strings.EqualFold(want, have) {
			return nil, &KerberosError{Problem: ProblemCCacheOtherUser, Name: cfg.User, Advice: fmt.Sprintf("credential cache %s holds tickets of %s, not of %s: run kinit %s", path, principal, cfg.User, cfg.User)}
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
