package si

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/ctitui/ctitui/gpo"
)

// Package is a packageRegistration object as the console shows it.
type Package struct {
	// ID is the objectGUID, the PackageId of [MS-GPSI] 3.1.1.4 that
	// canUpgradeScript refers to; RDN is the GUID in the object's name.
	ID  string `json:"id"`
	RDN string `json:"rdn"`
	DN  string `json:"dn"`
	// GPO is the GPO's GUID, GPOName its display name.
	GPO     string `json:"gpo"`
	GPOName string `json:"gpoName,omitempty"`
	Scope   string `json:"scope"` // "computer" or "user"
	Name    string `json:"name"`
	// Deployment is assigned or published; State active, removing or
	// orphaned.
	Deployment  Deployment `json:"deployment"`
	State       State      `json:"state"`
	Flags       Flags      `json:"packageFlags"`
	FlagNames   []string   `json:"flags"`
	ScriptName  string     `json:"msiScriptName"`
	Revision    int        `json:"revision"`
	ProductCode string     `json:"productCode"`
	UpgradeCode string     `json:"upgradeCode,omitempty"`
	Version     string     `json:"version"`
	Vendor      string     `json:"vendor,omitempty"`
	Locales     []int      `json:"localeID,omitempty"`
	// Arch are the machineArchitecture values as stored; ArchNames the
	// same decoded (ArchitectureName: "x86", "x64", ...).
	Arch      []int    `json:"machineArchitecture,omitempty"`
	ArchNames []string `json:"architectures,omitempty"`
	// ArchOldForm says that a machineArchitecture value is in the form
	// earlier ctitui versions wrote (2304 for x64), which is not a value
	// of [MS-GPSI] 2.2.2.4.1 and matches no client: a redeploy rewrites it.
	ArchOldForm bool     `json:"machineArchitectureOldForm,omitempty"`
	UILevel     int      `json:"installUiLevel,omitempty"`
	MSIPath     string   `json:"msiPath"`
	Transforms  []string `json:"transforms,omitempty"`
	ScriptPath  string   `json:"scriptPath"`
	LastUpdate  string   `json:"lastUpdateSequence,omitempty"`
	// Categories are the categories values (category GUIDs);
	// CategoryNames the same categories by name.
	Categories    []string  `json:"categories,omitempty"`
	CategoryNames []string  `json:"categoryNames,omitempty"`
	Upgrades      []Upgrade `json:"upgrades,omitempty"`
	MSIReachable  *bool     `json:"msiReachable,omitempty"`
	// ScriptReachable says whether the .aas could be read from SYSVOL.
	ScriptReachable *bool `json:"scriptReachable,omitempty"`
	// ScriptOldLayout says that the script is in the old layout earlier
	// ctitui versions wrote (a pad byte after odd-length strings,
	// aas.OldLayout), which Windows clients may misread: a redeploy
	// rewrites it.
	ScriptOldLayout bool   `json:"scriptOldLayout,omitempty"`
	ReachError      string `json:"reachError,omitempty"`

	half       gpo.Half
	fileList   []string
	upgrades   []string
	scriptSize string
	archRaw    []string
}

// Half is the GPO half the package is in.
func (p Package) Half() gpo.Half { return p.half }

// packageAttributes are read for every package.
func packageAttributes() []string {
	return []string{"objectGUID", "cn", "displayName", "packageName", "packageType", "packageFlags", "msiScriptName",
		"msiScriptPath", "msiFileList", "productCode", "upgradeProductCode", "versionNumberHi", "versionNumberLo",
		"revision", "lastUpdateSequence", "localeID", "machineArchitecture", "installUiLevel", "vendor", "url",
		"categories", "canUpgradeScript", "msiScriptSize"}
}

// packageFromEntry decodes an entry; the GPO and half come from its DN.
func packageFromEntry(e *ldap.Entry) (Package, error) {
	guid, half, err := parsePackageDN(e.DN)
	if err != nil {
		return Package{}, err
	}
	flags, _ := strconv.ParseInt(e.GetAttributeValue("packageFlags"), 10, 64)
	rev, _ := strconv.Atoi(e.GetAttributeValue("revision"))
	hi, _ := strconv.Atoi(e.GetAttributeValue("versionNumberHi"))
	lo, _ := strconv.Atoi(e.GetAttributeValue("versionNumberLo"))
	ui, _ := strconv.Atoi(e.GetAttributeValue("installUiLevel"))
	p := Package{
		ID:          guidFromBytes(e.GetRawAttributeValue("objectGUID")),
		RDN:         e.GetAttributeValue("cn"),
		DN:          e.DN,
		GPO:         guid,
		Scope:       half.String(),
		Name:        e.GetAttributeValue("displayName"),
		Flags:       Flags(uint32(flags)),
		ScriptName:  e.GetAttributeValue("msiScriptName"),
		Revision:    rev,
		ProductCode: guidFromBytes(e.GetRawAttributeValue("productCode")),
		UpgradeCode: guidFromBytes(e.GetRawAttributeValue("upgradeProductCode")),
		Version:     fmt.Sprintf("%d.%d", hi, lo),
		Vendor:      e.GetAttributeValue("vendor"),
		UILevel:     ui,
		ScriptPath:  e.GetAttributeValue("msiScriptPath"),
		LastUpdate:  e.GetAttributeValue("lastUpdateSequence"),
		Categories:  e.GetAttributeValues("categories"),
		half:        half,
		fileList:    e.GetAttributeValues("msiFileList"),
		upgrades:    e.GetAttributeValues("canUpgradeScript"),
		scriptSize:  e.GetAttributeValue("msiScriptSize"),
	}
	for _, v := range e.GetAttributeValues("localeID") {
		if n, err := strconv.Atoi(v); err == nil {
			p.Locales = append(p.Locales, n)
		}
	}
	p.archRaw = e.GetAttributeValues("machineArchitecture")
	for _, v := range p.archRaw {
		if n, err := strconv.Atoi(v); err == nil {
			p.Arch = append(p.Arch, n)
			name, old := ArchitectureName(n)
			p.ArchNames = append(p.ArchNames, name)
			p.ArchOldForm = p.ArchOldForm || old
		}
	}
	p.MSIPath, p.Transforms = splitFileList(p.fileList)
	p.FlagNames = p.Flags.Names()
	p.State = StateOf(p.Flags)
	p.Deployment = Assigned
	if p.Flags&FlagPublished != 0 {
		p.Deployment = Published
	}
	for _, v := range p.upgrades {
		u, err := ParseUpgrade(v)
		if err != nil {
			continue // [MS-GPSI] 2.2.2.4.1: a malformed value is treated as empty
		}
		p.Upgrades = append(p.Upgrades, u)
	}
	return p, nil
}

// parsePackageDN takes the GPO GUID and half from
// CN={id},CN=Packages,CN=Class Store,CN=Machine|User,CN={GPO},CN=Policies,...
func parsePackageDN(dn string) (string, gpo.Half, error) {
	parsed, err := ldap.ParseDN(dn)
	if err != nil || len(parsed.RDNs) < 5 {
		return "", 0, fmt.Errorf("package DN %q is not CN=<id>,CN=Packages,CN=Class Store,CN=Machine|User,CN={GPO},...", dn)
	}
	val := func(i int) string {
		if len(parsed.RDNs[i].Attributes) == 0 {
			return ""
		}
		return parsed.RDNs[i].Attributes[0].Value
	}
	var half gpo.Half
	switch strings.ToLower(val(3)) {
	case "machine":
		half = gpo.Computer
	case "user":
		half = gpo.User
	default:
		return "", 0, fmt.Errorf("package DN %q is not under CN=Machine or CN=User of a GPO", dn)
	}
	return strings.ToUpper(val(4)), half, nil
}

// msiFileList values are "<index>:<path>": 0 the .msi, 1..n the
// transforms in the order they apply (2.2.2.4.1).
func fileList(msiPath string, transforms []string) []string {
	out := []string{"0:" + msiPath}
	for i, t := range transforms {
		out = append(out, strconv.Itoa(i+1)+":"+t)
	}
	return out
}

func splitFileList(vals []string) (string, []string) {
	byIndex := map[int]string{}
	maxIndex := -1
	for _, v := range vals {
		k, path, ok := strings.Cut(v, ":")
		n, err := strconv.Atoi(k)
		if !ok || err != nil || n < 0 {
			continue
		}
		byIndex[n] = path
		maxIndex = max(maxIndex, n)
	}
	var transforms []string
	for i := 1; i <= maxIndex; i++ {
		if t, ok := byIndex[i]; ok {
			transforms = append(transforms, t)
		}
	}
	return byIndex[0], transforms
}

// guidBytes encodes "{xxxxxxxx-...}" the way GUIDs are stored in the
// directory (productCode, objectGUID): the first three fields little
// endian ([MS-DTYP] 2.3.4.2).
func guidBytes(s string) ([]byte, error) {
	t := strings.Trim(strings.TrimSpace(s), "{}")
	parts := strings.Split(t, "-")
	if len(parts) != 5 || len(parts[0]) != 8 || len(parts[1]) != 4 || len(parts[2]) != 4 || len(parts[3]) != 4 || len(parts[4]) != 12 {
		return nil, fmt.Errorf("%q is not a GUID", s)
	}
	hexPart := func(h string) ([]byte, error) {
		b := make([]byte, len(h)/2)
		for i := range b {
			v, err := strconv.ParseUint(h[2*i:2*i+2], 16, 8)
			if err != nil {
				return nil, fmt.Errorf("%q is not a GUID", s)
			}
			b[i] = byte(v)
		}
		return b, nil
	}
	out := make([]byte, 16)
	d1, err := strconv.ParseUint(parts[0], 16, 32)
	if err != nil {
		return nil, fmt.Errorf("%q is not a GUID", s)
	}
	d2, err2 := strconv.ParseUint(parts[1], 16, 16)
	d3, err3 := strconv.ParseUint(parts[2], 16, 16)
	if err2 != nil || err3 != nil {
		return nil, fmt.Errorf("%q is not a GUID", s)
	}
	binary.LittleEndian.PutUint32(out[0:], uint32(d1))
	binary.LittleEndian.PutUint16(out[4:], uint16(d2))
	binary.LittleEndian.PutUint16(out[6:], uint16(d3))
	tail, err := hexPart(parts[3] + parts[4])
	if err != nil {
		return nil, err
	}
	copy(out[8:], tail)
	return out, nil
}

// guidFromBytes is the inverse of guidBytes; "" for anything but 16 bytes.
func guidFromBytes(b []byte) string {
	if len(b) != 16 {
		return ""
	}
	return fmt.Sprintf("{%08X-%04X-%04X-%X-%X}", binary.LittleEndian.Uint32(b[0:]),
		binary.LittleEndian.Uint16(b[4:]), binary.LittleEndian.Uint16(b[6:]), b[8:10], b[10:16])
}

// updateSequence is a lastUpdateSequence value: the UTC time of the change
// ([MS-GPSI] 2.2.3.2.5 item 1), written as yyyyMMddHHmmss like the
// values on Windows-made class stores.
func updateSequence(t time.Time) string { return t.UTC().Format("20060102150405") }

// ldapGUIDEscape renders bytes for an LDAP filter.
func ldapGUIDEscape(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		fmt.Fprintf(&sb, `\%02x`, c)
	}
	return sb.String()
}
