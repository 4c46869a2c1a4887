package doctor

import (
	"testing"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/domain/secdesc"
)

// TestGPOFolderReadable: a GPO whose SYSVOL folder the computer may not
// read does not apply (the client cannot read GPT.INI, event 1058), however
// the directory object's permissions look.
func TestGPOFolderReadable(t *testing.T) {
	root := SOM{DN: "DC=cti,DC=test", Name: "cti.test", IsDomain: true, Links: []domain.GPLink{link(gA, 1, true, false)}}
	for _, tc := range []struct {
		name    string
		folder  string
		applies bool
	}{
		{"folder readable by Authenticated Users", "D:PAI(A;OICI;0x1200a9;;;AU)(A;OICI;FA;;;DA)(A;OICI;FA;;;SY)", true},
		{"folder left to administrators", "D:P(A;OICI;FA;;;DA)(A;OICI;FA;;;SY)", false},
		{"folder permissions unknown: not held against the GPO", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := mkGPO(t, gA, "A", defaultDACL)
			if tc.folder != "" {
				g.FolderDACL = sd(t, tc.folder)
			}
			in := Input{Target: pc(), DomainSID: secdesc.MustSID(testDomainSID), Chain: []SOM{root}, GPOs: map[string]GPOData{gA: g}}
			got := find(Diagnose(in), gA)
			if got.Applies != tc.applies {
				t.Errorf("applies = %v, want %v: %+v", got.Applies, tc.applies, got.Reasons)
			}
			if !tc.applies && !hasReason(got.Reasons, Problem, "may not read the GPO's folder in SYSVOL") {
				t.Errorf("no SYSVOL finding: %+v", got.Reasons)
			}
		})
	}
}
