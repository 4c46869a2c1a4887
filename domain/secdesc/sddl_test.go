package secdesc

import (
	"errors"
	"strings"
	"testing"
)

// TestSDDLRender checks rendering choices: aliases, right strings in
// Windows order, composites, hexadecimal, flags, GUIDs.
func TestSDDLRender(t *testing.T) {
	dom := MustSID("S-1-5-21-1-2-3")
	tests := []struct {
		name, in, want string
	}{
		{"GPO default keeps DS rights in bit order", "D:P(A;CI;RPWPCCDCLCLOLORCWOWDSDDTSW;;;DA)", "D:P(A;CI;CCDCLCSWRPWPDTLOSDRCWDWO;;;DA)"},
		{"object ACE with both GUIDs", "D:(OA;CIIO;WP;F30E3BBE-9FF0-11D1-B603-0000F80367C1;{bf967aa5-0de6-11d0-a285-00aa003049e2};S-1-5-21-1-2-3-1109)",
			"D:(OA;CIIO;WP;f30e3bbe-9ff0-11d1-b603-0000f80367c1;bf967aa5-0de6-11d0-a285-00aa003049e2;S-1-5-21-1-2-3-1109)"},
		{"file composites exact, else hex", "D:(A;OICI;0x1f01ff;;;SY)(A;;0x120089;;;AU)(A;;FRFX;;;DC)(A;;0x100000;;;WD)", "D:(A;OICI;FA;;;SY)(A;;FR;;;AU)(A;;0x1200a9;;;DC)(A;;0x100000;;;WD)"},
		{"generic rights", "D:(A;;GRGWGXGA;;;WD)", "D:(A;;GAGXGWGR;;;WD)"},
		{"all ACE flags", "S:(AU;FASAIDIONPCIOI;GA;;;WD)", "S:(AU;OICINPIOIDSAFA;GA;;;WD)"},
		{"ACL flags", "D:AIARP(A;;GA;;;SY)S:AIP", "D:PARAI(A;;GA;;;SY)S:PAI"},
		{"aliases by domain, other domains in full", "O:DAG:S-1-5-21-9-9-9-512D:(A;;GA;;;S-1-5-21-1-2-3-515)", "O:DAG:S-1-5-21-9-9-9-512D:(A;;GA;;;DC)"},
		{"NULL DACL", "D:NO_ACCESS_CONTROL", "D:NO_ACCESS_CONTROL"},
		{"mandatory label", "S:(ML;;NWNR;;;LW)", "S:(ML;;NWNR;;;LW)"},
		{"whitespace and part order", " S:(AU;SA;CR;;;BA)\n D:(A;;RC;;;AU) O:SY ", "O:SYD:(A;;RC;;;AU)S:(AU;SA;CR;;;BA)"},
		{"decimal and zero rights", "D:(A;;16;;;WD)(A;;;;;AN)", "D:(A;;RP;;;WD)(A;;;;;AN)"},
		{"registry composites parse", "D:(A;;KR;;;BU)", "D:(A;;CCSWRPRC;;;BU)"},
		{"owner SID followed by part letters", "O:S-1-5-32-544D:", "O:BAD:"},
		{"hex authority", "O:S-1-0x123456789ABC-1", "O:S-1-0x123456789ABC-1"},
		{"hex authority without sub-authorities before D:", "O:S-1-0x123456789ABCD:", "O:S-1-0x123456789ABCD:"},
		{"types without SDDL strings", "D:(0x0C;CI;#0001000001000000" + "8ffdacedb3ffd111b41d00a0c968f939" + "010100000000000100000000" + "61727478)(0x04;;#0102)",
			"D:(0x0C;CI;#00010000010000008ffdacedb3ffd111b41d00a0c968f93901010000000000010000000061727478)(0x04;;#0102)"},
		{"unknown ACE flag bits", "D:(A;OI0x20;GA;;;WD)", "D:(A;OI0x20;GA;;;WD)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sd, err := ParseSDDL(tt.in, dom)
			if err != nil {
				t.Fatalf("ParseSDDL: %v", err)
			}
			if got := sd.SDDL(dom); got != tt.want {
				t.Fatalf("SDDL\n got %s\nwant %s", got, tt.want)
			}
			// The rendering parses back to the same binary.
			back, err := ParseSDDL(tt.want, dom)
			if err != nil {
				t.Fatalf("ParseSDDL(rendered): %v", err)
			}
			a, _ := sd.Encode()
			b, _ := back.Encode()
			if string(a) != string(b) {
				t.Fatalf("rendered SDDL encodes differently\n got %x\nwant %x", b, a)
			}
		})
	}
}

// TestSDDLACLRevision: ACLs built from SDDL get revision 2, or 4 with an
// object ACE, as Windows builds them.
func TestSDDLACLRevision(t *testing.T) {
	tests := []struct {
		sddl string
		want uint8
	}{
		{"D:(A;;GA;;;SY)", ACLRevision},
		{"D:", ACLRevision},
		{"D:(A;;GA;;;SY)(OA;;CR;edacfd8f-ffb3-11d1-b41d-00a0c968f939;;AU)", ACLRevisionDS},
	}
	for _, tt := range tests {
		t.Run(tt.sddl, func(t *testing.T) {
			sd, err := ParseSDDL(tt.sddl, SID{})
			if err != nil {
				t.Fatal(err)
			}
			if sd.DACL.Revision != tt.want {
				t.Errorf("revision = %d, want %d", sd.DACL.Revision, tt.want)
			}
		})
	}
}

// TestSDDLParseErrors: errors say where and what.
func TestSDDLParseErrors(t *testing.T) {
	dom := MustSID("S-1-5-21-1-2-3")
	tests := []struct {
		name, in string
		domain   SID
		want     string
	}{
		{"unknown part", "X:SY", dom, "position 0: unknown part"},
		{"no colon", "OSY", dom, "position 0: want O:, G:, D: or S:"},
		{"part twice", "O:SYO:BA", dom, "position 4: O: given twice"},
		{"unknown alias", "O:QQ", dom, `unknown SID alias "QQ"`},
		{"domain alias without domain", "O:DA", SID{}, `alias "DA" is relative to a domain`},
		{"bad SID", "O:S-1-5-99999999999", dom, "position 2"},
		{"unknown ACE type", "D:(QQ;;GA;;;SY)", dom, `position 3: ACE field 1: unknown ACE type "QQ"`},
		{"unknown flag", "D:(A;ZZ;GA;;;SY)", dom, `position 5: ACE field 2: unknown ACE flag "ZZ"`},
		{"unknown right", "D:(A;;GAQQ;;;SY)", dom, `position 6: ACE field 3: unknown right "QQ"`},
		{"odd rights", "D:(A;;GAR;;;SY)", dom, `unknown right "R"`},
		{"bad hex rights", "D:(A;;0x1ffffffff;;;SY)", dom, "not a 32-bit hexadecimal number"},
		{"GUID on non-object ACE", "D:(A;;CR;edacfd8f-ffb3-11d1-b41d-00a0c968f939;;AU)", dom, "ACE field 4: A ACE cannot carry an object GUID"},
		{"bad GUID", "D:(OA;;CR;edacfd8f;;AU)", dom, "ACE field 4"},
		{"too few fields", "D:(A;;GA;;SY)", dom, "ACE has 5 fields"},
		{"unclosed ACE", "D:(A;;GA;;;SY", dom, "ACE has no closing )"},
		{"conditional expression", "D:(XA;;FR;;;WD;(Member_of {SID(BA)}))", dom, "conditional expressions are not supported"},
		{"bad ACL flag", "D:Q(A;;GA;;;SY)", dom, "unknown ACL flag"},
		{"opaque form for a known type", "D:(0x00;;#00)", dom, "has an SDDL form; write it as A"},
		{"opaque form with a bad body", "D:(0x0C;;#0000)", dom, "ACE field 3: ACCESS_DENIED_CALLBACK_OBJECT ACE"},
		{"application data on a plain ACE", "D:(A;;;;;AA;#00)", dom, "ACE field 7: only callback and resource attribute ACEs carry application data"},
		{"label rights outside ML", "D:(A;;NW;;;SY)", dom, `unknown right "NW"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSDDL(tt.in, tt.domain)
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("err = %v, want ErrMalformed", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func TestParseACESDDL(t *testing.T) {
	a, err := ParseACESDDL("(OA;CI;CR;edacfd8f-ffb3-11d1-b41d-00a0c968f939;;DC)", MustSID("S-1-5-21-1-2-3"))
	if err != nil {
		t.Fatal(err)
	}
	want := AllowObjectACE(MustSID("S-1-5-21-1-2-3-515"), DSControlAccess, ContainerInherit, new(MustGUID(GUIDApplyGroupPolicy)), nil)
	if !sameACE(a, want) {
		t.Fatalf("ParseACESDDL = %+v", a)
	}
	if _, err := ParseACESDDL("(A;;GA;;;SY)x", SID{}); err == nil || !strings.Contains(err.Error(), "unexpected text") {
		t.Fatalf("trailing text err = %v", err)
	}
}
