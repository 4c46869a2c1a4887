package smb

import (
	"errors"
	"strings"
	"testing"
)

func TestParsePathAccepts(t *testing.T) {
	tests := []struct {
		in     string
		server string
		share  string
		rel    string
	}{
		{`\\fileserver\Distrib`, "fileserver", "Distrib", ""},
		{`\\fileserver\Distrib\`, "fileserver", "Distrib", ""},
		{`\\fileserver\Distrib\MikoCTI`, "fileserver", "Distrib", "MikoCTI"},
		{`\\fileserver\Distrib\MikoCTI\`, "fileserver", "Distrib", "MikoCTI"},
		{`\\fs.corp.example.com\Distrib\MikoCTI\MIKO CTI 4.9.226.msi`, "fs.corp.example.com", "Distrib", `MikoCTI\MIKO CTI 4.9.226.msi`},
		{`\\127.0.0.5\Distrib\Программы\Телефония`, "127.0.0.5", "Distrib", `Программы\Телефония`},
		{`\\corp.example.com\DFSRoot\Apps\x`, "corp.example.com", "DFSRoot", `Apps\x`},
		{`\\srv\Distrib$\a`, "srv", "Distrib$", "a"},
	}
	for _, tt := range tests {
		p, err := ParsePath(tt.in)
		if err != nil {
			t.Errorf("ParsePath(%q): %v", tt.in, err)
			continue
		}
		if p.Server != tt.server || p.Share != tt.share || p.Rel() != tt.rel {
			t.Errorf("ParsePath(%q) = server %q share %q rel %q, want %q %q %q", tt.in, p.Server, p.Share, p.Rel(), tt.server, tt.share, tt.rel)
		}
		if again, err := ParsePath(p.String()); err != nil || again.String() != p.String() {
			t.Errorf("ParsePath(%q).String() = %q does not parse back to itself: %v", tt.in, p.String(), err)
		}
	}
}

func TestParsePathRejects(t *testing.T) {
	tests := []struct {
		in   string
		want string // part of the reason
	}{
		{``, "empty"},
		{`C:\Distrib\app.msi`, "drive letter"},
		{`c:relative.msi`, "drive letter"},
		{`D:`, "drive letter"},
		{`/srv/distrib/app.msi`, "forward slashes"},
		{`//fileserver/Distrib/MikoCTI`, `\\fileserver\Distrib\MikoCTI`},
		{`\\fileserver/Distrib`, "forward slashes"},
		{`Distrib\app.msi`, "local path"},
		{`\Distrib\app.msi`, "local path"},
		{`\\?\C:\Distrib`, "device"},
		{`\\?\UNC\srv\share`, "device"},
		{`\\.\pipe\x`, "device"},
		{`\\fileserver`, "server and a share"},
		{`\\fileserver\`, "server and a share"},
		{`\\\Distrib`, "server and a share"},
		{`\\file server\Distrib`, "server name"},
		{`\\srv\Dis*trib`, "share name"},
		{`\\srv\Distrib\a\\b`, "empty name"},
		{`\\srv\Distrib\..\secret`, `".."`},
		{`\\srv\Distrib\.\a`, `"."`},
		{`\\srv\Distrib\a:b`, "does not allow"},
		{`\\srv\Distrib\what?.msi`, "does not allow"},
		{`\\srv\Distrib\tab` + "\t", "does not allow"},
		{`\\srv\Distrib\trailing `, "ends with a space"},
		{`\\srv\Distrib\trailing.`, "ends with a space or a dot"},
		{`\\srv\Distrib\` + strings.Repeat("x", 256), "255"},
	}
	for _, tt := range tests {
		_, err := ParsePath(tt.in)
		var pe *PathError
		if !errors.As(err, &pe) {
			t.Errorf("ParsePath(%q) = %v, want a *PathError", tt.in, err)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParsePath(%q) error %q does not mention %q", tt.in, err, tt.want)
		}
	}
}

func TestLocalPathErrorGivesTheGuidesReason(t *testing.T) {
	for _, in := range []string{`C:\Distrib\app.msi`, `Distrib\app.msi`} {
		_, err := ParsePath(in)
		if err == nil || !strings.Contains(err.Error(), "SYSTEM") || !strings.Contains(err.Error(), "network path") {
			t.Errorf("ParsePath(%q) = %v, want the reason: installs run as SYSTEM from a network path", in, err)
		}
	}
}

func TestPathJoinDirBase(t *testing.T) {
	p, err := ParsePath(`\\srv\Distrib\MikoCTI`)
	if err != nil {
		t.Fatal(err)
	}
	f, err := p.Join("MIKO CTI 4.9.226.msi")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := f.String(), `\\srv\Distrib\MikoCTI\MIKO CTI 4.9.226.msi`; got != want {
		t.Errorf("Join = %q, want %q", got, want)
	}
	if f.Base() != "MIKO CTI 4.9.226.msi" || f.Dir().String() != p.String() {
		t.Errorf("Base/Dir of %s = %q, %s", f, f.Base(), f.Dir())
	}
	if len(p.Parts) != 1 {
		t.Errorf("Join changed the receiver: %v", p.Parts)
	}
	if _, err := p.Join(`..`); err == nil {
		t.Error(`Join("..") succeeded`)
	}
	root := p.Dir()
	if !root.IsShareRoot() || root.Dir().String() != `\\srv\Distrib` || root.Base() != "Distrib" {
		t.Errorf("share root: %s, Dir %s, Base %q", root, root.Dir(), root.Base())
	}
}

func TestPasswordAuthForms(t *testing.T) {
	tests := []struct{ user, def, wantUser, wantDomain string }{
		{`Administrator@cti.test`, "", "Administrator", "cti.test"},
		{`CTITEST\Administrator`, "other", "Administrator", "CTITEST"},
		{`Administrator`, "cti.test", "Administrator", "cti.test"},
	}
	for _, tt := range tests {
		a, err := PasswordAuth(tt.user, tt.def, "secret")
		if err != nil || a.User != tt.wantUser || a.Domain != tt.wantDomain {
			t.Errorf("PasswordAuth(%q, %q) = %q %q %v, want %q %q", tt.user, tt.def, a.User, a.Domain, err, tt.wantUser, tt.wantDomain)
		}
		if strings.Contains(a.String()+a.GoString(), "secret") {
			t.Errorf("Auth renders the password: %s %#v", a, a)
		}
	}
	for _, bad := range []struct {
		user, def, pw string
		want          AuthProblem
	}{{"", "d", "p", AuthNoUser}, {"Administrator", "", "p", AuthUserNoDomain}, {`\x`, "", "p", AuthUserNoDomain}, {"a@b", "", "", AuthEmptyPassword}} {
		var ae *AuthError
		if _, err := PasswordAuth(bad.user, bad.def, bad.pw); !errors.As(err, &ae) || ae.Problem != bad.want {
			t.Errorf("PasswordAuth(%q, %q, pw=%v) = %v, want an AuthError %s", bad.user, bad.def, bad.pw != "", err, bad.want)
		}
	}
}
