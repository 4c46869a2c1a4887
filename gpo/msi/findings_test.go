package msi_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/ctitui/ctitui/gpo/msi"
)

// findingKeys lists findings as "severity code table/row" for comparison.
func findingKeys(fs []msi.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, string(f.Severity)+" "+f.Code+" "+f.Table+"/"+f.Row)
	}
	slices.Sort(out)
	return out
}

func check(t *testing.T, name string, scope msi.Scope) []msi.Finding {
	t.Helper()
	fs, err := msi.Check(openFixture(t, name), msi.CheckOptions{Scope: scope})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.Message == "" || f.Advice == "" {
			t.Errorf("finding without message or advice: %+v", f)
		}
	}
	return fs
}

func TestCheckFindings(t *testing.T) {
	for _, tc := range []struct {
		fixture string
		scope   msi.Scope
		want    []string
	}{
		{"minimal", msi.ScopeComputer, nil},
		{"MIKO CTI 4.9.226", msi.ScopeComputer, nil},
		{"many-rows", msi.ScopeComputer, nil},
		{"multi-feature", msi.ScopeComputer, []string{"warning external-cabinet Media/2"}},
		{"ts-findings", msi.ScopeComputer, []string{
			"warning deferred-ca-not-tsaware CustomAction/WriteProfile",
			"warning environment-user Environment/UserPath",
			"warning hkcu-outside-software Registry/HkcuKeyboard",
			"warning ini-file IniFile/ToolIni",
		}},
		{"per-user", msi.ScopeComputer, []string{
			"warning hkcu-outside-software Registry/PerUserEnv",
			"warning per-user-package Property/ALLUSERS",
		}},
		{"per-user", msi.ScopeUser, []string{
			"info per-user-package Property/ALLUSERS",
			"warning hkcu-outside-software Registry/PerUserEnv",
		}},
		{"broken-identity", msi.ScopeComputer, []string{
			"error property-missing Property/ProductCode",
			"error version-out-of-range Property/ProductVersion",
			"warning upgrade-code-missing Property/UpgradeCode",
		}},
	} {
		got := findingKeys(check(t, tc.fixture, tc.scope))
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s (scope %d):\n got %q\nwant %q", tc.fixture, tc.scope, got, tc.want)
		}
	}
}

func TestProductCodeMissing(t *testing.T) {
	p := openFixture(t, "broken-identity")
	if _, err := p.Identity(); err == nil || err.Error() != "ProductCode missing" {
		t.Errorf("Identity: got %v, want \"ProductCode missing\"", err)
	}
	r, err := msi.Inspect(p, msi.CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Blocking != 2 {
		t.Errorf("blocking findings %d, want 2: %+v", r.Blocking, r.Findings)
	}
	var msgs []string
	for _, f := range r.Findings {
		msgs = append(msgs, f.Message)
	}
	if !slices.Contains(msgs, "ProductCode missing") {
		t.Errorf("messages %q lack \"ProductCode missing\"", msgs)
	}
	if !strings.Contains(strings.Join(msgs, "\n"), "major version 300 is above 255") {
		t.Errorf("messages %q do not explain the version limit", msgs)
	}
}

func TestCompareUpgrade(t *testing.T) {
	for _, tc := range []struct {
		old, new string
		want     []string
	}{
		{"MIKO CTI 4.9.226", "MIKO CTI 4.9.241", []string{"info upgrade-ok /"}},
		{"MIKO CTI 4.9.241", "MIKO CTI 4.9.226", []string{"error version-decreased Property/ProductVersion"}},
		{"MIKO CTI 4.9.226", "MIKO CTI 4.9.226", []string{
			"error same-package _SummaryInformation/Revision Number",
			"error version-unchanged Property/ProductVersion",
		}},
		{"minimal", "MIKO CTI 4.9.241", []string{
			"error upgrade-code-changed Property/UpgradeCode",
			"info language-changed Property/ProductLanguage",
			"warning platform-changed _SummaryInformation/Template",
		}},
		{"broken-identity", "minimal", []string{
			"error upgrade-code-missing Property/UpgradeCode",
			"error version-decreased Property/ProductVersion",
		}},
	} {
		fs, err := msi.CompareUpgrade(openFixture(t, tc.old), openFixture(t, tc.new))
		if err != nil {
			t.Fatal(err)
		}
		if got := findingKeys(fs); !slices.Equal(got, tc.want) {
			t.Errorf("%s -> %s:\n got %q\nwant %q", tc.old, tc.new, got, tc.want)
		}
	}
}
