//go:build linux

package replica_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ctitui/ctitui/internal/testdomain"
	"github.com/ctitui/ctitui/internal/testmsi"
)

// This package is the one that pays for a second DC: dc1 (the PDC
// emulator, as provisioned) and dc2, joined to it.
var dc1, dc2 *testdomain.Domain

func TestMain(m *testing.M) { os.Exit(testdomain.RunTwoDCs(m, &dc1, &dc2)) }

func buildCtitui(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "ctitui")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/ctitui/ctitui/cmd/ctitui").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// run runs cmd (ctitui, possibly wrapped) with a clean environment plus env.
func run(t *testing.T, cmd *exec.Cmd, env []string) (stdout, stderr string, code int) {
	t.Helper()
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return o.String(), e.String(), ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run %s: %v", cmd.Path, err)
	}
	return o.String(), e.String(), 0
}

// withoutDC is the domain's ctitui environment with no DC named: ctitui
// finds one in DNS.
func withoutDC(d *testdomain.Domain) []string {
	var env []string
	for _, kv := range d.CtituiEnv() {
		if !strings.HasPrefix(kv, "CTITUI_DC=") {
			env = append(env, kv)
		}
	}
	return env
}

type version struct {
	Value uint32 `json:"value"`
}

type statusJSON struct {
	GUID string `json:"guid"`
	PDC  string `json:"pdcEmulator"`
	DCs  []struct {
		Name          string   `json:"name"`
		PDC           bool     `json:"pdcEmulator"`
		Reachable     bool     `json:"reachable"`
		Error         string   `json:"error"`
		Object        bool     `json:"object"`
		Version       version  `json:"version"`
		SysvolVersion *version `json:"sysvolVersion"`
		ACLMatches    *bool    `json:"aclMatches"`
		Packages      []struct {
			Name         string `json:"name"`
			Object       bool   `json:"object"`
			Script       bool   `json:"script"`
			ScriptSize   int64  `json:"scriptSize"`
			ScriptSHA256 string `json:"scriptSHA256"`
		} `json:"packages"`
		Directory string `json:"directory"`
		Sysvol    string `json:"sysvol"`
		Verdict   string `json:"verdict"`
	} `json:"dcs"`
}

func ldbsearch(t *testing.T, d *testdomain.Domain, base, filter string, attrs ...string) string {
	t.Helper()
	cmd := exec.Command("ldbsearch", append([]string{"-H", "ldap://" + d.IP, "-U", testdomain.AdminUser,
		"-b", base, filter}, attrs...)...)
	cmd.Env = append(os.Environ(), "PASSWD_FILE="+d.PasswordFile, "KRB5_CONFIG="+d.KRB5Config)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ldbsearch %s on %s: %v\n%s", filter, d.FQDN(), err, out)
	}
	return string(out)
}

// The "done when": DNS names dc2 first, yet a deploy without --dc
// lands on dc1, the PDC emulator (directory and SYSVOL, stored paths in
// the \\<domain>\SysVol form); gpo status --dcs then shows dc2 behind for
// SYSVOL (Samba does not replicate it) and, after samba-tool drs
// replicate, in sync for the directory; with dc2 stopped it is reported
// unreachable within the timeout.
func TestWritesGoToPDCAndStatusShowsEachDC(t *testing.T) {
	d1 := testdomain.Require(t, dc1)
	d2 := testdomain.Require(t, dc2)
	t.Logf("two-DC fixture start: %.1fs", testdomain.StartupTime.Seconds())
	bin := buildCtitui(t)
	dns, err := testdomain.StartDNS(d1.IP, t.TempDir(), d2, d1)
	if err != nil {
		t.Fatal(err)
	}
	defer dns.Close()
	env := withoutDC(d1)
	ctitui := func(args ...string) (string, string, int) {
		t.Helper()
		return run(t, dns.Command(bin, args...), env)
	}

	// DNS gives dc2 first: a read goes there.
	out, errOut, code := ctitui("domain", "info", "--json")
	if code != 0 || !strings.Contains(out, `"dc": "`+d2.FQDN()+`"`) {
		t.Fatalf("domain info through the test DNS: exit %d, want dc %s\n%s\n%s", code, d2.FQDN(), out, errOut)
	}

	local := testmsi.Build(t, "MIKO CTI 4.9.226")
	share := `\\` + d1.IP + `\` + testdomain.DistribShare + `\MikoCTI-repl`
	ou := testdomain.OUDN("Workstations", "Office Moscow")
	const name = "MIKO CTI replication"
	out, errOut, code = ctitui("deploy", "--msi", local, "--share", share, "--ou", ou, "--gpo", name, "--group", "MikoCTI_Computers", "--yes")
	if code != 0 {
		t.Fatalf("deploy: exit %d\n%s\n%s", code, out, errOut)
	}
	if strings.Contains(errOut, "not the PDC emulator") {
		t.Errorf("deploy without --dc warned about the DC: %s", errOut)
	}

	// Where it landed, seen with Samba's own tools and on disk.
	gpoLDIF := ldbsearch(t, d1, "CN=Policies,CN=System,"+testdomain.BaseDN, "(displayName="+name+")", "cn", "gPCFileSysPath")
	guid := ldifValue(gpoLDIF, "cn")
	if guid == "" {
		t.Fatalf("the GPO is not on the PDC emulator %s:\n%s", d1.FQDN(), gpoLDIF)
	}
	if want := `\\cti.test\SysVol\cti.test\Policies\` + guid; !strings.EqualFold(ldifValue(gpoLDIF, "gPCFileSysPath"), want) {
		t.Errorf("gPCFileSysPath %q, want %q", ldifValue(gpoLDIF, "gPCFileSysPath"), want)
	}
	pkgLDIF := ldbsearch(t, d1, "CN="+guid+",CN=Policies,CN=System,"+testdomain.BaseDN, "(objectClass=packageRegistration)", "msiScriptPath")
	if sp := ldifValue(pkgLDIF, "msiScriptPath"); !strings.HasPrefix(strings.ToLower(sp), strings.ToLower(`\\cti.test\SysVol\cti.test\Policies\`+guid+`\Machine\Applications\`)) {
		t.Errorf("msiScriptPath %q is not in the \\\\<domain>\\SysVol form", sp)
	}
	sysvol := func(d *testdomain.Domain) string {
		return filepath.Join(d.Dir, "state", "sysvol", testdomain.DNSDomain, "Policies", guid)
	}
	if _, err := os.Stat(filepath.Join(sysvol(d1), "GPT.INI")); err != nil {
		t.Errorf("GPT.INI is not on the PDC emulator's SYSVOL: %v", err)
	}
	if aas, _ := filepath.Glob(filepath.Join(sysvol(d1), "Machine", "Applications", "*.aas")); len(aas) != 1 {
		t.Errorf("advertise scripts on the PDC emulator's SYSVOL: %v", aas)
	}
	if _, err := os.Stat(sysvol(d2)); !os.IsNotExist(err) {
		t.Errorf("the GPO folder is on dc2's SYSVOL too (stat: %v): SMB went to the wrong DC", err)
	}
	// The directory half was written on dc1 too: every attribute of the
	// GPO and of its package was last written by dc1's DSA (the
	// originating invocationId of replPropertyMetaData, [MS-DRSR]
	// 5.162), not received from dc2, which DNS named first.
	pkgDN := ldifValue(pkgLDIF, "dn")
	if pkgDN == "" {
		t.Fatalf("no package object on dc1:\n%s", pkgLDIF)
	}
	for _, dn := range []string{"CN=" + guid + ",CN=Policies,CN=System," + testdomain.BaseDN, pkgDN} {
		origins := originsOf(t, d1, dn)
		want := invocationID(t, d1)
		for _, o := range origins {
			if !strings.EqualFold(o, want) {
				t.Errorf("%s: an attribute was written on invocationId %s, not dc1's %s (dc2's is %s)", dn, o, want, invocationID(t, d2))
				break
			}
		}
		t.Logf("%s: %d attributes, all written on dc1 (invocationId %s)", dn, len(origins), want)
	}

	status := func() (statusJSON, time.Duration) {
		t.Helper()
		begin := time.Now()
		out, errOut, code := ctitui("gpo", "status", name, "--dcs", "--json")
		took := time.Since(begin)
		if code != 0 {
			t.Fatalf("gpo status --dcs: exit %d\n%s\n%s", code, out, errOut)
		}
		var st statusJSON
		if err := json.Unmarshal([]byte(out), &st); err != nil {
			t.Fatalf("gpo status --dcs JSON: %v\n%s", err, out)
		}
		return st, took
	}
	byName := func(st statusJSON, host string) int {
		for i, d := range st.DCs {
			if d.Name == host {
				return i
			}
		}
		t.Fatalf("status lacks %s: %+v", host, st)
		return -1
	}

	if err := testdomain.Replicate(context.Background(), d2, d1); err != nil {
		t.Fatal(err)
	}
	if got := ldbsearch(t, d2, "CN="+guid+",CN=Policies,CN=System,"+testdomain.BaseDN, "(objectClass=packageRegistration)", "cn"); !strings.Contains(got, "# returned 1 records") {
		t.Fatalf("after drs replicate dc2 lacks the package object:\n%s", got)
	}
	st, took := status()
	t.Logf("gpo status --dcs, both DCs up: %s", took)
	if st.PDC != d1.FQDN() || len(st.DCs) != 2 {
		t.Fatalf("status: PDC %q, %d DCs: %+v", st.PDC, len(st.DCs), st)
	}
	p, s := st.DCs[byName(st, d1.FQDN())], st.DCs[byName(st, d2.FQDN())]
	if !p.PDC || p.Verdict != "in sync" || !p.Object || p.SysvolVersion == nil || p.SysvolVersion.Value != p.Version.Value ||
		p.ACLMatches == nil || !*p.ACLMatches || len(p.Packages) != 1 || !p.Packages[0].Object || !p.Packages[0].Script ||
		p.Packages[0].ScriptSize == 0 || len(p.Packages[0].ScriptSHA256) != 64 {
		t.Errorf("PDC emulator's row: %+v", p)
	}
	if !s.Reachable || !s.Object || s.Version.Value != p.Version.Value || s.Directory != "in sync" {
		t.Errorf("dc2 after replication, directory: %+v (PDC version %d)", s, p.Version.Value)
	}
	if s.SysvolVersion != nil || s.Sysvol != "behind" || s.Verdict != "behind" || len(s.Packages) != 1 ||
		!s.Packages[0].Object || s.Packages[0].Script {
		t.Errorf("dc2, SYSVOL (not replicated by Samba): %+v", s)
	}

	// The text report names the lagging DC and the fix.
	out, _, _ = ctitui("gpo", "status", name, "--dcs")
	for _, want := range []string{d2.FQDN() + " is behind the PDC emulator " + d1.FQDN() + " in SYSVOL", "samba-tool ntacl sysvolreset", "(PDC)"} {
		if !strings.Contains(out, want) {
			t.Errorf("gpo status --dcs text lacks %q:\n%s", want, out)
		}
	}

	// The doctor names the lagging DC for a computer the GPO applies to.
	out, errOut, code = ctitui("doctor", "--computer", "MSK-PC01", "--json")
	if code != 0 {
		t.Fatalf("doctor: exit %d\n%s\n%s", code, out, errOut)
	}
	var doc struct {
		Replication []struct{ Verdict, Check, Text, Fix string } `json:"replication"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("doctor JSON: %v\n%s", err, out)
	}
	found := false
	for _, f := range doc.Replication {
		if f.Verdict == "problem" && f.Check == "replication (SYSVOL)" && strings.Contains(f.Text, d2.FQDN()+" is behind") &&
			strings.Contains(f.Text, name) && strings.Contains(f.Text, "install fails") && strings.Contains(f.Fix, "samba-tool ntacl sysvolreset") {
			found = true
		}
		if strings.Contains(f.Check, "directory") {
			t.Errorf("doctor: directory finding after replication: %+v", f)
		}
	}
	if !found {
		t.Errorf("doctor does not name %s as behind in SYSVOL: %+v", d2.FQDN(), doc.Replication)
	}

	// --dc wins, with a note when it is not the PDC emulator.
	envDC2 := append(withoutDC(d1), "CTITUI_DC="+d2.IP)
	_, errOut, code = run(t, exec.Command(bin, "gpo", "bump", name, "--computer", "--dry-run"), envDC2)
	if code != 0 || !strings.Contains(errOut, "not the PDC emulator ("+d1.FQDN()) {
		t.Errorf("write with --dc dc2: exit %d, want the PDC note: %s", code, errOut)
	}
	// group create is a write too: it connects as every write does.
	_, errOut, code = run(t, exec.Command(bin, "group", "create", "Replication_Test", "--dry-run"), envDC2)
	if code != 0 || !strings.Contains(errOut, "not the PDC emulator ("+d1.FQDN()) {
		t.Errorf("group create with --dc dc2: exit %d, want the PDC note: %s", code, errOut)
	}

	// The PDC emulator unreachable (DNS sends its name nowhere): said so,
	// with the DC in use offered, and nothing written.
	dns.SetHost(d1.FQDN(), "127.0.0.99")
	_, errOut, code = ctitui("gpo", "bump", name, "--computer")
	dns.SetHost(d1.FQDN(), d1.IP)
	if code == 0 || !strings.Contains(errOut, "the PDC emulator "+d1.FQDN()+" cannot be reached") || !strings.Contains(errOut, "--dc "+d2.FQDN()) {
		t.Errorf("write with the PDC emulator unreachable: exit %d: %s", code, errOut)
	}
	if st, _ := status(); st.DCs[byName(st, d1.FQDN())].Version.Value != p.Version.Value {
		t.Errorf("a write happened although the PDC emulator was unreachable: %+v", st.DCs)
	}

	// dc2 hangs (stopped processes, sockets open): the report waits for it
	// no longer than the per-DC timeout. The directory connection itself
	// goes to dc1 here: the DC locator skips only DCs that refuse
	// connections.
	if err := d2.Freeze(); err != nil {
		t.Fatal(err)
	}
	begin := time.Now()
	out, errOut, code = run(t, dns.Command(bin, "gpo", "status", name, "--dcs", "--json", "--dc-timeout", "3s"), d1.CtituiEnv())
	took = time.Since(begin)
	if err := d2.Thaw(); err != nil {
		t.Fatal(err)
	}
	t.Logf("gpo status --dcs, dc2 hung, --dc-timeout 3s: %s", took)
	var hung statusJSON
	if err := json.Unmarshal([]byte(out), &hung); code != 0 || err != nil {
		t.Fatalf("dc2 hung: exit %d (%v)\n%s\n%s", code, err, out, errOut)
	}
	h := hung.DCs[byName(hung, d2.FQDN())]
	t.Logf("dc2 hung: %s", h.Error)
	if h.Reachable || h.Verdict != "cannot tell" || took > 10*time.Second {
		t.Errorf("dc2 hung, after %s: %+v", took, h)
	}

	// dc2 down: reported unreachable, the report is not held up.
	if err := d2.Stop(); err != nil {
		t.Fatal(err)
	}
	st, took = status()
	t.Logf("gpo status --dcs, dc2 stopped: %s", took)
	s = st.DCs[byName(st, d2.FQDN())]
	if s.Reachable || s.Verdict != "cannot tell" || s.Error == "" {
		t.Errorf("dc2 stopped: %+v", s)
	}
	if took > 20*time.Second {
		t.Errorf("gpo status --dcs took %s with one DC down", took)
	}
}

// ldifValue is the first value of attr in ldbsearch output.
func ldifValue(ldif, attr string) string {
	// LDIF folds long lines: a line starting with one space continues the
	// previous one (RFC 2849).
	ldif = strings.ReplaceAll(ldif, "\n ", "")
	for _, line := range strings.Split(ldif, "\n") {
		if v, ok := strings.CutPrefix(line, attr+": "); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// originsOf lists the originating invocationId of every attribute of dn
// (replPropertyMetaData as ldbsearch --show-binary decodes it from d's
// database).
func originsOf(t *testing.T, d *testdomain.Domain, dn string) []string {
	t.Helper()
	cmd := exec.Command("ldbsearch", "-H", filepath.Join(d.Dir, "private", "sam.ldb"), "--show-binary", "-b", dn, "-s", "base", "(objectClass=*)", "replPropertyMetaData")
	cmd.Env = d.ToolEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ldbsearch replPropertyMetaData of %s: %v\n%s", dn, err, out)
	}
	var ids []string
	for _, l := range strings.Split(string(out), "\n") {
		if _, v, ok := strings.Cut(l, "originating_invocation_id"); ok {
			ids = append(ids, strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(v), ":")))
		}
	}
	if len(ids) == 0 {
		t.Fatalf("no originating_invocation_id in the replPropertyMetaData of %s:\n%s", dn, out)
	}
	return ids
}

// invocationID is d's DSA invocationId, read from its own database.
func invocationID(t *testing.T, d *testdomain.Domain) string {
	t.Helper()
	ldb := func(base, attr string) string {
		cmd := exec.Command("ldbsearch", "-H", filepath.Join(d.Dir, "private", "sam.ldb"), "-b", base, "-s", "base", "(objectClass=*)", attr)
		cmd.Env = d.ToolEnv()
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("ldbsearch %s of %q: %v\n%s", attr, base, err, out)
		}
		v := ldifValue(string(out), attr)
		if v == "" {
			t.Fatalf("ldbsearch: no %s on %q:\n%s", attr, base, out)
		}
		return v
	}
	return ldb(ldb("", "dsServiceName"), "invocationId")
}
