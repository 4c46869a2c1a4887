package replica

import (
	"testing"

	"github.com/ctitui/ctitui/gpo"
)

// The verdict rules, one difference at a time against the PDC emulator.
func TestJudge(t *testing.T) {
	const pkg = "{11111111-2222-3333-4444-555555555555}"
	const rel = `machine\applications\{abc}.aas`
	v := func(x gpo.Version) *gpo.Version { return &x }
	yes := true
	pdc := func() DCStatus {
		return DCStatus{DC: DC{Name: "dc1.corp", PDC: true}, Reachable: true, Object: true, Version: 3, SysvolVersion: v(3), ACLMatches: &yes,
			objects: map[string]Package{pkg: {ID: pkg, Name: "MIKO", Object: true, scriptRel: rel}},
			scripts: map[string]script{rel: {size: 700, sha256: "aa"}}}
	}
	other := func(mod func(*DCStatus)) DCStatus {
		d := pdc()
		d.DC = DC{Name: "dc2.corp"}
		if mod != nil {
			mod(&d)
		}
		return d
	}
	cases := []struct {
		name              string
		pdc, dc           DCStatus
		dir, sysvol, verd Verdict
	}{
		{"same copy", pdc(), other(nil), InSync, InSync, InSync},
		{"no GPO object yet", pdc(), other(func(d *DCStatus) { d.Object, d.objects = false, nil }), Behind, InSync, Behind},
		{"older versionNumber", pdc(), other(func(d *DCStatus) { d.Version = 2 }), Behind, InSync, Behind},
		{"package object missing", pdc(), other(func(d *DCStatus) { d.objects = nil }), Behind, InSync, Behind},
		{"no GPT.INI", pdc(), other(func(d *DCStatus) { d.SysvolVersion = nil; d.scripts = nil }), InSync, Behind, Behind},
		{"GPT.INI unreadable", pdc(), other(func(d *DCStatus) { d.SysvolVersion, d.sysvolUnread = nil, true }), InSync, CannotTell, CannotTell},
		{"older GPT.INI", pdc(), other(func(d *DCStatus) { d.SysvolVersion = v(2) }), InSync, Behind, Behind},
		{"script differs", pdc(), other(func(d *DCStatus) { d.scripts = map[string]script{rel: {size: 690, sha256: "bb"}} }), InSync, Behind, Behind},
		{"newer than the PDC emulator", pdc(), other(func(d *DCStatus) { d.Version, d.SysvolVersion = 4, v(4) }), Ahead, Ahead, Ahead},
		{"unreachable", pdc(), other(func(d *DCStatus) { d.Reachable, d.Error = false, "refused" }), CannotTell, CannotTell, CannotTell},
		{"PDC emulator unreachable", func() DCStatus { d := pdc(); d.Reachable, d.Error = false, "refused"; return d }(), other(nil), CannotTell, CannotTell, CannotTell},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep := &Report{DCs: []DCStatus{c.pdc, c.dc}}
			judge(rep)
			got := rep.DCs[1]
			if got.Directory != c.dir || got.Sysvol != c.sysvol || got.Verdict != c.verd {
				t.Fatalf("directory %q, sysvol %q, verdict %q; want %q, %q, %q", got.Directory, got.Sysvol, got.Verdict, c.dir, c.sysvol, c.verd)
			}
			if c.pdc.Reachable && rep.DCs[0].Verdict != InSync {
				t.Errorf("the PDC emulator itself: %q", rep.DCs[0].Verdict)
			}
		})
	}
}

func TestScriptRel(t *testing.T) {
	got := scriptRel(`\\corp.example.com\SysVol\corp.example.com\Policies\{31B2F340-016D-11D2-945F-00C04FB984F9}\Machine\Applications\{A-B}.aas`,
		"{31b2f340-016d-11d2-945f-00c04fb984f9}")
	if got != `machine\applications\{a-b}.aas` {
		t.Fatalf("scriptRel = %q", got)
	}
	if got := scriptRel(`\\other\share\x.aas`, "{31B2F340-016D-11D2-945F-00C04FB984F9}"); got != "" {
		t.Fatalf("a path outside the GPO folder gave %q", got)
	}
}
