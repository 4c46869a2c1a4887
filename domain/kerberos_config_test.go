package domain

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jcmturner/gokrb5/v8/messages"
)

func TestKerberosSource(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	none := env(nil)
	withCC := env(map[string]string{"KRB5CCNAME": "FILE:/tmp/x"})
	cases := []struct {
		name string
		cfg  Config
		env  func(string) string
		goos string
		want krbSource
	}{
		{"keytab wins over a password", Config{Keytab: "k", Password: "p"}, withCC, "linux", krbFromKeytab},
		{"password wins over a ccache", Config{Password: "p"}, withCC, "windows", krbFromPassword},
		{"named ccache", Config{CCache: "/tmp/cc"}, none, "windows", krbFromCCache},
		{"KRB5CCNAME on Windows", Config{}, withCC, "windows", krbFromCCache},
		{"Windows logon session", Config{}, none, "windows", krbFromLogonSession},
		{"default ccache elsewhere", Config{}, none, "linux", krbFromCCache},
	}
	for _, tc := range cases {
		if got := kerberosSource(tc.cfg, tc.env, tc.goos); got != tc.want {
			t.Errorf("%s: source %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestCCachePath(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "primary"), []byte("tkt1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ cfg, env, want, wantErr string }{
		{"", "", "/tmp/krb5cc_1000", ""},
		{"", "FILE:/tmp/krb5cc_x", "/tmp/krb5cc_x", ""},
		{"/var/cc", "FILE:/tmp/other", "/var/cc", ""},
		{`C:\Users\a\krb5cc`, "", `C:\Users\a\krb5cc`, ""},
		{"DIR:" + dir, "", filepath.Join(dir, "tkt1"), ""},
		{"DIR::" + dir + "/tktX", "", dir + "/tktX", ""},
		{"KEYRING:persistent:1000", "", "", "type KEYRING"},
		{"", "KCM:", "", "type KCM"},
	}
	for _, tc := range cases {
		got, err := ccachePath(Config{CCache: tc.cfg}, func(string) string { return tc.env }, 1000)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), "KRB5CCNAME=FILE:") {
				t.Errorf("ccache %q/%q: %v, want an error about %s with the fix", tc.cfg, tc.env, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ccache %q/%q = %q, %v; want %q", tc.cfg, tc.env, got, err, tc.want)
		}
	}
}

func TestKerberosPrincipal(t *testing.T) {
	cases := []struct{ user, domain, defRealm, wantUser, wantRealm string }{
		{"admin@corp.example.com", "", "", "admin", "CORP.EXAMPLE.COM"},
		{"admin@corp.example.com", "ad.example.com", "", "admin", "AD.EXAMPLE.COM"},
		{`CORP\admin`, "corp.example.com", "", "admin", "CORP.EXAMPLE.COM"},
		{"admin", "corp.example.com", "", "admin", "CORP.EXAMPLE.COM"},
		{"admin", "", "FROM.KRB5.CONF", "admin", "FROM.KRB5.CONF"},
	}
	for _, tc := range cases {
		u, r, err := Config{User: tc.user, Domain: tc.domain}.kerberosPrincipal(tc.defRealm)
		if err != nil || u != tc.wantUser || r != tc.wantRealm {
			t.Errorf("%q in %q = %q@%q, %v; want %q@%q", tc.user, tc.domain, u, r, err, tc.wantUser, tc.wantRealm)
		}
	}
	var ce *ConfigError
	if _, _, err := (Config{User: "admin"}).kerberosPrincipal(""); !errors.As(err, &ce) || ce.Problem != ProblemUserNoRealm || ce.Name != "admin" {
		t.Errorf("user without realm: %v, want a ConfigError %s for admin", err, ProblemUserNoRealm)
	}
}

func TestSPNHostFromConfig(t *testing.T) {
	cases := []struct{ dc, domain, override, want string }{
		{"dc1.corp.example.com", "corp.example.com", "", "dc1.corp.example.com"},
		{"DC1.Corp.Example.COM:389", "corp.example.com", "", "dc1.corp.example.com"},
		{"dc1.corp.example.com.", "", "", "dc1.corp.example.com"},
		{"10.0.0.5", "corp.example.com", "", ""},          // an address: ask the rootDSE
		{"[2001:db8::5]:636", "corp.example.com", "", ""}, // likewise
		{"corp.example.com", "corp.example.com", "", ""},  // the domain has no ldap/ SPN of its own
		{"dc1", "corp.example.com", "", ""},               // a short name: ask the rootDSE
		{"10.0.0.5", "", "DC1.corp.example.com", "dc1.corp.example.com"},
	}
	for _, tc := range cases {
		got := spnHostFromConfig(Config{DC: tc.dc, Domain: tc.domain, SPNHost: tc.override})
		if got != tc.want {
			t.Errorf("DC %q, domain %q, override %q: SPN host %q, want %q", tc.dc, tc.domain, tc.override, got, tc.want)
		}
	}
}

func TestLoadKRB5Config(t *testing.T) {
	dir := t.TempDir()
	none := func(string) string { return "" }

	// No file at all: a minimal configuration with the DC as the KDC.
	conf, src, err := loadKRB5Config(Config{Domain: "corp.example.com", DC: "10.0.0.5:636"}, none, filepath.Join(dir, "absent"))
	if err != nil {
		t.Fatal(err)
	}
	if src != "(built in)" || conf.LibDefaults.DefaultRealm != "CORP.EXAMPLE.COM" {
		t.Fatalf("built-in config from %q, default realm %q", src, conf.LibDefaults.DefaultRealm)
	}
	if _, kdcs, err := conf.GetKDCs("CORP.EXAMPLE.COM", true); err != nil || len(kdcs) != 1 || kdcs[1] != "10.0.0.5:88" {
		t.Fatalf("KDCs of the built-in config: %v, %v; want the DC on port 88", kdcs, err)
	}

	// $KRB5_CONFIG names a file for another realm: ours is added.
	other := filepath.Join(dir, "krb5.conf")
	text := "[libdefaults]\n default_realm = OTHER.TEST\n[realms]\n OTHER.TEST = {\n  kdc = kdc.other.test\n }\n"
	if err := os.WriteFile(other, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	env := func(k string) string {
		if k == "KRB5_CONFIG" {
			return filepath.Join(dir, "missing") + ":" + other
		}
		return ""
	}
	conf, src, err = loadKRB5Config(Config{Domain: "corp.example.com", DC: "dc1.corp.example.com"}, env, "")
	if err != nil || src != other {
		t.Fatalf("config from $KRB5_CONFIG: %q, %v", src, err)
	}
	if _, kdcs, err := conf.GetKDCs("CORP.EXAMPLE.COM", true); err != nil || kdcs[1] != "dc1.corp.example.com:88" {
		t.Fatalf("KDCs for our realm: %v, %v", kdcs, err)
	}
	if _, kdcs, err := conf.GetKDCs("OTHER.TEST", true); err != nil || kdcs[1] != "kdc.other.test:88" {
		t.Fatalf("the file's own realm was changed: %v, %v", kdcs, err)
	}

	// An explicit path that does not exist is an error, not a fallback.
	if _, _, err := loadKRB5Config(Config{KRB5Conf: filepath.Join(dir, "nope")}, none, ""); err == nil {
		t.Fatal("missing --krb5-conf file accepted")
	}
}

func TestExplainKerberos(t *testing.T) {
	h := kerberosHints{principal: "ivanov@CORP.TEST", realm: "CORP.TEST", spn: "ldap/dc1.corp.test"}
	cases := []struct {
		code int32
		want string
	}{
		{24, "wrong password for ivanov@CORP.TEST"},
		{6, "no user ivanov@CORP.TEST"},
		{18, "disabled, locked out or expired"},
		{23, "password of ivanov@CORP.TEST has expired"},
		{37, "clock differs"},
		{7, "no service principal ldap/dc1.corp.test"},
		{41, "duplicate SPN"},
	}
	for _, tc := range cases {
		err := explainKerberos(fmt.Errorf("AS exchange: %w", messages.KRBError{ErrorCode: tc.code}), h)
		var ke *KerberosError
		if !errors.As(err, &ke) || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(ke.Code, "K") {
			t.Errorf("code %d: %v (code %q), want advice %q", tc.code, err, ke.Code, tc.want)
		}
	}
	// gokrb5 often flattens the KRB-ERROR into text; the name is found there.
	flat := errors.New("[Root cause: KDC_Error] KDC_Error: AS Exchange Error: kerberos error response from KDC: KRB Error: (24) KDC_ERR_PREAUTH_FAILED Pre-authentication information was invalid")
	if err := explainKerberos(flat, kerberosHints{principal: "a@B", keytab: "/etc/a.keytab"}); !strings.Contains(err.Error(), "export the keytab again") {
		t.Errorf("flattened PREAUTH_FAILED with a keytab: %v", err)
	}
	noKDC := errors.New("[Root cause: Networking_Error] Networking_Error: AS Exchange Error: failed sending AS_REQ to KDC: failed to communicate with KDC 10.0.0.9:88")
	if err := explainKerberos(noKDC, h); !strings.Contains(err.Error(), "cannot reach a Kerberos KDC of realm CORP.TEST") {
		t.Errorf("unreachable KDC: %v", err)
	}
}

func TestConfigStringHidesSecrets(t *testing.T) {
	cfg := Config{Domain: "corp.test", User: "a@corp.test", Password: "Sup3r-Secret!", Auth: AuthKerberos, Keytab: "/etc/a.keytab"}
	for _, s := range []string{cfg.String(), cfg.GoString(), fmt.Sprintf("%v %+v %#v %s", cfg, cfg, cfg, cfg)} {
		if strings.Contains(s, "Sup3r-Secret!") {
			t.Fatalf("configuration printed with its password: %s", s)
		}
	}
	if s := cfg.String(); !strings.Contains(s, "auth=kerberos") || !strings.Contains(s, "mode=sasl-sign") || !strings.Contains(s, "keytab=/etc/a.keytab") {
		t.Fatalf("String() = %q, want the auth method, mode and keytab path", s)
	}
}

func TestKerberosClientFromLogonSessionOnlyThroughSSPI(t *testing.T) {
	_, err := newKerberosClient(context.Background(), Config{Domain: "corp.test", DC: "10.0.0.5"},
		func(string) string { return "" }, "windows")
	if err == nil || !strings.Contains(err.Error(), "SSPI") {
		t.Fatalf("gokrb5 client for the Windows logon session: %v, want an error pointing at SSPI", err)
	}
}
