package ui

import (
	"slices"
	"testing"
)

// Step 5's preset properties reach the deploy request and Review; the
// upgraded package's transforms have no default: the row asks, and each
// press of space chooses the next of keep, remake, drop.
func TestWizardPresetProperties(t *testing.T) {
	f := newFakes(true)
	d := connected(t, English, f)
	wizardAt(t, d, msiDir(t))
	d.keys("down", "down", "enter", "enter")
	d.wantView("Uploaded")
	d.keys("enter", "enter", "enter", "down", "down", "enter")
	d.wantView("[5 Package]", "Preset properties", "NAME=VALUE; NAME=VALUE (optional)")
	d.notView("Its transforms")
	// without a package to upgrade, its transforms row is not there: the
	// cursor goes from the last upgrade row to the presets
	for range poPreset - 1 {
		d.keys("down")
	}
	d.keys("SERVERADDRESS=pbx.example.org;AUTOUPDATE=0")
	d.wantView("> Preset properties", "pbx.example.org;AUTOUPDATE=0")
	for range poPreset - 1 - poUpgrade {
		d.keys("up")
	}
	d.keys("space", "down", "enter")
	d.wantView("MIKO CTI 4.9.226 in MIKO CTI - Установка", "Its transforms", "choose: keep, remake or drop")
	for range poUpgradeTransforms - poUpgrade {
		d.keys("down")
	}
	d.wantView("> Its transforms")
	d.keys("space")
	d.wantView("< keep the same files >")
	d.keys("space")
	d.wantView("< make their settings again for the new MSI >")
	d.keys("enter")
	d.wantView("[6 Filtering]")
	d.keys("enter")
	d.wantView("[7 Review]", "Presets SERVERADDRESS=pbx.example.org; AUTOUPDATE=0 for every computer",
		"Its transforms: make their settings again for the new MSI.")
	r := f.dep.got[len(f.dep.got)-1]
	if !slices.Equal(r.Preset, []string{"SERVERADDRESS=pbx.example.org", "AUTOUPDATE=0"}) || r.UpgradeTransforms != "remake" {
		t.Fatalf("request: preset %q, upgrade transforms %q", r.Preset, r.UpgradeTransforms)
	}
}
