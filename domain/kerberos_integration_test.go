//go:build linux

package domain

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/go-ldap/ldap/v3"
	"github.com/go-ldap/ldap/v3/gssapi"
	"github.com/jcmturner/gokrb5/v8/client"

	"github.com/ctitui/ctitui/internal/testdomain"
)

// kerberosConfig points at the test DC by address, as tests must (its name
// does not resolve); the SPN host comes from the DC's rootDSE.
func kerberosConfig(d *testdomain.Domain) Config {
	return Config{
		Domain:   testdomain.DNSDomain,
		DC:       d.IP,
		User:     testdomain.AdminUPN,
		Password: d.Password(),
		CAFile:   d.CAFile,
		Auth:     AuthKerberos,
		KRB5Conf: d.KRB5Config,
		// No ambient ticket cache may leak into a test.
		CCache:  filepath.Join(os.TempDir(), "ctitui-test-no-such-ccache"),
		Timeout: 20 * time.Second,
	}
}

func testContext(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// checkAuthenticated reads the directory through the connection's
// protection: the seeded OUs, which an anonymous client may not list.
func checkAuthenticated(t *testing.T, ctx context.Context, c *Conn) {
	t.Helper()
	n, err := c.Count(ctx, testdomain.BaseDN, "(objectClass=organizationalUnit)")
	if err != nil {
		t.Fatalf("search after the bind: %v", err)
	}
	if n < 10 {
		t.Fatalf("found %d OUs, want the seeded ones", n)
	}
	if c.RootDSE().DNSHostName != testdomain.DCFQDN {
		t.Fatalf("rootDSE dnsHostName = %q, want %q", c.RootDSE().DNSHostName, testdomain.DCFQDN)
	}
}

// TestKerberosPasswordSignedLDAP: tickets from a password, bind on plain
// 389, every later message signed. The same DC refuses a simple bind on
// plain 389 (Strong Auth Required), so the searches that follow succeed
// only because the DC accepted the connection as signed.
func TestKerberosPasswordSignedLDAP(t *testing.T) {
	d := testdomain.Require(t, dom)
	ctx := testContext(t)

	plain, err := ldap.DialURL("ldap://" + d.IP + ":389")
	if err != nil {
		t.Fatalf("plain LDAP: %v", err)
	}
	defer plain.Close()
	err = plain.Bind(testdomain.AdminUPN, d.Password())
	if !ldap.IsErrorWithCode(err, ldap.LDAPResultStrongAuthRequired) {
		t.Fatalf("simple bind on plain 389 = %v, want Strong Auth Required (the DC must insist on protection for this test to mean anything)", err)
	}

	// go-ldap's own GSSAPI client negotiates no security layer: the DC
	// refuses it, so a Kerberos bind that works here must be signed.
	unsigned, err := gssapi.NewClientWithPassword(testdomain.AdminUser, testdomain.Realm, d.Password(), d.KRB5Config,
		client.DisablePAFXFAST(true))
	if err != nil {
		t.Fatal(err)
	}
	err = plain.GSSAPIBind(unsigned, "ldap/"+testdomain.DCFQDN, "")
	if !ldap.IsErrorWithCode(err, ldap.LDAPResultStrongAuthRequired) {
		t.Fatalf("Kerberos bind without a security layer on 389 = %v, want Strong Auth Required", err)
	}

	cfg := kerberosConfig(d)
	c, err := Dial(ctx, cfg)
	if err != nil {
		t.Fatalf("Kerberos bind on 389: %v", err)
	}
	defer c.Close()
	layer := c.sasl.currentLayer()
	if layer == nil {
		t.Fatalf("connection is not running the SASL integrity layer")
	}
	checkAuthenticated(t, ctx, c)

	// A request larger than the DC's SASL buffer goes out as several
	// signed tokens, which the DC must reassemble into one LDAP message.
	var filter strings.Builder
	filter.WriteString("(|(cn=DC1)")
	for i := 0; filter.Len() < 3*layer.maxChunk; i++ {
		fmt.Fprintf(&filter, "(cn=no-such-computer-%06d)", i)
	}
	filter.WriteString(")")
	t.Logf("DC SASL buffer allows %d payload bytes per token; filter %d bytes", layer.maxChunk, filter.Len())
	entries, err := c.SearchAll(ctx, testdomain.BaseDN, ldap.ScopeWholeSubtree, filter.String(), []string{"cn"})
	if err != nil || len(entries) != 1 {
		t.Fatalf("search with a %d-byte filter (DC buffer %d): %d entries, %v", filter.Len(), layer.maxChunk, len(entries), err)
	}
}

// kinit gets a ticket-granting ticket into a fresh file cache with MIT's
// kinit, the way an administrator would, and returns the cache's path.
func kinit(t testing.TB, d *testdomain.Domain, principal, password string) string {
	t.Helper()
	if _, err := exec.LookPath("kinit"); err != nil {
		t.Fatalf("kinit missing (Debian krb5-user): %v", err)
	}
	ccache := filepath.Join(t.TempDir(), "krb5cc")
	cmd := exec.Command("kinit", principal)
	cmd.Env = append(d.ToolEnv(), "KRB5CCNAME=FILE:"+ccache)
	cmd.Stdin = strings.NewReader(password + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("kinit %s: %v\n%s", principal, err, out)
	}
	return ccache
}

// TestKerberosCCacheFromKinit: no password in ctitui at all; the user is
// the one kinit logged in, and LDAP on 389 is signed.
func TestKerberosCCacheFromKinit(t *testing.T) {
	d := testdomain.Require(t, dom)
	ctx := testContext(t)
	ccache := kinit(t, d, "ivanov@"+testdomain.Realm, d.UserPassword())

	cfg := kerberosConfig(d)
	cfg.User, cfg.Password, cfg.CCache = "", "", "FILE:"+ccache
	c, err := Dial(ctx, cfg)
	if err != nil {
		t.Fatalf("Kerberos bind with tickets from kinit: %v", err)
	}
	defer c.Close()
	if c.sasl == nil || c.sasl.currentLayer() == nil {
		t.Fatal("connection is not running the SASL integrity layer")
	}
	checkAuthenticated(t, ctx, c)

	// The same cache through $KRB5CCNAME, as after a plain "kinit".
	cl, err := newKerberosClient(ctx, Config{Domain: testdomain.DNSDomain, DC: d.IP, KRB5Conf: d.KRB5Config},
		envOf(map[string]string{"KRB5CCNAME": "FILE:" + ccache}), "linux")
	if err != nil {
		t.Fatalf("client from $KRB5CCNAME: %v", err)
	}
	if got := cl.Credentials.UserName(); got != "ivanov" {
		t.Fatalf("client from $KRB5CCNAME is %q, want ivanov", got)
	}
}

// TestKerberosKeytab: keys exported by samba-tool, no password anywhere.
func TestKerberosKeytab(t *testing.T) {
	d := testdomain.Require(t, dom)
	ctx := testContext(t)
	kt := filepath.Join(t.TempDir(), "ivanov.keytab")
	cmd := exec.CommandContext(ctx, "samba-tool", "domain", "exportkeytab", kt,
		"--principal=ivanov@"+testdomain.Realm, "-s", d.SmbConf)
	cmd.Env = d.ToolEnv()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("samba-tool domain exportkeytab: %v\n%s", err, out)
	}

	cfg := kerberosConfig(d)
	cfg.User, cfg.Password, cfg.Keytab = "", "", kt // the principal comes from the keytab
	c, err := Dial(ctx, cfg)
	if err != nil {
		t.Fatalf("Kerberos bind with a keytab: %v", err)
	}
	defer c.Close()
	checkAuthenticated(t, ctx, c)
}

// TestKerberosOverTLS: Kerberos inside LDAPS and StartTLS negotiates no
// SASL layer and binds the authenticator to the TLS channel. The fixture's
// Samba 4.17 with default settings refuses every SASL bind inside TLS that
// lacks a layer (Samba 4.20 and AD accept it), so the test checks that the
// whole exchange ran to the DC's verdict and that the error says what to
// do, and that the connection never started a layer.
func TestKerberosOverTLS(t *testing.T) {
	d := testdomain.Require(t, dom)
	for _, mode := range []string{"ldaps", "starttls"} {
		t.Run(mode, func(t *testing.T) {
			ctx := testContext(t)
			cfg := kerberosConfig(d)
			cfg.LDAPS, cfg.StartTLS = mode == "ldaps", mode == "starttls"
			c, err := Dial(ctx, cfg)
			if err == nil {
				defer c.Close()
				if c.sasl.currentLayer() != nil {
					t.Fatal("a SASL layer was started inside TLS")
				}
				checkAuthenticated(t, ctx, c)
				return
			}
			var le *ldap.Error
			if !errors.As(err, &le) || le.ResultCode != ldap.LDAPResultStrongAuthRequired ||
				!strings.Contains(err.Error(), "allow_sasl_over_tls") {
				t.Fatalf("Kerberos bind over %s: %v; want success or the DC's Strong Auth Required with advice", mode, err)
			}
			t.Logf("this DC refuses Kerberos inside TLS, as Samba before 4.20 does: %v", err)
		})
	}
}

// TestKerberosSPNFromConfig: with the SPN host given, no rootDSE is read
// before the bind, and a wrong one is named in the error.
func TestKerberosSPNFromConfig(t *testing.T) {
	d := testdomain.Require(t, dom)
	ctx := testContext(t)
	cfg := kerberosConfig(d)
	cfg.SPNHost = testdomain.DCFQDN
	c, err := Dial(ctx, cfg)
	if err != nil {
		t.Fatalf("Kerberos bind with SPN host %s: %v", cfg.SPNHost, err)
	}
	c.Close()

	cfg.SPNHost = "no-such-dc.cti.test"
	_, err = Dial(ctx, cfg)
	wantKerberosError(t, err, "KDC_ERR_S_PRINCIPAL_UNKNOWN", "ldap/no-such-dc.cti.test")
}

func wantKerberosError(t *testing.T, err error, code, text string) {
	t.Helper()
	var ke *KerberosError
	if !errors.As(err, &ke) {
		t.Fatalf("error = %v, want a KerberosError %s", err, code)
	}
	if ke.Code != code {
		t.Fatalf("Kerberos error code = %q (%v), want %s", ke.Code, err, code)
	}
	if !strings.Contains(err.Error(), text) {
		t.Fatalf("error %q does not say %q", err, text)
	}
}

// TestKerberosAccountErrors: what the KDC says about bad credentials
// reaches the user as advice, and never with the password in it.
func TestKerberosAccountErrors(t *testing.T) {
	d := testdomain.Require(t, dom)
	cases := []struct {
		name, user, password string
		code, text           string
	}{
		{"wrong password", "ivanov@cti.test", "Not-the-password-1", "KDC_ERR_PREAUTH_FAILED", "wrong password for ivanov@CTI.TEST"},
		{"unknown user", "nobody.here@cti.test", d.UserPassword(), "KDC_ERR_C_PRINCIPAL_UNKNOWN", "no user nobody.here@CTI.TEST"},
		{"disabled user", "former.employee@cti.test", d.UserPassword(), "KDC_ERR_CLIENT_REVOKED", "disabled, locked out or expired"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := testContext(t)
			cfg := kerberosConfig(d)
			cfg.User, cfg.Password = tc.user, tc.password
			_, err := Dial(ctx, cfg)
			wantKerberosError(t, err, tc.code, tc.text)
			if strings.Contains(err.Error(), tc.password) {
				t.Fatal("the error message contains the password")
			}
		})
	}
}

// TestKerberosCCacheErrors: a missing cache, a cache of another user, and
// an expired cache each say to run kinit.
func TestKerberosCCacheErrors(t *testing.T) {
	d := testdomain.Require(t, dom)
	ctx := testContext(t)

	cfg := kerberosConfig(d)
	cfg.Password, cfg.CCache = "", filepath.Join(t.TempDir(), "absent")
	_, err := Dial(ctx, cfg)
	if err == nil || !strings.Contains(err.Error(), "does not exist; run kinit") {
		t.Fatalf("absent ccache: error = %v, want advice to run kinit", err)
	}

	ccache := kinit(t, d, "ivanov@"+testdomain.Realm, d.UserPassword())
	cfg.CCache = ccache // User is still Administrator
	_, err = Dial(ctx, cfg)
	if err == nil || !strings.Contains(err.Error(), "holds tickets of ivanov@CTI.TEST, not of "+testdomain.AdminUPN) {
		t.Fatalf("ccache of another user: error = %v", err)
	}

	// The real cache, judged at a time after its tickets end.
	_, err = loadCCache(ccache, Config{}, time.Now().Add(30*24*time.Hour))
	wantKerberosError(t, err, "KRB_AP_ERR_TKT_EXPIRED", "run kinit ivanov@CTI.TEST")
	if _, err := loadCCache(ccache, Config{}, time.Now()); err != nil {
		t.Fatalf("fresh ccache: %v", err)
	}
}

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// TestKerberosTicketForAnotherAccount: an SPN registered on a user
// account, not on the DC (a misplaced or duplicate SPN), gets a ticket the
// DC cannot decrypt. The DC refuses the bind, and the error says to check
// the SPN.
func TestKerberosTicketForAnotherAccount(t *testing.T) {
	d := testdomain.Require(t, dom)
	ctx := testContext(t)
	const decoy = "ldap/decoy-dc.cti.test"
	if out, err := d.SambaTool(ctx, "spn", "add", decoy, "sidorov"); err != nil {
		t.Fatalf("register %s on a user: %v\n%s", decoy, err, out)
	}
	t.Cleanup(func() {
		if out, err := d.SambaTool(context.Background(), "spn", "delete", decoy, "sidorov"); err != nil {
			t.Errorf("remove %s: %v\n%s", decoy, err, out)
		}
	})
	cfg := kerberosConfig(d)
	cfg.SPNHost = "decoy-dc.cti.test"
	_, err := Dial(ctx, cfg)
	if err == nil {
		t.Fatal("the DC accepted a ticket made for another account")
	}
	t.Logf("DC's answer: %v", err)
	if !strings.Contains(err.Error(), decoy) || !strings.Contains(err.Error(), "SPN") {
		t.Fatalf("error %q does not point at the SPN %s", err, decoy)
	}
}

// TestKerberosPasswordMustChange: a user who must change the password at
// next logon gets KDC_ERR_KEY_EXPIRED, and is told to change it. The user
// is made over LDAP (no password on any command line) and removed after.
func TestKerberosPasswordMustChange(t *testing.T) {
	d := testdomain.Require(t, dom)
	ctx := testContext(t)
	admin, err := d.DialLDAP(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() }) // after the delete below (cleanups run last-in first-out)
	const user = "ctitui.krbexpired"
	dn := "CN=" + user + ",CN=Users," + testdomain.BaseDN
	add := ldap.NewAddRequest(dn, nil)
	add.Attribute("objectClass", []string{"top", "person", "organizationalPerson", "user"})
	add.Attribute("sAMAccountName", []string{user})
	add.Attribute("userPrincipalName", []string{user + "@" + testdomain.DNSDomain})
	add.Attribute("userAccountControl", []string{"512"})
	add.Attribute("unicodePwd", []string{adPassword(d.UserPassword())})
	if err := admin.Add(add); err != nil {
		t.Fatalf("create %s: %v", user, err)
	}
	t.Cleanup(func() {
		if err := admin.Del(ldap.NewDelRequest(dn, nil)); err != nil {
			t.Errorf("delete %s: %v", user, err)
		}
	})
	mod := ldap.NewModifyRequest(dn, nil)
	mod.Replace("pwdLastSet", []string{"0"}) // must change at next logon
	if err := admin.Modify(mod); err != nil {
		t.Fatalf("expire the password of %s: %v", user, err)
	}

	cfg := kerberosConfig(d)
	cfg.User, cfg.Password = user+"@"+testdomain.DNSDomain, d.UserPassword()
	_, err = Dial(ctx, cfg)
	wantKerberosError(t, err, "KDC_ERR_KEY_EXPIRED", "has expired: change it")
}

// adPassword encodes a password for unicodePwd: quoted, UTF-16LE
// ([MS-ADTS] 3.1.1.3.1.5.1).
func adPassword(pw string) string {
	var b []byte
	for _, r := range utf16.Encode([]rune(`"` + pw + `"`)) {
		b = append(b, byte(r), byte(r>>8))
	}
	return string(b)
}
