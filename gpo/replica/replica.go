// Package replica compares every domain controller's copy of a GPO, as
// GPMC's Status tab does (Windows Server 2012 and later): the directory
// half (the groupPolicyContainer's versionNumber, its Software Installation
// packages) and the SYSVOL half (GPT.INI's version, the folder's ACL, each
// package's advertise script), per DC, against the PDC emulator, where
// GPMC (and ctitui) make their changes.
//
// The directory replicates between DCs by DRS; SYSVOL by DFS-R (FRS on old
// domains) on Windows and not at all on Samba, where an admin copies it
// (https://wiki.samba.org/index.php/SysVol_replication_(DFS-R)). So the two
// halves can be behind separately, and Status says which.
//
// Every DC is read concurrently, each within a short timeout: a DC that
// does not answer is reported unreachable and never holds up the others.
//
// Values the specifications do not settle: the per-DC timeout (5 s by
// default) is ours; GPMC's Status tab waits longer. "Behind" is decided by
// comparison with the PDC emulator's copy (GPMC's "baseline" DC is the PDC
// emulator by default too); a DC whose copy is newer than the PDC
// emulator's is reported as "ahead", which only happens when someone wrote
// on it directly.
package replica

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/si"
)

// DefaultTimeout bounds the reads of one DC.
const DefaultTimeout = 5 * time.Second

// DC is a domain controller of the domain, from the configuration
// partition.
type DC struct {
	// Name is the server object's dNSHostName.
	Name string `json:"name"`
	// Site is the site the server object is under.
	Site string `json:"site,omitempty"`
	// PDC is true for the PDC emulator.
	PDC bool `json:"pdcEmulator,omitempty"`
}

// DCs lists the domain's DCs: every nTDSDSA (NTDS Settings) object under
// CN=Sites of the configuration partition whose msDS-hasMasterNCs (or, on
// old DCs, hasMasterNCs) holds the domain, named by its parent server
// object's dNSHostName ([MS-ADTS] 6.1.1.2.2.1.2.1.1, 6.1.1.2.2.1.2.1.1.1).
// The PDC emulator comes first, the rest by name.
func DCs(ctx context.Context, s *gpo.Session) ([]DC, error) {
	c, err := s.Dir(ctx)
	if err != nil {
		return nil, err
	}
	pdc, err := s.PDCEmulator(ctx)
	if err != nil {
		return nil, err
	}
	sites := "CN=Sites," + c.RootDSE().ConfigurationNamingContext
	base := ldap.EscapeFilter(s.BaseDN())
	dsas, err := c.SearchAll(ctx, sites, ldap.ScopeWholeSubtree,
		"(&(objectClass=nTDSDSA)(|(msDS-hasMasterNCs="+base+")(hasMasterNCs="+base+")))", []string{"objectGUID"})
	if err != nil {
		return nil, fmt.Errorf("list the domain controllers: %w", err)
	}
	var out []DC
	for _, e := range dsas {
		dn, err := ldap.ParseDN(e.DN)
		if err != nil || len(dn.RDNs) < 5 {
			continue
		}
		serverDN := strings.SplitN(e.DN, ",", 2)[1]
		se, err := c.Read(ctx, serverDN, []string{"dNSHostName"})
		if err != nil {
			return nil, fmt.Errorf("read server object %s: %w", serverDN, err)
		}
		name := strings.ToLower(se.GetAttributeValue("dNSHostName"))
		if name == "" {
			continue
		}
		// CN=NTDS Settings,CN=<server>,CN=Servers,CN=<site>,CN=Sites,...
		out = append(out, DC{Name: name, Site: dn.RDNs[3].Attributes[0].Value, PDC: name == pdc})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].PDC != out[j].PDC {
			return out[i].PDC
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

// Verdict compares a DC's copy with the PDC emulator's.
type Verdict string

const (
	InSync     Verdict = "in sync"
	Behind     Verdict = "behind"
	Ahead      Verdict = "ahead"
	CannotTell Verdict = "cannot tell"
)

// Package is one Software Installation package as a DC has it.
type Package struct {
	// ID is the packageRegistration's objectGUID, Name its displayName
	// (from the PDC emulator's copy).
	ID   string `json:"id"`
	Name string `json:"name"`
	// Object says whether the DC has the packageRegistration object.
	Object bool `json:"object"`
	// Script says whether the DC's SYSVOL has the advertise script named
	// by msiScriptPath; ScriptSize and ScriptSHA256 describe it.
	Script       bool   `json:"script"`
	ScriptSize   int64  `json:"scriptSize,omitempty"`
	ScriptSHA256 string `json:"scriptSHA256,omitempty"`

	scriptRel string // the script's path below the GPO folder, lower case
}

// script is an advertise script found in a DC's copy of the GPO folder.
type script struct {
	size   int64
	sha256 string
}

// DCStatus is one DC's copy of the GPO.
type DCStatus struct {
	DC
	Reachable bool   `json:"reachable"`
	Error     string `json:"error,omitempty"`
	// Object says whether the DC has the groupPolicyContainer; Version is
	// its versionNumber.
	Object  bool        `json:"object"`
	Version gpo.Version `json:"version"`
	// SysvolVersion is GPT.INI's version (nil when unread: SysvolError).
	SysvolVersion *gpo.Version `json:"sysvolVersion,omitempty"`
	SysvolError   string       `json:"sysvolError,omitempty"`
	// sysvolUnread is a GPT.INI that is there, or may be, but could not be
	// read (SysvolError): the SYSVOL half is then "cannot tell", not
	// behind.
	sysvolUnread bool
	// ACLMatches says whether the folder's ACL is the one the object's
	// DACL maps to (nil when it could not be read).
	ACLMatches *bool     `json:"aclMatches,omitempty"`
	Packages   []Package `json:"packages,omitempty"`
	// objects are the DC's packages (by ID); scripts the .aas files in its
	// copy of the GPO folder (by path below it, lower case).
	objects map[string]Package
	scripts map[string]script
	gpoName string
	// Directory and Sysvol compare each half with the PDC emulator;
	// Verdict is the worse of the two.
	Directory Verdict `json:"directory"`
	Sysvol    Verdict `json:"sysvol"`
	Verdict   Verdict `json:"verdict"`
	// Elapsed is how long this DC's reads took.
	Elapsed time.Duration `json:"elapsedNs"`
}

// Report is Status's answer.
type Report struct {
	GUID string     `json:"guid"`
	Name string     `json:"name"`
	PDC  string     `json:"pdcEmulator"`
	DCs  []DCStatus `json:"dcs"`
	// Domain and BaseDN name the domain (for SYSVOL paths and the
	// replication commands of a fix).
	Domain string `json:"domain"`
	BaseDN string `json:"baseDN"`
}

// Options tune Status.
type Options struct {
	// Timeout bounds each DC's reads; zero means DefaultTimeout.
	Timeout time.Duration
}

// Status reads the GPO ref (name or {GUID}, resolved through s) on every
// DC of the domain, concurrently, and compares each copy with the PDC
// emulator's.
func Status(ctx context.Context, s *gpo.Session, ref string, opts Options) (*Report, error) {
	g, err := s.Find(ctx, ref)
	if err != nil {
		return nil, err
	}
	dcs, err := DCs(ctx, s)
	if err != nil {
		return nil, err
	}
	reps := StatusOf(ctx, s, dcs, []string{g.GUID}, opts)
	reps[0].Name = g.Name
	return reps[0], nil
}

// StatusOf is Status for several GPOs ({GUID}s) and the DCs given (from
// DCs): one session per DC reads them all. The reports follow guids.
func StatusOf(ctx context.Context, s *gpo.Session, dcs []DC, guids []string, opts Options) []*Report {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	reps := make([]*Report, len(guids))
	for i, guid := range guids {
		reps[i] = &Report{GUID: guid, DCs: make([]DCStatus, len(dcs)), Domain: s.DNSDomain(), BaseDN: s.BaseDN()}
	}
	var wg sync.WaitGroup
	for i, dc := range dcs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			per := readDC(ctx, s.Endpoints(), dc, guids, opts.Timeout)
			for k := range guids {
				reps[k].DCs[i] = per[k]
			}
		}()
	}
	wg.Wait()
	for _, rep := range reps {
		for _, d := range rep.DCs {
			if d.PDC {
				rep.PDC = d.Name
				if rep.Name == "" {
					rep.Name = d.gpoName
				}
			}
		}
		judge(rep)
	}
	return reps
}

// readDC reads one DC's copies of the GPOs within timeout, on a session of
// its own.
func readDC(ctx context.Context, base gpo.Endpoints, dc DC, guids []string, timeout time.Duration) []DCStatus {
	begin := time.Now()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ep := base
	ep.LDAP.DC = dc.Name
	ep.LDAP.SPNHost = ""
	ep.LDAP.Timeout = timeout
	ep.SMBHost = ""
	ep.PrefetchSysVol = true
	// gpo.Open honours ctx while dialing; the channel lets a DC that stops
	// answering mid-read be abandoned at the deadline all the same.
	done := make(chan []DCStatus, 1)
	go func() { done <- readOn(ctx, ep, dc, guids) }()
	var out []DCStatus
	select {
	case out = <-done:
	case <-ctx.Done():
		out = make([]DCStatus, len(guids))
		for i := range out {
			out[i] = DCStatus{DC: dc, Error: fmt.Sprintf("no answer within %s", timeout)}
		}
	}
	for i := range out {
		out[i].Elapsed = time.Since(begin)
	}
	return out
}

func readOn(ctx context.Context, ep gpo.Endpoints, dc DC, guids []string) []DCStatus {
	out := make([]DCStatus, len(guids))
	ds, err := gpo.Open(ctx, ep)
	if err != nil {
		for i := range out {
			out[i] = DCStatus{DC: dc, Error: err.Error()}
		}
		return out
	}
	defer ds.Close()
	for i, guid := range guids {
		out[i] = readGPO(ctx, ds, DCStatus{DC: dc, Reachable: true}, guid)
	}
	return out
}

func readGPO(ctx context.Context, ds *gpo.Session, st DCStatus, guid string) DCStatus {
	g, err := ds.Find(ctx, guid)
	switch {
	case err == nil:
		st.Object, st.Version, st.gpoName = true, g.Version, g.Name
	case isMissing(err):
	default:
		st.Error = err.Error()
		return st
	}
	if v, err := ds.SysvolVersion(ctx, guid); err == nil {
		st.SysvolVersion = &v
	} else {
		st.SysvolError = err.Error()
		st.sysvolUnread = !errors.Is(err, fs.ErrNotExist)
	}
	if st.Object {
		if ok, err := ds.FolderACLMatches(ctx, guid); err == nil {
			st.ACLMatches = &ok
		}
		st.objects = packagesOn(ctx, ds, guid)
	}
	st.scripts = scriptsOn(ctx, ds, guid)
	return st
}

// isMissing is the "no such GPO" of gpo.Find.
func isMissing(err error) bool {
	return domain.IsNoSuchObject(err) || strings.HasPrefix(err.Error(), "no GPO ")
}

// packagesOn lists the GPO's packages as this DC's directory has them.
func packagesOn(ctx context.Context, ds *gpo.Session, guid string) map[string]Package {
	ps, err := si.New(ds).List(ctx, guid, false)
	if err != nil {
		return nil
	}
	out := map[string]Package{}
	for _, p := range ps {
		out[p.ID] = Package{ID: p.ID, Name: p.Name, Object: true, scriptRel: scriptRel(p.ScriptPath, guid)}
	}
	return out
}

// scriptRel is msiScriptPath below the GPO folder ("machine\applications\
// {...}.aas"), lower case: the part that is the same on every DC.
func scriptRel(path, guid string) string {
	lp := strings.ToLower(path)
	i := strings.Index(lp, strings.ToLower(guid)+`\`)
	if i < 0 {
		return ""
	}
	return lp[i+len(guid)+1:]
}

// scriptsOn reads every advertise script in this DC's copy of the GPO
// folder: [MS-GPSI] 2.2.4 scripts live in <GPO>\Machine\Applications and
// <GPO>\User\Applications.
func scriptsOn(ctx context.Context, ds *gpo.Session, guid string) map[string]script {
	sh, err := ds.SysVol(ctx)
	if err != nil {
		return nil
	}
	out := map[string]script{}
	for _, half := range []string{"Machine", "User"} {
		dir := half + `\Applications`
		list, err := sh.ReadDir(ctx, ds.SysvolRel(guid)+`\`+dir)
		if err != nil {
			continue
		}
		for _, fi := range list {
			if fi.IsDir() || !strings.HasSuffix(strings.ToLower(fi.Name()), ".aas") {
				continue
			}
			data, err := sh.ReadFile(ctx, ds.SysvolRel(guid)+`\`+dir+`\`+fi.Name())
			if err != nil {
				continue
			}
			sum := sha256.Sum256(data)
			out[strings.ToLower(dir+`\`+fi.Name())] = script{size: int64(len(data)), sha256: hex.EncodeToString(sum[:])}
		}
	}
	return out
}

// judge compares every DC with the PDC emulator. The packages of the
// report are the PDC emulator's: a DC lacking one is behind.
func judge(rep *Report) {
	var pdc *DCStatus
	for i := range rep.DCs {
		if rep.DCs[i].PDC {
			pdc = &rep.DCs[i]
		}
	}
	var want []Package
	if pdc != nil {
		for _, p := range pdc.objects {
			want = append(want, p)
		}
		sort.Slice(want, func(i, j int) bool { return want[i].Name+want[i].ID < want[j].Name+want[j].ID })
	}
	for i := range rep.DCs {
		d := &rep.DCs[i]
		if d.Reachable && d.Error == "" {
			d.Packages = packagesAsOn(want, d)
		}
		if pdc == nil || !pdc.Reachable || !d.Reachable || d.Error != "" {
			d.Directory, d.Sysvol, d.Verdict = CannotTell, CannotTell, CannotTell
			continue
		}
		if d.PDC {
			d.Directory, d.Sysvol, d.Verdict = InSync, InSync, InSync
			continue
		}
		d.Directory = directoryVerdict(pdc, d)
		d.Sysvol = sysvolVerdict(pdc, d)
		d.Verdict = worse(d.Directory, d.Sysvol)
	}
}

// packagesAsOn lists the PDC emulator's packages as DC d has them:
// whether d's directory has the object, and d's SYSVOL the script (found
// by the path the PDC emulator's object names). Packages only d has follow.
func packagesAsOn(want []Package, d *DCStatus) []Package {
	out := make([]Package, 0, len(want))
	seen := map[string]bool{}
	for _, w := range want {
		p := Package{ID: w.ID, Name: w.Name, scriptRel: w.scriptRel}
		_, p.Object = d.objects[w.ID]
		if sc, ok := d.scripts[w.scriptRel]; ok && w.scriptRel != "" {
			p.Script, p.ScriptSize, p.ScriptSHA256 = true, sc.size, sc.sha256
		}
		seen[w.ID] = true
		out = append(out, p)
	}
	for id, p := range d.objects {
		if !seen[id] {
			if sc, ok := d.scripts[p.scriptRel]; ok {
				p.Script, p.ScriptSize, p.ScriptSHA256 = true, sc.size, sc.sha256
			}
			out = append(out, p)
		}
	}
	return out
}

func directoryVerdict(pdc, d *DCStatus) Verdict {
	if !pdc.Object {
		if d.Object {
			return Ahead
		}
		return InSync
	}
	if !d.Object || d.Version < pdc.Version {
		return Behind
	}
	for _, p := range d.Packages {
		if !p.Object {
			return Behind
		}
	}
	if d.Version > pdc.Version || len(d.Packages) > len(pdc.Packages) {
		return Ahead
	}
	return InSync
}

func sysvolVerdict(pdc, d *DCStatus) Verdict {
	if pdc.SysvolVersion == nil || d.sysvolUnread {
		return CannotTell
	}
	if d.SysvolVersion == nil {
		return Behind
	}
	if *d.SysvolVersion < *pdc.SysvolVersion {
		return Behind
	}
	want := map[string]Package{}
	for _, p := range pdc.Packages {
		want[p.ID] = p
	}
	for _, p := range d.Packages {
		w, ok := want[p.ID]
		if !ok || !w.Script {
			continue
		}
		if !p.Script || p.ScriptSHA256 != w.ScriptSHA256 {
			return Behind
		}
	}
	if d.ACLMatches != nil && pdc.ACLMatches != nil && *d.ACLMatches != *pdc.ACLMatches {
		return Behind
	}
	if *d.SysvolVersion > *pdc.SysvolVersion {
		return Ahead
	}
	return InSync
}

func worse(a, b Verdict) Verdict {
	rank := map[Verdict]int{InSync: 0, Ahead: 1, Behind: 2, CannotTell: 3}
	if rank[b] > rank[a] {
		return b
	}
	return a
}
