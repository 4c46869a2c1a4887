package secdesc

import (
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// randomAccessCase builds a random descriptor and token within what
// samba's se_access_check and Evaluate both model: ACCESS_ALLOWED and
// ACCESS_DENIED ACEs without generic bits, inheritance flags, an optional
// owner, OWNER RIGHTS, CREATOR OWNER and PRINCIPAL_SELF trustees, and
// sometimes a NULL DACL.
func randomAccessCase(r *rand.Rand, dom SID) (*SecurityDescriptor, Token, AccessMask) {
	pool := []SID{MustSID(SIDEveryone), MustSID(SIDAuthenticatedUsers), MustSID(SIDLocalSystem)}
	for _, rid := range []uint32{512, 515, 1107, 1108, 1201} {
		s, _ := dom.WithRID(rid)
		pool = append(pool, s)
	}
	placeholders := []SID{MustSID(SIDCreatorOwner), MustSID(SIDOwnerRights), MustSID("S-1-5-10")}
	trustees := append(append([]SID(nil), pool...), placeholders...)
	// Rights that need no privilege in samba: DS rights and standard
	// rights, no generic bits, no ACCESS_SYSTEM_SECURITY.
	rights := []AccessMask{DSCreateChild, DSDeleteChild, DSList, DSSelf, DSReadProp, DSWriteProp, DSDeleteTree,
		DSListObject, DSControlAccess, Delete, ReadControl, WriteDAC, WriteOwner, Synchronize}
	randomMask := func(max int) AccessMask {
		var m AccessMask
		for range 1 + r.IntN(max) {
			m |= rights[r.IntN(len(rights))]
		}
		return m
	}

	sd := New()
	if r.IntN(3) > 0 {
		owner := pool[r.IntN(len(pool))]
		sd.Owner = &owner
	}
	switch r.IntN(20) {
	case 0:
		sd.Control |= DACLPresent // NULL DACL
	default:
		acl := NewACL()
		for range r.IntN(7) {
			a := ACE{Type: AccessAllowed, Mask: randomMask(8), SID: trustees[r.IntN(len(trustees))]}
			if r.IntN(4) == 0 {
				a.Type = AccessDenied
			}
			a.Flags = ACEFlags(r.IntN(32)) & (ObjectInherit | ContainerInherit | InheritOnly | Inherited | NoPropagateInherit)
			acl.ACEs = append(acl.ACEs, a)
		}
		sd.SetDACL(acl)
	}
	var tok Token
	for _, s := range pool {
		if r.IntN(2) == 0 {
			tok.SIDs = append(tok.SIDs, s)
		}
	}
	return sd, tok, randomMask(2)
}

// TestSambaAccessCheck compares Evaluate with samba's se_access_check on
// random descriptors and tokens. (Descriptors without the DACL-present bit
// are left out: [MS-DTYP] 2.5.3.2 grants everything there and so does
// Evaluate, while samba 4.17 denies; TestEvaluate covers that case.)
func TestSambaAccessCheck(t *testing.T) {
	o := startSambaOracle(t)
	dom := testDomain()
	r := rand.New(rand.NewPCG(1, 2))
	const cases = 3000
	var granted, denied int
	for i := range cases {
		sd, tok, desired := randomAccessCase(r, dom)
		raw, err := sd.Encode()
		if err != nil {
			t.Fatal(err)
		}
		var sids []string
		for _, s := range tok.SIDs {
			sids = append(sids, s.String())
		}
		answer, err := o.ask(t, "access", dom, fmt.Sprintf("%s|%x|%s", hex.EncodeToString(raw), uint32(desired), strings.Join(sids, ",")))
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		d := Evaluate(sd, tok, Request{Desired: desired, Mapping: DSMapping()})
		sambaGranted := answer != "denied"
		if sambaGranted {
			v, err := strconv.ParseUint(answer, 16, 32)
			if err != nil || AccessMask(v) != desired {
				t.Fatalf("case %d: samba granted %s for desired %#x", i, answer, desired)
			}
			granted++
		} else {
			denied++
		}
		if d.Granted != sambaGranted {
			t.Errorf("case %d: %s token %v desired %s: Evaluate granted=%v (%s), samba %s",
				i, sd.SDDL(dom), sids, RightsSDDL(desired), d.Granted, d.Explain(Names(dom, nil), DSMapping()), answer)
		}
	}
	t.Logf("samba access check: %d random cases agree (%d granted, %d denied)", cases, granted, denied)
	if granted < cases/10 || denied < cases/10 {
		t.Errorf("random cases too lopsided to compare: %d granted, %d denied", granted, denied)
	}
}

// TestSambaFileRightsFromDS compares FileRightsFromDS with samba's
// ldapmask2filemask, which its provisioning uses for GPO folders, on every
// single right and on random combinations without generic bits (samba does
// not map those).
func TestSambaFileRightsFromDS(t *testing.T) {
	o := startSambaOracle(t)
	r := rand.New(rand.NewPCG(3, 4))
	var masks []AccessMask
	for bit := range 28 {
		masks = append(masks, AccessMask(1)<<bit)
	}
	for range 2000 {
		masks = append(masks, AccessMask(r.Uint32())&0x0FFFFFFF)
	}
	masks = append(masks, DSGenericRead, DSGenericAll, 0)
	for _, m := range masks {
		answer, err := o.ask(t, "filemask", testDomain(), fmt.Sprintf("%x", uint32(m)))
		if err != nil {
			t.Fatal(err)
		}
		want, err := strconv.ParseUint(answer, 16, 32)
		if err != nil {
			t.Fatalf("samba answered %q", answer)
		}
		if got := FileRightsFromDS(m); got != AccessMask(want) {
			t.Errorf("FileRightsFromDS(%#x) = %#x, samba %#x", m, got, want)
		}
	}
	t.Logf("samba ldapmask2filemask: %d masks agree", len(masks))
}
