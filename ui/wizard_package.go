package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

// Package option rows.
const (
	poScope = iota
	poType
	poLogon
	poUninstall
	poTransforms
	poCount
)

// pkgStep is step 5: the guide's package options with its recommended
// values preselected.
type pkgStep struct {
	*env
	row        int
	transforms textinput.Model
}

func newPkgStep(e *env) pkgStep {
	return pkgStep{env: e, transforms: newInput("", 40)}
}

func (p *pkgStep) typing() bool { return p.row == poTransforms }

func (p *pkgStep) help(km KeyMap, r DeployRequest) []key.Binding {
	if p.typing() {
		return []key.Binding{km.Tab, bind(p.t, "enter", "wiz.next", "enter")}
	}
	if p.userOnly(p.row) && !r.UserConfig {
		return []key.Binding{km.Up, km.Down}
	}
	return []key.Binding{km.Toggle}
}

// userOnly rows mean something for User Configuration only: Windows
// neither publishes to computers nor installs them at a user's logon.
func (p *pkgStep) userOnly(row int) bool { return row == poType || row == poLogon }

func (p *pkgStep) key(msg tea.KeyMsg, r *DeployRequest) tea.Cmd {
	switch {
	case msg.Type == tea.KeyTab || msg.Type == tea.KeyDown || (!p.typing() && key.Matches(msg, p.km.Down)):
		p.row = (p.row + 1) % poCount
	case msg.Type == tea.KeyShiftTab || msg.Type == tea.KeyUp || (!p.typing() && key.Matches(msg, p.km.Up)):
		p.row = (p.row + poCount - 1) % poCount
	case p.typing():
		var cmd tea.Cmd
		p.transforms, cmd = p.transforms.Update(msg)
		r.Transforms = splitList(p.transforms.Value())
		return cmd
	case msg.Type == tea.KeySpace || msg.Type == tea.KeyLeft || msg.Type == tea.KeyRight:
		p.toggle(r)
	}
	if p.typing() {
		return p.transforms.Focus()
	}
	p.transforms.Blur()
	return nil
}

func (p *pkgStep) toggle(r *DeployRequest) {
	switch p.row {
	case poScope:
		r.UserConfig = !r.UserConfig
		if !r.UserConfig {
			// Windows does not publish to computers.
			r.Published, r.InstallAtLogon = false, false
		}
	case poType:
		if r.UserConfig {
			r.Published = !r.Published
		}
	case poLogon:
		if r.UserConfig {
			r.InstallAtLogon = !r.InstallAtLogon
		}
	case poUninstall:
		r.UninstallOutOfScope = !r.UninstallOutOfScope
	}
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func (p *pkgStep) view(r DeployRequest) string {
	t, st := p.t, p.st
	onOff := func(b bool) string {
		if b {
			return "[x] " + t.T("common.on")
		}
		return "[ ] " + t.T("common.off")
	}
	scope := t.T("pkg.computer")
	if r.UserConfig {
		scope = t.T("pkg.user")
	}
	userOnly := func(v string) string {
		if r.UserConfig {
			return v
		}
		return st.Muted.Render(t.T("pkg.user_only"))
	}
	typ := t.T("pkg.assigned")
	if r.Published {
		typ = t.T("pkg.published")
	}
	// Computers only ever get Assigned packages.
	typeValue := "< " + typ + " >"
	if !r.UserConfig {
		typeValue = typ + " " + st.Muted.Render(t.T("pkg.published_user_only"))
	}
	rows := []struct{ name, value, rec string }{
		{t.T("pkg.scope"), "< " + scope + " >", t.T("pkg.scope_rec")},
		{t.T("pkg.type"), typeValue, t.T("pkg.type_rec")},
		{t.T("pkg.logon"), userOnly(onOff(r.InstallAtLogon)), t.T("pkg.logon_rec")},
		{t.T("pkg.uninstall"), onOff(r.UninstallOutOfScope), t.T("pkg.uninstall_rec")},
		{t.T("pkg.transforms"), p.transforms.View(), t.T("pkg.transforms_rec")},
	}
	var b strings.Builder
	for i, row := range rows {
		mark := "  "
		if i == p.row {
			mark = "> "
		}
		fmt.Fprintf(&b, "%s%-30s %s\n", mark, row.name, row.value)
		b.WriteString(st.Muted.Render("    "+row.rec) + "\n")
	}
	b.WriteString(st.Muted.Render(t.T("pkg.upgrade_note")) + "\n")
	if !r.UserConfig {
		b.WriteString("\n" + t.T("pkg.computer_why"))
	} else {
		b.WriteString("\n" + st.Warning.Render(t.T("pkg.user_note")))
	}
	return b.String()
}
