//go:build linux

package doctor

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/domain/secdesc"
	"github.com/ctitui/ctitui/domain/smb"
	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/aas"
	"github.com/ctitui/ctitui/gpo/plan"
	"github.com/ctitui/ctitui/gpo/si"
	"github.com/ctitui/ctitui/internal/testdomain"
	"github.com/ctitui/ctitui/internal/testmsi"
)

var dom *testdomain.Domain

func TestMain(m *testing.M) { os.Exit(testdomain.Run(m, &dom)) }

// world is the test domain with the GPOs and packages of the doctor's
// scenarios, built once through ctitui's own engine.
type world struct {
	d *testdomain.Domain
	s *gpo.Session
}

func apply(t *testing.T, p *plan.Plan, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	if _, err := p.Apply(context.Background()); err != nil {
		t.Fatalf("apply %s: %v", p.Title, err)
	}
}

func ptr(b bool) *bool { return &b }

// open connects to the test domain as its administrator.
func open(t *testing.T) world {
	t.Helper()
	d := testdomain.Require(t, dom)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := gpo.Open(ctx, gpo.Endpoints{LDAP: domain.Config{Domain: testdomain.DNSDomain, DC: d.IP,
		User: testdomain.AdminUPN, Password: d.Password(), CAFile: d.CAFile}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return world{d: d, s: s}
}

func setup(t *testing.T) world {
	t.Helper()
	w := open(t)
	s := w.s
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	sales := testdomain.OUDN("Компания", "Продажи")

	// MIKO CTI for sales: filtered to MikoCTI_Computers (Sales PCs are in it
	// only through the nested MikoCTI_Sales_PCs), MikoCTI_Blocked denied.
	p, _, err := s.CreatePlan(ctx, "Doctor MIKO", gpo.CreateOptions{LinkTo: []string{sales}})
	apply(t, p, err)
	p, err = s.FilterPlan(ctx, "Doctor MIKO", gpo.FilterChange{Only: "MikoCTI_Computers"})
	apply(t, p, err)
	w.denyApply(t, ctx, "Doctor MIKO", "MikoCTI_Blocked")

	store := si.New(s)
	old := w.publish(t, ctx, "MIKO CTI 4.9.226", "Doctor")
	newer := w.publish(t, ctx, "MIKO CTI 4.9.241", "Doctor")
	p, _, err = store.AddPlan(ctx, si.AddRequest{GPO: "Doctor MIKO", Half: gpo.Computer, MSIPath: old, Options: si.DefaultOptions(false)})
	apply(t, p, err)
	p, _, err = store.UpgradePlan(ctx, si.AddRequest{GPO: "Doctor MIKO", Half: gpo.Computer, MSIPath: newer, Options: si.DefaultOptions(false)},
		si.UpgradeOf{Package: "MIKO CTI 4.9.226"})
	apply(t, p, err)
	// A package removed with "Immediately uninstall".
	minimal := w.publish(t, ctx, "minimal", "DoctorOld")
	opts := si.DefaultOptions(false)
	opts.Name = "Old tool"
	p, _, err = store.AddPlan(ctx, si.AddRequest{GPO: "Doctor MIKO", Half: gpo.Computer, MSIPath: minimal, Options: opts})
	apply(t, p, err)
	p, _, err = store.RemovePlan(ctx, "Doctor MIKO", "Old tool", si.RemoveUninstall)
	apply(t, p, err)
	// A package whose MSI folder later loses Domain Computers' access.
	locked := w.publish(t, ctx, "multi-feature", "DoctorLocked")
	opts.Name = "Locked"
	p, _, err = store.AddPlan(ctx, si.AddRequest{GPO: "Doctor MIKO", Half: gpo.Computer, MSIPath: locked, Options: opts})
	apply(t, p, err)
	w.lockDown(t, ctx, `DoctorLocked\multi-feature.msi`)

	// Domain-wide GPO (cut off by Block Inheritance on Office SPb) and an
	// enforced one on Workstations (not cut off).
	p, _, err = s.CreatePlan(ctx, "Doctor Domain-wide", gpo.CreateOptions{LinkTo: []string{testdomain.BaseDN}})
	apply(t, p, err)
	p, _, err = s.CreatePlan(ctx, "Doctor Enforced", gpo.CreateOptions{})
	apply(t, p, err)
	p, err = s.LinkPlan(ctx, "Doctor Enforced", testdomain.OUDN("Workstations"), gpo.LinkOptions{Enforced: ptr(true)})
	apply(t, p, err)
	// A disabled link on Office Moscow.
	p, _, err = s.CreatePlan(ctx, "Doctor Disabled link", gpo.CreateOptions{})
	apply(t, p, err)
	p, err = s.LinkPlan(ctx, "Doctor Disabled link", testdomain.OUDN("Workstations", "Office Moscow"), gpo.LinkOptions{Enabled: ptr(false)})
	apply(t, p, err)
	// Computer settings disabled, on ИТ.
	p, _, err = s.CreatePlan(ctx, "Doctor Status", gpo.CreateOptions{LinkTo: []string{testdomain.OUDN("Компания", "ИТ")}})
	apply(t, p, err)
	p, err = s.StatusPlan(ctx, "Doctor Status", ptr(false), nil)
	apply(t, p, err)
	// GPT.INI out of step with the directory, on Бухгалтерия.
	p, c, err := s.CreatePlan(ctx, "Doctor Version", gpo.CreateOptions{LinkTo: []string{testdomain.OUDN("Компания", "Бухгалтерия")}})
	apply(t, p, err)
	sysvol, err := s.SysVol(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := sysvol.WriteFile(ctx, testdomain.DNSDomain+`\Policies\`+c.GUID+`\GPT.INI`, []byte("[General]\r\nVersion=7\r\n")); err != nil {
		t.Fatal(err)
	}
	return w
}

// publish uploads a test MSI to \\dc\Distrib\<folder> with the guide's
// folder permissions.
func (w world) publish(t *testing.T, ctx context.Context, fixture, folder string) string {
	t.Helper()
	sh := w.distrib(t, ctx)
	defer sh.Close()
	if err := sh.MkdirAll(ctx, folder); err != nil {
		t.Fatal(err)
	}
	name := fixture + ".msi"
	if _, err := sh.Upload(ctx, testmsi.Build(t, fixture), folder+`\`+name, smb.UploadOptions{Overwrite: true}); err != nil {
		t.Fatal(err)
	}
	if err := sh.ApplyDistributionACL(ctx, folder, w.s.DomainSID(), name); err != nil {
		t.Fatal(err)
	}
	return `\\` + w.d.IP + `\` + testdomain.DistribShare + `\` + folder + `\` + name
}

func (w world) distrib(t *testing.T, ctx context.Context) *smb.Share {
	t.Helper()
	auth, err := smb.PasswordAuth(testdomain.AdminUPN, "", w.d.Password())
	if err != nil {
		t.Fatal(err)
	}
	c, err := smb.Dial(ctx, w.d.IP, smb.Options{Auth: auth})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	sh, err := c.Mount(ctx, testdomain.DistribShare)
	if err != nil {
		t.Fatal(err)
	}
	return sh
}

// lockDown leaves only Domain Admins and SYSTEM on a file (an admin
// "tidying up" permissions after the deployment).
func (w world) lockDown(t *testing.T, ctx context.Context, rel string) {
	t.Helper()
	sh := w.distrib(t, ctx)
	defer sh.Close()
	sd, err := secdesc.ParseSDDL("D:P(A;;FA;;;DA)(A;;FA;;;SY)", w.s.DomainSID())
	if err != nil {
		t.Fatal(err)
	}
	if err := sh.SetSecurity(ctx, rel, sd, smb.SecurityParts(secdesc.DACLSecurityInformation)); err != nil {
		t.Fatal(err)
	}
}

// denyApply adds "Deny Apply Group Policy" for a group to a GPO's DACL.
func (w world) denyApply(t *testing.T, ctx context.Context, gpoName, group string) {
	t.Helper()
	dir, err := w.s.Dir(ctx)
	if err != nil {
		t.Fatal(err)
	}
	g, err := w.s.Find(ctx, gpoName)
	if err != nil {
		t.Fatal(err)
	}
	grp, err := dir.GroupByName(ctx, group)
	if err != nil {
		t.Fatal(err)
	}
	sd, _, err := dir.ReadSecurityDescriptor(ctx, g.DN, secdesc.DACLSecurityInformation)
	if err != nil {
		t.Fatal(err)
	}
	apply := secdesc.MustGUID(secdesc.GUIDApplyGroupPolicy)
	sd.DACL.Add(secdesc.DenyObjectACE(secdesc.MustSID(grp.SID), secdesc.DSControlAccess, 0, &apply, nil))
	if err := dir.WriteSecurityDescriptor(ctx, g.DN, sd, secdesc.DACLSecurityInformation); err != nil {
		t.Fatal(err)
	}
}

func diagnose(t *testing.T, w world, computer string) Report {
	t.Helper()
	r, err := Run(context.Background(), w.s, Request{Computer: computer})
	if err != nil {
		t.Fatalf("doctor %s: %v", computer, err)
	}
	return r
}

func gpoNamed(t *testing.T, r Report, name string) GPOReport {
	t.Helper()
	for _, g := range r.GPOs {
		if g.Name == name {
			return g
		}
	}
	t.Fatalf("%s: GPO %q not in the report (have %v)", r.Computer, name, r.GPOs)
	return GPOReport{}
}

func pkgNamed(t *testing.T, r Report, name string) PackageReport {
	t.Helper()
	for _, p := range r.Packages {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("%s: package %q not in the report (have %+v)", r.Computer, name, r.Packages)
	return PackageReport{}
}

func TestDoctorScenarios(t *testing.T) {
	w := setup(t)
	type want struct {
		computer, gpo string
		applies       bool
		verdict       Verdict
		text          string
	}
	for _, c := range []struct {
		name string
		want want
	}{
		{"member only through a nested group", want{"SALES-PC03", "Doctor MIKO", true, OK, "MikoCTI_Computers"}},
		{"computer not in the filtering group", want{"SALES-REG01", "Doctor MIKO", false, Problem, "add SALES-REG01 to MikoCTI_Computers"}},
		{"deny ACE", want{"SALES-PC08", "Doctor MIKO", false, Problem, "MikoCTI_Blocked"}},
		{"blocked inheritance", want{"SPB-PC01", "Doctor Domain-wide", false, Problem, "Block Inheritance on Office SPb"}},
		{"enforced link above a block", want{"SPB-PC01", "Doctor Enforced", true, OK, "enforced"}},
		{"disabled link", want{"MSK-PC01", "Doctor Disabled link", false, Problem, "disabled"}},
		{"computer settings disabled", want{"IT-PC01", "Doctor Status", false, Problem, "computer settings are disabled"}},
		{"LDAP/SYSVOL version mismatch", want{"BUH-PC01", "Doctor Version", true, Problem, "GPT.INI version 7"}},
		{"a domain-wide GPO applies where nothing blocks", want{"MSK-PC01", "Doctor Domain-wide", true, OK, "on cti"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := diagnose(t, w, c.want.computer)
			g := gpoNamed(t, r, c.want.gpo)
			if g.Applies != c.want.applies {
				t.Errorf("%s / %s: applies = %v, want %v: %+v", c.want.computer, c.want.gpo, g.Applies, c.want.applies, g.Reasons)
			}
			if !hasReason(g.Reasons, c.want.verdict, c.want.text) {
				t.Errorf("%s / %s: no %q finding with %q: %+v", c.want.computer, c.want.gpo, c.want.verdict, c.want.text, g.Reasons)
			}
		})
	}

	t.Run("packages", func(t *testing.T) {
		r := diagnose(t, w, "SALES-PC03")
		for _, c := range []struct {
			name, action string
			verdict      Verdict
			text         string
		}{
			{"MIKO CTI 4.9.226", ActionIgnore, Info, "upgraded by"},
			{"MIKO CTI 4.9.241", ActionUpgrade, OK, "readable by the computer"},
			{"Old tool", ActionRemove, Info, "Immediately uninstall"},
			{"Locked", ActionInstall, Problem, "not readable by the computer"},
		} {
			p := pkgNamed(t, r, c.name)
			if p.Action != c.action || !hasReason(p.Reasons, c.verdict, c.text) {
				t.Errorf("%s: action %q, reasons %+v; want %q with %q %q", c.name, p.Action, p.Reasons, c.action, c.verdict, c.text)
			}
		}
		// The client checks name the product to look for and the guide's
		// verbose-log install for a 1603.
		checks := strings.Join(r.ClientChecks, "\n")
		newer := pkgNamed(t, r, "MIKO CTI 4.9.241")
		for _, want := range []string{
			`reg query HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\` + newer.ProductCode,
			`msiexec /i "` + newer.MSIPath + `" /qn /l*v`,
		} {
			if newer.ProductCode == "" || !strings.Contains(checks, want) {
				t.Errorf("client checks lack %q:\n%s", want, checks)
			}
		}
		// The computer that does not get the GPO gets none of its packages.
		if r := diagnose(t, w, "SALES-REG01"); len(r.Packages) != 0 {
			t.Errorf("SALES-REG01 gets packages: %+v", r.Packages)
		}
	})

	t.Run("MSI share closed to computers by its share permissions", func(t *testing.T) {
		// Samba's own tool sets the share ACL: Domain Admins only. The
		// files still let Domain Computers read; the share does not.
		admins, err := w.s.DomainSID().WithRID(secdesc.RIDDomainAdmins)
		if err != nil {
			t.Fatal(err)
		}
		sharesec := func(args ...string) {
			cmd := exec.Command("sharesec", append([]string{"-s", w.d.SmbConf, testdomain.DistribShare}, args...)...)
			cmd.Env = w.d.ToolEnv()
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("sharesec %v: %v\n%s", args, err, out)
			}
		}
		sharesec("--replace", admins.String()+":ALLOWED/0/FULL")
		defer sharesec("--delete")
		p := pkgNamed(t, diagnose(t, w, "SALES-PC03"), "MIKO CTI 4.9.241")
		if !hasReason(p.Reasons, Problem, "share permissions of") || !hasReason(p.Reasons, Problem, "Share Permissions tab") {
			t.Errorf("admins-only share: %+v", p.Reasons)
		}
	})

	t.Run("GPO folder and script closed to computers on SYSVOL", func(t *testing.T) {
		ctx := context.Background()
		sysvol, err := w.s.SysVol(ctx)
		if err != nil {
			t.Fatal(err)
		}
		adminsOnly, err := secdesc.ParseSDDL("D:P(A;OICI;FA;;;DA)(A;OICI;FA;;;SY)", w.s.DomainSID())
		if err != nil {
			t.Fatal(err)
		}
		// lock sets admins-only permissions on a SYSVOL path and restores
		// the old ones when the subtest ends.
		lock := func(rel string) {
			old, err := sysvol.Security(ctx, rel)
			if err != nil {
				t.Fatal(err)
			}
			if err := sysvol.SetSecurity(ctx, rel, adminsOnly, smb.SecurityParts(secdesc.DACLSecurityInformation)); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				if err := sysvol.SetSecurity(context.Background(), rel, old, smb.SecurityParts(secdesc.DACLSecurityInformation)); err != nil {
					t.Errorf("restore %s: %v", rel, err)
				}
			})
		}
		version, err := w.s.Find(ctx, "Doctor Version")
		if err != nil {
			t.Fatal(err)
		}
		lock(testdomain.DNSDomain + `\Policies\` + version.GUID)
		pkgs, err := si.New(w.s).List(ctx, "Doctor MIKO", false)
		if err != nil {
			t.Fatal(err)
		}
		script := ""
		for _, p := range pkgs {
			if p.Name == "MIKO CTI 4.9.241" {
				script = p.ScriptPath
			}
		}
		// Below \\<domain>\SysVol\ (the share name's case varies).
		i := strings.Index(strings.ToLower(script), `\sysvol\`)
		if i < 0 {
			t.Fatalf("script path %q is not on SYSVOL", script)
		}
		rel := script[i+len(`\sysvol\`):]
		lock(rel)

		g := gpoNamed(t, diagnose(t, w, "BUH-PC01"), "Doctor Version")
		if g.Applies || !hasReason(g.Reasons, Problem, "may not read the GPO's folder in SYSVOL") {
			t.Errorf("GPO with an admins-only SYSVOL folder: applies %v, %+v", g.Applies, g.Reasons)
		}
		p := pkgNamed(t, diagnose(t, w, "SALES-PC03"), "MIKO CTI 4.9.241")
		if !hasReason(p.Reasons, Problem, "SALES-PC03 may not read it") {
			t.Errorf("package with an admins-only script: %+v", p.Reasons)
		}
	})

	t.Run("advertise script in the old layout", func(t *testing.T) {
		ctx := context.Background()
		sysvol, err := w.s.SysVol(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pkgs, err := si.New(w.s).List(ctx, "Doctor MIKO", false)
		if err != nil {
			t.Fatal(err)
		}
		script := ""
		for _, p := range pkgs {
			if p.Name == "MIKO CTI 4.9.241" {
				script = p.ScriptPath
			}
		}
		i := strings.Index(strings.ToLower(script), `\sysvol\`)
		if i < 0 {
			t.Fatalf("script path %q is not on SYSVOL", script)
		}
		rel := script[i+len(`\sysvol\`):]
		written, err := sysvol.ReadFile(ctx, rel)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := aas.ReadRecords(written)
		if err != nil {
			t.Fatal(err)
		}
		// What an earlier ctitui wrote: the same records, padded.
		old, err := aas.EncodeOldLayout(recs)
		if err != nil {
			t.Fatal(err)
		}
		if err := sysvol.WriteFile(ctx, rel, old); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := sysvol.WriteFile(context.Background(), rel, written); err != nil {
				t.Errorf("restore %s: %v", rel, err)
			}
		})
		p := pkgNamed(t, diagnose(t, w, "SALES-PC03"), "MIKO CTI 4.9.241")
		if !hasReason(p.Reasons, Problem, "in the old layout") || !hasReason(p.Reasons, Problem, "redeploy to rewrite it") {
			t.Errorf("package with an old-layout script: %+v", p.Reasons)
		}
	})

	t.Run("user configuration", func(t *testing.T) {
		r, err := Run(context.Background(), w.s, Request{User: "petrova"})
		if err != nil {
			t.Fatal(err)
		}
		if r.User != "petrova" || r.Kind != User || !strings.Contains(strings.Join(r.Chain, ">"), "Продажи") {
			t.Fatalf("user report %+v", r)
		}
		g := gpoNamed(t, r, "Doctor MIKO")
		// Filtered to computers: the user is not in MikoCTI_Computers.
		if g.Applies {
			t.Errorf("Doctor MIKO applies to user petrova: %+v", g.Reasons)
		}
	})
}
