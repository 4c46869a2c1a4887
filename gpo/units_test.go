package gpo

import (
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/domain/secdesc"
)

func TestVersionBumpWraps(t *testing.T) {
	for _, c := range []struct {
		in   Version
		h    Half
		want Version
	}{
		{0, Computer, 1},
		{0, User, 1 << 16},
		{0x0003_0005, Computer, 0x0003_0006},
		{0x0003_0005, User, 0x0004_0005},
		// [MS-GPOL] 3.3.4.5: a half that wraps to 0 becomes 1; the
		// other half is untouched.
		{0x0007_FFFF, Computer, 0x0007_0001},
		{0xFFFF_0009, User, 0x0001_0009},
	} {
		if got := c.in.Bump(c.h); got != c.want {
			t.Errorf("%#x bump %s = %#x, want %#x", uint32(c.in), c.h, uint32(got), uint32(c.want))
		}
	}
}

func TestGPTINI(t *testing.T) {
	v, err := ParseGPTINI([]byte("[General]\r\nVersion=9437184\r\n"))
	if err != nil || v != 9437184 || v.User() != 144 || v.Computer() != 0 {
		t.Fatalf("spec sample (4.10): %v %v", v, err)
	}
	gpmc := "[General]\r\nVersion=3\r\ndisplayName=New Group Policy Object\r\n"
	got := string(SetGPTINIVersion([]byte(gpmc), 65540))
	if got != "[General]\r\nVersion=65540\r\ndisplayName=New Group Policy Object\r\n" {
		t.Fatalf("other keys not kept: %q", got)
	}
	if got := string(SetGPTINIVersion(nil, 1)); got != "[General]\r\nVersion=1\r\n" {
		t.Fatalf("empty file: %q", got)
	}
	utf16 := []byte{0xFF, 0xFE}
	for _, r := range "[General]\r\nVersion=5\r\n" {
		utf16 = append(utf16, byte(r), 0)
	}
	if v, err := ParseGPTINI(utf16); err != nil || v != 5 {
		t.Fatalf("UTF-16 GPT.INI: %v %v", v, err)
	}
	for _, bad := range []string{"[General]\r\n", "[Other]\r\nVersion=1\r\n", "[General]\r\nVersion=x\r\n", "[General]\r\nVersion=4294967296\r\n"} {
		if _, err := ParseGPTINI([]byte(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestExtensionNames(t *testing.T) {
	const adm = "{35378EAC-683F-11D2-A89A-00C04FBBCFA2}"
	const admTool = "{0F6B957D-509E-11D1-A7CC-0000F87571E3}"
	v, err := AddExtension("", CSESoftwareInstallation, ToolSoftwareInstallationComputer)
	if err != nil {
		t.Fatal(err)
	}
	v, err = AddExtension(v, strings.ToLower(adm), admTool)
	if err != nil {
		t.Fatal(err)
	}
	// [MS-GPOL] 2.2.4: groups by ascending CSE GUID, tools ascending within.
	want := "[" + adm + admTool + "][" + CSESoftwareInstallation + ToolSoftwareInstallationComputer + "]"
	if v != want {
		t.Fatalf("got %s\nwant %s", v, want)
	}
	v, _ = AddExtension(v, CSESoftwareInstallation, ToolSoftwareInstallationUser)
	v, _ = AddExtension(v, CSESoftwareInstallation, ToolSoftwareInstallationComputer)
	want = "[" + adm + admTool + "][" + CSESoftwareInstallation + ToolSoftwareInstallationComputer + ToolSoftwareInstallationUser + "]"
	if v != want {
		t.Fatalf("merge: %s", v)
	}
	if _, err := ParseExtensionNames("[{nope}]"); err == nil {
		t.Fatal("bad GUID accepted")
	}
}

func TestParm2RoundTrip(t *testing.T) {
	q := "SELECT * FROM Win32_OperatingSystem WHERE Version LIKE '10.%' AND ProductType = 1"
	// The seed's filter, written the way GPMC writes them.
	parm2 := "1;3;10;" + strconv.Itoa(len(q)) + ";WQL;root\\CIMv2;" + q + ";"
	qs, err := ParseParm2(parm2)
	if err != nil || len(qs) != 1 || qs[0].Query != q || qs[0].Namespace != `root\CIMv2` || qs[0].Language != "WQL" {
		t.Fatalf("%+v %v", qs, err)
	}
	if got := FormatParm2(qs); got != parm2 {
		t.Fatalf("format %q", got)
	}
	two := []WQLQuery{{"WQL", `root\CIMv2`, "SELECT * FROM A"}, {"WQL", `root\CIMv2`, "SELECT x;y FROM B"}}
	back, err := ParseParm2(FormatParm2(two))
	if err != nil || len(back) != 2 || back[1].Query != "SELECT x;y FROM B" {
		t.Fatalf("two queries: %+v %v", back, err)
	}
	if _, err := ParseParm2("1;3;10;99;WQL;root\\CIMv2;short;"); err == nil {
		t.Fatal("wrong length accepted")
	}
}

func TestValidateWQL(t *testing.T) {
	for _, p := range Presets() {
		if err := ValidateWQL(p.Query); err != nil {
			t.Errorf("preset %s: %v", p.Key, err)
		}
	}
	for _, bad := range []string{"", "SELECT * FROM", "SELEC * FROM Win32_OperatingSystem",
		"SELECT * FROM Win32-OS", "SELECT * FROM Win32_OperatingSystem WHERE", "SELECT * FROM Win32_OperatingSystem WHERE Version LIKE '10.%",
		"SELECT * FROM Win32_OperatingSystem WHERE (ProductType = 1", "SELECT * FROM Win32_OperatingSystem ORDER BY x"} {
		if err := ValidateWQL(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// The folder ACL must be what Samba's dsacl2fsacl makes of the GPO's DACL,
// or samba-tool gpo aclcheck fails. When python3-samba is installed the
// test asks it; the expected SDDL below was produced by it for the default
// GPO descriptor.
func TestFolderSDMatchesSamba(t *testing.T) {
	dom := secdesc.MustSID("S-1-5-21-1-2-3")
	ds := "O:DAG:DAD:P(A;CI;RPWPCCDCLCLORCWOWDSDDTSW;;;DA)(A;CI;RPWPCCDCLCLORCWOWDSDDTSW;;;EA)" +
		"(A;CIIO;RPWPCCDCLCLORCWOWDSDDTSW;;;CO)(A;;RPWPCCDCLCLORCWOWDSDDTSW;;;DA)(A;CI;RPWPCCDCLCLORCWOWDSDDTSW;;;SY)" +
		"(A;CI;RPLCLORC;;;AU)(OA;CI;CR;edacfd8f-ffb3-11d1-b41d-00a0c968f939;;AU)(A;CI;RPLCLORC;;;ED)" +
		"(OD;CI;CR;edacfd8f-ffb3-11d1-b41d-00a0c968f939;;S-1-5-21-1-2-3-1111)(A;CI;RPLCLORC;;;S-1-5-32-554)"
	want := "O:DAG:DAD:P(A;OICI;0x001f01ff;;;DA)(A;OICI;0x001f01ff;;;EA)(A;OICIIO;0x001f01ff;;;CO)" +
		"(A;OICI;0x001f01ff;;;DA)(A;OICI;0x001f01ff;;;SY)(A;OICI;0x001200a9;;;AU)" +
		"(OA;OICI;;edacfd8f-ffb3-11d1-b41d-00a0c968f939;;AU)(A;OICI;0x001200a9;;;ED)"
	if py, err := exec.LookPath("/usr/bin/python3"); err == nil {
		out, err := exec.Command(py, "-c", "import sys\nfrom samba.ntacls import dsacl2fsacl\nfrom samba.dcerpc import security\n"+
			"print(dsacl2fsacl(sys.argv[1], security.dom_sid(sys.argv[2])))", ds, dom.String()).Output()
		if err == nil {
			want = strings.TrimSpace(string(out))
		} else {
			t.Logf("python3-samba not usable (%v); using the recorded result", err)
		}
	}
	sd, err := secdesc.ParseSDDL(ds, dom)
	if err != nil {
		t.Fatal(err)
	}
	fsd, err := FolderSD(sd)
	if err != nil {
		t.Fatal(err)
	}
	wantSD, err := secdesc.ParseSDDL(want, dom)
	if err != nil {
		t.Fatal(err)
	}
	if got := fsd.SDDL(dom); got != wantSD.SDDL(dom) {
		t.Fatalf("FolderSD\n got %s\nwant %s", got, wantSD.SDDL(dom))
	}
}

func TestWithLinkOrder(t *testing.T) {
	s := &Session{root: domain.RootDSE{DefaultNamingContext: "DC=x,DC=y"}}
	a, b := "{AAAAAAAA-0000-4000-8000-000000000000}", "{BBBBBBBB-0000-4000-8000-000000000000}"
	ct := container{DN: "OU=o,DC=x,DC=y"}
	links, changed, err := s.withLink(ct, a, LinkOptions{})
	if err != nil || !changed || len(links) != 1 {
		t.Fatal(links, err)
	}
	ct.Links = links
	ct.GPLink = domain.FormatGPLink(links)
	links, _, _ = s.withLink(ct, b, LinkOptions{})
	// GPMC: the new link takes the last order, which is the front of the string.
	if links[1].GUID != b || !strings.HasPrefix(domain.FormatGPLink(links), "[LDAP://cn="+b) {
		t.Fatalf("new link not last in order: %+v", links)
	}
	ct.Links, ct.GPLink = links, domain.FormatGPLink(links)
	on := true
	links, changed, _ = s.withLink(ct, b, LinkOptions{Order: 1, Enforced: &on})
	if !changed || links[0].GUID != b || !links[0].Enforced || links[0].Order != 1 || links[1].Order != 2 {
		t.Fatalf("move to order 1: %+v", links)
	}
	if _, _, err := s.withLink(ct, b, LinkOptions{Order: 3}); err == nil {
		t.Fatal("order beyond the end accepted")
	}
	if _, changed, _ := s.withLink(ct, a, LinkOptions{}); changed {
		t.Fatal("linking again changed something")
	}
}
