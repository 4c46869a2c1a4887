package ui

import (
	"context"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

type pickItemsMsg struct {
	owner any
	items []string
	err   error
}

// pickScreen chooses one item from a list loaded in a command (groups,
// WMI filters); enter hands the choice to pick and goes back.
type pickScreen struct {
	*env
	title  string
	items  []string
	list   list
	load   func(context.Context) ([]string, error)
	pick   func(item string) tea.Cmd
	loaded bool
	err    error
	choose key.Binding
}

func newPickScreen(e *env, title string, load func(context.Context) ([]string, error), pick func(string) tea.Cmd) *pickScreen {
	return &pickScreen{env: e, title: title, load: load, pick: pick, choose: bind(e.t, "enter", "pick.choose", "enter")}
}

func (p *pickScreen) Init() tea.Cmd {
	ctx, load := p.ctx, p.load
	return func() tea.Msg {
		items, err := load(ctx)
		return pickItemsMsg{owner: p, items: items, err: err}
	}
}

func (p *pickScreen) Title() string    { return p.title }
func (p *pickScreen) Typing() bool     { return p.list.Typing() }
func (p *pickScreen) Busy() bool       { return false }
func (p *pickScreen) SetSize(w, h int) { p.list.SetSize(w, max(h-2, 1)) }

func (p *pickScreen) ShortHelp() []key.Binding {
	switch {
	case p.list.Typing():
		return []key.Binding{p.km.FilterDone, p.km.FilterClear}
	case p.list.Selected() < 0:
		return nil
	}
	return []key.Binding{p.choose, p.km.Filter}
}

func (p *pickScreen) FullHelp() [][]key.Binding {
	return [][]key.Binding{{p.km.Up, p.km.Down, p.km.Filter, p.choose}}
}

func (p *pickScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case pickItemsMsg:
		if msg.owner == p {
			p.loaded, p.err, p.items = true, msg.err, msg.items
			p.list.SetItems(msg.items, nil)
		}
	case tea.KeyMsg:
		if p.list.Update(msg, p.km) {
			return p, nil
		}
		switch {
		case key.Matches(msg, p.km.Back):
			return p, pop
		case key.Matches(msg, p.choose) && p.list.Selected() >= 0:
			return p, tea.Batch(pop, p.pick(p.items[p.list.Selected()]))
		}
	}
	return p, nil
}

func (p *pickScreen) View() string {
	t, st := p.t, p.st
	switch {
	case p.err != nil:
		return st.Error.Render(t.T("common.error")) + " " + t.Err(p.err)
	case !p.loaded:
		return st.Muted.Render(t.T("common.loading"))
	}
	var b strings.Builder
	if f := p.list.FilterLine(t); f != "" {
		b.WriteString(f + "\n")
	}
	b.WriteString(p.list.View(st, t.T("list.no_match")))
	return b.String()
}

// FilterSet: esc clears the list's filter first.
func (p *pickScreen) FilterSet() bool { return p.list.Filtered() }
