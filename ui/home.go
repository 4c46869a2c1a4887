package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

type summaryMsg struct {
	s   Summary
	err error
}

// pendingMsg are the changes an earlier ctitui did not finish.
type pendingMsg struct {
	lines []string
	err   error
}

// homeScreen shows the domain at a glance and the actions.
type homeScreen struct {
	*env
	summary *Summary
	err     error
	saveErr error
	save    tea.Cmd
	actions list
	width   int
	// pending are cut-off changes (journals); recover is their key.
	pending []string
	recover key.Binding
	resume  key.Binding
}

// Home actions, in menu order.
const (
	actDeploy = iota
	actManage
	actDoctor
	actGPOs
	actOUs
)

func newHome(e *env) *homeScreen {
	h := &homeScreen{env: e, recover: bind(e.t, "u", "home.recover_key", "u"),
		resume: bind(e.t, "f", "home.resume_key", "f")}
	h.actions.SetItems([]string{
		e.t.T("home.deploy"), e.t.T("home.manage"), e.t.T("home.doctor"), e.t.T("home.gpos"), e.t.T("home.ous"),
	}, nil)
	return h
}

func (h *homeScreen) Init() tea.Cmd { return tea.Batch(h.save, h.load(), h.loadPending()) }

func (h *homeScreen) loadPending() tea.Cmd {
	if h.sess == nil || h.sess.Recovery == nil {
		return nil
	}
	ctx, r := h.ctx, h.sess.Recovery
	return func() tea.Msg {
		lines, err := r.Pending(ctx)
		return pendingMsg{lines, err}
	}
}

func (h *homeScreen) load() tea.Cmd {
	ctx, dir := h.ctx, h.sess.Dir
	return func() tea.Msg {
		s, err := dir.Summary(ctx)
		return summaryMsg{s, err}
	}
}

func (h *homeScreen) Title() string { return h.t.T("home.title") }
func (h *homeScreen) Typing() bool  { return false }
func (h *homeScreen) Busy() bool    { return false }

func (h *homeScreen) SetSize(w, ht int) {
	h.width = w
	h.actions.SetSize(w, 5)
}

func (h *homeScreen) ShortHelp() []key.Binding {
	if len(h.pending) > 0 {
		return []key.Binding{h.km.Up, h.km.Down, h.km.Enter, h.recover, h.resume}
	}
	return []key.Binding{h.km.Up, h.km.Down, h.km.Enter}
}

func (h *homeScreen) FullHelp() [][]key.Binding {
	return [][]key.Binding{{h.km.Up, h.km.Down, h.km.Enter, h.km.Reload}}
}

func (h *homeScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case settingsSaved:
		h.saveErr = msg.err
	case summaryMsg:
		if msg.err != nil {
			h.err = msg.err
		} else {
			h.summary = &msg.s
		}
	case pendingMsg:
		h.pending = msg.lines
		if msg.err != nil {
			h.pending = append(h.pending, msg.err.Error())
		}
	case planReadyMsg:
		if msg.owner != h {
			return h, nil
		}
		if msg.err != nil {
			h.err = msg.err
			return h, nil
		}
		return h, push(newPlanScreen(h.env, msg.plan))
	case planFinishedMsg:
		// A change was applied below: the counts may have moved, and a
		// cut-off change may be undone.
		return h, tea.Batch(h.load(), h.loadPending())
	case tea.KeyMsg:
		if h.actions.Update(msg, h.km) {
			return h, nil
		}
		if key.Matches(msg, h.km.Reload) {
			h.summary, h.err = nil, nil
			return h, h.load()
		}
		if key.Matches(msg, h.km.Enter) {
			return h, push(h.open(h.actions.Selected()))
		}
		if len(h.pending) > 0 && key.Matches(msg, h.recover) {
			return h, prepare(h.ctx, h, h.sess.Recovery.Plan)
		}
		if len(h.pending) > 0 && key.Matches(msg, h.resume) {
			h.err = nil
			return h, prepare(h.ctx, h, h.sess.Recovery.Resume)
		}
	}
	return h, nil
}

func (h *homeScreen) open(action int) screen {
	switch action {
	case actDeploy:
		return newWizard(h.env)
	case actManage:
		return newManage(h.env)
	case actDoctor:
		return newDoctor(h.env)
	case actGPOs:
		return newGPOScreen(h.env)
	default:
		return newOUScreen(h.env)
	}
}

// field writes "label  value", the value wrapped under itself.
func (h *homeScreen) field(b *strings.Builder, label, value string) {
	const col = 23
	lines := strings.Split(ansi.Wrap(value, max(h.width-col, 20), " "), "\n")
	fmt.Fprintf(b, "%-22s %s\n", label, lines[0])
	for _, l := range lines[1:] {
		b.WriteString(strings.Repeat(" ", col) + l + "\n")
	}
}

// rightsText lists the rights one a line, each answer in words (yes, no,
// partly, cannot tell) as well as colour, the reason cut to the line.
func rightsText(t Text, st Styles, rs []Right, width int) string {
	var lines []string
	for _, r := range rs {
		line := t.T("right."+r.Key) + ": "
		switch r.State {
		case "yes":
			lines = append(lines, line+t.T("right.yes"))
			continue
		case "no":
			line += t.T("right.no")
		case "partly":
			line += t.T("right.partly")
		default:
			line += t.T("right.unknown")
		}
		if r.Detail != "" {
			line += " (" + r.Detail + ")"
		}
		line = ansi.Truncate(line, max(width, 20), "~")
		if r.State == "unknown" {
			lines = append(lines, st.Muted.Render(line))
		} else {
			lines = append(lines, st.Warning.Render(line))
		}
	}
	return strings.Join(lines, "\n")
}

func (h *homeScreen) View() string {
	t, st := h.t, h.st
	var b strings.Builder
	switch {
	case h.err != nil:
		b.WriteString(st.Error.Render(t.T("common.error")) + " " + t.Err(h.err) + "\n")
	case h.summary == nil:
		b.WriteString(st.Muted.Render(t.T("common.loading")) + "\n")
	default:
		s := h.summary
		h.field(&b, t.T("home.dc"), s.DC)
		h.field(&b, t.T("home.domain"), s.DomainDN)
		h.field(&b, t.T("home.levels"), s.DomainLevel+" / "+s.ForestLevel)
		if s.BelowGuideLevel {
			h.field(&b, "", st.Warning.Render(t.T("common.warning")+" "+t.T("home.old_level")))
		}
		if s.PDCEmulator != "" {
			h.field(&b, "", st.Warning.Render(t.T("common.warning")+" "+t.T("home.not_pdc", s.PDCEmulator)))
		}
		h.field(&b, t.T("home.user"), s.User)
		h.field(&b, t.T("home.counts"), t.T("home.counts_value", s.OUs, s.Computers, s.Users, s.Groups, s.GPOs, s.WMI))
		if len(s.Rights) > 0 {
			for i, l := range strings.Split(rightsText(t, st, s.Rights, h.width-23), "\n") {
				label := ""
				if i == 0 {
					label = t.T("home.rights")
				}
				h.field(&b, label, l)
			}
		}
	}
	for _, p := range h.pending {
		h.field(&b, "", st.Warning.Render(t.T("common.warning")+" "+t.T("home.cut_off", p)+" (u / f)"))
	}
	b.WriteString("\n" + st.Title.Render(t.T("home.actions")) + "\n")
	b.WriteString(h.actions.View(st, ""))
	if h.saveErr != nil {
		b.WriteString("\n\n" + st.Warning.Render(t.T("common.warning")+" "+t.T("home.not_saved", h.saveErr.Error())))
	}
	return b.String()
}
