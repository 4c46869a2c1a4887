package ui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

type (
	packagesMsg struct {
		owner any
		pkgs  []Package
		err   error
	}
	detailsMsg struct {
		owner any
		id    string
		lines []string
		err   error
	}
)

// manageScreen is every Software Installation package across GPOs.
type manageScreen struct {
	*env
	pkgs                                         []Package
	list                                         list
	loaded                                       bool
	err                                          error
	details                                      bool
	removing                                     bool
	upgrading                                    bool
	detailList                                   list
	detailErr                                    error
	detailFor                                    string
	newPath                                      textinput.Model
	redeploy, remove, upgrade, detail, now, keep key.Binding
}

func newManage(e *env) *manageScreen {
	return &manageScreen{
		env:      e,
		redeploy: bind(e.t, "r", "manage.redeploy", "r"),
		remove:   bind(e.t, "x", "manage.remove", "x"),
		upgrade:  bind(e.t, "u", "manage.upgrade", "u"),
		detail:   bind(e.t, "enter", "manage.details", "enter"),
		now:      bind(e.t, "i", "manage.remove_now", "i"),
		keep:     bind(e.t, "k", "manage.remove_keep", "k"),
	}
}

func (s *manageScreen) load() tea.Cmd {
	if s.sess.Packages == nil {
		return nil
	}
	ctx, p := s.ctx, s.sess.Packages
	return func() tea.Msg {
		l, err := p.List(ctx)
		return packagesMsg{owner: s, pkgs: l, err: err}
	}
}

func (s *manageScreen) Init() tea.Cmd { return s.load() }
func (s *manageScreen) Title() string { return s.t.T("manage.title") }
func (s *manageScreen) Typing() bool {
	return s.list.Typing() || s.removing || s.upgrading
}
func (s *manageScreen) Busy() bool { return false }
func (s *manageScreen) SetSize(w, h int) {
	s.list.SetSize(w, max(h-4, 1))
	s.detailList.SetSize(w, max(h-5, 1))
}

func (s *manageScreen) ShortHelp() []key.Binding {
	switch {
	case s.removing:
		return []key.Binding{s.now, s.keep}
	case s.upgrading:
		return []key.Binding{bind(s.t, "enter", "manage.upgrade_go", "enter"), s.km.Back}
	case s.list.Typing():
		return []key.Binding{s.km.FilterDone, s.km.FilterClear}
	case s.details:
		return []key.Binding{s.km.Up, s.km.Down}
	case s.list.Selected() < 0:
		return nil
	}
	return []key.Binding{s.detail, s.redeploy, s.remove, s.upgrade, s.km.Filter}
}

func (s *manageScreen) FullHelp() [][]key.Binding {
	return [][]key.Binding{{s.km.Up, s.km.Down, s.km.Filter, s.km.Reload}, {s.detail, s.redeploy, s.remove, s.upgrade}}
}

func (s *manageScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case packagesMsg:
		if msg.owner != s {
			return s, nil
		}
		s.loaded, s.err, s.pkgs = true, msg.err, msg.pkgs
		rows := make([]string, len(msg.pkgs))
		for i, p := range msg.pkgs {
			state := stateText(s.t, p.State)
			if p.OldScript || p.OldArch {
				// the marker is explained under the list (manage.old_script,
				// manage.old_arch)
				state += oldScriptMark
			}
			rows[i] = fmt.Sprintf("%-24s %-9s %-10s %-10s %s", p.Name, p.Version, modeText(s.t, p.Mode), state, p.GPOName)
		}
		s.list.SetItems(rows, nil)
	case detailsMsg:
		if msg.owner != s || msg.id != s.detailFor {
			return s, nil
		}
		s.detailErr = msg.err
		s.detailList.SetWrapped(msg.lines)
	case planReadyMsg:
		if msg.owner != s {
			return s, nil
		}
		if msg.err != nil {
			s.err = msg.err
			return s, nil
		}
		return s, push(newPlanScreen(s.env, msg.plan))
	case planFinishedMsg:
		return s, s.load()
	case tea.KeyMsg:
		return s.key(msg)
	}
	return s, nil
}

func (s *manageScreen) key(msg tea.KeyMsg) (screen, tea.Cmd) {
	pk := s.sess.Packages
	if s.removing {
		s.removing = false
		p := s.pkgs[s.list.Selected()]
		switch {
		case key.Matches(msg, s.now):
			return s, prepare(s.ctx, s, func(ctx context.Context) (Plan, error) { return pk.Remove(ctx, p, false) })
		case key.Matches(msg, s.keep):
			return s, prepare(s.ctx, s, func(ctx context.Context) (Plan, error) { return pk.Remove(ctx, p, true) })
		}
		return s, nil
	}
	if s.upgrading {
		switch msg.Type {
		case tea.KeyEsc:
			s.upgrading = false
			return s, nil
		case tea.KeyEnter:
			s.upgrading = false
			p, path := s.pkgs[s.list.Selected()], strings.TrimSpace(s.newPath.Value())
			return s, prepare(s.ctx, s, func(ctx context.Context) (Plan, error) { return pk.Upgrade(ctx, p, path) })
		}
		var cmd tea.Cmd
		s.newPath, cmd = s.newPath.Update(msg)
		return s, cmd
	}
	if s.details {
		if !s.detailList.Update(msg, s.km) {
			s.details = false
		}
		return s, nil
	}
	if s.list.Update(msg, s.km) {
		return s, nil
	}
	if key.Matches(msg, s.km.Back) {
		return s, pop
	}
	if key.Matches(msg, s.km.Reload) {
		s.err = nil
		return s, s.load()
	}
	i := s.list.Selected()
	if i < 0 {
		return s, nil
	}
	p := s.pkgs[i]
	switch {
	case key.Matches(msg, s.detail):
		s.details, s.detailFor, s.detailErr = true, p.ID, nil
		s.detailList.SetItems([]string{s.t.T("common.loading")}, nil)
		return s, func() tea.Msg {
			l, err := pk.Details(s.ctx, p)
			return detailsMsg{owner: s, id: p.ID, lines: l, err: err}
		}
	case key.Matches(msg, s.redeploy):
		return s, prepare(s.ctx, s, func(ctx context.Context) (Plan, error) { return pk.Redeploy(ctx, p) })
	case key.Matches(msg, s.remove):
		s.removing = true
	case key.Matches(msg, s.upgrade):
		s.upgrading, s.err = true, nil
		s.newPath = newInput(p.Path[:strings.LastIndex(p.Path, `\`)+1], 60)
		return s, s.newPath.Focus()
	}
	return s, nil
}

func (s *manageScreen) View() string {
	t, st := s.t, s.st
	switch {
	case s.sess.Packages == nil:
		return st.Warning.Render(t.T("common.unavailable", t.T("engine.si")))
	case s.err != nil:
		return st.Error.Render(t.T("common.error")) + " " + t.Err(s.err)
	case !s.loaded:
		return st.Muted.Render(t.T("common.loading"))
	}
	var b strings.Builder
	if i := s.list.Selected(); s.details && i >= 0 {
		p := s.pkgs[i]
		b.WriteString(st.Title.Render(p.Name+" "+p.Version) + "\n")
		b.WriteString(t.T("manage.path") + ": " + p.Path + "\n")
		b.WriteString(t.T("manage.gpo") + ": " + p.GPOName + " " + p.GPO + "\n")
		if p.OldScript {
			b.WriteString(st.Warning.Render(t.T("manage.old_script")) + "\n")
		}
		if p.OldArch {
			b.WriteString(st.Warning.Render(t.T("manage.old_arch")) + "\n")
		}
		if s.detailErr != nil {
			b.WriteString(st.Error.Render(t.T("common.error")) + " " + t.Err(s.detailErr) + "\n")
		}
		b.WriteString(s.detailList.View(st, "") + "\n")
		b.WriteString(st.Muted.Render(t.T("manage.details_close")))
		return b.String()
	}
	b.WriteString(st.Title.Render(fmt.Sprintf("  %-24s %-9s %-10s %-10s %s", t.T("manage.name"), t.T("manage.version"), t.T("manage.mode"), t.T("manage.state"), t.T("manage.gpo"))) + "\n")
	if f := s.list.FilterLine(t); f != "" {
		b.WriteString(f + "\n")
	}
	b.WriteString(s.list.View(st, t.T("manage.none")))
	oldScript, oldArch := false, false
	for _, p := range s.pkgs {
		oldScript, oldArch = oldScript || p.OldScript, oldArch || p.OldArch
	}
	if oldScript {
		b.WriteString("\n" + st.Warning.Render(oldScriptMark+" "+t.T("manage.old_script")))
	}
	if oldArch {
		b.WriteString("\n" + st.Warning.Render(oldScriptMark+" "+t.T("manage.old_arch")))
	}
	if s.removing {
		b.WriteString("\n\n" + st.Warning.Render(t.T("manage.remove_ask")))
	}
	if s.upgrading {
		b.WriteString("\n\n" + t.T("manage.upgrade_ask") + "\n" + s.newPath.View())
	}
	return b.String()
}

// oldScriptMark follows the state of a package whose advertise script is
// in the old layout; the line under the list says what it means.
const oldScriptMark = "*"

// stateText names the package state; unknown states show as they are.
func stateText(t Text, state string) string {
	switch state {
	case "active":
		return t.T("manage.state_active")
	case "removing":
		return t.T("manage.state_removing")
	case "orphaned":
		return t.T("manage.state_orphaned")
	}
	return state
}

// modeText names the deployment type in the catalog's language.
func modeText(t Text, mode string) string {
	switch strings.ToLower(mode) {
	case "assigned":
		return t.T("manage.assigned")
	case "published":
		return t.T("manage.published")
	}
	return mode
}

// FilterSet: esc clears the list's filter first.
func (s *manageScreen) FilterSet() bool { return s.list.Filtered() && !s.details }
