package gpo

import (
	"context"
	"fmt"

	"github.com/ctitui/ctitui/gpo/plan"
)

// RecoverPlan undoes what a journal says a cut-off plan made: the steps
// made or started (a step whose reply never came may have been made),
// newest first, each with the undo its record rebuilds. It stops at a step
// that cannot be undone (a deletion): what came before it stays, and a
// note says so. Index maps each step of the result to the journal's step
// it undoes.
//
// Undoing reverses effects: the undo of a step that widened narrows and
// the other way round, so a journal of a plan in order gives a plan in
// order (gpo/plan).
func (s *Session) RecoverPlan(f plan.JournalFile) (p *plan.Plan, index []int, err error) {
	p = s.newPlan(fmt.Sprintf("undo the cut-off change %q", f.Title))
	for i := len(f.Steps) - 1; i >= 0; i-- {
		js := f.Steps[i]
		if js.State != plan.Made && js.State != plan.Started {
			continue
		}
		if js.Irreversible {
			p.Note("%s was made and cannot be undone; the steps before it stay made", js.What)
			break
		}
		if js.Undo == nil {
			continue // nothing of its own to undo (its folder goes with another step)
		}
		undo, err := s.UndoRecord(js.Undo)
		if err != nil {
			return nil, nil, fmt.Errorf("step %d (%s): %w", i+1, js.What, err)
		}
		detail := "it was made"
		if js.State == plan.Started {
			detail = "it was sent and not confirmed: undone in case it was made"
		}
		p.Add(plan.Step{
			Op: "undo", Target: js.What, Details: []string{detail}, Effect: inverse(js.Effect),
			Do: func(ctx context.Context) error { return undo(ctx) },
		})
		index = append(index, i)
	}
	return p, index, nil
}

func inverse(e plan.Effect) plan.Effect {
	switch e {
	case plan.Widens:
		return plan.Narrows
	case plan.Narrows:
		return plan.Widens
	}
	return e
}
