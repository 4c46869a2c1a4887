//go:build linux

package testdomain

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/go-ldap/ldap/v3"
)

// Seed describes the directory every test domain starts with. It is built by
// a function (not a package variable) so tests cannot change it for others.
type Seed struct {
	OUs       []SeedOU
	Computers []SeedComputer
	Groups    []SeedGroup
	Users     []SeedUser
	// LegacyGPO is an existing GPO, made by samba-tool, linked to LegacyGPOLinkedTo.
	LegacyGPO         string
	LegacyGPOLinkedTo []string // OU path
	WMIFilter         SeedWMIFilter
	// LoopbackGPO, made by samba-tool and linked to LoopbackGPOLinkedTo
	// (the RDS hosts' OU), turns on loopback processing of user Group
	// Policy in LoopbackMode: its Machine\Registry.pol, written by
	// Samba's own PReg encoder, sets UserPolicyMode.
	LoopbackGPO         string
	LoopbackGPOLinkedTo []string
	LoopbackMode        uint32
}

// Loopback modes: the UserPolicyMode DWORD under
// Software\Policies\Microsoft\Windows\System ("Configure user Group Policy
// loopback processing mode" in Administrative Templates).
const (
	LoopbackMerge   = 1
	LoopbackReplace = 2
)

// RegistryValue is one Registry.pol entry to write with WriteRegistryPol.
type RegistryValue struct {
	Key, Value string
	// DWORD is written as REG_DWORD unless String is set (REG_SZ).
	DWORD  uint32
	String string
}

// SeedOU is an organizational unit given by its path from the domain root.
type SeedOU struct {
	Path             []string
	Description      string
	BlockInheritance bool
}

// SeedComputer is a computer account in the OU at OU (nil: CN=Computers).
type SeedComputer struct {
	Name string
	OU   []string
	OS   string
}

// SeedGroup is a global security group in OU=Groups. Members are computer
// names, user logon names, or other groups' names (nesting).
type SeedGroup struct {
	Name        string
	Description string
	Computers   []string
	Users       []string
	Groups      []string
}

// SeedUser is an enabled (or disabled) user account.
type SeedUser struct {
	Login       string
	DisplayName string
	OU          []string
	Disabled    bool
}

// SeedWMIFilter is a WMI filter (msWMI-Som) attached to the legacy GPO.
type SeedWMIFilter struct {
	ID, Name, Description, Query string
}

// DefaultSeed is the standard test directory: nested OUs with Cyrillic and
// hostile names, an OU with Block Inheritance, 49 computers (50 with the DC),
// groups with direct and nested computer members, users, a linked GPO and a
// WMI filter.
func DefaultSeed() Seed {
	s := Seed{
		OUs: []SeedOU{
			{Path: []string{"Компания"}, Description: "Головной офис"},
			{Path: []string{"Компания", "Бухгалтерия"}, Description: "Бухгалтерия"},
			{Path: []string{"Компания", "Продажи"}, Description: "Отдел продаж"},
			{Path: []string{"Компания", "Продажи", "Региональные"}, Description: "Региональные менеджеры"},
			{Path: []string{"Компания", "ИТ"}, Description: "ИТ-отдел"},
			{Path: []string{"Workstations"}, Description: "Office workstations"},
			{Path: []string{"Workstations", "Office Moscow"}},
			{Path: []string{"Workstations", "Office SPb"}, Description: "Own policies only", BlockInheritance: true},
			{Path: []string{"Servers"}},
			{Path: []string{"Servers", "Terminal Servers"}, Description: "RDS session hosts"},
			{Path: []string{"Lab, R&D + QA"}, Description: `Name with a comma, a plus and a backslash\ in the description`},
			{Path: []string{"Archive"}, Description: "Empty OU"},
			{Path: []string{"Groups"}, Description: "Security groups"},
		},
		Groups: []SeedGroup{
			{Name: "MikoCTI_Computers", Description: "Computers that get the MIKO CTI panel",
				Computers: []string{"BUH-PC01", "BUH-PC02", "BUH-PC03", "MSK-PC01", "MSK-PC02", "MSK-PC03", "MSK-PC04", "MSK-PC05", "RDS-01"},
				Groups:    []string{"MikoCTI_Sales_PCs"}},
			{Name: "MikoCTI_Sales_PCs", Description: "Sales computers (nested in MikoCTI_Computers)",
				Computers: computerRange("SALES-PC", 1, 8)},
			{Name: "MikoCTI_Pilot", Description: "Pilot group, no members yet"},
			{Name: "MikoCTI_Users", Description: "Users of the MIKO CTI panel", Users: []string{"ivanov", "petrova"}},
			{Name: "MikoCTI_Blocked", Description: "Computers explicitly denied the panel", Computers: []string{"SALES-PC08"}},
			{Name: "Бухгалтерия - компьютеры", Description: "Компьютеры бухгалтерии", Computers: computerRange("BUH-PC", 1, 6)},
			{Name: "RDS_Hosts", Description: "Terminal servers", Computers: []string{"RDS-01", "RDS-02", "RDS-03"}},
		},
		Users: []SeedUser{
			{Login: "ivanov", DisplayName: "Иван Иванов", OU: []string{"Компания", "Бухгалтерия"}},
			{Login: "petrova", DisplayName: "Мария Петрова", OU: []string{"Компания", "Продажи"}},
			{Login: "sidorov", DisplayName: "Пётр Сидоров", OU: []string{"Компания", "ИТ"}},
			{Login: "helpdesk", DisplayName: "Helpdesk Operator", OU: []string{"Компания", "ИТ"}},
			{Login: "former.employee", DisplayName: "Former Employee", OU: []string{"Компания"}, Disabled: true},
		},
		LegacyGPO:           "Office Settings (legacy)",
		LegacyGPOLinkedTo:   []string{"Компания"},
		LoopbackGPO:         "RDS Loopback",
		LoopbackGPOLinkedTo: []string{"Servers", "Terminal Servers"},
		LoopbackMode:        LoopbackReplace,
		WMIFilter: SeedWMIFilter{
			ID:          "{5B7F2C1E-3A4D-4E8F-9C10-2B3D4E5F6A7B}",
			Name:        "Windows 10/11 workstations",
			Description: "Client editions of Windows 10 and 11",
			Query:       "SELECT * FROM Win32_OperatingSystem WHERE Version LIKE '10.%' AND ProductType = 1",
		},
	}
	add := func(ou []string, os string, names ...string) {
		for _, n := range names {
			s.Computers = append(s.Computers, SeedComputer{Name: n, OU: ou, OS: os})
		}
	}
	const win10, win11, srv = "Windows 10 Pro", "Windows 11 Pro", "Windows Server 2019 Standard"
	add([]string{"Компания", "Бухгалтерия"}, win10, computerRange("BUH-PC", 1, 6)...)
	add([]string{"Компания", "Продажи"}, win11, computerRange("SALES-PC", 1, 8)...)
	add([]string{"Компания", "Продажи", "Региональные"}, win10, computerRange("SALES-REG", 1, 3)...)
	add([]string{"Компания", "ИТ"}, win11, computerRange("IT-PC", 1, 4)...)
	add([]string{"Workstations", "Office Moscow"}, win10, computerRange("MSK-PC", 1, 10)...)
	add([]string{"Workstations", "Office SPb"}, win11, computerRange("SPB-PC", 1, 8)...)
	add([]string{"Servers", "Terminal Servers"}, srv, "RDS-01", "RDS-02", "RDS-03")
	add([]string{"Servers"}, srv, "SRV-FILE01", "SRV-APP01")
	add([]string{"Lab, R&D + QA"}, win10, "LAB-PC01", "LAB-PC02")
	add(nil, win11, "NEW-PC01", "NEW-PC02", "NEW-PC03")
	return s
}

func computerRange(prefix string, from, to int) []string {
	var names []string
	for i := from; i <= to; i++ {
		names = append(names, fmt.Sprintf("%s%02d", prefix, i))
	}
	return names
}

// OUDN is the DN of the OU at path (outermost first), escaped per RFC 4514.
func OUDN(path ...string) string {
	dn := BaseDN
	for _, name := range path {
		dn = "OU=" + escapeDN(name) + "," + dn
	}
	return dn
}

// ComputerDN is the DN of a seeded computer.
func (s Seed) ComputerDN(name string) string {
	for _, c := range s.Computers {
		if c.Name == name {
			if c.OU == nil {
				return "CN=" + escapeDN(name) + ",CN=Computers," + BaseDN
			}
			return "CN=" + escapeDN(name) + "," + OUDN(c.OU...)
		}
	}
	return ""
}

// GroupDN is the DN of a seeded group.
func GroupDN(name string) string { return "CN=" + escapeDN(name) + "," + OUDN("Groups") }

// UserDN is the DN of a seeded user.
func (s Seed) UserDN(login string) string {
	for _, u := range s.Users {
		if u.Login == login {
			return "CN=" + escapeDN(u.DisplayName) + "," + OUDN(u.OU...)
		}
	}
	return ""
}

// UserPassword is the password of every seeded (enabled) user. Never print it.
func (d *Domain) UserPassword() string { return d.password + "u" }

func (d *Domain) seed(ctx context.Context) error {
	s := DefaultSeed()
	conn, err := d.DialLDAP(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()

	// samba-tool is slow to start (Python); let it create the GPO while the
	// directory is filled over LDAP.
	gpoDone := make(chan gpoResult, 1)
	loopDone := make(chan gpoResult, 1)
	go func() {
		guid, err := d.createGPOWithSambaTool(ctx, s.LegacyGPO)
		gpoDone <- gpoResult{guid, err}
		if err != nil {
			loopDone <- gpoResult{"", err}
			return
		}
		guid, err = d.createGPOWithSambaTool(ctx, s.LoopbackGPO)
		loopDone <- gpoResult{guid, err}
	}()

	for _, ou := range s.OUs {
		req := ldap.NewAddRequest(OUDN(ou.Path...), nil)
		req.Attribute("objectClass", []string{"top", "organizationalUnit"})
		if ou.Description != "" {
			req.Attribute("description", []string{ou.Description})
		}
		if ou.BlockInheritance {
			// gPOptions 1 = Block Inheritance ([MS-GPOL] 2.2.2).
			req.Attribute("gPOptions", []string{"1"})
		}
		if err := conn.Add(req); err != nil {
			return fmt.Errorf("add OU %q: %w", strings.Join(ou.Path, "/"), err)
		}
	}
	for _, c := range s.Computers {
		req := ldap.NewAddRequest(s.ComputerDN(c.Name), nil)
		req.Attribute("objectClass", []string{"top", "person", "organizationalPerson", "user", "computer"})
		req.Attribute("sAMAccountName", []string{c.Name + "$"})
		// 0x1000 WORKSTATION_TRUST_ACCOUNT ([MS-ADTS] 2.2.16).
		req.Attribute("userAccountControl", []string{"4096"})
		req.Attribute("dNSHostName", []string{strings.ToLower(c.Name) + "." + DNSDomain})
		req.Attribute("operatingSystem", []string{c.OS})
		if err := conn.Add(req); err != nil {
			return fmt.Errorf("add computer %s: %w", c.Name, err)
		}
	}
	for _, u := range s.Users {
		req := ldap.NewAddRequest(s.UserDN(u.Login), nil)
		req.Attribute("objectClass", []string{"top", "person", "organizationalPerson", "user"})
		req.Attribute("sAMAccountName", []string{u.Login})
		req.Attribute("userPrincipalName", []string{u.Login + "@" + DNSDomain})
		req.Attribute("displayName", []string{u.DisplayName})
		uac := "512" // NORMAL_ACCOUNT
		if u.Disabled {
			uac = "514"
		}
		req.Attribute("userAccountControl", []string{uac})
		req.Attribute("unicodePwd", []string{unicodePwd(d.UserPassword())})
		if err := conn.Add(req); err != nil {
			return fmt.Errorf("add user %s: %w", u.Login, err)
		}
	}
	// Groups first, members after: a group may nest one defined later.
	for _, g := range s.Groups {
		req := ldap.NewAddRequest(GroupDN(g.Name), nil)
		req.Attribute("objectClass", []string{"top", "group"})
		req.Attribute("sAMAccountName", []string{g.Name})
		// Global security group: 0x80000000 | 0x2 ([MS-ADTS] 2.2.12).
		req.Attribute("groupType", []string{"-2147483646"})
		req.Attribute("description", []string{g.Description})
		if err := conn.Add(req); err != nil {
			return fmt.Errorf("add group %s: %w", g.Name, err)
		}
	}
	for _, g := range s.Groups {
		var members []string
		for _, c := range g.Computers {
			members = append(members, s.ComputerDN(c))
		}
		for _, u := range g.Users {
			members = append(members, s.UserDN(u))
		}
		for _, n := range g.Groups {
			members = append(members, GroupDN(n))
		}
		if len(members) == 0 {
			continue
		}
		req := ldap.NewModifyRequest(GroupDN(g.Name), nil)
		req.Add("member", members)
		if err := conn.Modify(req); err != nil {
			return fmt.Errorf("add members to %s: %w", g.Name, err)
		}
	}
	if err := d.addWMIFilter(conn, s.WMIFilter); err != nil {
		return err
	}

	res := <-gpoDone
	if res.err != nil {
		return res.err
	}
	gpoDN := fmt.Sprintf("CN=%s,CN=Policies,CN=System,%s", res.guid, BaseDN)
	mod := ldap.NewModifyRequest(gpoDN, nil)
	mod.Replace("gPCWQLFilter", []string{fmt.Sprintf("[%s;%s;0]", DNSDomain, s.WMIFilter.ID)})
	if err := conn.Modify(mod); err != nil {
		return fmt.Errorf("attach WMI filter to %s: %w", s.LegacyGPO, err)
	}
	// gPLink: [LDAP://<gpo dn>;<options>] ([MS-GPOL] 2.2.2); 0 = enabled, not enforced.
	link := ldap.NewModifyRequest(OUDN(s.LegacyGPOLinkedTo...), nil)
	link.Replace("gPLink", []string{fmt.Sprintf("[LDAP://%s;0]", gpoDN)})
	if err := conn.Modify(link); err != nil {
		return fmt.Errorf("link %s: %w", s.LegacyGPO, err)
	}
	return d.seedLoopback(ctx, conn, s, <-loopDone)
}

// seedLoopback links the loopback GPO to the RDS hosts' OU and gives it
// its computer settings: Registry.pol with UserPolicyMode, GPT.INI and
// versionNumber 1, and the Registry extension in
// gPCMachineExtensionNames ([MS-GPREG] 1.9: {35378EAC-683F-11D2-A89A-
// 00C04FBBCFA2} with the Administrative Templates tool {D02B1F72-...}).
func (d *Domain) seedLoopback(ctx context.Context, conn *ldap.Conn, s Seed, res gpoResult) error {
	if res.err != nil {
		return res.err
	}
	gpoDN := fmt.Sprintf("CN=%s,CN=Policies,CN=System,%s", res.guid, BaseDN)
	mod := ldap.NewModifyRequest(gpoDN, nil)
	mod.Replace("versionNumber", []string{"1"})
	mod.Replace("gPCMachineExtensionNames", []string{"[{35378EAC-683F-11D2-A89A-00C04FBBCFA2}{D02B1F72-3407-48AE-BA88-E8213C6761F1}]"})
	if err := conn.Modify(mod); err != nil {
		return fmt.Errorf("version of %s: %w", s.LoopbackGPO, err)
	}
	link := ldap.NewModifyRequest(OUDN(s.LoopbackGPOLinkedTo...), nil)
	link.Replace("gPLink", []string{fmt.Sprintf("[LDAP://%s;0]", gpoDN)})
	if err := conn.Modify(link); err != nil {
		return fmt.Errorf("link %s: %w", s.LoopbackGPO, err)
	}
	if err := d.putSysvol(ctx, res.guid, "GPT.INI", []byte("[General]\r\nVersion=1\r\ndisplayName=New Group Policy Object\r\n")); err != nil {
		return err
	}
	return d.WriteRegistryPol(ctx, res.guid, "Machine", []RegistryValue{
		{Key: `Software\Policies\Microsoft\Windows\System`, Value: "UserPolicyMode", DWORD: s.LoopbackMode},
	})
}

// GPOGUID is the {GUID} of the GPO with this display name, read with
// samba-tool.
func (d *Domain) GPOGUID(ctx context.Context, name string) (string, error) {
	out, err := d.SambaTool(ctx, "gpo", "listall")
	if err != nil {
		return "", err
	}
	// listall prints "GPO : {GUID}" then "display name : NAME" per GPO.
	var guid string
	for _, l := range strings.Split(out, "\n") {
		k, v, _ := strings.Cut(l, ":")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch k {
		case "GPO":
			guid = strings.ToUpper(v)
		case "display name":
			if v == name {
				return guid, nil
			}
		}
	}
	return "", fmt.Errorf("no GPO named %q in samba-tool gpo listall", name)
}

// WriteRegistryPol writes the GPO's <half>\Registry.pol (half "Machine"
// or "User") with Samba's own PReg encoder (python3-samba's
// samba.dcerpc.preg NDR type), not ctitui's code, and puts it on SYSVOL
// with smbclient.
func (d *Domain) WriteRegistryPol(ctx context.Context, guid, half string, values []RegistryValue) error {
	js, err := json.Marshal(values)
	if err != nil {
		return err
	}
	const script = `import json, sys
from samba.dcerpc import preg, misc
from samba.ndr import ndr_pack
f = preg.file()
f.header.signature = "PReg"
f.header.version = 1
entries = []
for v in json.load(sys.stdin):
    e = preg.entry()
    e.keyname = v["Key"]
    e.valuename = v["Value"]
    if v["String"]:
        e.type = misc.REG_SZ
        e.data = v["String"]
    else:
        e.type = misc.REG_DWORD
        e.data = v["DWORD"]
    entries.append(e)
f.num_entries = len(entries)
f.entries = entries
sys.stdout.buffer.write(ndr_pack(f))
`
	cmd := exec.CommandContext(ctx, "/usr/bin/python3", "-c", script)
	cmd.Env = d.ToolEnv()
	cmd.Stdin = bytes.NewReader(js)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	pol, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("write Registry.pol with samba.dcerpc.preg: %w\n%s", err, stderr.String())
	}
	return d.putSysvol(ctx, guid, half+`\Registry.pol`, pol)
}

// putSysvol puts a file into the GPO's SYSVOL folder with smbclient (so it
// inherits the folder's ACL as any SMB client's file would).
func (d *Domain) putSysvol(ctx context.Context, guid, rel string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Join(d.Dir, "cache"), "sysvol-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	tmp.Close()
	remote := DNSDomain + `\Policies\` + guid + `\` + rel
	cmd := exec.CommandContext(ctx, "smbclient", "-A", d.AuthFile, "//"+d.IP+"/sysvol", "-c", fmt.Sprintf("put \"%s\" \"%s\"", tmp.Name(), remote))
	cmd.Env = d.ToolEnv()
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("smbclient put %s: %w\n%s", remote, err, out)
	}
	return nil
}

type gpoResult struct {
	guid string
	err  error
}

// createGPOWithSambaTool makes a GPO the way another admin tool would, so
// ctitui's readers meet a GPO they did not write themselves.
func (d *Domain) createGPOWithSambaTool(ctx context.Context, name string) (string, error) {
	out, err := d.SambaTool(ctx, "gpo", "create", name)
	if err != nil {
		return "", err
	}
	guid := regexp.MustCompile(`\{[0-9A-Fa-f-]{36}\}`).FindString(out)
	if guid == "" {
		return "", fmt.Errorf("samba-tool gpo create %q: no GUID in output: %s", name, out)
	}
	return strings.ToUpper(guid), nil
}

// SambaTool runs samba-tool against the test DC as Administrator, with the
// password passed through the environment (never argv), and returns its
// combined output.
func (d *Domain) SambaTool(ctx context.Context, args ...string) (string, error) {
	full := append([]string{}, args...)
	full = append(full, "-H", "ldap://"+d.IP, "-U", AdminUser+"@"+Realm)
	cmd := exec.CommandContext(ctx, "samba-tool", full...)
	cmd.Env = append(d.ToolEnv(), "PASSWD_FILE="+d.PasswordFile)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("samba-tool %s: %w\n%s", strings.Join(args, " "), err, tail(string(out), 15))
	}
	return string(out), nil
}

// ToolEnv is the environment for Samba and Kerberos client tools aimed at
// this DC: our krb5.conf, a private temp dir, no ambient credentials.
func (d *Domain) ToolEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "KRB5_CONFIG", "KRB5CCNAME", "PASSWD", "PASSWD_FILE", "PASSWD_FD", "USER", "TMPDIR":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "KRB5_CONFIG="+d.KRB5Config, "TMPDIR="+filepath.Join(d.Dir, "cache"),
		"KRB5CCNAME=FILE:"+filepath.Join(d.Dir, "cache", "krb5cc_tools"))
}

func (d *Domain) addWMIFilter(conn *ldap.Conn, f SeedWMIFilter) error {
	now := time.Now().UTC().Format("20060102150405") + ".000000-000"
	req := ldap.NewAddRequest(fmt.Sprintf("CN=%s,CN=SOM,CN=WMIPolicy,CN=System,%s", f.ID, BaseDN), nil)
	req.Attribute("objectClass", []string{"top", "msWMI-Som"})
	req.Attribute("msWMI-ID", []string{f.ID})
	req.Attribute("msWMI-Name", []string{f.Name})
	req.Attribute("msWMI-Parm1", []string{f.Description})
	// <count>;<lang len>;<ns len>;<query len>;WQL;root\CIMv2;<query>; — the
	// numbers are lengths of the following fields.
	parm2 := fmt.Sprintf("1;3;10;%d;WQL;root\\CIMv2;%s;", len(f.Query), f.Query)
	req.Attribute("msWMI-Parm2", []string{parm2})
	req.Attribute("msWMI-Author", []string{AdminUPN})
	req.Attribute("msWMI-CreationDate", []string{now})
	req.Attribute("msWMI-ChangeDate", []string{now})
	req.Attribute("showInAdvancedViewOnly", []string{"TRUE"})
	if err := conn.Add(req); err != nil {
		return fmt.Errorf("add WMI filter %q: %w", f.Name, err)
	}
	return nil
}

// unicodePwd encodes a password the way AD wants it set: the quoted string
// in UTF-16LE ([MS-ADTS] 3.1.1.3.1.5.1).
func unicodePwd(pw string) string {
	u := utf16.Encode([]rune(`"` + pw + `"`))
	b := make([]byte, 2*len(u))
	for i, r := range u {
		binary.LittleEndian.PutUint16(b[2*i:], r)
	}
	return string(b)
}

// escapeDN escapes a DN attribute value (RFC 4514), '=' included: Samba's
// DN parser rejects a bare '=' in a value.
func escapeDN(v string) string { return strings.ReplaceAll(ldap.EscapeDN(v), "=", `\=`) }
