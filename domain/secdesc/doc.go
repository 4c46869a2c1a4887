// Package secdesc reads, writes, renders and evaluates Windows security
// descriptors as Active Directory and SMB servers store them.
//
// # Binary form
//
// Decode and Encode handle self-relative descriptors ([MS-DTYP] 2.4.6)
// with their SIDs (2.4.2), ACLs (2.4.5) and ACEs (2.4.4), including object
// ACEs with object type and inherited object type GUIDs. Decoding keeps
// everything needed to write the same bytes back: the order in which the
// owner, group, SACL and DACL were laid out, bytes between them, ACL
// revisions and reserved fields, bytes past the known fields of an ACE
// (callback application data, filler) and whole ACEs of types this package
// does not interpret. A descriptor built in code is written in the layout
// Windows uses (WindowsLayout: SACL, DACL, owner, group); Samba's NDR
// writes SambaLayout. Only selects the parts to send with the LDAP SD flags
// control (SDFlagsControlValue) or an SMB2 SET_INFO.
//
// # SDDL
//
// SecurityDescriptor.SDDL renders SDDL ([MS-DTYP] 2.5.1) for display with
// aliases for well-known and domain-relative principals; ParseSDDL builds
// descriptors from SDDL, which keeps tests and DACL templates readable:
//
//	sd, err := secdesc.ParseSDDL("O:DAG:DAD:PAI(OA;CI;CR;edacfd8f-ffb3-11d1-b41d-00a0c968f939;;AU)(A;CI;LCRPLORC;;;AU)", domainSID)
//
// PrincipalName, GUIDName, ACE.Describe and DescribeACL give the names
// people know: "Deny Apply Group Policy to Blocked Computers".
//
// # Access checks
//
// Evaluate follows the access check of [MS-DTYP] 2.5.3.2 on a DACL for a
// Token and a Request (ReadRequest, ApplyGroupPolicyRequest,
// FileReadRequest) and returns a Decision naming the ACEs that granted or
// denied; Decision.Explain words it:
//
//	d := secdesc.Evaluate(gpoSD, secdesc.NetworkLogonToken(computerSID, groupSIDs...), secdesc.ApplyGroupPolicyRequest())
//	if !d.Granted {
//		fmt.Println(d.Explain(secdesc.Names(domainSID, lookup), secdesc.DSMapping()))
//	}
//
// # Editing
//
// ACL.Add inserts an ACE where canonical order puts it, ACL.RemoveFunc and
// ACL.RemoveTrustee take ACEs out, ACL.Canonicalize restores the order
// GPMC writes (explicit deny, explicit allow, inherited). FileRightsFromDS
// derives SYSVOL folder rights from GPO directory rights.
//
// # Tests
//
// The tests compare the codec, SDDL and access check with Samba's
// (python3-samba, through testdata/samba_oracle.py) on Samba's provisioned
// descriptors and the schema's defaults; testdata/golden.txt keeps the
// results so the codec tests run without Samba too.
package secdesc
