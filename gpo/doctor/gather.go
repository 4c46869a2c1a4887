package doctor

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/domain/secdesc"
	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/aas"
	"github.com/ctitui/ctitui/gpo/regpol"
	"github.com/ctitui/ctitui/gpo/si"
)

// Request names what to diagnose: a computer (Computer Configuration), a
// user (User Configuration), or both.
type Request struct {
	// Computer is the computer's name (PC-17, pc-17$, pc-17.corp.example.com).
	Computer string
	// User is the user's logon name.
	User string
	// Site names the site the computer (or the computer the user logs on
	// to) is in, as `nltest /dsgetsite` shows it on the client; IP is its
	// address, matched against the sites' subnets. Both are optional: without
	// them the computer's address is looked up in DNS.
	Site string
	IP   string
	// Resolver looks up the computer's address; nil means the system's.
	Resolver *net.Resolver

	// loopbackOn, for a user, is the computer whose SOMs give the user's
	// GPOs under loopback processing (its DN and DNS name).
	loopbackOn, loopbackHost string
}

// Run gathers and diagnoses: the computer's report, with the user's as
// UserReport when both are named, or the user's alone.
func Run(ctx context.Context, s *gpo.Session, req Request) (Report, error) {
	var r, ur *Report
	var comp Input
	if req.Computer != "" {
		in, err := Gather(ctx, s, Request{Computer: req.Computer, Site: req.Site, IP: req.IP, Resolver: req.Resolver})
		if err != nil {
			return Report{}, err
		}
		comp = in
		rep := Diagnose(in)
		r = &rep
	}
	if req.User != "" {
		user := Request{User: req.User, Site: req.Site, IP: req.IP, Resolver: req.Resolver}
		var lb *LoopbackReport
		if r != nil {
			lb = loopbackOf(comp, *r)
		}
		in, err := Gather(ctx, s, user)
		if err != nil {
			return Report{}, err
		}
		rep := Diagnose(in)
		if lb != nil {
			user.loopbackOn, user.loopbackHost = comp.Target.DN, comp.Target.dnsName
			onComputer, err := Gather(ctx, s, user)
			if err != nil {
				return Report{}, err
			}
			rep = withLoopback(rep, Diagnose(onComputer), lb)
		}
		ur = &rep
	}
	switch {
	case r != nil:
		r.UserReport = ur
		return *r, nil
	case ur != nil:
		return *ur, nil
	}
	return Report{}, ErrNoTarget
}

// Gather reads from the directory and SYSVOL everything Diagnose needs for
// one target (Computer when set, else User).
// It fails only when the target cannot be found; anything else it cannot
// read becomes a "cannot tell" or "problem" finding in the report.
func Gather(ctx context.Context, s *gpo.Session, req Request) (Input, error) {
	dir, err := s.Dir(ctx)
	if err != nil {
		return Input{}, err
	}
	in := Input{DomainSID: s.DomainSID(), GPOs: map[string]GPOData{}, Names: map[string]string{}}
	targetDN, dnsName := "", ""
	switch {
	case req.Computer == "" && req.User != "":
		u, err := dir.UserByName(ctx, req.User)
		if err != nil {
			return Input{}, err
		}
		in.Target = Target{Name: u.Name, DN: u.DN, Scope: User}
		if in.Target.SID, err = secdesc.ParseSID(u.SID); err != nil {
			return Input{}, fmt.Errorf("user %s: %w", u.Name, err)
		}
		targetDN = u.DN
	case req.Computer != "":
		pc, err := dir.ComputerByName(ctx, req.Computer)
		if err != nil {
			return Input{}, err
		}
		in.Target = Target{Name: pc.Name, DN: pc.DN, Scope: Computer}
		if in.Target.SID, err = secdesc.ParseSID(pc.SID); err != nil {
			return Input{}, fmt.Errorf("computer %s: %w", pc.Name, err)
		}
		targetDN, dnsName = pc.DN, pc.DNSHostName
		in.Target.dnsName = dnsName
		// Primary group 516 is Domain Controllers
		// (DOMAIN_GROUP_RID_CONTROLLERS, [MS-DTYP] 2.4.2.4).
		in.Target.OS = osFactsOf(pc.OS, pc.OSVersion, pc.PrimaryGroupRID == 516)
	default:
		return Input{}, ErrNoTarget
	}
	if in.Target.Groups, err = groupsOf(ctx, dir, targetDN); err != nil {
		return Input{}, err
	}
	if in.Target.Scope == Computer {
		// A failure here only loses the "not yet in effect" hint.
		in.Target.LastLogon, in.Target.Memberships, _ = memberships(ctx, dir, targetDN)
	}

	chainDN := targetDN
	if req.loopbackOn != "" {
		chainDN, dnsName = req.loopbackOn, req.loopbackHost
	}
	chain, err := dir.OUChain(ctx, chainDN)
	if err != nil {
		return Input{}, err
	}
	for _, ou := range chain {
		in.Chain = append(in.Chain, SOM{DN: ou.DN, Name: ou.Name, IsDomain: ou.IsDomain, BlockInheritance: ou.BlockInheritance, Links: ou.Links})
	}
	site, siteSOM, err := gatherSite(ctx, dir, req, dnsName)
	if err != nil {
		return Input{}, err
	}
	in.Site = site
	if siteSOM != nil {
		in.Chain = append([]SOM{*siteSOM}, in.Chain...)
	}

	store := si.New(s)
	for _, som := range append(slices.Clone(in.Chain), in.Site.Candidates...) {
		for _, l := range som.Links {
			guid := strings.ToUpper(l.GUID)
			if _, done := in.GPOs[guid]; done {
				continue
			}
			in.GPOs[guid] = gatherGPO(ctx, s, store, dir, guid, in.Target)
		}
	}
	in.Names = principalNames(ctx, dir, in.GPOs)
	gatherReplication(ctx, s, &in)
	return in, nil
}

// memberships reads the account's lastLogonTimestamp and its direct
// groups with when it joined each.
func memberships(ctx context.Context, dir *domain.Conn, dn string) (time.Time, []Membership, error) {
	var last time.Time
	e, err := dir.Read(ctx, dn, []string{"lastLogonTimestamp"})
	if err != nil {
		return last, nil, err
	}
	if v := e.GetAttributeValue("lastLogonTimestamp"); v != "" {
		if ft, err := strconv.ParseInt(v, 10, 64); err == nil && ft > 0 {
			last = fileTime(ft)
		}
	}
	entries, err := dir.SearchAll(ctx, dir.RootDSE().DefaultNamingContext, ldap.ScopeWholeSubtree,
		"(&(objectClass=group)(member="+ldap.EscapeFilter(dn)+"))",
		[]string{"sAMAccountName", "objectSid", "whenChanged", "msDS-ReplValueMetaData"})
	if err != nil {
		return last, nil, err
	}
	var out []Membership
	for _, g := range entries {
		sid, _, err := secdesc.DecodeSID(g.GetRawAttributeValue("objectSid"))
		if err != nil {
			continue
		}
		m := Membership{Group: Principal{SID: sid, Name: g.GetAttributeValue("sAMAccountName")}}
		if t, ok := valueChanged(g.GetAttributeValues("msDS-ReplValueMetaData"), dn); ok {
			m.Since = t
		} else if t, err := generalizedTime(g.GetAttributeValue("whenChanged")); err == nil {
			m.Since, m.FromGroupChange = t, true
		} else {
			continue
		}
		out = append(out, m)
	}
	return last, out, nil
}

// generalizedTime parses the GeneralizedTime AD writes ("20261204173000.0Z").
func generalizedTime(v string) (time.Time, error) {
	return time.Parse("20060102150405.0Z", v)
}

// fileTime converts a FILETIME (100 ns ticks since 1601-01-01 UTC).
func fileTime(ft int64) time.Time {
	const epochDiff = 116444736000000000 // 1601 to 1970 in 100 ns ticks
	return time.Unix(0, (ft-epochDiff)*100).UTC()
}

// replValue is one value of the constructed attribute
// msDS-ReplValueMetaData ([MS-ADTS], constructed attributes): the XML form
// of DS_REPL_VALUE_META_DATA ([MS-DRSR]) a Windows DC returns over LDAP.
type replValue struct {
	Attribute string `xml:"pszAttributeName"`
	ObjectDN  string `xml:"pszObjectDn"`
	Changed   string `xml:"ftimeLastOriginatingChange"`
	Deleted   string `xml:"ftimeDeleted"`
}

// valueChanged finds when member value dn was last written.
func valueChanged(vals []string, dn string) (time.Time, bool) {
	for _, v := range vals {
		var rv replValue
		if err := xml.Unmarshal([]byte(v), &rv); err != nil {
			continue
		}
		if !strings.EqualFold(rv.Attribute, "member") || !strings.EqualFold(rv.ObjectDN, dn) {
			continue
		}
		if del, err := time.Parse(time.RFC3339, rv.Deleted); err == nil && del.Year() > 1601 {
			continue
		}
		if t, err := time.Parse(time.RFC3339, rv.Changed); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// groupsOf is the account's token groups with names; SIDs that are not
// groups in the domain (BUILTIN, well-known) keep their SID as name.
func groupsOf(ctx context.Context, dir *domain.Conn, dn string) ([]Principal, error) {
	sids, err := dir.TokenGroups(ctx, dn)
	if err != nil {
		return nil, err
	}
	groups, err := dir.GroupsBySID(ctx, sids)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, g := range groups {
		names[g.SID] = g.Name
	}
	out := make([]Principal, 0, len(sids))
	for _, s := range sids {
		name := names[s.String()]
		if name == "" {
			name = s.String()
		}
		out = append(out, Principal{SID: s, Name: name})
	}
	return out, nil
}

func gatherGPO(ctx context.Context, s *gpo.Session, store *si.Store, dir *domain.Conn, guid string, t Target) GPOData {
	g, err := s.Show(ctx, guid)
	if err != nil {
		return GPOData{GUID: guid, Missing: true}
	}
	d := GPOData{GUID: guid, Name: g.Name, Flags: g.Flags, Version: uint32(g.Version), SysvolError: g.SysvolError, HalfMade: g.HalfMade}
	if g.SysvolVersion != nil {
		v := uint32(*g.SysvolVersion)
		d.SysvolVersion = &v
	} else if d.SysvolError == "" {
		d.SysvolError = "not read"
	}
	if sd, _, err := dir.ReadSecurityDescriptor(ctx, g.DN, secdesc.DACLSecurityInformation); err == nil {
		d.DACL = sd
	}
	if sh, err := s.SysVol(ctx); err == nil {
		if sd, err := sh.Security(ctx, s.DNSDomain()+`\Policies\`+guid); err == nil {
			d.FolderDACL = sd
		}
	}
	if g.WMIFilter != "" {
		d.WMIFilterID = g.WMIFilter
		f, err := s.FindWMIFilter(ctx, wmiFilterID(g.WMIFilter))
		if err != nil {
			d.WMIFilterMissing = true
		} else {
			d.WMIFilterName = f.Name
			var qs []string
			for _, q := range f.Queries {
				qs = append(qs, q.Query)
			}
			d.WMIFilterQuery = strings.Join(qs, "; ")
			d.WMIFilterQueries = qs
		}
	}
	if t.Scope == Computer {
		d.LoopbackMode, d.RegistryPolError = loopbackMode(ctx, s, guid)
	}
	pkgs, err := store.List(ctx, guid, false)
	if err != nil {
		d.PackagesError = err.Error()
		return d
	}
	for _, p := range pkgs {
		if p.Scope != string(t.Scope) {
			continue
		}
		d.Packages = append(d.Packages, gatherPackage(ctx, store, dir, p, t))
	}
	return d
}

// loopbackMode reads UserPolicyMode from the GPO's Machine\Registry.pol.
func loopbackMode(ctx context.Context, s *gpo.Session, guid string) (uint32, string) {
	sh, err := s.SysVol(ctx)
	if err != nil {
		return 0, err.Error()
	}
	data, err := sh.ReadFile(ctx, s.DNSDomain()+`\Policies\`+guid+`\Machine\Registry.pol`)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, ""
	}
	if err != nil {
		return 0, err.Error()
	}
	entries, err := regpol.Parse(data)
	if err != nil {
		return 0, err.Error()
	}
	e, ok := regpol.Lookup(entries, loopbackKey, "UserPolicyMode")
	if !ok {
		return 0, ""
	}
	v, ok := e.DWORD()
	if !ok || (v != LoopbackMerge && v != LoopbackReplace) {
		return 0, fmt.Sprintf("UserPolicyMode is not 1 or 2 (type %d, %d bytes)", e.Type, len(e.Data))
	}
	return v, ""
}

const loopbackKey = `Software\Policies\Microsoft\Windows\System`

// wmiFilterID takes the {ID} out of gPCWQLFilter "[domain;{ID};0]".
func wmiFilterID(v string) string {
	parts := strings.Split(strings.Trim(v, "[]"), ";")
	if len(parts) >= 2 {
		return parts[1]
	}
	return v
}

func gatherPackage(ctx context.Context, store *si.Store, dir *domain.Conn, p si.Package, t Target) PackageData {
	d := PackageData{ID: p.RDN, ObjectGUID: p.ID, Name: p.Name, Flags: uint32(p.Flags), ScriptName: p.ScriptName,
		Revision: p.Revision, ProductCode: p.ProductCode, MSIPath: p.MSIPath, ScriptPath: p.ScriptPath}
	for _, a := range p.Arch {
		name, old := si.ArchitectureName(a)
		d.Architectures = append(d.Architectures, name)
		d.ArchOldForm = d.ArchOldForm || old
	}
	for _, l := range p.Locales {
		d.LocaleIDs = append(d.LocaleIDs, uint32(l))
	}
	for _, u := range p.Upgrades {
		d.Upgrades = append(d.Upgrades, UpgradeRef{ObjectGUID: u.Package, Mode: int(u.Type)})
	}
	if sd, _, err := dir.ReadSecurityDescriptor(ctx, p.DN, secdesc.DACLSecurityInformation); err == nil {
		d.DACL = sd
	}
	d.MSIReadable = msiReadable(ctx, store, p, t)
	d.Script = scriptCheck(ctx, store, p, t)
	return d
}

// msiReadable evaluates, for the target computer's token, the share-level
// permissions of the MSI's share (checked at tree connect) and then the
// file's own DACL: the client needs both to read it.
func msiReadable(ctx context.Context, store *si.Store, p si.Package, t Target) Check {
	token := targetToken(t)
	sd, err := store.MSISecurity(ctx, p)
	if err != nil {
		return Check{OK: No, Reason: err.Error()}
	}
	dec := secdesc.Evaluate(sd, token, secdesc.FileReadRequest())
	if !dec.Granted {
		reason := "no entry of the file's permissions grants Read & Execute to the computer or its groups"
		if dec.Denied != nil {
			reason = fmt.Sprintf("denied by entry #%d of the file's permissions (%s)", dec.Denied.Index+1, dec.Denied.ACE.SID)
		}
		return Check{OK: No, Reason: reason}
	}
	share := shareOf(p.MSIPath)
	shareSD, err := store.MSIShareSecurity(ctx, p)
	switch {
	case err != nil:
		return Check{OK: Yes, Reason: "the file's permissions allow it; the share permissions of " + share + " could not be read (" + err.Error() + ")"}
	case shareSD == nil:
		return Check{OK: Yes}
	}
	if d := secdesc.Evaluate(shareSD, token, secdesc.FileReadRequest()); !d.Granted {
		reason := "the share permissions of " + share + " do not let the computer connect, though the file's own permissions would"
		if d.Denied != nil {
			reason = fmt.Sprintf("entry #%d of the share permissions of %s denies it (%s)", d.Denied.Index+1, share, d.Denied.ACE.SID)
		}
		return Check{OK: No, Reason: reason,
			Fix: "give Domain Computers (or Everyone) Read in the share permissions of " + share + " (Share Permissions tab, or sharesec/Grant-SmbShareAccess on the file server)"}
	}
	return Check{OK: Yes}
}

// shareOf is the \\server\share part of a UNC path.
func shareOf(unc string) string {
	parts := strings.SplitN(strings.TrimPrefix(unc, `\\`), `\`, 3)
	if len(parts) < 2 {
		return unc
	}
	return `\\` + parts[0] + `\` + parts[1]
}

func scriptCheck(ctx context.Context, store *si.Store, p si.Package, t Target) Check {
	if p.ScriptPath == "" {
		return Check{OK: No, Reason: "the package names no advertise script (msiScriptPath)"}
	}
	data, err := store.Script(ctx, p)
	if err != nil {
		return Check{OK: No, Reason: err.Error()}
	}
	_, oldLayout, err := aas.ReadScript(data)
	if err != nil {
		return Check{OK: No, Reason: "does not decode: " + err.Error()}
	}
	if oldLayout {
		// aas.OldLayout: the pad bytes earlier ctitui versions wrote, which
		// Windows clients may misread; a redeploy writes the Windows layout.
		return Check{OK: No, Reason: "in the old layout (a pad byte after odd-length strings, which Windows clients may misread)",
			Fix: "redeploy to rewrite it"}
	}
	sd, err := store.ScriptSecurity(ctx, p)
	if err != nil {
		return Check{OK: Yes, Reason: "its permissions could not be read: " + err.Error()}
	}
	if dec := secdesc.Evaluate(sd, targetToken(t), secdesc.FileReadRequest()); !dec.Granted {
		return Check{OK: No, Reason: t.Name + " may not read it: clients then fail the install (Software Installation error 3)",
			Fix: "redeploy the package to rewrite the script with permissions computers can read, or reset the GPO folder's permissions", Remedy: &Remedy{Action: ActionRedeployOrACL}}
	}
	return Check{OK: Yes}
}

// targetToken is the target's network-logon token: its SID and groups.
func targetToken(t Target) secdesc.Token {
	sids := []secdesc.SID{t.SID}
	for _, g := range t.Groups {
		sids = append(sids, g.SID)
	}
	return secdesc.NetworkLogonToken(sids...)
}

// principalNames resolves every domain SID in the GPOs' and packages'
// DACLs, so findings can name a group the target is not in.
func principalNames(ctx context.Context, dir *domain.Conn, gpos map[string]GPOData) map[string]string {
	seen := map[string]secdesc.SID{}
	collect := func(sd *secdesc.SecurityDescriptor) {
		if sd == nil || sd.DACL == nil {
			return
		}
		for _, a := range sd.DACL.ACEs {
			if _, _, ok := a.SID.DomainRID(); ok {
				seen[a.SID.String()] = a.SID
			}
		}
	}
	for _, g := range gpos {
		collect(g.DACL)
		for _, p := range g.Packages {
			collect(p.DACL)
		}
	}
	sids := make([]secdesc.SID, 0, len(seen))
	for _, s := range seen {
		sids = append(sids, s)
	}
	names := map[string]string{}
	groups, err := dir.GroupsBySID(ctx, sids)
	if err != nil {
		return names
	}
	for _, g := range groups {
		names[g.SID] = g.Name
	}
	return names
}

// dnsLookupTimeout bounds the look-up of the computer's address: the doctor
// must answer even where the console's resolver cannot see the domain's DNS.
const dnsLookupTimeout = 2 * time.Second

// gatherSite works out the target's site and returns its SOM, or, when it
// cannot be known, the sites that have GPO links as candidates. Only a site
// or an address the admin names that does not fit the forest is an error.
func gatherSite(ctx context.Context, dir *domain.Conn, req Request, dnsName string) (SiteData, *SOM, error) {
	sites, err := dir.Sites(ctx)
	if err != nil {
		if req.Site != "" || req.IP != "" {
			return SiteData{}, nil, err
		}
		return SiteData{Error: err.Error()}, nil, nil
	}
	som := func(s domain.Site) *SOM {
		return &SOM{DN: s.DN, Name: s.Name, IsSite: true, Links: s.Links}
	}
	var linked []SOM
	for _, s := range sites {
		if len(s.Links) > 0 {
			linked = append(linked, *som(s))
		}
	}
	if req.Site != "" {
		for _, s := range sites {
			if strings.EqualFold(s.Name, req.Site) {
				return SiteData{Name: s.Name, How: "given", Given: true}, som(s), nil
			}
		}
		return SiteData{}, nil, fmt.Errorf("site %q not found; the forest's sites are: %s (nltest /dsgetsite on the client shows its site)", req.Site, siteNames(sites))
	}
	var ip netip.Addr
	from, given := "", false
	switch {
	case req.IP != "":
		if ip, err = netip.ParseAddr(strings.TrimSpace(req.IP)); err != nil {
			return SiteData{}, nil, &AddressError{Value: req.IP}
		}
		from, given = "given", true
	case len(linked) == 0:
		// No GPO is linked to any site: where the client is does not matter,
		// so do not spend a DNS look-up on it.
		return SiteData{}, nil, nil
	case dnsName != "":
		if ip, err = lookupAddr(ctx, req.Resolver, dnsName); err == nil {
			from = "from DNS for " + dnsName
		}
	}
	if !ip.IsValid() {
		why := "a computer learns its site from a domain controller, which maps the computer's IP address to a subnet; the directory does not record it"
		if dnsName != "" {
			why += fmt.Sprintf(", and %s could not be resolved", dnsName)
		}
		return SiteData{Unknown: why, Candidates: linked}, nil, nil
	}
	s, subnet, ok := domain.SiteOfIP(sites, ip)
	if !ok {
		return SiteData{Candidates: linked, Unknown: fmt.Sprintf(
			"address %s (%s) is in no subnet of any site: a client the DC cannot place skips site-linked GPOs ([MS-GPOL] 3.2.5.1.4), though a DC may instead name its closest site", ip, from)}, nil, nil
	}
	return SiteData{Name: s.Name, How: fmt.Sprintf("address %s (%s) is in subnet %s", ip, from, subnet), Given: given}, som(s), nil
}

// lookupAddr resolves a host name to its first address, within
// dnsLookupTimeout.
func lookupAddr(ctx context.Context, r *net.Resolver, host string) (netip.Addr, error) {
	if r == nil {
		r = net.DefaultResolver
	}
	ctx, cancel := context.WithTimeout(ctx, dnsLookupTimeout)
	defer cancel()
	addrs, err := r.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return netip.Addr{}, err
	}
	if len(addrs) == 0 {
		return netip.Addr{}, fmt.Errorf("%s has no address", host)
	}
	return addrs[0], nil
}

func siteNames(sites []domain.Site) string {
	names := make([]string, 0, len(sites))
	for _, s := range sites {
		names = append(names, s.Name)
	}
	return strings.Join(names, ", ")
}
