package secdesc_test

import (
	"fmt"

	"github.com/ctitui/ctitui/domain/secdesc"
)

// A GPO filtered to one group, with a deny for another, checked for a
// computer in both.
func ExampleEvaluate() {
	domain := secdesc.MustSID("S-1-5-21-1004336348-1177238915-682003330")
	computers, _ := domain.WithRID(1107)
	blocked, _ := domain.WithRID(1108)
	pc, _ := domain.WithRID(1201)
	domainComputers, _ := domain.WithRID(secdesc.RIDDomainComputers)

	gpo, err := secdesc.ParseSDDL("O:DAG:DAD:PAI"+
		"(OD;CI;CR;edacfd8f-ffb3-11d1-b41d-00a0c968f939;;"+blocked.String()+")"+
		"(OA;CI;CR;edacfd8f-ffb3-11d1-b41d-00a0c968f939;;"+computers.String()+")"+
		"(A;CI;LCRPLORC;;;AU)(A;CI;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;DA)", domain)
	if err != nil {
		panic(err)
	}
	names := secdesc.Names(domain, func(s secdesc.SID) (string, bool) {
		switch s {
		case computers:
			return "MikoCTI_Computers", true
		case blocked:
			return "MikoCTI_Blocked", true
		}
		return "", false
	})
	token := secdesc.NetworkLogonToken(pc, domainComputers, computers, blocked)
	for _, req := range []secdesc.Request{secdesc.ReadRequest(), secdesc.ApplyGroupPolicyRequest()} {
		d := secdesc.Evaluate(gpo, token, req)
		fmt.Println(d.Explain(names, secdesc.DSMapping()))
	}
	// Output:
	// granted by ACE #3 (Allow Read to Authenticated Users (this object and children))
	// denied by ACE #1 (Deny Apply Group Policy to MikoCTI_Blocked (this object and children))
}

// Rendering a descriptor read from the directory.
func ExampleDecode() {
	raw := []byte{
		0x01, 0x00, 0x04, 0x94, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00,
		0x04, 0x00, 0x30, 0x00, 0x01, 0x00, 0x00, 0x00,
		0x05, 0x02, 0x28, 0x00, 0x00, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
		0x8f, 0xfd, 0xac, 0xed, 0xb3, 0xff, 0xd1, 0x11, 0xb4, 0x1d, 0x00, 0xa0, 0xc9, 0x68, 0xf9, 0x39,
		0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x0b, 0x00, 0x00, 0x00,
	}
	sd, err := secdesc.Decode(raw)
	if err != nil {
		panic(err)
	}
	fmt.Println(sd.SDDL(secdesc.SID{}))
	for _, line := range secdesc.DescribeACL(sd.DACL, secdesc.Names(secdesc.SID{}, nil), secdesc.DSMapping()) {
		fmt.Println(line)
	}
	// Output:
	// D:PAI(OA;CI;CR;edacfd8f-ffb3-11d1-b41d-00a0c968f939;;AU)
	// #1 Allow Apply Group Policy to Authenticated Users (this object and children)
}
