//go:build linux

package doctor

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ctitui/ctitui/internal/testdomain"
)

func gpoNames(r Report) []string {
	var out []string
	for _, g := range r.GPOs {
		out = append(out, g.Name)
	}
	return out
}

// The seeded RDS host OU has a GPO whose Machine\Registry.pol (written by
// Samba's own preg encoder) turns on loopback in replace mode: a user on
// RDS-01 gets the GPOs of RDS-01's OUs and not those of their own OU. In
// merge mode (the file rewritten the same way) they get both, the RDS
// host's with higher precedence.
func TestDoctorLoopback(t *testing.T) {
	w := open(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	seed := testdomain.DefaultSeed()
	guid, err := w.d.GPOGUID(ctx, seed.LoopbackGPO)
	if err != nil {
		t.Fatal(err)
	}
	run := func() Report {
		t.Helper()
		r, err := Run(ctx, w.s, Request{Computer: "RDS-01", User: "ivanov"})
		if err != nil {
			t.Fatal(err)
		}
		if r.UserReport == nil {
			t.Fatal("no user report")
		}
		return *r.UserReport
	}

	u := run()
	lb := u.Loopback
	if lb == nil || lb.Mode != "replace" || lb.GPOName != seed.LoopbackGPO || !strings.EqualFold(lb.GPO, guid) || lb.Computer != "RDS-01" {
		t.Fatalf("replace: loopback %+v", lb)
	}
	names := strings.Join(gpoNames(u), ", ")
	if !strings.Contains(names, seed.LoopbackGPO) || strings.Contains(names, seed.LegacyGPO) {
		t.Fatalf("replace: the user's GPOs are %s", names)
	}
	var text strings.Builder
	if err := u.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), `Loopback processing: REPLACE mode, set by GPO "RDS Loopback"`) {
		t.Fatalf("text:\n%s", text.String())
	}
	// Without the computer, the user's own list (no loopback).
	own, err := Run(ctx, w.s, Request{User: "ivanov"})
	if err != nil {
		t.Fatal(err)
	}
	if own.Loopback != nil || !strings.Contains(strings.Join(gpoNames(own), ", "), seed.LegacyGPO) {
		t.Fatalf("the user alone: loopback %+v, GPOs %v", own.Loopback, gpoNames(own))
	}

	// Merge.
	if err := w.d.WriteRegistryPol(ctx, guid, "Machine", []testdomain.RegistryValue{
		{Key: `Software\Policies\Microsoft\Windows\System`, Value: "UserPolicyMode", DWORD: testdomain.LoopbackMerge},
		{Key: `Software\Policies\Microsoft\Windows\Control Panel\Desktop`, Value: "ScreenSaveActive", String: "1"},
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := w.d.WriteRegistryPol(context.Background(), guid, "Machine", []testdomain.RegistryValue{
			{Key: `Software\Policies\Microsoft\Windows\System`, Value: "UserPolicyMode", DWORD: seed.LoopbackMode},
		}); err != nil {
			t.Error(err)
		}
	})
	u = run()
	if u.Loopback == nil || u.Loopback.Mode != "merge" {
		t.Fatalf("merge: loopback %+v", u.Loopback)
	}
	names = strings.Join(gpoNames(u), ", ")
	loop, legacy := strings.Index(names, seed.LoopbackGPO), strings.Index(names, seed.LegacyGPO)
	if loop < 0 || legacy < 0 || loop > legacy {
		t.Fatalf("merge: the user's GPOs are %s (the RDS host's must come first)", names)
	}
}

// The seeded legacy GPO's filter (Windows 10/11 workstations) is answered
// from BUH-PC01's object (operatingSystem "Windows 10 Pro").
func TestDoctorWMIFromComputerObject(t *testing.T) {
	w := open(t)
	r := diagnose(t, w, "BUH-PC01")
	g := gpoNamed(t, r, testdomain.DefaultSeed().LegacyGPO)
	if !hasReason(g.Reasons, OK, `probably yes (from the computer object: operatingSystem "Windows 10 Pro")`) {
		t.Fatalf("legacy GPO's WMI filter on BUH-PC01: %+v", g.Reasons)
	}
}
