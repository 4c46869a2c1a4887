package gpo

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/go-ldap/ldap/v3"

	"github.com/ctitui/ctitui/domain/secdesc"
)

// RightState is whether the bound account has a right.
type RightState string

// Right states. Partly: on some of the places checked, not all.
const (
	RightYes     RightState = "yes"
	RightNo      RightState = "no"
	RightPartly  RightState = "partly"
	RightUnknown RightState = "unknown"
)

// Right keys.
const (
	RightCreateGPO   = "create_gpo"   // create groupPolicyContainer objects under CN=Policies
	RightLinkOU      = "link_ou"      // write gPLink on the domain root and the top-level OUs
	RightSysVolWrite = "sysvol_write" // create GPO folders in SYSVOL\<domain>\Policies
)

// Right is one thing a deployment needs and whether the bound account has
// it, with the reason when it is not a plain yes.
type Right struct {
	Key    string     `json:"key"`
	State  RightState `json:"state"`
	Detail string     `json:"detail,omitempty"`
}

// maxLinkOUs caps the top-level OUs whose gPLink right is read one by one.
const maxLinkOUs = 20

// Rights checks what a deployment needs of the bound account: creating
// GPOs (allowedChildClassesEffective on CN=Policies,CN=System), linking
// them (allowedAttributesEffective gPLink on the domain root and its
// top-level OUs), both as the DC computes them for the requester, and
// creating GPO folders on SYSVOL (the Policies folder's DACL evaluated
// against the account's token: its SID and tokenGroups). account is the
// logon name the session bound with; "" (Kerberos from a credential
// cache) reads the token from the rootDSE instead. A check that cannot be
// made says so rather than guess.
func (s *Session) Rights(ctx context.Context, account string) []Right {
	c, err := s.Dir(ctx)
	if err != nil {
		return []Right{{RightCreateGPO, RightUnknown, err.Error()}, {RightLinkOU, RightUnknown, err.Error()}, {RightSysVolWrite, RightUnknown, err.Error()}}
	}
	base := s.BaseDN()
	effective := func(dn, attr, want string) (bool, error) {
		e, err := c.Read(ctx, dn, []string{attr})
		if err != nil {
			return false, err
		}
		return slices.ContainsFunc(e.GetAttributeValues(attr), func(v string) bool { return strings.EqualFold(v, want) }), nil
	}
	var out []Right

	if ok, err := effective("CN=Policies,CN=System,"+base, "allowedChildClassesEffective", "groupPolicyContainer"); err != nil {
		out = append(out, Right{RightCreateGPO, RightUnknown, err.Error()})
	} else if ok {
		out = append(out, Right{Key: RightCreateGPO, State: RightYes})
	} else {
		out = append(out, Right{RightCreateGPO, RightNo, "no create right on CN=Policies,CN=System (Group Policy Creator Owners or Domain Admins have it)"})
	}

	out = append(out, s.linkRight(ctx, base, effective))
	out = append(out, s.sysvolRight(ctx, account))
	return out
}

func (s *Session) linkRight(ctx context.Context, base string, effective func(dn, attr, want string) (bool, error)) Right {
	c, err := s.Dir(ctx)
	if err != nil {
		return Right{RightLinkOU, RightUnknown, err.Error()}
	}
	dns := []string{base}
	entries, err := c.SearchAll(ctx, base, ldap.ScopeSingleLevel, "(objectClass=organizationalUnit)", []string{"ou"})
	if err != nil {
		return Right{RightLinkOU, RightUnknown, err.Error()}
	}
	for _, e := range entries {
		dns = append(dns, e.DN)
	}
	if len(dns) > maxLinkOUs+1 {
		dns = dns[:maxLinkOUs+1]
	}
	var no []string
	for _, dn := range dns {
		ok, err := effective(dn, "allowedAttributesEffective", "gPLink")
		if err != nil {
			return Right{RightLinkOU, RightUnknown, err.Error()}
		}
		if !ok {
			no = append(no, dn)
		}
	}
	switch {
	case len(no) == 0:
		return Right{Key: RightLinkOU, State: RightYes}
	case len(no) == len(dns):
		return Right{RightLinkOU, RightNo, "no write right on gPLink at the domain root or its top-level OUs"}
	}
	return Right{RightLinkOU, RightPartly, "not on " + strings.Join(no, "; ")}
}

// sysvolRight evaluates the Policies folder's DACL for adding a folder and
// a file, what a new GPO's folder needs.
func (s *Session) sysvolRight(ctx context.Context, account string) Right {
	tok, err := s.boundToken(ctx, account)
	if err != nil {
		return Right{RightSysVolWrite, RightUnknown, err.Error()}
	}
	sh, err := s.SysVol(ctx)
	if err != nil {
		return Right{RightSysVolWrite, RightUnknown, err.Error()}
	}
	sd, err := sh.Security(ctx, s.policiesRel())
	if err != nil {
		return Right{RightSysVolWrite, RightUnknown, fmt.Sprintf("read the permissions of %s: %v", s.policiesRel(), err)}
	}
	req := secdesc.Request{Desired: secdesc.FileAppendData | secdesc.FileWriteData, Mapping: secdesc.FileMapping()}
	if dec := secdesc.Evaluate(sd, tok, req); !dec.Granted {
		return Right{RightSysVolWrite, RightNo, dec.Explain(secdesc.Names(s.DomainSID(), nil), secdesc.FileMapping())}
	}
	return Right{Key: RightSysVolWrite, State: RightYes}
}

// boundToken is the token of the bound account over the network: its SID
// and tokenGroups, found by its logon name, or without one the rootDSE's
// tokenGroups (the requester's groups, as AD and Samba compute them).
func (s *Session) boundToken(ctx context.Context, account string) (secdesc.Token, error) {
	c, err := s.Dir(ctx)
	if err != nil {
		return secdesc.Token{}, err
	}
	var sids []secdesc.SID
	if account != "" {
		u, err := c.UserByName(ctx, account)
		if local, _, ok := strings.Cut(account, "@"); err != nil && ok {
			// A UPN the account does not carry as userPrincipalName
			// (Samba's Administrator): its logon name then.
			u, err = c.UserByName(ctx, local)
		}
		if err != nil {
			return secdesc.Token{}, err
		}
		sid, err := secdesc.ParseSID(u.SID)
		if err != nil {
			return secdesc.Token{}, fmt.Errorf("SID of %s: %w", account, err)
		}
		groups, err := c.TokenGroups(ctx, u.DN)
		if err != nil {
			return secdesc.Token{}, err
		}
		sids = append([]secdesc.SID{sid}, groups...)
	} else {
		e, err := c.Read(ctx, "", []string{"tokenGroups"})
		if err != nil {
			return secdesc.Token{}, fmt.Errorf("the rootDSE's tokenGroups: %w", err)
		}
		for _, raw := range e.GetRawAttributeValues("tokenGroups") {
			sid, _, err := secdesc.DecodeSID(raw)
			if err != nil {
				return secdesc.Token{}, fmt.Errorf("the rootDSE's tokenGroups: %w", err)
			}
			sids = append(sids, sid)
		}
		if len(sids) == 0 {
			return secdesc.Token{}, fmt.Errorf("the DC did not give the account's groups (rootDSE tokenGroups)")
		}
	}
	return secdesc.NetworkLogonToken(sids...), nil
}
