//go:build linux

package si

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/domain/smb"
	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/plan"
	"github.com/ctitui/ctitui/internal/testdomain"
	"github.com/ctitui/ctitui/internal/testmsi"
)

// dom is the package's Samba AD test domain (see testdomain.Run).
var dom *testdomain.Domain

func TestMain(m *testing.M) { os.Exit(testdomain.Run(m, &dom)) }

func testCtx(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func adminEndpoints(d *testdomain.Domain) gpo.Endpoints {
	return gpo.Endpoints{LDAP: domain.Config{
		Domain: testdomain.DNSDomain, DC: d.IP, User: testdomain.AdminUPN,
		Password: d.Password(), CAFile: d.CAFile,
	}}
}

func openStore(t testing.TB) (*Store, *testdomain.Domain) {
	t.Helper()
	d := testdomain.Require(t, dom)
	s, err := gpo.Open(testCtx(t), adminEndpoints(d))
	if err != nil {
		t.Fatalf("open session: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return New(s), d
}

func mustApply(t testing.TB, p *plan.Plan, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	if _, err := p.Apply(context.Background()); err != nil {
		t.Fatalf("apply %s: %v", p.Title, err)
	}
}

// newGPO makes an empty GPO for one test.
func newGPO(t testing.TB, st *Store, name string) gpo.GPO {
	t.Helper()
	ctx := testCtx(t)
	p, _, err := st.s.CreatePlan(ctx, name, gpo.CreateOptions{})
	mustApply(t, p, err)
	g, err := st.s.Find(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// publishMSI puts a test MSI on \\dc\Distrib\<folder> with the guide's
// folder permissions and returns its UNC path and local copy.
func publishMSI(t testing.TB, d *testdomain.Domain, st *Store, fixture, folder string) (string, string) {
	t.Helper()
	local := testmsi.Build(t, fixture)
	return publishFile(t, d, st, local, folder, fixture+".msi"), local
}

// publishFile puts the local file on \\dc\Distrib\<folder>\<name> with the
// guide's folder permissions and returns its UNC path.
func publishFile(t testing.TB, d *testdomain.Domain, st *Store, local, folder, name string) string {
	t.Helper()
	ctx := testCtx(t)
	auth, err := smb.PasswordAuth(testdomain.AdminUPN, "", d.Password())
	if err != nil {
		t.Fatal(err)
	}
	c, err := smb.Dial(ctx, d.IP, smb.Options{Auth: auth})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sh, err := c.Mount(ctx, testdomain.DistribShare)
	if err != nil {
		t.Fatal(err)
	}
	defer sh.Close()
	if err := sh.MkdirAll(ctx, folder); err != nil {
		t.Fatal(err)
	}
	if _, err := sh.Upload(ctx, local, folder+`\`+name, smb.UploadOptions{Overwrite: true}); err != nil {
		t.Fatal(err)
	}
	if err := sh.ApplyDistributionACL(ctx, folder, st.s.DomainSID(), name); err != nil {
		t.Fatal(err)
	}
	return `\\` + d.IP + `\` + testdomain.DistribShare + `\` + folder + `\` + name
}

// ldb reads objects with ldbsearch straight from the DC's database: a
// tool that is not ours, and no LDAP code of ours on the way.
func ldb(t testing.TB, d *testdomain.Domain, base, scope, filter string, attrs ...string) []map[string][]string {
	t.Helper()
	args := append([]string{"-H", filepath.Join(d.Dir, "private", "sam.ldb"), "-b", base, "-s", scope, filter}, attrs...)
	cmd := exec.Command("ldbsearch", args...)
	cmd.Env = d.ToolEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ldbsearch %v: %v\n%s", args, err, out)
	}
	return parseLDIF(t, string(out))
}

// parseLDIF is enough LDIF (RFC 2849) for ldbsearch output: folded lines,
// "attr: value" and base64 "attr:: value".
func parseLDIF(t testing.TB, text string) []map[string][]string {
	t.Helper()
	var out []map[string][]string
	var cur map[string][]string
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, " ") && len(lines) > 0 {
			lines[len(lines)-1] += l[1:]
			continue
		}
		lines = append(lines, l)
	}
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "#"):
			continue
		case l == "":
			cur = nil
			continue
		}
		k, v, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		if strings.HasPrefix(v, ":") {
			raw, err := decodeBase64(strings.TrimSpace(v[1:]))
			if err != nil {
				t.Fatalf("ldif %q: %v", l, err)
			}
			v = string(raw)
		} else {
			v = strings.TrimPrefix(v, " ")
		}
		if k == "dn" {
			cur = map[string][]string{}
			out = append(out, cur)
		}
		if cur != nil {
			cur[strings.ToLower(k)] = append(cur[strings.ToLower(k)], v)
		}
	}
	return out
}
