package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// The fakes hold a small domain shaped like the test domain's seed, and
// record what the console asked them to do.

type fakeConnector struct {
	sess *Session
	err  error
	got  []Settings
}

func (f *fakeConnector) Connect(_ context.Context, s Settings) (*Session, error) {
	f.got = append(f.got, s)
	if f.err != nil {
		return nil, f.err
	}
	return f.sess, nil
}

type fakeDir struct {
	children map[string][]OUNode
	members  map[string][]string
}

const fakeRoot = "DC=cti,DC=test"

func newFakeDir() *fakeDir {
	link := Link{GPO: "{11111111-2222-3333-4444-555555555555}", GPOName: "Office Settings (legacy)", Enabled: true, Order: 1}
	return &fakeDir{
		children: map[string][]OUNode{
			fakeRoot: {
				{DN: "OU=Компания," + fakeRoot, Name: "Компания", HasChildren: true, Links: []Link{link}},
				{DN: "OU=Workstations," + fakeRoot, Name: "Workstations", HasChildren: true},
				{DN: "OU=Archive," + fakeRoot, Name: "Archive"},
			},
			"OU=Workstations," + fakeRoot: {
				{DN: "OU=Office Moscow,OU=Workstations," + fakeRoot, Name: "Office Moscow"},
				{DN: "OU=Office SPb,OU=Workstations," + fakeRoot, Name: "Office SPb", BlockInheritance: true},
			},
		},
		members: map[string][]string{
			"CN=MikoCTI_Computers,OU=Groups," + fakeRoot: {"SALES-PC01", "SALES-PC02", "SALES-PC03"},
			"CN=MikoCTI_Pilot,OU=Groups," + fakeRoot:     {},
		},
	}
}

func (d *fakeDir) Summary(context.Context) (Summary, error) {
	return Summary{DomainDN: fakeRoot, DC: "dc1.cti.test", DomainLevel: "Windows Server 2008 R2", ForestLevel: "Windows Server 2008 R2",
		User: "admin@cti.test", OUs: 14, Computers: 50, Users: 5, Groups: 6, GPOs: 3, WMI: 1,
		BelowGuideLevel: true, Rights: []Right{{Key: "create_gpo", State: "yes"}, {Key: "link_ou", State: "partly", Detail: "not on OU=Archive,DC=cti,DC=test"},
			{Key: "sysvol_write", State: "unknown", Detail: "read the permissions of cti.test\\Policies: access denied"}}}, nil
}

func (d *fakeDir) Root(context.Context) (OUNode, error) {
	return OUNode{DN: fakeRoot, Name: "cti.test", IsDomain: true, HasChildren: true}, nil
}

func (d *fakeDir) Children(_ context.Context, dn string, page func([]OUNode) error) error {
	// Two pages when there are several children, as a paged search
	// would hand them over.
	kids := d.children[dn]
	if len(kids) > 1 {
		if err := page(kids[:1]); err != nil {
			return err
		}
		kids = kids[1:]
	}
	return page(kids)
}

func (d *fakeDir) AllOUs(context.Context) ([]OUNode, error) {
	var out []OUNode
	var walk func(dn string)
	walk = func(dn string) {
		for _, c := range d.children[dn] {
			out = append(out, c)
			walk(c.DN)
		}
	}
	walk(fakeRoot)
	return out, nil
}

func (d *fakeDir) ComputerCounts(_ context.Context, dns []string) (map[string]int, error) {
	// A count that depends on the OU only, whatever the order asked.
	m := map[string]int{}
	for _, dn := range dns {
		m[dn] = len(dn) % 10
	}
	return m, nil
}

func (d *fakeDir) Groups(context.Context, string) ([]Group, error) {
	return []Group{
		{DN: "CN=MikoCTI_Computers,OU=Groups," + fakeRoot, Name: "MikoCTI_Computers", Scope: "global"},
		{DN: "CN=MikoCTI_Pilot,OU=Groups," + fakeRoot, Name: "MikoCTI_Pilot", Scope: "global"},
	}, nil
}

func (d *fakeDir) GroupComputers(_ context.Context, dn string) ([]string, error) {
	return d.members[dn], nil
}

func (d *fakeDir) FindComputers(_ context.Context, prefix string) ([]string, error) {
	if prefix == "nope" {
		return nil, nil
	}
	return []string{"SALES-PC01", "SALES-PC02"}, nil
}

// Computers: the fake domain's computers, three of them in Office Moscow.
func (d *fakeDir) Computers(_ context.Context, dn string) ([]string, error) {
	if strings.HasPrefix(dn, "OU=Office Moscow,") || strings.HasPrefix(dn, "OU=Workstations,") {
		return []string{"MSK-PC01", "MSK-PC02", "MSK-PC03"}, nil
	}
	if dn == "" || dn == fakeRoot {
		return []string{"BUH-PC01", "MSK-PC01", "MSK-PC02", "MSK-PC03", "SALES-PC01", "SALES-PC02"}, nil
	}
	return nil, nil
}

type fakePlan struct {
	title string
	steps []string
	fail  int // 1-based step that fails; 0 never
	mu    sync.Mutex
	ran   int
}

func (p *fakePlan) Title() string { return p.title }
func (p *fakePlan) Steps() int    { return len(p.steps) }
func (p *fakePlan) Lines() []string {
	out := []string{p.title + ":"}
	for i, s := range p.steps {
		out = append(out, fmt.Sprintf("  %d. %s", i+1, s))
	}
	return out
}

func (p *fakePlan) Apply(_ context.Context, done func(int, string)) (Outcome, error) {
	p.mu.Lock()
	p.ran++
	p.mu.Unlock()
	var o Outcome
	for i, s := range p.steps {
		if i+1 == p.fail {
			o.Failed, o.FailedError = s, "LDAP 50: insufficient access"
			for j := i - 1; j >= 0; j-- {
				o.RolledBack = append(o.RolledBack, p.steps[j])
			}
			return o, errors.New("step failed")
		}
		done(i+1, s)
		o.Applied = append(o.Applied, s)
	}
	o.Complete = true
	return o, nil
}

type fakeGPOs struct {
	list  []GPO
	calls []string
	plan  *fakePlan
}

func newFakeGPOs() *fakeGPOs {
	return &fakeGPOs{list: []GPO{{
		GUID: "{11111111-2222-3333-4444-555555555555}", Name: "Office Settings (legacy)", UserEnabled: true, ComputerEnabled: true,
		WMIFilter: "Windows 10/11 workstations",
		Links:     []Link{{GPO: "{11111111-2222-3333-4444-555555555555}", Container: "OU=Компания," + fakeRoot, Enabled: true, Order: 1}},
		Filtering: []Trustee{{Name: "Authenticated Users", Read: true, Apply: true}},
	}}, plan: &fakePlan{title: "Link", steps: []string{"ldap modify gPLink"}}}
}

func (g *fakeGPOs) List(context.Context) ([]GPO, error) { return g.list, nil }
func (g *fakeGPOs) Link(_ context.Context, gpo, ou string) (Plan, error) {
	g.calls = append(g.calls, "link "+gpo+" "+ou)
	return g.plan, nil
}
func (g *fakeGPOs) Unlink(_ context.Context, gpo, ou string) (Plan, error) {
	g.calls = append(g.calls, "unlink "+gpo+" "+ou)
	return g.plan, nil
}
func (g *fakeGPOs) SetEnforced(_ context.Context, gpo, ou string, on bool) (Plan, error) {
	g.calls = append(g.calls, fmt.Sprintf("enforce %s %s %v", gpo, ou, on))
	return g.plan, nil
}
func (g *fakeGPOs) SetBlockInheritance(_ context.Context, ou string, on bool) (Plan, error) {
	g.calls = append(g.calls, fmt.Sprintf("block %s %v", ou, on))
	return g.plan, nil
}
func (g *fakeGPOs) FilterOnly(_ context.Context, gpo, group string) (Plan, error) {
	g.calls = append(g.calls, "filter "+gpo+" "+group)
	return g.plan, nil
}
func (g *fakeGPOs) SetWMI(_ context.Context, gpo, key string) (Plan, error) {
	g.calls = append(g.calls, "wmi "+gpo+" "+key)
	return g.plan, nil
}
func (g *fakeGPOs) WMIPresets() []WMIPreset {
	return []WMIPreset{{Key: "win10", Name: "Windows 10/11", Query: "SELECT * FROM Win32_OperatingSystem WHERE Version LIKE '10.%'"}}
}

type fakeDist struct {
	uploads  []string
	proceed  chan struct{}
	findings []Finding
}

func (d *fakeDist) Inspect(context.Context, string) (MSIInfo, error) {
	return MSIInfo{Findings: d.findings, ProductName: "MIKO CTI", ProductVersion: "4.9.226", Manufacturer: "MIKO", Platform: "x64",
		ProductCode: "{AAAAAAAA-0000-0000-0000-000000000001}", UpgradeCode: "{BBBBBBBB-0000-0000-0000-000000000002}",
		PerMachine: true}, nil
}

func (d *fakeDist) Upload(_ context.Context, local, dir string, progress func(UploadProgress)) (Uploaded, error) {
	d.uploads = append(d.uploads, local+" -> "+dir)
	progress(UploadProgress{Phase: "write", Done: 1 << 20, Total: 4 << 20, BytesPerSecond: 2 << 20, ETA: 1500000000})
	if d.proceed != nil {
		<-d.proceed
	}
	return Uploaded{Path: dir + `\MIKO CTI 4.9.226.msi`, Size: 4 << 20, ComputersCanRead: true,
		ACL: "D:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;DA)(A;OICI;0x1200a9;;;DC)"}, nil
}

func (d *fakeDist) Folders(_ context.Context, dir string) ([]string, error) {
	d.uploads = append(d.uploads, "list "+dir)
	return []string{"MikoCTI", "Office"}, nil
}

type fakeDeployer struct {
	got  []DeployRequest
	plan *fakePlan
	err  error // PlanDeploy fails with it (an engine error, as the engine wraps it)
}

func (d *fakeDeployer) PlanDeploy(_ context.Context, r DeployRequest) (Plan, error) {
	d.got = append(d.got, r)
	if d.err != nil {
		return nil, d.err
	}
	return d.plan, nil
}

type fakePackages struct {
	calls     []string
	plan      *fakePlan
	oldScript bool  // List reports the script in the old layout
	oldArch   bool  // List reports machineArchitecture in the old form
	err       error // Redeploy, Remove and Upgrade fail with it
}

func (p *fakePackages) List(context.Context) ([]Package, error) {
	return []Package{{ID: "{PKG-1}", Name: "MIKO CTI", Version: "4.9.226", GPO: "{G}", GPOName: "MIKO CTI - Установка", Mode: "Assigned", State: "active",
		Path: `\\dc1\Distrib\MikoCTI\MIKO CTI 4.9.226.msi`, OldScript: p.oldScript, OldArch: p.oldArch}}, nil
}
func (p *fakePackages) Details(_ context.Context, pk Package) ([]string, error) {
	return append([]string{"flags: Assigned, UninstallOnPolicyRemoval"}, "advertise script:", "  ProductInfo MIKO CTI 4.9.226", "links: OU=Office SPb (enabled)", "filtering: MikoCTI_Computers"), nil
}

func (p *fakePackages) Redeploy(_ context.Context, pk Package) (Plan, error) {
	p.calls = append(p.calls, "redeploy "+pk.ID)
	if p.err != nil {
		return nil, p.err
	}
	return p.plan, nil
}
func (p *fakePackages) Remove(_ context.Context, pk Package, keep bool) (Plan, error) {
	p.calls = append(p.calls, fmt.Sprintf("remove %s keep=%v", pk.ID, keep))
	if p.err != nil {
		return nil, p.err
	}
	return p.plan, nil
}
func (p *fakePackages) Upgrade(_ context.Context, pk Package, path string) (Plan, error) {
	p.calls = append(p.calls, "upgrade "+pk.ID+" "+path)
	if p.err != nil {
		return nil, p.err
	}
	return p.plan, nil
}

type fakeDoctor struct {
	err error // Diagnose fails with it
}

func (d *fakeDoctor) Diagnose(_ context.Context, c string) ([]string, error) {
	if d.err != nil {
		return nil, d.err
	}
	return []string{c + ": in OU=Office Moscow", "GPO MIKO CTI applies: link enabled, in MikoCTI_Computers"}, nil
}

// fakes is one complete fake session; full=false leaves out the engines
// that the real binary may lack.
type fakes struct {
	dir  *fakeDir
	gpos *fakeGPOs
	dist *fakeDist
	dep  *fakeDeployer
	pkgs *fakePackages
	doc  *fakeDoctor
	sess *Session
}

func newFakes(full bool) *fakes {
	f := &fakes{dir: newFakeDir(), gpos: newFakeGPOs(), dist: &fakeDist{},
		dep:  &fakeDeployer{plan: &fakePlan{title: "Deploy MIKO CTI 4.9.226", steps: []string{"ldap add GPO", "smb mkdir GPT", "ldap add package", "smb write .aas"}}},
		pkgs: &fakePackages{plan: &fakePlan{title: "Remove MIKO CTI", steps: []string{"ldap modify package", "smb write .aas"}}},
		doc:  &fakeDoctor{}}
	f.sess = &Session{Domain: "cti.test", Dir: f.dir, GPOs: f.gpos, Dist: f.dist}
	if full {
		f.sess.Deployer, f.sess.Packages, f.sess.Doctor = f.dep, f.pkgs, f.doc
	}
	return f
}

var errBadPassword = errors.New(`LDAP bind as admin@cti.test: wrong password (AD data 52e). Check the password; the account is not locked`)
