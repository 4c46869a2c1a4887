// Package domain is ctitui's access to an Active Directory domain: the LDAP
// connection and its authentication, directory queries, security descriptors,
// and files on SMB shares (SYSVOL and the distribution share).
//
// Nothing in this package knows about Group Policy; the gpo package builds on it.
package domain
