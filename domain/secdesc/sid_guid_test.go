package secdesc

import (
	"bytes"
	"errors"
	"testing"
)

func TestParseSID(t *testing.T) {
	tests := []struct {
		in, want string
		bin      string
		wantErr  bool
	}{
		{in: "S-1-5-18", want: "S-1-5-18", bin: hexSY},
		{in: "S-1-1-0", want: "S-1-1-0", bin: hexWD},
		{in: "s-1-5-32-544", want: "S-1-5-32-544", bin: hexBA},
		{in: "S-1-5-21-1004336348-1177238915-682003330-512", want: "S-1-5-21-1004336348-1177238915-682003330-512",
			bin: "0105 000000000005 15000000 dcf4dc3b 833d2b46 828ba628 00020000"},
		{in: "S-1-0x123456789ABC-7", want: "S-1-0x123456789ABC-7", bin: "0101 123456789abc 07000000"},
		{in: "S-1-4294967295", want: "S-1-4294967295", bin: "0100 0000ffffffff"},
		{in: "S-1-0", want: "S-1-0", bin: "0100 000000000000"},
		{in: "S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15", want: "S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15",
			bin: "010f 000000000005 01000000 02000000 03000000 04000000 05000000 06000000 07000000 08000000 09000000 0a000000 0b000000 0c000000 0d000000 0e000000 0f000000"},
		{in: "S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16", wantErr: true},
		{in: "S-2-5-18", wantErr: true},
		{in: "S-1", wantErr: true},
		{in: "S-1-5-x", wantErr: true},
		{in: "S-1-5-4294967296", wantErr: true},
		{in: "S-1-281474976710656", wantErr: true},
		{in: "X-1-5", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			sid, err := ParseSID(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrMalformed) {
					t.Fatalf("ParseSID(%q) err = %v, want ErrMalformed", tt.in, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if sid.String() != tt.want {
				t.Errorf("String = %s, want %s", sid, tt.want)
			}
			bin, _ := sid.MarshalBinary()
			if !bytes.Equal(bin, unhex(tt.bin)) {
				t.Errorf("binary = %x, want %s", bin, tt.bin)
			}
			back, n, err := DecodeSID(append(bin, 0xff))
			if err != nil || n != len(bin) || back != sid {
				t.Errorf("DecodeSID = %v, %d, %v", back, n, err)
			}
		})
	}
}

func TestSIDDomainRID(t *testing.T) {
	dom := MustSID("S-1-5-21-1-2-3")
	tests := []struct {
		sid     string
		wantRID uint32
		ok      bool
	}{
		{"S-1-5-21-1-2-3-512", 512, true},
		{"S-1-5-21-1-2-3-1105", 1105, true},
		{"S-1-5-21-1-2-3", 0, false},
		{"S-1-5-32-544", 0, false},
		{"S-1-5-21-1-2-3-4-5", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.sid, func(t *testing.T) {
			d, rid, ok := MustSID(tt.sid).DomainRID()
			if ok != tt.ok || rid != tt.wantRID || (ok && d != dom) {
				t.Errorf("DomainRID = %v %d %v", d, rid, ok)
			}
			if ok {
				if back, _ := d.WithRID(rid); back != MustSID(tt.sid) {
					t.Errorf("WithRID = %v", back)
				}
			}
		})
	}
	if !dom.IsDomain() || MustSID("S-1-5-32").IsDomain() {
		t.Error("IsDomain misjudges")
	}
}

func TestGUID(t *testing.T) {
	tests := []struct {
		in, want, bin string
		wantErr       bool
	}{
		{in: "edacfd8f-ffb3-11d1-b41d-00a0c968f939", want: "edacfd8f-ffb3-11d1-b41d-00a0c968f939", bin: hexApplyGP},
		{in: "{EDACFD8F-FFB3-11D1-B41D-00A0C968F939}", want: "edacfd8f-ffb3-11d1-b41d-00a0c968f939", bin: hexApplyGP},
		{in: "bf967a86-0de6-11d0-a285-00aa003049e2", want: "bf967a86-0de6-11d0-a285-00aa003049e2", bin: "867a96bf e60d d011 a28500aa003049e2"},
		{in: "edacfd8f-ffb3-11d1-b41d-00a0c968f93", wantErr: true},
		{in: "edacfd8f+ffb3-11d1-b41d-00a0c968f939", wantErr: true},
		{in: "zdacfd8f-ffb3-11d1-b41d-00a0c968f939", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			g, err := ParseGUID(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrMalformed) {
					t.Fatalf("err = %v, want ErrMalformed", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if g.String() != tt.want {
				t.Errorf("String = %s", g)
			}
			bin, _ := g.MarshalBinary()
			if !bytes.Equal(bin, unhex(tt.bin)) {
				t.Errorf("binary = %x, want %s", bin, tt.bin)
			}
			if back, err := DecodeGUID(bin); err != nil || back != g {
				t.Errorf("DecodeGUID = %v, %v", back, err)
			}
		})
	}
	if _, err := DecodeGUID(make([]byte, 15)); !errors.Is(err, ErrTruncated) {
		t.Errorf("DecodeGUID(15 bytes) err = %v", err)
	}
}

func TestPrincipalNames(t *testing.T) {
	dom := MustSID("S-1-5-21-1-2-3")
	other := MustSID("S-1-5-21-7-8-9")
	tests := []struct {
		sid       string
		domain    SID
		name      string
		alias     string
		wantName  bool
		wantAlias bool
	}{
		{"S-1-5-18", dom, "SYSTEM", "SY", true, true},
		{"S-1-5-11", dom, "Authenticated Users", "AU", true, true},
		{"S-1-5-9", dom, "Enterprise Domain Controllers", "ED", true, true},
		{"S-1-3-0", dom, "CREATOR OWNER", "CO", true, true},
		{"S-1-5-21-1-2-3-512", dom, "Domain Admins", "DA", true, true},
		{"S-1-5-21-1-2-3-513", dom, "Domain Users", "DU", true, true},
		{"S-1-5-21-1-2-3-515", dom, "Domain Computers", "DC", true, true},
		{"S-1-5-21-1-2-3-516", dom, "Domain Controllers", "DD", true, true},
		{"S-1-5-21-1-2-3-519", dom, "Enterprise Admins", "EA", true, true},
		{"S-1-5-21-1-2-3-520", dom, "Group Policy Creator Owners", "PA", true, true},
		{"S-1-5-21-1-2-3-502", dom, "krbtgt", "", true, false},
		{"S-1-5-21-1-2-3-515", other, "", "", false, false},
		{"S-1-5-21-1-2-3-515", SID{}, "Domain Computers", "", true, false},
		{"S-1-5-21-1-2-3-1105", dom, "", "", false, false},
		{"S-1-5-15", dom, "This Organization", "", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.sid, func(t *testing.T) {
			name, ok := PrincipalName(MustSID(tt.sid), tt.domain)
			if ok != tt.wantName || name != tt.name {
				t.Errorf("PrincipalName = %q %v, want %q %v", name, ok, tt.name, tt.wantName)
			}
			alias, ok := PrincipalAlias(MustSID(tt.sid), tt.domain)
			if ok != tt.wantAlias || alias != tt.alias {
				t.Errorf("PrincipalAlias = %q %v, want %q %v", alias, ok, tt.alias, tt.wantAlias)
			}
			if tt.wantAlias {
				if back, ok := AliasSID(alias, tt.domain); !ok || back != MustSID(tt.sid) {
					t.Errorf("AliasSID(%s) = %v %v", alias, back, ok)
				}
			}
		})
	}
}

// TestPrincipalTable checks the table itself: aliases unique, fixed SIDs
// valid and unique.
func TestPrincipalTable(t *testing.T) {
	aliases, sids, rids := map[string]bool{}, map[string]bool{}, map[uint32]bool{}
	for _, p := range principals() {
		if p.alias != "" {
			if aliases[p.alias] {
				t.Errorf("alias %s listed twice", p.alias)
			}
			aliases[p.alias] = true
		}
		switch {
		case p.sid != "":
			if _, err := ParseSID(p.sid); err != nil {
				t.Errorf("%s: %v", p.name, err)
			}
			if sids[p.sid] {
				t.Errorf("SID %s listed twice", p.sid)
			}
			sids[p.sid] = true
		case rids[p.rid]:
			t.Errorf("RID %d listed twice", p.rid)
		default:
			rids[p.rid] = true
		}
		if p.name == "" {
			t.Errorf("%s%s has no name", p.sid, p.alias)
		}
	}
}

func TestGUIDName(t *testing.T) {
	tests := []struct {
		guid     string
		mask     AccessMask
		wantName string
		wantKind GUIDKind
	}{
		{GUIDApplyGroupPolicy, DSControlAccess, "Apply Group Policy", KindExtendedRight},
		{"72e39547-7b18-11d1-adef-00c04fd8d5cd", DSSelf, "Validated write to DNS host name", KindValidatedWrite},
		{"72e39547-7b18-11d1-adef-00c04fd8d5cd", DSReadProp, "DNS Host Name Attributes", KindPropertySet},
		{"f3a64788-5306-11d1-a9c5-0000f80367c1", DSWriteProp, "servicePrincipalName", KindAttribute},
		{GUIDClassComputer, DSCreateChild | DSDeleteChild, "computer", KindClass},
		{GUIDAttrGPLink, 0, "gPLink", KindAttribute},
		{"4c164200-20c0-11d0-a768-00aa006e0529", DSReadProp, "Account Restrictions", KindPropertySet},
	}
	for _, tt := range tests {
		t.Run(tt.wantName, func(t *testing.T) {
			name, kind, ok := GUIDName(MustGUID(tt.guid), tt.mask)
			if !ok || name != tt.wantName || kind != tt.wantKind {
				t.Errorf("GUIDName = %q %v %v", name, kind, ok)
			}
		})
	}
	if _, _, ok := GUIDName(MustGUID("00000000-0000-0000-0000-000000000001"), 0); ok {
		t.Error("unknown GUID named")
	}
	for _, row := range knownGUIDs() {
		if _, err := ParseGUID(row.guid); err != nil {
			t.Errorf("%s: %v", row.name, err)
		}
	}
}
