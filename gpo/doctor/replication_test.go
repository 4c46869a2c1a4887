package doctor

import (
	"strings"
	"testing"

	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/replica"
)

// The findings name the lagging DC, the half that lags, what a client
// authenticating there does and the fix; an unreachable DC is a "cannot
// tell", never a problem.
func TestReplicationFindings(t *testing.T) {
	v := func(x gpo.Version) *gpo.Version { return &x }
	pdc := replica.DCStatus{DC: replica.DC{Name: "dc1.corp.example.com", PDC: true}, Reachable: true, Object: true, Version: 5, SysvolVersion: v(5),
		Packages:  []replica.Package{{ID: "{P}", Name: "MIKO CTI", Object: true, Script: true, ScriptSize: 700, ScriptSHA256: "aa"}},
		Directory: replica.InSync, Sysvol: replica.InSync, Verdict: replica.InSync}
	behind := replica.DCStatus{DC: replica.DC{Name: "dc2.corp.example.com"}, Reachable: true, Object: true, Version: 4,
		Packages:  []replica.Package{{ID: "{P}", Name: "MIKO CTI", Object: false}},
		Directory: replica.Behind, Sysvol: replica.Behind, Verdict: replica.Behind}
	down := replica.DCStatus{DC: replica.DC{Name: "dc3.corp.example.com"}, Error: "connection refused",
		Directory: replica.CannotTell, Sysvol: replica.CannotTell, Verdict: replica.CannotTell}
	rep := &replica.Report{GUID: "{G}", Name: "MIKO CTI deploy", PDC: pdc.Name, Domain: "corp.example.com", BaseDN: "DC=corp,DC=example,DC=com",
		DCs: []replica.DCStatus{pdc, behind, down}}
	fs := ReplicationFindings(rep)
	if len(fs) != 3 {
		t.Fatalf("%d findings: %+v", len(fs), fs)
	}
	dir, sys, unk := fs[0], fs[1], fs[2]
	for _, want := range []string{"dc2.corp.example.com is behind the PDC emulator dc1.corp.example.com", `"MIKO CTI deploy"`, "applies the older settings", `lacks package "MIKO CTI"`} {
		if !strings.Contains(dir.Text, want) {
			t.Errorf("directory finding lacks %q: %s", want, dir.Text)
		}
	}
	if dir.Verdict != Problem || !strings.Contains(dir.Fix, "samba-tool drs replicate dc2.corp.example.com DC1 DC=corp,DC=example,DC=com") || !strings.Contains(dir.Fix, "repadmin /syncall dc2.corp.example.com") {
		t.Errorf("directory finding: %+v", dir)
	}
	if sys.Verdict != Problem || !strings.Contains(sys.Text, "no GPT.INI") || !strings.Contains(sys.Text, "install fails") ||
		!strings.Contains(sys.Fix, `\\dc1.corp.example.com\SysVol\corp.example.com\Policies\{G}`) || !strings.Contains(sys.Fix, "samba-tool ntacl sysvolreset") {
		t.Errorf("SYSVOL finding: %+v", sys)
	}
	if unk.Verdict != CannotTell || !strings.Contains(unk.Text, "dc3.corp.example.com") || !strings.Contains(unk.Text, "connection refused") {
		t.Errorf("unreachable DC: %+v", unk)
	}
}

// A DC whose GPT.INI could not be read (not missing: access denied, a
// read that timed out) is "cannot tell", with the reason, never "behind".
func TestReplicationFindingsUnreadableGPTINI(t *testing.T) {
	v := func(x gpo.Version) *gpo.Version { return &x }
	pdc := replica.DCStatus{DC: replica.DC{Name: "dc1.corp.example.com", PDC: true}, Reachable: true, Object: true, Version: 5, SysvolVersion: v(5),
		Directory: replica.InSync, Sysvol: replica.InSync, Verdict: replica.InSync}
	unread := replica.DCStatus{DC: replica.DC{Name: "dc2.corp.example.com"}, Reachable: true, Object: true, Version: 5,
		SysvolError: "read GPT.INI: access denied", Directory: replica.InSync, Sysvol: replica.CannotTell, Verdict: replica.CannotTell}
	fs := ReplicationFindings(&replica.Report{GUID: "{G}", Name: "MIKO", DCs: []replica.DCStatus{pdc, unread}})
	if len(fs) != 1 || fs[0].Verdict != CannotTell || !strings.Contains(fs[0].Text, "its GPT.INI could not be read: read GPT.INI: access denied") {
		t.Fatalf("findings: %+v", fs)
	}
}
