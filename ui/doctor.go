package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

type (
	computersMsg struct {
		owner any
		names []string
		err   error
	}
	diagnosisMsg struct {
		owner any
		lines []string
		err   error
	}
)

// doctorScreen picks a computer and shows the doctor's report for it.
type doctorScreen struct {
	*env
	input    textinput.Model
	list     list
	names    []string
	report   []string
	reportOf string
	err      error
	busy     bool
	inList   bool
	search   key.Binding
}

func newDoctor(e *env) *doctorScreen {
	d := &doctorScreen{env: e, input: newInput("", 30), search: bind(e.t, "enter", "doctor.search", "enter")}
	d.input.Focus()
	return d
}

func (d *doctorScreen) Init() tea.Cmd { return nil }
func (d *doctorScreen) Title() string { return d.t.T("doctor.title") }
func (d *doctorScreen) Typing() bool  { return d.sess.Doctor != nil && !d.inList }
func (d *doctorScreen) Busy() bool    { return false }
func (d *doctorScreen) SetSize(w, h int) {
	d.list.SetSize(w, max(h-5, 1))
}

func (d *doctorScreen) ShortHelp() []key.Binding {
	switch {
	case d.sess.Doctor == nil:
		return nil
	case !d.inList:
		return []key.Binding{d.search, d.km.Back}
	case d.report != nil:
		return []key.Binding{d.km.Up, d.km.Down, d.km.PgDown}
	}
	return []key.Binding{d.km.Up, d.km.Down, bind(d.t, "enter", "doctor.run", "enter")}
}

func (d *doctorScreen) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }

func (d *doctorScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case computersMsg:
		if msg.owner != d {
			return d, nil
		}
		d.busy, d.err, d.names = false, msg.err, msg.names
		d.list.SetItems(msg.names, nil)
		d.inList = len(msg.names) > 0
		if d.inList {
			d.input.Blur()
		}
	case diagnosisMsg:
		if msg.owner != d {
			return d, nil
		}
		d.busy, d.err = false, msg.err
		d.report = msg.lines
		d.list.SetWrapped(msg.lines)
	case tea.KeyMsg:
		return d.key(msg)
	}
	return d, nil
}

func (d *doctorScreen) key(msg tea.KeyMsg) (screen, tea.Cmd) {
	if d.sess.Doctor == nil || d.busy {
		if key.Matches(msg, d.km.Back) {
			return d, pop
		}
		return d, nil
	}
	ctx, dir, doc := d.ctx, d.sess.Dir, d.sess.Doctor
	if !d.inList {
		switch msg.Type {
		case tea.KeyEsc:
			return d, pop
		case tea.KeyEnter:
			prefix := strings.TrimSpace(d.input.Value())
			d.busy, d.report = true, nil
			return d, func() tea.Msg {
				n, err := dir.FindComputers(ctx, prefix)
				return computersMsg{owner: d, names: n, err: err}
			}
		}
		var cmd tea.Cmd
		d.input, cmd = d.input.Update(msg)
		return d, cmd
	}
	if d.list.Update(msg, d.km) {
		return d, nil
	}
	switch {
	case key.Matches(msg, d.km.Back):
		d.inList, d.report = false, nil
		return d, d.input.Focus()
	case key.Matches(msg, d.km.Enter) && d.report == nil && d.list.Selected() >= 0:
		name := d.names[d.list.Selected()]
		d.busy, d.reportOf = true, name
		return d, func() tea.Msg {
			l, err := doc.Diagnose(ctx, name)
			return diagnosisMsg{owner: d, lines: l, err: err}
		}
	}
	return d, nil
}

func (d *doctorScreen) View() string {
	t, st := d.t, d.st
	if d.sess.Doctor == nil {
		return st.Warning.Render(t.T("common.unavailable", t.T("engine.doctor")))
	}
	var b strings.Builder
	b.WriteString(t.T("doctor.computer") + ": " + d.input.View() + "\n\n")
	switch {
	case d.busy:
		b.WriteString(st.Muted.Render(t.T("common.loading")))
	case d.err != nil:
		b.WriteString(st.Error.Render(t.T("common.error")) + " " + t.Err(d.err))
	case d.report != nil:
		b.WriteString(st.Title.Render(t.T("doctor.report", d.reportOf)) + "\n")
		b.WriteString(d.list.View(st, ""))
	case d.inList:
		b.WriteString(d.list.View(st, ""))
	case d.names != nil:
		b.WriteString(st.Muted.Render(t.T("doctor.none")))
	default:
		b.WriteString(st.Muted.Render(t.T("doctor.hint")))
	}
	return b.String()
}
