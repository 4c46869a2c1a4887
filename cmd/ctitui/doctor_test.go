//go:build linux

package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ctitui/ctitui/internal/testdomain"
)

func TestDoctorCLI(t *testing.T) {
	d := testdomain.Require(t, dom)
	bin := buildBinary(t)
	seed := testdomain.DefaultSeed()
	out, errOut, code := runCtitui(t, bin, d.CtituiEnv(), "doctor", "--computer", "BUH-PC02", "--json")
	if code != 0 {
		t.Fatalf("doctor: exit %d: %s", code, errOut)
	}
	var r struct {
		Computer string `json:"computer"`
		GPOs     []struct {
			Name    string            `json:"name"`
			GUID    string            `json:"guid"`
			Applies bool              `json:"applies"`
			Reasons []json.RawMessage `json:"reasons"`
		} `json:"gpos"`
		Packages []json.RawMessage `json:"packages"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("doctor --json: %v\n%s", err, out)
	}
	if r.Computer != "BUH-PC02" || r.Packages == nil {
		t.Fatalf("computer %q, packages %v", r.Computer, r.Packages)
	}
	found := map[string]bool{}
	for _, g := range r.GPOs {
		found[g.Name] = g.Applies && len(g.Reasons) > 0 && strings.HasPrefix(g.GUID, "{")
	}
	// The seeded GPO on OU=Компания and the Default Domain Policy both apply.
	for _, name := range []string{seed.LegacyGPO, "Default Domain Policy"} {
		if !found[name] {
			t.Errorf("%s should apply to BUH-PC02: %s", name, out)
		}
	}
	out, _, code = runCtitui(t, bin, d.CtituiEnv(), "doctor", "--computer", "BUH-PC02")
	if code != 0 || !strings.Contains(out, "WMI filter") || !strings.Contains(out, "gpresult /r /scope computer") {
		t.Fatalf("doctor text:\n%s", out)
	}
	_, errOut, code = runCtitui(t, bin, d.CtituiEnv(), "doctor", "--computer", "NO-SUCH-PC")
	if code != 1 || !strings.Contains(errOut, "not found") {
		t.Fatalf("unknown computer: exit %d %q", code, errOut)
	}
	_, _, code = runCtitui(t, bin, d.CtituiEnv(), "doctor")
	if code != 2 {
		t.Fatalf("doctor without a target: exit %d, want 2", code)
	}
	// A site the forest does not have is named as the problem, with the
	// sites there are.
	_, errOut, code = runCtitui(t, bin, d.CtituiEnv(), "doctor", "--computer", "BUH-PC02", "--site", "Nowhere")
	if code != 1 || !strings.Contains(errOut, `site "Nowhere" not found`) || !strings.Contains(errOut, "Default-First-Site-Name") {
		t.Fatalf("unknown site: exit %d %q", code, errOut)
	}
	_, errOut, code = runCtitui(t, bin, d.CtituiEnv(), "doctor", "--computer", "BUH-PC02", "--ip", "10.1.2")
	if code != 1 || !strings.Contains(errOut, "not an IP address") {
		t.Fatalf("bad --ip: exit %d %q", code, errOut)
	}
	_, _, code = runCtitui(t, bin, d.CtituiEnv(), "doctor", "--computer", "BUH-PC02", "--ip", "10.1.2.3", "--site", "X")
	if code != 2 {
		t.Fatalf("--site with --ip: exit %d, want 2", code)
	}

	// A user on the seeded RDS host: the host's loopback GPO (replace)
	// gives the user the GPOs of RDS-01's OUs, and says so.
	out, errOut, code = runCtitui(t, bin, d.CtituiEnv(), "doctor", "--computer", "RDS-01", "--user", "ivanov", "--json")
	if code != 0 {
		t.Fatalf("doctor --computer RDS-01 --user ivanov: exit %d: %s", code, errOut)
	}
	var lb struct {
		UserReport struct {
			User     string `json:"user"`
			Loopback struct {
				Mode     string `json:"mode"`
				GPOName  string `json:"gpoName"`
				Computer string `json:"computer"`
			} `json:"loopback"`
		} `json:"userReport"`
	}
	if err := json.Unmarshal([]byte(out), &lb); err != nil {
		t.Fatalf("doctor --json: %v\n%s", err, out)
	}
	if u := lb.UserReport; u.User != "ivanov" || u.Loopback.Mode != "replace" || u.Loopback.GPOName != seed.LoopbackGPO || u.Loopback.Computer != "RDS-01" {
		t.Fatalf("loopback on RDS-01: %+v\n%s", u, out)
	}
	out, _, code = runCtitui(t, bin, d.CtituiEnv(), "doctor", "--computer", "RDS-01", "--user", "ivanov")
	if code != 0 || !strings.Contains(out, "Loopback processing: REPLACE mode, set by GPO \""+seed.LoopbackGPO+"\"") {
		t.Fatalf("doctor text with loopback:\n%s", out)
	}
}
