package secdesc

import (
	"bytes"
	"testing"
)

func TestSDFlagsControlValue(t *testing.T) {
	tests := []struct {
		si   SecurityInformation
		want string
	}{
		{DACLSecurityInformation, "3003 020104"},
		{OwnerSecurityInformation | GroupSecurityInformation | DACLSecurityInformation | SACLSecurityInformation, "3003 02010f"},
		{0x80, "3004 02020080"},
		{0x1234, "3004 02021234"},
		{0, "3003 020100"},
	}
	for _, tt := range tests {
		if got := SDFlagsControlValue(tt.si); !bytes.Equal(got, unhex(tt.want)) {
			t.Errorf("SDFlagsControlValue(%#x) = %x, want %s", tt.si, got, tt.want)
		}
	}
}

func TestOnly(t *testing.T) {
	const full = "O:DAG:DUD:PAI(A;;GA;;;SY)S:AI(AU;SA;WP;;;WD)"
	tests := []struct {
		si   SecurityInformation
		want string
	}{
		{DACLSecurityInformation, "D:PAI(A;;GA;;;SY)"},
		{OwnerSecurityInformation | GroupSecurityInformation, "O:DAG:DU"},
		{SACLSecurityInformation | DACLSecurityInformation, "D:PAI(A;;GA;;;SY)S:AI(AU;SA;WP;;;WD)"},
		{0, ""},
	}
	dom := accessDomain()
	for _, tt := range tests {
		sd, err := ParseSDDL(full, dom)
		if err != nil {
			t.Fatal(err)
		}
		only := sd.Only(tt.si)
		if got := only.SDDL(dom); got != tt.want {
			t.Errorf("Only(%#x) = %s, want %s", tt.si, got, tt.want)
		}
		enc, err := only.Encode()
		if err != nil {
			t.Fatal(err)
		}
		back, err := Decode(enc)
		if err != nil || back.SDDL(dom) != tt.want {
			t.Errorf("Only(%#x) encodes to %x (%v)", tt.si, enc, err)
		}
	}
	// DACL only, as sent with the SD flags control: DACL right after the
	// header, no owner, group or SACL offsets.
	sd, _ := ParseSDDL(full, dom)
	enc, _ := sd.Only(DACLSecurityInformation).Encode()
	if !bytes.Equal(enc[:20], unhex("0100 0494 00000000 00000000 00000000 14000000")) {
		t.Errorf("DACL-only header = %x", enc[:20])
	}
}
