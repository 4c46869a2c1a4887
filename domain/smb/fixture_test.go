//go:build linux

package smb

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
	"github.com/jcmturner/gokrb5/v8/client"
	"github.com/jcmturner/gokrb5/v8/config"

	"github.com/ctitui/ctitui/domain/secdesc"
	"github.com/ctitui/ctitui/internal/testdomain"
)

// testCtx bounds every integration test so a hung server fails the test
// instead of the whole run.
func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func ntlmAuth(t testing.TB, d *testdomain.Domain) Auth {
	t.Helper()
	a, err := PasswordAuth(testdomain.NetBIOS+`\`+testdomain.AdminUser, "", d.Password())
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func dialNTLM(t testing.TB, d *testdomain.Domain) *Client {
	t.Helper()
	c, err := Dial(context.Background(), d.IP, Options{Auth: ntlmAuth(t, d)})
	if err != nil {
		t.Fatalf("NTLM session: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// kerberosClient logs in to the fixture's KDC with gokrb5 directly.
func kerberosClient(t testing.TB, d *testdomain.Domain) *client.Client {
	t.Helper()
	cfg, err := config.Load(d.KRB5Config)
	if err != nil {
		t.Fatalf("load %s: %v", d.KRB5Config, err)
	}
	cl := client.NewWithPassword(testdomain.AdminUser, testdomain.Realm, d.Password(), cfg, client.DisablePAFXFAST(true))
	if err := cl.Login(); err != nil {
		t.Fatalf("Kerberos login: %v", err)
	}
	t.Cleanup(cl.Destroy)
	return cl
}

func mount(t testing.TB, c *Client, share string) *Share {
	t.Helper()
	s, err := c.Mount(context.Background(), share)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// testFolder is a fresh folder name on Distrib for one test, so tests do not
// see each other's files.
func testFolder(t testing.TB, suffix string) string {
	name := strings.NewReplacer("/", "-", " ", "-").Replace(t.Name())
	return name + " " + suffix
}

// smbcacls runs Samba's smbcacls, an independent reader of file security.
func smbcacls(t testing.TB, d *testdomain.Domain, share, rel string) string {
	t.Helper()
	cmd := exec.Command("smbcacls", "-A", d.AuthFile, "//"+d.IP+"/"+share, rel)
	cmd.Env = d.ToolEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("smbcacls %s %q: %v\n%s", share, rel, err, out)
	}
	return string(out)
}

// ldapDir adapts go-ldap's connection to Directory for DomainSID.
type ldapDir struct{ conn *ldap.Conn }

func (l ldapDir) SearchAll(_ context.Context, base string, scope int, filter string, attrs []string) ([]*ldap.Entry, error) {
	res, err := l.conn.SearchWithPaging(ldap.NewSearchRequest(base, scope, ldap.NeverDerefAliases, 0, 0, false, filter, attrs, nil), 500)
	if err != nil {
		return nil, err
	}
	return res.Entries, nil
}

func domainSID(t testing.TB, d *testdomain.Domain) secdesc.SID {
	t.Helper()
	conn, err := d.DialLDAP(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	sid, err := DomainSID(context.Background(), ldapDir{conn}, testdomain.BaseDN)
	if err != nil {
		t.Fatal(err)
	}
	return sid
}

func distribPath(d *testdomain.Domain, rel string) string {
	return filepath.Join(d.DistribDir, filepath.FromSlash(strings.ReplaceAll(rel, `\`, "/")))
}
