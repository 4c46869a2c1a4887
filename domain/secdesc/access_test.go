package secdesc

import (
	"slices"
	"strings"
	"testing"
)

// accessDomain and its principals for the access tests.
func accessDomain() SID { return MustSID("S-1-5-21-1-2-3") }

func rid(r uint32) SID {
	s, err := accessDomain().WithRID(r)
	if err != nil {
		panic(err)
	}
	return s
}

// testNames names the test domain's custom groups like a directory would.
func testNames() func(SID) string {
	return Names(accessDomain(), func(s SID) (string, bool) {
		switch s {
		case rid(1107):
			return "MikoCTI_Computers", true
		case rid(1108):
			return "MikoCTI_Blocked", true
		}
		return "", false
	})
}

func TestEvaluate(t *testing.T) {
	const (
		gpmcNew = "O:DAG:DAD:PAI(OA;CI;CR;edacfd8f-ffb3-11d1-b41d-00a0c968f939;;AU)(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;DA)" +
			"(A;CI;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;EA)(A;CIIO;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;CO)(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;SY)" +
			"(A;CI;LCRPLORC;;;ED)(A;CI;LCRPLORC;;;AU)"
		filtered = "O:DAG:DAD:PAI(OA;CI;CR;edacfd8f-ffb3-11d1-b41d-00a0c968f939;;S-1-5-21-1-2-3-1107)(A;CI;LCRPLORC;;;S-1-5-21-1-2-3-1107)" +
			"(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;DA)(A;CI;LCRPLORC;;;AU)"
		denied = "O:DAG:DAD:PAI(OD;CI;CR;edacfd8f-ffb3-11d1-b41d-00a0c968f939;;S-1-5-21-1-2-3-1108)" +
			"(OA;CI;CR;edacfd8f-ffb3-11d1-b41d-00a0c968f939;;AU)(A;CI;LCRPLORC;;;AU)"
		msiFolder = "O:BAG:DUD:PAI(A;OICI;0x1200a9;;;DC)(A;OICI;0x1f01ff;;;DA)(A;OICI;0x1f01ff;;;SY)(A;OICIIO;GA;;;CO)"
		msiFile   = "O:BAG:DUD:AI(D;ID;0x1301bf;;;S-1-5-21-1-2-3-1108)(A;ID;0x1200a9;;;DC)(A;ID;0x1f01ff;;;DA)"
	)
	computer := rid(1201)
	plainPC := NetworkLogonToken(computer, rid(RIDDomainComputers))
	filteredPC := NetworkLogonToken(computer, rid(RIDDomainComputers), rid(1107))
	blockedPC := NetworkLogonToken(computer, rid(RIDDomainComputers), rid(1108))
	admin := NetworkLogonToken(rid(500), rid(RIDDomainAdmins))

	tests := []struct {
		name        string
		sddl        string
		token       Token
		req         Request
		granted     bool
		allowedIdx  []int
		deniedIdx   int // -1 for none
		missing     AccessMask
		explainHas  string
		nullDACL    bool
		ownerImplic AccessMask
		clearDP     bool
	}{
		{name: "default GPO: computer reads", sddl: gpmcNew, token: plainPC, req: ReadRequest(), granted: true, allowedIdx: []int{6}, deniedIdx: -1,
			explainHas: "granted by ACE #7 (Allow Read to Authenticated Users (this object and children))"},
		{name: "default GPO: computer applies", sddl: gpmcNew, token: plainPC, req: ApplyGroupPolicyRequest(), granted: true, allowedIdx: []int{0}, deniedIdx: -1,
			explainHas: "granted by ACE #1 (Allow Apply Group Policy to Authenticated Users (this object and children))"},
		{name: "default GPO: creator owner ACE is inherit-only", sddl: "D:(A;CIIO;GA;;;DC)", token: plainPC, req: ReadRequest(), deniedIdx: -1, missing: DSGenericRead,
			explainHas: "not granted: no ACE allows LCRPLORC to this token"},
		{name: "filtered GPO: member applies", sddl: filtered, token: filteredPC, req: ApplyGroupPolicyRequest(), granted: true, allowedIdx: []int{0}, deniedIdx: -1,
			explainHas: "Allow Apply Group Policy to MikoCTI_Computers"},
		{name: "filtered GPO: non-member reads", sddl: filtered, token: plainPC, req: ReadRequest(), granted: true, allowedIdx: []int{3}, deniedIdx: -1},
		{name: "filtered GPO: non-member does not apply", sddl: filtered, token: plainPC, req: ApplyGroupPolicyRequest(), deniedIdx: -1, missing: DSControlAccess,
			explainHas: "not granted: no ACE allows CR to this token"},
		{name: "deny Apply beats a later allow", sddl: denied, token: blockedPC, req: ApplyGroupPolicyRequest(), deniedIdx: 0, missing: DSControlAccess,
			explainHas: "denied by ACE #1 (Deny Apply Group Policy to MikoCTI_Blocked (this object and children))"},
		{name: "deny Apply does not stop reading", sddl: denied, token: blockedPC, req: ReadRequest(), granted: true, allowedIdx: []int{2}, deniedIdx: -1},
		{name: "deny after allow does not take back", sddl: "D:(A;;RP;;;AU)(D;;RP;;;AU)", token: plainPC, req: Request{Desired: DSReadProp, Mapping: DSMapping()},
			granted: true, allowedIdx: []int{0}, deniedIdx: -1},
		{name: "deny of other bits is irrelevant", sddl: "D:(D;;WDWO;;;DC)(A;;LCRPLORC;;;DC)", token: plainPC, req: ReadRequest(), granted: true, allowedIdx: []int{1}, deniedIdx: -1},
		{name: "rights add up across ACEs", sddl: "D:(A;;RP;;;AU)(A;;LCLO;;;DC)(A;;RC;;;WD)", token: plainPC, req: ReadRequest(), granted: true, allowedIdx: []int{0, 1, 2}, deniedIdx: -1,
			explainHas: "granted by ACE #1 (Allow RP to Authenticated Users), ACE #2 (Allow LCLO to Domain Computers), ACE #3 (Allow RC to Everyone)"},
		{name: "partial grant reports what is missing", sddl: "D:(A;;RP;;;AU)", token: plainPC, req: ReadRequest(), allowedIdx: []int{0}, deniedIdx: -1, missing: DSList | DSListObject | ReadControl,
			explainHas: "not granted: nothing allows LCLORC; granted only by ACE #1"},
		{name: "object ACE for another right does not apply", sddl: "D:(OA;;CR;00299570-246d-11d0-a768-00aa006e0529;;AU)", token: plainPC, req: ApplyGroupPolicyRequest(), deniedIdx: -1, missing: DSControlAccess},
		{name: "object deny for another right does not apply", sddl: "D:(OD;;CR;00299570-246d-11d0-a768-00aa006e0529;;AU)(A;;CR;;;AU)", token: plainPC, req: ApplyGroupPolicyRequest(), granted: true, allowedIdx: []int{1}, deniedIdx: -1},
		{name: "object ACE without GUID covers every right", sddl: "D:(OA;;CR;;;AU)", token: plainPC, req: ApplyGroupPolicyRequest(), granted: true, allowedIdx: []int{0}, deniedIdx: -1},
		{name: "Full Control through GENERIC_ALL", sddl: "D:(A;;GA;;;DA)", token: admin, req: ApplyGroupPolicyRequest(), granted: true, allowedIdx: []int{0}, deniedIdx: -1,
			explainHas: "Allow Full Control to Domain Admins"},
		{name: "generic request mapped", sddl: "D:(A;;LCRPLORC;;;AU)", token: plainPC, req: Request{Desired: GenericRead, Mapping: DSMapping()}, granted: true, allowedIdx: []int{0}, deniedIdx: -1},
		{name: "other principal's ACE ignored", sddl: "D:(A;;GA;;;DA)", token: plainPC, req: ReadRequest(), deniedIdx: -1, missing: DSGenericRead},
		{name: "NULL DACL grants all", sddl: "D:NO_ACCESS_CONTROL", token: plainPC, req: ApplyGroupPolicyRequest(), granted: true, deniedIdx: -1, nullDACL: true,
			explainHas: "no DACL"},
		{name: "no DACL at all grants all", sddl: "O:SY", token: plainPC, req: ReadRequest(), granted: true, deniedIdx: -1, nullDACL: true},
		{name: "DACL without the present bit is ignored", sddl: "D:(D;;GA;;;WD)", clearDP: true, token: plainPC, req: ReadRequest(), granted: true, deniedIdx: -1, nullDACL: true},
		{name: "asking for nothing", sddl: "D:", token: plainPC, req: Request{Mapping: DSMapping()}, granted: true, deniedIdx: -1,
			explainHas: "granted: no access was asked for"},
		{name: "empty DACL grants nothing", sddl: "D:", token: plainPC, req: ReadRequest(), deniedIdx: -1, missing: DSGenericRead},
		{name: "owner gets READ_CONTROL and WRITE_DAC", sddl: "O:S-1-5-21-1-2-3-1201D:", token: plainPC, req: Request{Desired: ReadControl | WriteDAC, Mapping: DSMapping()},
			granted: true, deniedIdx: -1, ownerImplic: ReadControl | WriteDAC, explainHas: "granted by ownership (RCWD)"},
		{name: "OWNER RIGHTS replaces implicit owner rights", sddl: "O:S-1-5-21-1-2-3-1201D:(A;;RC;;;OW)", token: plainPC, req: Request{Desired: ReadControl | WriteDAC, Mapping: DSMapping()},
			allowedIdx: []int{0}, deniedIdx: -1, missing: WriteDAC},
		{name: "PRINCIPAL_SELF with Self", sddl: "D:(OA;;SW;72e39547-7b18-11d1-adef-00c04fd8d5cd;;PS)", token: plainPC,
			req:     Request{Desired: DSSelf, ObjectTypes: []GUID{MustGUID("72e39547-7b18-11d1-adef-00c04fd8d5cd")}, Self: &computer, Mapping: DSMapping()},
			granted: true, allowedIdx: []int{0}, deniedIdx: -1, explainHas: "Allow Validated write to DNS host name to SELF"},
		{name: "PRINCIPAL_SELF without Self", sddl: "D:(OA;;SW;72e39547-7b18-11d1-adef-00c04fd8d5cd;;PS)", token: plainPC,
			req: Request{Desired: DSSelf, ObjectTypes: []GUID{MustGUID("72e39547-7b18-11d1-adef-00c04fd8d5cd")}, Mapping: DSMapping()}, deniedIdx: -1, missing: DSSelf},
		{name: "callback allow grants nothing", sddl: "D:(XA;;FR;;;WD;#61727478)", token: plainPC, req: Request{Desired: FileGenericRead, Mapping: FileMapping()}, deniedIdx: -1, missing: FileGenericRead},
		{name: "callback deny denies", sddl: "D:(XD;;FR;;;WD;#61727478)(A;;FR;;;WD)", token: plainPC, req: Request{Desired: FileGenericRead, Mapping: FileMapping()}, deniedIdx: 0, missing: FileGenericRead},
		{name: "audit ACE in a DACL is ignored", sddl: "D:(AU;SA;GA;;;WD)", token: plainPC, req: ReadRequest(), deniedIdx: -1, missing: DSGenericRead},
		{name: "MSI folder: Domain Computers read & execute", sddl: msiFolder, token: plainPC, req: FileReadRequest(), granted: true, allowedIdx: []int{0}, deniedIdx: -1,
			explainHas: "granted by ACE #1 (Allow Read & Execute to Domain Computers (this object and children))"},
		{name: "MSI file: blocked computer denied", sddl: msiFile, token: blockedPC, req: FileReadRequest(), deniedIdx: 0, missing: FileReadAndExecute,
			explainHas: "denied by ACE #1 (Deny Modify to MikoCTI_Blocked (inherited))"},
		{name: "MSI file: user without a grant", sddl: msiFile, token: NetworkLogonToken(rid(1300), rid(RIDDomainUsers)), req: FileReadRequest(), deniedIdx: -1, missing: FileReadAndExecute},
		{name: "file generic ACE", sddl: "D:(A;;GR;;;DC)(A;;GX;;;DC)", token: plainPC, req: FileReadRequest(), granted: true, allowedIdx: []int{0, 1}, deniedIdx: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sd, err := ParseSDDL(tt.sddl, accessDomain())
			if err != nil {
				t.Fatal(err)
			}
			if tt.clearDP {
				sd.Control &^= DACLPresent
			}
			d := Evaluate(sd, tt.token, tt.req)
			if d.Granted != tt.granted {
				t.Errorf("Granted = %v, want %v (%s)", d.Granted, tt.granted, d.Explain(testNames(), tt.req.Mapping))
			}
			var idx []int
			for _, m := range d.Allowed {
				idx = append(idx, m.Index)
			}
			if !slices.Equal(idx, tt.allowedIdx) {
				t.Errorf("allowed by %v, want %v", idx, tt.allowedIdx)
			}
			switch {
			case tt.deniedIdx < 0 && d.Denied != nil:
				t.Errorf("denied by #%d, want no deny", d.Denied.Index)
			case tt.deniedIdx >= 0 && (d.Denied == nil || d.Denied.Index != tt.deniedIdx):
				t.Errorf("denied by %+v, want #%d", d.Denied, tt.deniedIdx)
			}
			if d.Missing != tt.missing {
				t.Errorf("missing = %#x, want %#x", d.Missing, tt.missing)
			}
			if d.GrantedBits|d.Missing != d.Desired || d.GrantedBits&d.Missing != 0 {
				t.Errorf("granted %#x and missing %#x do not partition desired %#x", d.GrantedBits, d.Missing, d.Desired)
			}
			if d.NullDACL != tt.nullDACL || d.OwnerImplicit != tt.ownerImplic {
				t.Errorf("NullDACL %v OwnerImplicit %#x", d.NullDACL, d.OwnerImplicit)
			}
			if got := d.Explain(testNames(), tt.req.Mapping); tt.explainHas != "" && !strings.Contains(got, tt.explainHas) {
				t.Errorf("Explain = %q, want it to contain %q", got, tt.explainHas)
			}
		})
	}
}

func TestNetworkLogonToken(t *testing.T) {
	tok := NetworkLogonToken(rid(1201), MustSID(SIDEveryone))
	for _, s := range []string{"S-1-5-21-1-2-3-1201", SIDEveryone, SIDAuthenticatedUsers, SIDNetwork, SIDThisOrganization} {
		if !tok.Contains(MustSID(s)) {
			t.Errorf("token lacks %s", s)
		}
	}
	if len(tok.SIDs) != 5 {
		t.Errorf("token has %d SIDs, want 5 without duplicates: %v", len(tok.SIDs), tok.SIDs)
	}
	if NewToken(rid(1)).Contains(MustSID(SIDEveryone)) {
		t.Error("NewToken added implicit SIDs")
	}
}
