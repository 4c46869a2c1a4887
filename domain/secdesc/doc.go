// Package secdesc reads, writes, renders and evaluates Windows security
// descriptors as Active Directory and SMB servers store them.
//
// The binary codec follows [MS-DTYP] 2.4.6 (self-relative
// SECURITY_DESCRIPTOR), 2.4.5 (ACL), 2.4.4 (ACE) and 2.4.2 (SID). Decoding
// keeps everything needed to write the same bytes back: the order in which
// the owner, group, SACL and DACL were laid out, bytes between them, ACL
// revisions and filler, bytes past the known fields of an ACE and whole ACEs
// of types this package does not interpret. A descriptor built in code is
// written in the layout Windows uses (see Layout).
//
// SDDL ([MS-DTYP] 2.5.1) is rendered for display and parsed to build
// descriptors readably. Evaluate answers "does this DACL grant this token
// this access?" following the access check algorithm of [MS-DTYP] 2.5.3.2,
// and reports which ACEs decided it.
package secdesc
