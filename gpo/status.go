package gpo

import (
	"context"
	"fmt"
	"strconv"

	"github.com/ctitui/ctitui/gpo/plan"
)

// StatusPlan enables or disables the computer and user halves of a GPO
// (flags bits 0x2 and 0x1, [MS-GPOL] 2.2.5). Nil keeps a half as it is.
// GPMC does not bump the version for this: clients read flags every time.
func (s *Session) StatusPlan(ctx context.Context, ref string, computer, user *bool) (*plan.Plan, error) {
	g, err := s.Find(ctx, ref)
	if err != nil {
		return nil, err
	}
	c, err := s.Dir(ctx)
	if err != nil {
		return nil, err
	}
	e, err := c.Read(ctx, g.DN, []string{"flags"})
	if err != nil {
		return nil, err
	}
	raw := e.GetAttributeValue("flags")
	cur, _ := strconv.Atoi(raw)
	next := cur
	set := func(on *bool, bit int) {
		if on == nil {
			return
		}
		if *on {
			next &^= bit
		} else {
			next |= bit
		}
	}
	set(computer, FlagComputerDisabled)
	set(user, FlagUserDisabled)
	p := s.newPlan(fmt.Sprintf("set the status of %q %s", g.Name, g.GUID))
	after := g
	after.Flags, after.UserEnabled, after.ComputerEnabled = next, next&FlagUserDisabled == 0, next&FlagComputerDisabled == 0
	if next == cur && raw != "" {
		p.Note("status is already %q", after.Status())
		return p, nil
	}
	st := s.modifyAttrs(g.DN, attrChange{Attr: "flags", Old: raw, New: strconv.Itoa(next)})
	// A half switched on widens; only switching off narrows.
	st.Effect = plan.Narrows
	if cur&^next&(FlagComputerDisabled|FlagUserDisabled) != 0 {
		st.Effect = plan.Widens
	}
	p.Add(st)
	p.Note("new status: %s", after.Status())
	return p, nil
}

// readAttr is one attribute of one object ("" when absent).
func (s *Session) readAttr(ctx context.Context, dn, attr string) (string, error) {
	c, err := s.Dir(ctx)
	if err != nil {
		return "", err
	}
	e, err := c.Read(ctx, dn, []string{attr})
	if err != nil {
		return "", err
	}
	return e.GetAttributeValue(attr), nil
}
