package secdesc

import "testing"

// parseDACL parses SDDL with the access test domain and returns its DACL.
func parseDACL(t *testing.T, sddl string) *ACL {
	t.Helper()
	sd, err := ParseSDDL(sddl, accessDomain())
	if err != nil {
		t.Fatal(err)
	}
	return sd.DACL
}

// daclSDDL renders an ACL as the D: part of SDDL.
func daclSDDL(acl *ACL) string {
	sd := New()
	sd.SetDACL(acl)
	return sd.SDDL(accessDomain())
}

func TestCanonicalize(t *testing.T) {
	tests := []struct {
		name, in, want string
		canonical      bool
	}{
		{"already canonical", "D:(D;;GA;;;AN)(A;;GA;;;SY)(A;ID;GR;;;AU)", "D:(D;;GA;;;AN)(A;;GA;;;SY)(A;ID;GR;;;AU)", true},
		{"explicit deny moves first", "D:(A;;GA;;;SY)(OD;;CR;edacfd8f-ffb3-11d1-b41d-00a0c968f939;;DC)(A;;GR;;;AU)",
			"D:(OD;;CR;edacfd8f-ffb3-11d1-b41d-00a0c968f939;;DC)(A;;GA;;;SY)(A;;GR;;;AU)", false},
		{"inherited stay last in their order", "D:(A;ID;GR;;;AU)(D;ID;GA;;;AN)(A;;GA;;;SY)(D;;GW;;;BG)",
			"D:(D;;GW;;;BG)(A;;GA;;;SY)(A;ID;GR;;;AU)(D;ID;GA;;;AN)", false},
		{"empty", "D:", "D:", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acl := parseDACL(t, tt.in)
			if acl.IsCanonical() != tt.canonical {
				t.Errorf("IsCanonical = %v", !tt.canonical)
			}
			acl.Canonicalize()
			if got := daclSDDL(acl); got != tt.want {
				t.Errorf("Canonicalize\n got %s\nwant %s", got, tt.want)
			}
			if !acl.IsCanonical() {
				t.Error("not canonical after Canonicalize")
			}
		})
	}
}

func TestAdd(t *testing.T) {
	group := rid(1107)
	apply := MustGUID(GUIDApplyGroupPolicy)
	tests := []struct {
		name, in string
		add      ACE
		added    bool
		want     string
		wantRev  uint8
	}{
		{"allow goes before inherited", "D:(D;;GA;;;AN)(A;;GA;;;SY)(A;ID;GR;;;AU)", AllowACE(group, DSGenericRead, ContainerInherit), true,
			"D:(D;;GA;;;AN)(A;;GA;;;SY)(A;CI;LCRPLORC;;;S-1-5-21-1-2-3-1107)(A;ID;GR;;;AU)", ACLRevision},
		{"deny goes after denies", "D:(D;;GA;;;AN)(A;;GA;;;SY)", DenyObjectACE(group, DSControlAccess, ContainerInherit, &apply, nil), true,
			"D:(D;;GA;;;AN)(OD;CI;CR;edacfd8f-ffb3-11d1-b41d-00a0c968f939;;S-1-5-21-1-2-3-1107)(A;;GA;;;SY)", ACLRevisionDS},
		{"object allow raises revision", "D:(A;;GA;;;SY)", AllowObjectACE(group, DSControlAccess, ContainerInherit, &apply, nil), true,
			"D:(A;;GA;;;SY)(OA;CI;CR;edacfd8f-ffb3-11d1-b41d-00a0c968f939;;S-1-5-21-1-2-3-1107)", ACLRevisionDS},
		{"duplicate is not added", "D:(OA;CI;CR;edacfd8f-ffb3-11d1-b41d-00a0c968f939;;S-1-5-21-1-2-3-1107)", AllowObjectACE(group, DSControlAccess, ContainerInherit, new(MustGUID(GUIDApplyGroupPolicy)), nil), false,
			"D:(OA;CI;CR;edacfd8f-ffb3-11d1-b41d-00a0c968f939;;S-1-5-21-1-2-3-1107)", ACLRevisionDS},
		{"inherited goes last", "D:(A;ID;GR;;;AU)(A;;GA;;;SY)", AllowACE(group, GenericRead, Inherited), true,
			"D:(A;ID;GR;;;AU)(A;;GA;;;SY)(A;ID;GR;;;S-1-5-21-1-2-3-1107)", ACLRevision},
		{"deny into an ACL of allows goes first", "D:(A;;GA;;;SY)", DenyACE(group, GenericAll, 0), true,
			"D:(D;;GA;;;S-1-5-21-1-2-3-1107)(A;;GA;;;SY)", ACLRevision},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acl := parseDACL(t, tt.in)
			if got := acl.Add(tt.add); got != tt.added {
				t.Errorf("Add = %v, want %v", got, tt.added)
			}
			if got := daclSDDL(acl); got != tt.want {
				t.Errorf("after Add\n got %s\nwant %s", got, tt.want)
			}
			if acl.Revision != tt.wantRev {
				t.Errorf("revision = %d, want %d", acl.Revision, tt.wantRev)
			}
		})
	}
}

func TestRemove(t *testing.T) {
	const gpo = "D:PAI(OA;CI;CR;edacfd8f-ffb3-11d1-b41d-00a0c968f939;;AU)(A;CI;LCRPLORC;;;AU)(A;;GA;;;DA)(A;CIID;LCRPLORC;;;AU)"
	apply := MustGUID(GUIDApplyGroupPolicy)
	tests := []struct {
		name    string
		remove  func(acl *ACL) []ACE
		removed int
		want    string
	}{
		{"RemoveTrustee keeps inherited", func(acl *ACL) []ACE { return acl.RemoveTrustee(MustSID(SIDAuthenticatedUsers)) }, 2,
			"D:(A;;GA;;;DA)(A;CIID;LCRPLORC;;;AU)"},
		{"remove only the Apply right of Authenticated Users", func(acl *ACL) []ACE {
			return acl.RemoveFunc(func(a ACE) bool {
				return a.SID == MustSID(SIDAuthenticatedUsers) && a.ObjectType != nil && *a.ObjectType == apply
			})
		}, 1, "D:(A;CI;LCRPLORC;;;AU)(A;;GA;;;DA)(A;CIID;LCRPLORC;;;AU)"},
		{"nothing matches", func(acl *ACL) []ACE { return acl.RemoveTrustee(rid(9999)) }, 0, gpo[:2] + gpo[5:]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acl := parseDACL(t, gpo)
			if got := tt.remove(acl); len(got) != tt.removed {
				t.Errorf("removed %d, want %d", len(got), tt.removed)
			}
			if got := daclSDDL(acl); got != tt.want {
				t.Errorf("after remove\n got %s\nwant %s", got, tt.want)
			}
		})
	}
	acl := parseDACL(t, gpo)
	if got := acl.Find(func(a ACE) bool { return a.SID == MustSID(SIDAuthenticatedUsers) }); len(got) != 3 || got[0] != 0 || got[2] != 3 {
		t.Errorf("Find = %v", got)
	}
}

func TestDescribe(t *testing.T) {
	names := testNames()
	tests := []struct {
		ace     string
		mapping GenericMapping
		want    string
	}{
		{"(OD;CI;CR;edacfd8f-ffb3-11d1-b41d-00a0c968f939;;S-1-5-21-1-2-3-1108)", DSMapping(), "Deny Apply Group Policy to MikoCTI_Blocked (this object and children)"},
		{"(A;CI;LCRPLORC;;;AU)", DSMapping(), "Allow Read to Authenticated Users (this object and children)"},
		{"(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;DA)", DSMapping(), "Allow Full Control to Domain Admins"},
		{"(A;CIIO;GA;;;CO)", DSMapping(), "Allow Full Control to CREATOR OWNER (children only)"},
		{"(OA;CIIO;WP;f30e3bbe-9ff0-11d1-b603-0000f80367c1;bf967aa5-0de6-11d0-a285-00aa003049e2;S-1-5-21-1-2-3-1107)", DSMapping(),
			"Allow WP on gPLink to MikoCTI_Computers (children only, organizationalUnit objects)"},
		{"(OA;;CR;01234567-0000-0000-0000-000000000000;;WD)", DSMapping(), "Allow CR on {01234567-0000-0000-0000-000000000000} to Everyone"},
		{"(A;OICI;0x1200a9;;;DC)", FileMapping(), "Allow Read & Execute to Domain Computers (this object and children)"},
		{"(A;ID;0x1f01ff;;;SY)", FileMapping(), "Allow Full Control to SYSTEM (inherited)"},
		{"(A;;0x1301bf;;;S-1-5-21-1-2-3-4444)", FileMapping(), "Allow Modify to S-1-5-21-1-2-3-4444"},
		{"(AU;SA;CR;;;BA)", DSMapping(), "Audit All Extended Rights to Administrators"},
		{"(ML;;NW;;;LW)", DSMapping(), "SYSTEM_MANDATORY_LABEL ACE"},
	}
	for _, tt := range tests {
		t.Run(tt.ace, func(t *testing.T) {
			a, err := ParseACESDDL(tt.ace, accessDomain())
			if err != nil {
				t.Fatal(err)
			}
			if got := a.Describe(names, tt.mapping); got != tt.want {
				t.Errorf("Describe\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestDescribeACL(t *testing.T) {
	tests := []struct {
		name string
		acl  *ACL
		want []string
	}{
		{"NULL DACL", nil, []string{"no DACL: everyone has full access"}},
		{"empty", NewACL(), []string{}},
		{"GPO", parseDACL(t, "D:(OD;CI;CR;edacfd8f-ffb3-11d1-b41d-00a0c968f939;;S-1-5-21-1-2-3-1108)(A;CI;LCRPLORC;;;AU)"), []string{
			"#1 Deny Apply Group Policy to MikoCTI_Blocked (this object and children)",
			"#2 Allow Read to Authenticated Users (this object and children)",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DescribeACL(tt.acl, testNames(), DSMapping())
			if len(got) != len(tt.want) {
				t.Fatalf("DescribeACL = %q, want %q", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("line %d = %q, want %q", i, got[i], tt.want[i])
				}
			}
		})
	}
}
