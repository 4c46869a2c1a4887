package gpo

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"

	"github.com/go-ldap/ldap/v3"

	"github.com/ctitui/ctitui/gpo/plan"
)

// CreateOptions tune CreatePlan.
type CreateOptions struct {
	// LinkTo are containers (OUs or the domain) to link the GPO to.
	LinkTo []string
	// Reuse uses an existing GPO of the same display name instead of
	// refusing to create a second one.
	Reuse bool
}

// Created says what CreatePlan makes (or reuses).
type Created struct {
	GUID string `json:"guid"`
	DN   string `json:"dn"`
	// Path is the SYSVOL UNC path (gPCFileSysPath).
	Path   string `json:"path"`
	Name   string `json:"name"`
	Reused bool   `json:"reused,omitempty"`
	Links  []Link `json:"links"`
}

// newGUID is a random (version 4) GUID in the upper-case braced form GPO
// names use.
func newGUID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("make a GPO GUID: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return strings.ToUpper(fmt.Sprintf("{%x-%x-%x-%x-%x}", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])), nil
}

// CreatePlan plans a new GPO as GPMC makes one ([MS-GPOL] 2.3, 3.3.5.1
// "GPO Creation"): the groupPolicyContainer with its attributes, its
// CN=User and CN=Machine containers, the SYSVOL folder whose permissions
// mirror the object's, Machine\ and User\ and GPT.INI with version 0; then
// the links. A display name already in use is refused unless Reuse is set.
func (s *Session) CreatePlan(ctx context.Context, name string, opts CreateOptions) (*plan.Plan, *Created, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, nil, fmt.Errorf("a GPO needs a display name")
	}
	// Every new GPO needs SYSVOL; connecting now overlaps the SMB
	// handshake with the directory reads and adds that come first.
	s.WarmSysVol(ctx)
	existing, err := s.findByName(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	out := &Created{Name: name, Links: []Link{}}
	var p *plan.Plan
	switch {
	case len(existing) > 1:
		return nil, nil, fmt.Errorf("%d GPOs are already named %q; give another name", len(existing), name)
	case len(existing) == 1 && !opts.Reuse:
		return nil, nil, &ExistsError{Kind: KindGPO, Name: name, GUID: existing[0].GUID}
	case len(existing) == 1:
		g := existing[0]
		out.GUID, out.DN, out.Path, out.Reused = g.GUID, g.DN, g.Path, true
		p = s.newPlan(fmt.Sprintf("reuse GPO %q %s", name, g.GUID))
	default:
		guid, err := newGUID()
		if err != nil {
			return nil, nil, err
		}
		out.GUID, out.DN, out.Path = guid, s.gpoDN(guid), s.fileSysPath(guid)
		p = s.newPlan(fmt.Sprintf("create GPO %q %s", name, guid))
		s.addCreateSteps(p, out)
	}
	for _, dn := range opts.LinkTo {
		ct, err := s.readContainer(ctx, dn)
		if err != nil {
			return nil, nil, err
		}
		links, changed, err := s.withLink(ct, out.GUID, LinkOptions{})
		if err != nil {
			return nil, nil, err
		}
		if changed {
			p.Add(s.linkStep(ct, links))
		}
		for _, l := range links {
			if l.GUID == out.GUID {
				out.Links = append(out.Links, Link{Container: ct.DN, Enabled: l.Enabled, Enforced: l.Enforced, Order: l.Order})
			}
		}
	}
	return p, out, nil
}

func (s *Session) addCreateSteps(p *plan.Plan, g *Created) {
	attr := func(name string, vals ...string) ldap.Attribute { return ldap.Attribute{Type: name, Vals: vals} }
	p.Add(
		s.addObject(g.DN, []ldap.Attribute{
			attr("objectClass", "top", "container", "groupPolicyContainer"),
			attr("displayName", g.Name),
			attr("gPCFileSysPath", g.Path),
			// Functionality version 2 is what every tool since Windows
			// 2000 writes ([MS-GPOL] 2.2.5).
			attr("gPCFunctionalityVersion", "2"),
			attr("flags", "0"),
			attr("versionNumber", "0"),
		}),
		s.addObject("CN=User,"+g.DN, []ldap.Attribute{attr("objectClass", "top", "container")}),
		s.addObject("CN=Machine,"+g.DN, []ldap.Attribute{attr("objectClass", "top", "container")}),
		s.mkdir(s.gpoRel(g.GUID)),
		s.mirrorACL(g.GUID, nil, nil),
		s.mkdir(s.gpoRel(g.GUID)+`\Machine`),
		s.mkdir(s.gpoRel(g.GUID)+`\User`),
		s.writeFile(s.gpoRel(g.GUID)+`\GPT.INI`, newGPTINI(), nil),
	)
}
