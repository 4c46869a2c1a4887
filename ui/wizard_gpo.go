package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

// DefaultGPOName is the guide's example name.
const DefaultGPOName = "MIKO CTI - Установка телефонной панели"

// gpoStep is step 3: a new GPO (named) or an existing one.
type gpoStep struct {
	*env
	name     textinput.Model
	useNew   bool
	gpos     []GPO
	list     list
	loaded   bool
	err      error
	named    bool
	switchTo key.Binding
}

func newGPOStep(e *env) gpoStep {
	return gpoStep{env: e, name: newInput(DefaultGPOName, 50), useNew: true,
		switchTo: bind(e.t, "tab", "gpo.switch", "tab")}
}

// defaultName keeps the guide's name unless the admin typed another.
func (g *gpoStep) defaultName(info MSIInfo) {
	if !g.named && info.ProductName != "" && !strings.Contains(info.ProductName, "MIKO") {
		g.name.SetValue(info.ProductName)
	}
}

func (g *gpoStep) init(gp GPOs) tea.Cmd {
	if g.useNew {
		g.name.Focus()
	}
	if g.loaded {
		return nil
	}
	return loadGPOs(g.ctx, g, gp)
}

func (g *gpoStep) typing() bool { return g.useNew || g.list.Typing() }

func (g *gpoStep) ready() bool {
	if g.useNew {
		return strings.TrimSpace(g.name.Value()) != ""
	}
	return g.list.Selected() >= 0
}

func (g *gpoStep) choice() (name string, existing bool) {
	if g.useNew {
		return strings.TrimSpace(g.name.Value()), false
	}
	return g.gpos[g.list.Selected()].Name, true
}

func (g *gpoStep) help(km KeyMap) []key.Binding {
	if g.useNew {
		return []key.Binding{g.switchTo, bind(g.t, "enter", "wiz.next", "enter")}
	}
	return []key.Binding{km.Filter, g.switchTo}
}

func (g *gpoStep) update(msg tea.Msg) tea.Cmd {
	if m, ok := msg.(gposMsg); ok && m.owner == g {
		g.loaded, g.err, g.gpos = true, m.err, m.gpos
		rows := make([]string, len(m.gpos))
		for i, x := range m.gpos {
			rows[i] = fmt.Sprintf("%-44s %s", x.Name, gpoStatus(g.t, x, true))
		}
		g.list.SetItems(rows, nil)
	}
	return nil
}

// key: while the name field has the keys, enter goes on to the next step
// through the wizard (which sees Typing and asks ready()).
func (g *gpoStep) key(msg tea.KeyMsg) tea.Cmd {
	if msg.Type == tea.KeyTab && !g.list.Typing() {
		g.useNew = !g.useNew
		if g.useNew {
			return g.name.Focus()
		}
		g.name.Blur()
		return nil
	}
	if g.useNew {
		var cmd tea.Cmd
		before := g.name.Value()
		g.name, cmd = g.name.Update(msg)
		g.named = g.named || g.name.Value() != before
		return cmd
	}
	g.list.Update(msg, g.km)
	return nil
}

func (g *gpoStep) view() string {
	t, st := g.t, g.st
	var b strings.Builder
	mark := func(on bool) string {
		if on {
			return "(*) "
		}
		return "( ) "
	}
	b.WriteString(mark(g.useNew) + t.T("gpo.new") + ": " + g.name.View() + "\n")
	b.WriteString(mark(!g.useNew) + t.T("gpo.existing") + "\n")
	switch {
	case g.err != nil:
		b.WriteString(st.Error.Render(t.T("common.error")) + " " + t.Err(g.err))
	case !g.loaded:
		b.WriteString(st.Muted.Render(t.T("common.loading")))
	case g.useNew:
		b.WriteString(st.Muted.Render(t.T("gpo.existing_hint", len(g.gpos))))
	default:
		if f := g.list.FilterLine(t); f != "" {
			b.WriteString(f + "\n")
		}
		b.WriteString(g.list.View(st, t.T("gpo.none")))
	}
	return b.String()
}
