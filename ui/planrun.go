package ui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

type (
	// planReadyMsg carries a prepared plan to the screen that asked for it.
	planReadyMsg struct {
		owner any
		plan  Plan
		err   error
	}
	applyStepMsg struct {
		run  *planRun
		step int
		what string
	}
	applyDoneMsg struct {
		run *planRun
		out Outcome
		err error
	}
	// planFinishedMsg tells the screens that a change was applied, so they
	// reload what they show.
	planFinishedMsg struct{}
)

// prepare runs build in a command and delivers the plan to owner.
func prepare(ctx context.Context, owner any, build func(context.Context) (Plan, error)) tea.Cmd {
	return func() tea.Msg {
		p, err := build(ctx)
		return planReadyMsg{owner: owner, plan: p, err: err}
	}
}

// planRun applies a plan in a goroutine and streams its progress through a
// channel, one message per step, so Update never waits.
type planRun struct {
	ch chan tea.Msg
}

// The plan runs under the console's applies: quitting cancels it (it rolls
// back) and waits for it. Once cancelled nobody reads the progress any
// more, so it is dropped rather than blocking the rollback.
func startApply(a *applies, p Plan) (*planRun, tea.Cmd) {
	r := &planRun{ch: make(chan tea.Msg, 16)}
	send := func(m tea.Msg) {
		select {
		case r.ch <- m:
		case <-a.ctx.Done():
		}
	}
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		out, err := p.Apply(a.ctx, func(step int, what string) {
			send(applyStepMsg{run: r, step: step, what: what})
		})
		if err != nil && a.ctx.Err() != nil {
			a.mu.Lock()
			a.cut = append(a.cut, fmt.Errorf("%s: %w", p.Title(), err))
			a.mu.Unlock()
		}
		send(applyDoneMsg{run: r, out: out, err: err})
		close(r.ch)
	}()
	return r, r.next()
}

// next waits for the next progress message.
func (r *planRun) next() tea.Cmd {
	return func() tea.Msg { return <-r.ch }
}

// planView is the review, confirmation, progress and report of one plan.
type planView struct {
	*env
	plan   Plan
	lines  list
	asking bool
	run    *planRun
	done   []string
	out    *Outcome
	err    error
	after  []string
	apply  key.Binding
}

func newPlanView(e *env, p Plan, after []string) *planView {
	v := &planView{env: e, plan: p, after: after, apply: bind(e.t, "a", "plan.apply_key", "a")}
	v.lines.SetWrapped(p.Lines())
	return v
}

// SetHead shows lines above the plan's own while it is reviewed (a
// summary in the guide's words); the list scrolls over both.
func (v *planView) SetHead(head []string) {
	if v.run != nil {
		return
	}
	v.lines.SetWrapped(append(append([]string{}, head...), v.plan.Lines()...))
}

func (v *planView) SetSize(w, h int) {
	// Room for the title, a blank line and the question or result.
	v.lines.SetSize(w, max(h-4, 1))
}

// Busy is true from the confirmation until the report.
func (v *planView) Busy() bool { return v.run != nil && v.out == nil && v.err == nil }

// Finished is true once there is a report.
func (v *planView) Finished() bool { return v.out != nil || v.err != nil }

func (v *planView) ShortHelp() []key.Binding {
	switch {
	case v.asking:
		return []key.Binding{v.km.Yes}
	case v.run == nil:
		return []key.Binding{v.apply}
	case v.Finished():
		return nil
	}
	return nil
}

// Update handles the plan's keys and progress; it reports whether the
// message was the plan's.
func (v *planView) Update(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case applyStepMsg:
		if msg.run != v.run {
			return nil, false
		}
		v.done = append(v.done, fmt.Sprintf("[%d/%d] %s", msg.step, v.plan.Steps(), msg.what))
		v.showProgress()
		return v.run.next(), true
	case applyDoneMsg:
		if msg.run != v.run {
			return nil, false
		}
		v.out, v.err = &msg.out, msg.err
		v.showReport()
		return func() tea.Msg { return planFinishedMsg{} }, true
	case tea.KeyMsg:
		if v.asking {
			v.asking = false
			if key.Matches(msg, v.km.Yes) {
				var cmd tea.Cmd
				v.run, cmd = startApply(v.applies, v.plan)
				v.showProgress()
				return cmd, true
			}
			return nil, true
		}
		if v.run == nil && key.Matches(msg, v.apply) {
			v.asking = true
			return nil, true
		}
		return nil, v.lines.Update(msg, v.km)
	}
	return nil, false
}

func (v *planView) showProgress() {
	lines := append([]string{v.t.T("plan.applying", v.plan.Title())}, v.done...)
	v.lines.SetWrapped(lines)
	v.lines.Select(len(v.lines.items) - 1)
}

func (v *planView) showReport() {
	t := v.t
	var lines []string
	o := v.out
	if o.Complete && v.err == nil {
		lines = append(lines, t.T("plan.complete", len(o.Applied)))
		for _, a := range o.Applied {
			lines = append(lines, "  [ok] "+a)
		}
		lines = append(lines, v.after...)
	} else {
		lines = append(lines, t.T("plan.failed"))
		if o.Failed != "" {
			lines = append(lines, "  "+t.T("plan.failed_step", o.Failed, o.FailedError))
		} else if v.err != nil {
			lines = append(lines, "  "+v.err.Error())
		}
		for _, a := range o.RolledBack {
			lines = append(lines, "  [undone] "+a)
		}
		for _, a := range o.RollbackErrors {
			lines = append(lines, "  [NOT undone] "+a)
		}
		if len(o.RolledBack) > 0 && len(o.RollbackErrors) == 0 {
			lines = append(lines, t.T("plan.rolled_back"))
		}
	}
	v.lines.SetWrapped(lines)
}

func (v *planView) View() string {
	t, st := v.t, v.st
	var b strings.Builder
	// Before applying, the plan's own text starts with its title.
	if v.run != nil {
		b.WriteString(st.Title.Render(v.plan.Title()) + "\n")
	}
	b.WriteString(v.lines.View(st, t.T("plan.empty")) + "\n\n")
	switch {
	case v.asking:
		b.WriteString(st.Warning.Render(t.T("plan.confirm", v.plan.Steps())))
	case v.run == nil:
		b.WriteString(st.Muted.Render(t.T("plan.review_hint", v.plan.Steps())))
	case v.Finished() && v.out.Complete && v.err == nil:
		b.WriteString(st.OK.Render(t.T("plan.done_hint")))
	case v.Finished():
		b.WriteString(st.Error.Render(t.T("plan.failed_hint")))
	default:
		b.WriteString(t.T("plan.wait"))
	}
	return b.String()
}

// planScreen shows a planView full screen (for changes from GPOs, OUs and
// Manage).
type planScreen struct{ *planView }

func newPlanScreen(e *env, p Plan) *planScreen { return &planScreen{newPlanView(e, p, nil)} }

func (s *planScreen) Init() tea.Cmd             { return nil }
func (s *planScreen) Title() string             { return s.t.T("plan.title") }
func (s *planScreen) Typing() bool              { return s.asking }
func (s *planScreen) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }

func (s *planScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok && !s.asking && !s.Busy() && key.Matches(k, s.km.Back) {
		return s, pop
	}
	cmd, _ := s.planView.Update(msg)
	return s, cmd
}
