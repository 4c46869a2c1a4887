//go:build linux

package gpo

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/gpo/plan"
	"github.com/ctitui/ctitui/internal/testdomain"
)

// dom is the package's Samba AD test domain (see testdomain.Run).
var dom *testdomain.Domain

func TestMain(m *testing.M) { os.Exit(testdomain.Run(m, &dom)) }

// adminEndpoints reach the test DC as Administrator.
func adminEndpoints(d *testdomain.Domain) Endpoints {
	return Endpoints{LDAP: domain.Config{
		Domain: testdomain.DNSDomain, DC: d.IP, User: testdomain.AdminUPN,
		Password: d.Password(), CAFile: d.CAFile,
	}}
}

func openAdmin(t *testing.T) (*Session, *testdomain.Domain) {
	t.Helper()
	d := testdomain.Require(t, dom)
	s, err := Open(context.Background(), adminEndpoints(d))
	if err != nil {
		t.Fatalf("open session: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, d
}

// sambaTool runs samba-tool against the DC and fails the test when it
// fails.
func sambaTool(t *testing.T, d *testdomain.Domain, args ...string) string {
	t.Helper()
	out, err := d.SambaTool(context.Background(), args...)
	if err != nil {
		t.Fatalf("%v", err)
	}
	return out
}

// checkWithSamba asks samba-tool, which is not ours, whether it accepts
// the domain's GPOs: listall must show guid, aclcheck must pass for all.
func checkWithSamba(t *testing.T, d *testdomain.Domain, guid string) {
	t.Helper()
	if out := sambaTool(t, d, "gpo", "listall"); !strings.Contains(strings.ToUpper(out), guid) {
		t.Fatalf("samba-tool gpo listall does not show %s:\n%s", guid, out)
	}
	out := sambaTool(t, d, "gpo", "aclcheck")
	if strings.Contains(out, "Invalid") {
		t.Fatalf("samba-tool gpo aclcheck: %s", out)
	}
}

// getlinkGUIDs returns the GPO GUIDs samba-tool gpo getlink reports for a
// container, in its order.
func getlinkGUIDs(t *testing.T, d *testdomain.Domain, dn string) []string {
	t.Helper()
	out := sambaTool(t, d, "gpo", "getlink", dn)
	return regexp.MustCompile(`\{[0-9A-Fa-f-]{36}\}`).FindAllString(strings.ToUpper(out), -1)
}

// mustApply applies a plan and fails the test when it fails.
func mustApply(t *testing.T, p *plan.Plan, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	if _, err := p.Apply(context.Background()); err != nil {
		t.Fatalf("apply %s: %v", p.Title, err)
	}
}

// ldapBase reads one object.
func ldapBase(dn string, attrs ...string) *ldap.SearchRequest {
	return ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false, "(objectClass=*)", attrs, nil)
}
