package main

import (
	"context"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/ui"
)

// tuiDirectory adapts domain.Conn to the console's Directory; gs checks
// the rights of account, the logon name bound with ("" with Kerberos from
// a credential cache).
type tuiDirectory struct {
	c       *domain.Conn
	gs      *gpo.Session
	user    string
	account string
	// notPDC is the PDC emulator when the session writes on another DC
	// (gpo.WriteTarget), for Home's note.
	notPDC string
}

func (d *tuiDirectory) Summary(ctx context.Context) (ui.Summary, error) {
	s, err := d.c.Summarize(ctx)
	if err != nil {
		return ui.Summary{}, err
	}
	return ui.Summary{
		DomainDN: s.DomainDN, DC: s.DC, DomainLevel: s.DomainFunctionality, ForestLevel: s.ForestFunctionality,
		User: d.user, OUs: s.OUs, Computers: s.Computers, Users: s.Users, Groups: s.SecurityGroups,
		GPOs: s.GPOs, WMI: s.WMIFilters, Rights: d.rights(ctx),
		// 6 is the Windows Server 2012 R2 domain functional level ([MS-ADTS] 6.1.4.4).
		BelowGuideLevel: d.c.RootDSE().DomainFunctionality < 6,
		PDCEmulator:     d.notPDC,
	}, nil
}

// rights are gpo.Session.Rights: creating GPOs, linking them on OUs and
// writing GPO folders on SYSVOL, as the DC and the Policies folder's DACL
// answer for the bound account.
func (d *tuiDirectory) rights(ctx context.Context) []ui.Right {
	if d.gs == nil {
		return nil
	}
	var out []ui.Right
	for _, r := range d.gs.Rights(ctx, d.account) {
		out = append(out, ui.Right{Key: r.Key, State: string(r.State), Detail: r.Detail})
	}
	return out
}

func (d *tuiDirectory) Root(ctx context.Context) (ui.OUNode, error) {
	r, err := d.c.DomainRoot(ctx)
	if err != nil {
		return ui.OUNode{}, err
	}
	ous := []domain.OU{r}
	if err := d.c.NameLinks(ctx, ous); err != nil {
		return ui.OUNode{}, err
	}
	n := ouNode(ous[0])
	n.HasChildren = true
	return n, nil
}

func (d *tuiDirectory) Children(ctx context.Context, dn string, page func([]ui.OUNode) error) error {
	checked := 0
	return d.c.ChildOUs(ctx, dn, func(p []domain.OU) error {
		if err := d.c.NameLinks(ctx, p); err != nil {
			return err
		}
		out := make([]ui.OUNode, len(p))
		for i, o := range p {
			out[i] = ouNode(o)
			if checked == maxHasChildrenChecks {
				// Opened, it says; see maxHasChildrenChecks.
				out[i].HasChildren = true
				continue
			}
			checked++
			has, err := d.c.HasChildOUs(ctx, o.DN)
			if err != nil {
				return err
			}
			out[i].HasChildren = has
		}
		return page(out)
	})
}

// maxHasChildrenChecks bounds the per-child "are there OUs under it"
// look-ups (one LDAP round trip each, about 0.3 ms on the test DC): the
// children after these many are shown as ones that can be opened and
// opening one tells, as ADUC does, instead of 10,000 round trips (about
// 3 s) for a large container.
const maxHasChildrenChecks = 200

func (d *tuiDirectory) AllOUs(ctx context.Context) ([]ui.OUNode, error) {
	ous, err := d.c.ListOUs(ctx, "")
	if err != nil {
		return nil, err
	}
	if err := d.c.NameLinks(ctx, ous); err != nil {
		return nil, err
	}
	out := make([]ui.OUNode, len(ous))
	for i, o := range ous {
		out[i] = ouNode(o)
	}
	return out, nil
}

func ouNode(o domain.OU) ui.OUNode {
	n := ui.OUNode{DN: o.DN, Name: o.Name, IsDomain: o.IsDomain, BlockInheritance: o.BlockInheritance}
	for _, l := range o.Links {
		n.Links = append(n.Links, ui.Link{GPO: l.GUID, GPOName: l.Name, Container: o.DN,
			Enabled: l.Enabled, Enforced: l.Enforced, Order: l.Order})
	}
	return n
}

func (d *tuiDirectory) ComputerCounts(ctx context.Context, dns []string) (map[string]int, error) {
	return d.c.ComputerCounts(ctx, d.c.RootDSE().DefaultNamingContext, dns)
}

func (d *tuiDirectory) Groups(ctx context.Context, contains string) ([]ui.Group, error) {
	gs, err := d.c.SecurityGroups(ctx, contains)
	if err != nil {
		return nil, err
	}
	out := make([]ui.Group, len(gs))
	for i, g := range gs {
		out[i] = ui.Group{DN: g.DN, Name: g.Name, Scope: g.Scope}
	}
	return out, nil
}

func (d *tuiDirectory) GroupComputers(ctx context.Context, dn string) ([]string, error) {
	cs, err := d.c.GroupComputers(ctx, dn, true)
	return namesOf(cs), err
}

func (d *tuiDirectory) FindComputers(ctx context.Context, prefix string) ([]string, error) {
	cs, err := d.c.FindComputers(ctx, prefix)
	return namesOf(cs), err
}

func (d *tuiDirectory) Computers(ctx context.Context, dn string) ([]string, error) {
	if dn == "" {
		dn = d.c.RootDSE().DefaultNamingContext
	}
	cs, err := d.c.ComputersIn(ctx, dn, true)
	return namesOf(cs), err
}

func namesOf(cs []domain.Computer) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name
	}
	return out
}
