package gpo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/go-ldap/ldap/v3"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/domain/secdesc"
)

// Flags bits of a groupPolicyContainer ([MS-GPOL] 2.2.5 "flags").
const (
	FlagUserDisabled     = 0x1
	FlagComputerDisabled = 0x2
)

// GPO is what the console shows about a Group Policy Object.
type GPO struct {
	GUID string `json:"guid"`
	DN   string `json:"dn"`
	Name string `json:"name"`
	// Path is gPCFileSysPath, the UNC path of the GPO's SYSVOL folder.
	Path  string `json:"path"`
	Flags int    `json:"flags"`
	// UserEnabled and ComputerEnabled are the GPO status in GPMC's words.
	UserEnabled     bool `json:"userEnabled"`
	ComputerEnabled bool `json:"computerEnabled"`
	// Version is versionNumber in the directory; SysvolVersion the one in
	// GPT.INI (nil when it was not read or could not be).
	Version       Version  `json:"version"`
	SysvolVersion *Version `json:"sysvolVersion,omitempty"`
	// SysvolError says why SysvolVersion is missing.
	SysvolError       string `json:"sysvolError,omitempty"`
	MachineExtensions string `json:"machineExtensions,omitempty"`
	UserExtensions    string `json:"userExtensions,omitempty"`
	// WMIFilter is the gPCWQLFilter value; WMIFilterName its msWMI-Name.
	WMIFilter     string `json:"wmiFilter,omitempty"`
	WMIFilterName string `json:"wmiFilterName,omitempty"`
	Links         []Link `json:"links"`
	// Filtering lists who has Read and Apply Group Policy on the GPO.
	Filtering []Trustee `json:"filtering,omitempty"`
	// HalfMade are the signs of a GPO a cut-off run (or another tool)
	// left half-made, read with the SYSVOL versions.
	HalfMade []HalfMade `json:"halfMade,omitempty"`
}

// HalfMade is one sign of a half-made GPO.
type HalfMade struct {
	// Code is "sysvol-incomplete" (Machine\ or User\ missing from the
	// GPO's folder) or "si-extension-mismatch" (the half's extension
	// names and its class store disagree about Software Installation).
	Code    string `json:"code"`
	Half    string `json:"half,omitempty"`
	Message string `json:"message"`
	// Packages is, for "si-extension-mismatch", how many packages the
	// half's class store holds (0: the extension names list Software
	// Installation for nothing; more: they lack it).
	Packages int `json:"packages,omitempty"`
}

// MarshalJSON adds the derived status, appliesTo and versionMismatch, so
// scripts need not recompute them.
func (g GPO) MarshalJSON() ([]byte, error) {
	type plain GPO
	return json.Marshal(struct {
		plain
		Status          string   `json:"status"`
		AppliesTo       []string `json:"appliesTo"`
		VersionMismatch bool     `json:"versionMismatch"`
	}{plain(g), g.Status(), g.AppliesTo(), g.VersionMismatch()})
}

// VersionMismatch reports whether the directory and SYSVOL disagree on the
// version: clients then apply settings that do not match what GPMC shows.
func (g GPO) VersionMismatch() bool { return g.SysvolVersion != nil && *g.SysvolVersion != g.Version }

// Status is the GPO status as GPMC names it.
func (g GPO) Status() string {
	switch {
	case g.UserEnabled && g.ComputerEnabled:
		return "enabled"
	case g.ComputerEnabled:
		return "user settings disabled"
	case g.UserEnabled:
		return "computer settings disabled"
	default:
		return "all settings disabled"
	}
}

// gpoAttributes are read for every GPO.
func gpoAttributes() []string {
	return []string{"cn", "displayName", "gPCFileSysPath", "flags", "versionNumber",
		"gPCMachineExtensionNames", "gPCUserExtensionNames", "gPCWQLFilter", "gPCFunctionalityVersion"}
}

func gpoFromEntry(e *ldap.Entry) GPO {
	flags, _ := strconv.Atoi(e.GetAttributeValue("flags"))
	ver, _ := strconv.ParseInt(e.GetAttributeValue("versionNumber"), 10, 64)
	return GPO{
		GUID:              strings.ToUpper(e.GetAttributeValue("cn")),
		DN:                e.DN,
		Name:              e.GetAttributeValue("displayName"),
		Path:              e.GetAttributeValue("gPCFileSysPath"),
		Flags:             flags,
		UserEnabled:       flags&FlagUserDisabled == 0,
		ComputerEnabled:   flags&FlagComputerDisabled == 0,
		Version:           Version(uint32(ver)),
		MachineExtensions: e.GetAttributeValue("gPCMachineExtensionNames"),
		UserExtensions:    e.GetAttributeValue("gPCUserExtensionNames"),
		WMIFilter:         e.GetAttributeValue("gPCWQLFilter"),
		Links:             []Link{},
	}
}

var guidPattern = regexp.MustCompile(`^\{?[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}?$`)

// normalizeGUID turns "guid" or "{guid}" into "{GUID}", or "" when ref is
// not a GUID.
func normalizeGUID(ref string) string {
	if !guidPattern.MatchString(ref) {
		return ""
	}
	return "{" + strings.ToUpper(strings.Trim(ref, "{}")) + "}"
}

// Find returns the GPO named by ref: a "{GUID}" or a display name. Several
// GPOs may share a display name (the directory does not forbid it); then
// the error lists their GUIDs so the admin can pick one.
func (s *Session) Find(ctx context.Context, ref string) (GPO, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return GPO{}, ErrNoGPO
	}
	c, err := s.Dir(ctx)
	if err != nil {
		return GPO{}, err
	}
	if guid := normalizeGUID(ref); guid != "" {
		e, err := c.Read(ctx, s.gpoDN(guid), gpoAttributes())
		if err != nil {
			if domain.IsNoSuchObject(err) {
				return GPO{}, &NotFoundError{Kind: KindGPO, GUID: guid, Domain: s.dnsDomain}
			}
			return GPO{}, err
		}
		return gpoFromEntry(e), nil
	}
	found, err := s.findByName(ctx, ref)
	if err != nil {
		return GPO{}, err
	}
	switch len(found) {
	case 0:
		return GPO{}, &NotFoundError{Kind: KindGPO, Name: ref, Domain: s.dnsDomain}
	case 1:
		return found[0], nil
	default:
		var ids []string
		for _, g := range found {
			ids = append(ids, g.GUID)
		}
		return GPO{}, fmt.Errorf("%d GPOs are named %q: %s; give the {GUID} instead", len(found), ref, strings.Join(ids, ", "))
	}
}

func (s *Session) findByName(ctx context.Context, name string) ([]GPO, error) {
	c, err := s.Dir(ctx)
	if err != nil {
		return nil, err
	}
	entries, err := c.SearchAll(ctx, s.policiesDN(), ldap.ScopeSingleLevel,
		"(&(objectClass=groupPolicyContainer)(displayName="+domain.EscapeFilterValue(name)+"))", gpoAttributes())
	if err != nil {
		return nil, fmt.Errorf("look for GPO %q: %w", name, err)
	}
	out := make([]GPO, 0, len(entries))
	for _, e := range entries {
		out = append(out, gpoFromEntry(e))
	}
	return out, nil
}

// Detail selects what Show and List read besides the object itself.
type Detail struct {
	Links     bool
	Filtering bool
	Sysvol    bool
}

// FullDetail reads everything.
func FullDetail() Detail { return Detail{Links: true, Filtering: true, Sysvol: true} }

// Show reads one GPO with its links, filtering, WMI filter and both
// versions.
func (s *Session) Show(ctx context.Context, ref string) (GPO, error) {
	g, err := s.Find(ctx, ref)
	if err != nil {
		return GPO{}, err
	}
	gs := []GPO{g}
	if err := s.fill(ctx, gs, FullDetail()); err != nil {
		return GPO{}, err
	}
	return gs[0], nil
}

// List reads every GPO of the domain, by display name.
func (s *Session) List(ctx context.Context, d Detail) ([]GPO, error) {
	c, err := s.Dir(ctx)
	if err != nil {
		return nil, err
	}
	entries, err := c.SearchAll(ctx, s.policiesDN(), ldap.ScopeSingleLevel, "(objectClass=groupPolicyContainer)", gpoAttributes())
	if err != nil {
		return nil, fmt.Errorf("list GPOs: %w", err)
	}
	gs := make([]GPO, 0, len(entries))
	for _, e := range entries {
		gs = append(gs, gpoFromEntry(e))
	}
	slices.SortFunc(gs, func(a, b GPO) int {
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.GUID, b.GUID)
	})
	return gs, s.fill(ctx, gs, d)
}

// fill adds links, WMI filter names, filtering and SYSVOL versions.
func (s *Session) fill(ctx context.Context, gs []GPO, d Detail) error {
	if d.Links {
		all, err := s.allLinks(ctx)
		if err != nil {
			return err
		}
		for i := range gs {
			gs[i].Links = append([]Link{}, all[gs[i].GUID]...)
		}
	}
	filters, err := s.WMIFilters(ctx)
	if err != nil {
		return err
	}
	for i := range gs {
		if ref, err := parseWQLFilterRef(gs[i].WMIFilter); err == nil {
			for _, f := range filters {
				if strings.EqualFold(f.ID, ref) {
					gs[i].WMIFilterName = f.Name
				}
			}
		}
	}
	if d.Filtering {
		for i := range gs {
			if gs[i].Filtering, err = s.filtering(ctx, gs[i].DN); err != nil {
				return err
			}
		}
	}
	if d.Sysvol {
		for i := range gs {
			v, err := s.sysvolVersion(ctx, gs[i].GUID)
			if err != nil {
				gs[i].SysvolError = err.Error()
				continue
			}
			gs[i].SysvolVersion = &v
			hm, err := s.halfMade(ctx, gs[i])
			if err != nil {
				return err
			}
			gs[i].HalfMade = hm
		}
	}
	return nil
}

// halfMade looks for what a GPO made as GPMC (or ctitui) makes one must
// have and a cut-off run may lack: the Machine and User folders next to
// GPT.INI (what GPMC and samba-tool gpo create make, see CreatePlan), and, per half,
// Software Installation in the extension names exactly when the class
// store holds packages ([MS-GPSI] 1.9: the extension names are what makes
// clients look at the class store).
func (s *Session) halfMade(ctx context.Context, g GPO) ([]HalfMade, error) {
	sh, err := s.SysVol(ctx)
	if err != nil {
		return nil, err
	}
	var out []HalfMade
	for _, half := range []string{"Machine", "User"} {
		if _, err := sh.Stat(ctx, s.gpoRel(g.GUID)+`\`+half); errors.Is(err, fs.ErrNotExist) {
			out = append(out, HalfMade{Code: "sysvol-incomplete", Half: half,
				Message: fmt.Sprintf("the GPO's SYSVOL folder has no %s folder", half)})
		} else if err != nil {
			return nil, err
		}
	}
	c, err := s.Dir(ctx)
	if err != nil {
		return nil, err
	}
	for _, h := range []struct {
		name, ext string
	}{{"Machine", g.MachineExtensions}, {"User", g.UserExtensions}} {
		listed := strings.Contains(strings.ToUpper(h.ext), CSESoftwareInstallation)
		res, err := c.SearchAll(ctx, "CN=Packages,CN=Class Store,CN="+h.name+","+g.DN, ldap.ScopeSingleLevel, "(objectClass=packageRegistration)", []string{"1.1"})
		if err != nil && !domain.IsNoSuchObject(err) {
			return nil, err
		}
		switch n := len(res); {
		case listed && n == 0:
			out = append(out, HalfMade{Code: "si-extension-mismatch", Half: h.name,
				Message: fmt.Sprintf("the %s extension names list Software Installation, but its class store holds no package", h.name)})
		case !listed && n > 0:
			out = append(out, HalfMade{Code: "si-extension-mismatch", Half: h.name,
				Message: fmt.Sprintf("the %s class store holds %d package(s), but the extension names lack Software Installation: clients never install them", h.name, n), Packages: n})
		}
	}
	return out, nil
}

// errNoGPTINI is a GPO folder without GPT.INI; it is an fs.ErrNotExist,
// unlike a GPT.INI that could not be read (a DC that stopped answering,
// access denied).
type errNoGPTINI struct{}

func (errNoGPTINI) Error() string { return "GPT.INI is missing: the GPO's SYSVOL folder is incomplete" }
func (errNoGPTINI) Unwrap() error { return fs.ErrNotExist }

// sysvolVersion reads the Version of the GPO's GPT.INI.
func (s *Session) sysvolVersion(ctx context.Context, guid string) (Version, error) {
	sh, err := s.SysVol(ctx)
	if err != nil {
		return 0, err
	}
	data, err := sh.ReadFile(ctx, s.gpoRel(guid)+`\GPT.INI`)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return 0, errNoGPTINI{}
		}
		return 0, err
	}
	return ParseGPTINI(data)
}

// Trustee is one principal in a GPO's DACL, with what the access check
// gives it ([MS-GPOL] 3.2.5.1.6: a GPO applies to a computer or user that
// has Read and Apply Group Policy).
type Trustee struct {
	SID   string `json:"sid"`
	Name  string `json:"name"`
	Read  bool   `json:"read"`
	Apply bool   `json:"apply"`
	// Denied is true when a deny ACE takes Apply Group Policy away.
	Denied bool `json:"denied,omitempty"`
}

// filtering evaluates each trustee of the GPO's DACL on its own.
func (s *Session) filtering(ctx context.Context, dn string) ([]Trustee, error) {
	c, err := s.Dir(ctx)
	if err != nil {
		return nil, err
	}
	sd, _, err := c.ReadSecurityDescriptor(ctx, dn, secdesc.DACLSecurityInformation)
	if err != nil {
		return nil, err
	}
	return s.trustees(ctx, sd)
}

func (s *Session) trustees(ctx context.Context, sd *secdesc.SecurityDescriptor) ([]Trustee, error) {
	var sids []secdesc.SID
	if sd.DACL != nil {
		for _, a := range sd.DACL.ACEs {
			if !slices.Contains(sids, a.SID) && !isCreatorSID(a.SID) {
				sids = append(sids, a.SID)
			}
		}
	}
	names, err := s.names(ctx, sids)
	if err != nil {
		return nil, err
	}
	out := make([]Trustee, 0, len(sids))
	for _, sid := range sids {
		tok := secdesc.NewToken(sid)
		apply := secdesc.Evaluate(sd, tok, secdesc.ApplyGroupPolicyRequest())
		out = append(out, Trustee{
			SID:    sid.String(),
			Name:   names[sid],
			Read:   secdesc.Evaluate(sd, tok, secdesc.ReadRequest()).Granted,
			Apply:  apply.Granted,
			Denied: apply.Denied != nil,
		})
	}
	return out, nil
}

// names resolves SIDs to names: well-known ones from secdesc, others from
// the directory.
func (s *Session) names(ctx context.Context, sids []secdesc.SID) (map[secdesc.SID]string, error) {
	out := map[secdesc.SID]string{}
	var lookup []secdesc.SID
	for _, sid := range sids {
		if n, ok := secdesc.PrincipalName(sid, s.domainSID); ok {
			out[sid] = n
		} else {
			lookup = append(lookup, sid)
		}
	}
	if len(lookup) == 0 {
		return out, nil
	}
	c, err := s.Dir(ctx)
	if err != nil {
		return nil, err
	}
	var parts []string
	for _, sid := range lookup {
		parts = append(parts, "(objectSid="+sid.String()+")")
	}
	entries, err := c.SearchAll(ctx, s.BaseDN(), ldap.ScopeWholeSubtree, "(|"+strings.Join(parts, "")+")",
		[]string{"objectSid", "sAMAccountName"})
	if err != nil {
		return nil, fmt.Errorf("resolve trustees of the GPO: %w", err)
	}
	for _, e := range entries {
		sid, _, err := secdesc.DecodeSID(e.GetRawAttributeValue("objectSid"))
		if err == nil {
			out[sid] = e.GetAttributeValue("sAMAccountName")
		}
	}
	for _, sid := range lookup {
		if out[sid] == "" {
			out[sid] = sid.String()
		}
	}
	return out, nil
}
