package si

import (
	"errors"
	"strings"
	"testing"

	"github.com/ctitui/ctitui/gpo"
)

// The values a Windows server writes (exported from a real server and
// published by the ice2k project) decode to the spec's flags.
func TestWindowsFlagValuesDecode(t *testing.T) {
	for _, c := range []struct {
		v     Flags
		state State
		want  string
	}{
		{0xA0084C70, StateActive, "Valid, UserInstall, OnDemandInstall, Assigned, OrphanOnPolicyRemoval, ForceUpgrade, FullInstallUI, 0xA0000000"},
		{0xA0080878, StateActive, "Published, Valid, UserInstall, OnDemandInstall, OrphanOnPolicyRemoval, FullInstallUI, 0xA0000000"},
		{0xA0080110, StateRemoving, "Valid, Uninstall, FullInstallUI, 0xA0000000"},
	} {
		if got := strings.Join(c.v.Names(), ", "); got != c.want {
			t.Errorf("%#x names %q, want %q", uint32(c.v), got, c.want)
		}
		if StateOf(c.v) != c.state {
			t.Errorf("%#x state %s, want %s", uint32(c.v), StateOf(c.v), c.state)
		}
	}
	// Removing keeps what the Windows "removed" value keeps.
	if got := removedFlags(0xA0084C70, RemoveUninstall); got != 0xA0080110 {
		t.Errorf("removed flags %#x, want 0xA0080110", uint32(got))
	}
}

func TestOptionsFlags(t *testing.T) {
	f, err := DefaultOptions(false).flagsFor(gpo.Computer, false)
	if err != nil || f != 0xA0081470 {
		t.Fatalf("guide defaults for computers: %v %v", f, err)
	}
	f, err = DefaultOptions(true).flagsFor(gpo.User, false)
	if err != nil || f&FlagInstallUserAssign == 0 || f&FlagAssigned == 0 {
		t.Fatalf("guide defaults for users: %v %v", f, err)
	}
	o := DefaultOptions(false)
	o.Deployment = Published
	if _, err := o.flagsFor(gpo.Computer, false); !errors.Is(err, ErrPublishedToComputers) || !strings.Contains(err.Error(), "User Configuration only") {
		t.Fatalf("published for computers: %v", err)
	}
	if err := o.Validate(gpo.Computer); !errors.Is(err, ErrPublishedToComputers) {
		t.Fatalf("Validate of published for computers: %v", err)
	}
	if err := o.Validate(gpo.User); err != nil {
		t.Fatalf("Validate of published for users: %v", err)
	}
	if err := DefaultOptions(false).Validate(gpo.Computer); err != nil {
		t.Fatalf("Validate of the guide's defaults for computers: %v", err)
	}
	o = DefaultOptions(false)
	o.X86OnWin64, o.BasicUI, o.UninstallOutOfScope, o.IgnoreLanguage = false, true, false, true
	f, err = o.flagsFor(gpo.Computer, true)
	want := FlagExcludeX86OnWin64 | FlagMinimalInstallUI | FlagOrphanOnPolicyRemoval | FlagIgnoreLanguage
	if err != nil || f&want != want || f&(FlagFullInstallUI|FlagUninstallOnPolicyRemoval) != 0 {
		t.Fatalf("options: %v %v", f, err)
	}
}

func TestUpgradeValues(t *testing.T) {
	u := Upgrade{ClassStore: "CN=Class Store,CN=Machine,CN={G},CN=Policies,CN=System,DC=x", Package: "{19521E5B-A18A-4F54-90D6-9497BEE1C8B7}", Type: UpgradeUninstall | UpgradeUpgradedBy}
	v := u.String()
	if v != `LDAP://CN=Class Store,CN=Machine,CN={G},CN=Policies,CN=System,DC=x\\19521e5b-a18a-4f54-90d6-9497bee1c8b7:05` {
		t.Fatalf("value %s", v)
	}
	back, err := ParseUpgrade(v)
	if err != nil || back.Package != u.Package || back.Type != u.Type || back.ClassStore != u.ClassStore {
		t.Fatalf("parse %+v %v", back, err)
	}
	for _, bad := range []string{"CN=x\\\\19521e5b-a18a-4f54-90d6-9497bee1c8b7:01", `LDAP://x\\nope:01`,
		`LDAP://x\\19521e5b-a18a-4f54-90d6-9497bee1c8b7:03`, `LDAP://x\\19521e5b-a18a-4f54-90d6-9497bee1c8b7:04`} {
		if _, err := ParseUpgrade(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestNamesPathsAndGUIDs(t *testing.T) {
	existing := []Package{{Name: "MIKO CTI 4.9.226"}, {Name: "MIKO CTI 4.9.226 (2)"}}
	if got := uniqueName("MIKO CTI 4.9.226", existing); got != "MIKO CTI 4.9.226 (3)" {
		t.Errorf("unique name %q", got)
	}
	if got := uniqueName("MIKO CTI 4.9.241", existing); got != "MIKO CTI 4.9.241" {
		t.Errorf("unique name %q", got)
	}
	list := fileList(`\\s\d\a.msi`, []string{`\\s\d\1.mst`, `\\s\d\2.mst`})
	if strings.Join(list, "|") != `0:\\s\d\a.msi|1:\\s\d\1.mst|2:\\s\d\2.mst` {
		t.Errorf("file list %v", list)
	}
	msiPath, mst := splitFileList([]string{`2:\\s\d\2.mst`, `0:\\s\d\a.msi`, `1:\\s\d\1.mst`})
	if msiPath != `\\s\d\a.msi` || strings.Join(mst, "|") != `\\s\d\1.mst|\\s\d\2.mst` {
		t.Errorf("split %q %v", msiPath, mst)
	}
	b, err := guidBytes("{1D6F3E2A-226A-4B6C-8E1F-000000000226}")
	if err != nil || b[0] != 0x2A || b[3] != 0x1D || b[4] != 0x6A || b[6] != 0x6C || b[8] != 0x8E {
		t.Fatalf("guid bytes %x %v", b, err)
	}
	if guidFromBytes(b) != "{1D6F3E2A-226A-4B6C-8E1F-000000000226}" {
		t.Errorf("round trip %s", guidFromBytes(b))
	}
	for _, bad := range []string{`C:\x.msi`, `\\srv\share`, `//srv/share/x.msi`, `\\srv\share\x.exe`} {
		if _, err := ParseSourcePath(bad, ".msi"); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	if hi, lo, err := versionHiLo("4.9.226"); hi != 4 || lo != 9 || err != nil {
		t.Errorf("version %d %d %v", hi, lo, err)
	}
	g, h, err := parsePackageDN("CN={A},CN=Packages,CN=Class Store,CN=User,CN={b1},CN=Policies,CN=System,DC=x")
	if g != "{B1}" || h != gpo.User || err != nil {
		t.Errorf("package DN: %s %v %v", g, h, err)
	}
}

// Category values and descriptions: the RFC 4122 section 3 form in
// categories, names out of localizedDescription with or without a
// "<hex LCID> 0x<hex> " prefix, lookups by name or GUID in any form.
func TestCategoryFormats(t *testing.T) {
	if got := categoryRef("{0A1B2C3D-4E5F-4061-8273-A4B5C6D7E8F9}"); got != "0a1b2c3d-4e5f-4061-8273-a4b5c6d7e8f9" || len(got) != 36 {
		t.Errorf("categoryRef = %q", got)
	}
	for in, want := range map[string]string{
		"Accounting":          "Accounting",
		"409 0x0 Accounting":  "Accounting",
		"419 0x0 Бухгалтерия": "Бухгалтерия",
		"2024 reports":        "2024 reports",
		"409 0x0 ":            "",
	} {
		if got := categoryName([]string{in}); got != want {
			t.Errorf("categoryName(%q) = %q, want %q", in, got, want)
		}
	}
	if got := categoryName([]string{"", "409 0x0 Second"}); got != "Second" {
		t.Errorf("first non-empty value: %q", got)
	}
	all := []Category{{ID: "{0A1B2C3D-4E5F-4061-8273-A4B5C6D7E8F9}", Name: "Телефония"}}
	for _, ref := range []string{"телефония", "0a1b2c3d-4e5f-4061-8273-a4b5c6d7e8f9", "{0A1B2C3D-4E5F-4061-8273-A4B5C6D7E8F9}"} {
		if _, ok := findCategory(all, ref); !ok {
			t.Errorf("findCategory(%q) found nothing", ref)
		}
	}
	if _, ok := findCategory(all, "CRM"); ok {
		t.Errorf("findCategory found an unknown name")
	}
	if got := categoryNames(all, []string{"0a1b2c3d-4e5f-4061-8273-a4b5c6d7e8f9", "ffffffff-0000-0000-0000-000000000000"}); strings.Join(got, "|") != "Телефония|ffffffff-0000-0000-0000-000000000000" {
		t.Errorf("categoryNames = %q", got)
	}
	if !sameSet([]string{"0a1b2c3d-4e5f-4061-8273-a4b5c6d7e8f9"}, []string{"{0A1B2C3D-4E5F-4061-8273-A4B5C6D7E8F9}"}) || sameSet(nil, []string{"x"}) {
		t.Errorf("sameSet")
	}
	for _, bad := range []string{"", "  ", " lead", "trail ", "tab\there", strings.Repeat("я", 256)} {
		if checkCategoryName(bad) == nil {
			t.Errorf("checkCategoryName(%q) accepted it", bad)
		}
	}
}

// machineArchitecture carries the values [MS-GPSI] 2.2.2.4.1 lists (0, 6,
// 9), and the reader tells them from the form earlier ctitui versions
// wrote (the processor architecture in the second byte).
func TestMachineArchitectureValues(t *testing.T) {
	for _, c := range []struct {
		arch    int32
		written int
		outside bool
	}{{0, 0, false}, {6, 6, false}, {9, 9, false}, {5, 5, true}, {12, 12, true}} {
		if got := machineArchitecture(c.arch); got != c.written {
			t.Errorf("machineArchitecture(%d) = %d, want %d", c.arch, got, c.written)
		}
		if w := archOutsideSpec(c.arch); (w != "") != c.outside {
			t.Errorf("archOutsideSpec(%d) = %q, want a warning: %v", c.arch, w, c.outside)
		}
	}
	for _, c := range []struct {
		v    int
		name string
		old  bool
	}{
		{0, "x86", false}, {6, "ia64", false}, {9, "x64", false}, {5, "arm", false}, {12, "arm64", false},
		{0x900, "x64", true}, {0x600, "ia64", true}, {0xC00, "arm64", true},
		{7, "architecture 7", false}, {0x901, "architecture 2305", false},
	} {
		name, old := ArchitectureName(c.v)
		if name != c.name || old != c.old {
			t.Errorf("ArchitectureName(%d) = %q, %v; want %q, %v", c.v, name, old, c.name, c.old)
		}
	}
}
