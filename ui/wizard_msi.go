package ui

import (
	"fmt"
	"path/filepath"
	"strings"
)

// msiView is step 2: what the package is and what the checks found, with
// the guide's silent-install test command.
func msiView(t Text, st Styles, info *MSIInfo, err error, local string) string {
	if err != nil {
		return st.Error.Render(t.T("common.error")) + " " + t.Err(err)
	}
	if info == nil {
		return st.Muted.Render(t.T("common.loading"))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s (%s), %s\n", info.ProductName, info.ProductVersion, info.Manufacturer, info.Platform)
	fmt.Fprintf(&b, "ProductCode %s\nUpgradeCode %s\n", info.ProductCode, info.UpgradeCode)
	pm := t.T("msi.per_user")
	if info.PerMachine {
		pm = t.T("msi.per_machine")
	}
	b.WriteString(pm + "\n\n")
	if len(info.Findings) == 0 {
		b.WriteString(st.OK.Render(t.T("msi.no_findings")) + "\n")
	}
	for _, f := range info.Findings {
		b.WriteString(strings.ToUpper(f.Severity) + " " + f.Code + ": " + f.Message + "\n")
		if f.Advice != "" {
			b.WriteString("  -> " + f.Advice + "\n")
		}
	}
	if n := blocking(info.Findings); n > 0 {
		b.WriteString(st.Error.Render(t.T("msi.blocking", n)) + "\n")
	}
	name := filepath.Base(local)
	b.WriteString("\n" + t.T("msi.test_cmd") + "\n")
	b.WriteString(fmt.Sprintf(`  msiexec /i "%s" /qn /l*v "%%TEMP%%\%s.log"`, name, strings.TrimSuffix(name, filepath.Ext(name))))
	return b.String()
}

// clientChecks are the guide's checks on a client after the change.
func clientChecks(t Text, r DeployRequest) []string {
	return []string{
		"",
		t.T("checks.title"),
		"  gpupdate /force",
		"  " + t.T("checks.reboot"),
		"  shutdown /r /t 30",
		"  gpresult /r /scope computer",
		"  " + t.T("checks.event108"),
		"  " + t.T("checks.event1022"),
		"  " + t.T("checks.registry", r.MSI.ProductCode),
	}
}
