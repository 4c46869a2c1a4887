package secdesc

import "slices"

// Token is the set of SIDs an access check is made for: the principal's
// own SID and the SIDs of every group it belongs to, directly or nested,
// plus the well-known groups its logon adds ([MS-DTYP] 2.5.2, Token/Sids).
type Token struct {
	SIDs []SID
}

// NewToken returns a token holding exactly sids.
func NewToken(sids ...SID) Token { return Token{SIDs: slices.Clone(sids)} }

// NetworkLogonToken returns the token a domain account gets when it reaches
// a DC over the network (LDAP, SMB): sids plus Everyone, Authenticated
// Users, NETWORK and This Organization. sids should hold the account's SID
// and its group SIDs (Domain Computers for a computer, ...); for "any
// member of group G" pass just G.
func NetworkLogonToken(sids ...SID) Token {
	t := NewToken(sids...)
	for _, s := range []string{SIDEveryone, SIDAuthenticatedUsers, SIDNetwork, SIDThisOrganization} {
		t.add(MustSID(s))
	}
	return t
}

// Contains reports whether s is in the token.
func (t Token) Contains(s SID) bool { return slices.Contains(t.SIDs, s) }

// add appends s if it is not there yet.
func (t *Token) add(s SID) {
	if !t.Contains(s) {
		t.SIDs = append(t.SIDs, s)
	}
}
