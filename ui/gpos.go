package ui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

type gposMsg struct {
	owner any
	gpos  []GPO
	err   error
}

func loadGPOs(ctx context.Context, owner any, g GPOs) tea.Cmd {
	return func() tea.Msg {
		l, err := g.List(ctx)
		return gposMsg{owner: owner, gpos: l, err: err}
	}
}

// gpoScreen lists GPOs with their status, links and WMI filter.
type gpoScreen struct {
	*env
	gpos   []GPO
	list   list
	err    error
	loaded bool
	width  int
}

func newGPOScreen(e *env) *gpoScreen { return &gpoScreen{env: e} }

func (s *gpoScreen) Init() tea.Cmd    { return loadGPOs(s.ctx, s, s.sess.GPOs) }
func (s *gpoScreen) Title() string    { return s.t.T("gpo.title") }
func (s *gpoScreen) Typing() bool     { return s.list.Typing() }
func (s *gpoScreen) Busy() bool       { return false }
func (s *gpoScreen) SetSize(w, h int) { s.width = w; s.list.SetSize(w, max(h-6, 1)) }

func (s *gpoScreen) ShortHelp() []key.Binding {
	if s.Typing() {
		return []key.Binding{s.km.FilterDone, s.km.FilterClear}
	}
	if s.list.Selected() < 0 {
		return nil
	}
	return []key.Binding{s.km.Enter, s.km.Filter}
}

func (s *gpoScreen) FullHelp() [][]key.Binding {
	return [][]key.Binding{{s.km.Up, s.km.Down, s.km.PgUp, s.km.PgDown, s.km.Enter, s.km.Filter, s.km.Reload}}
}

func (s *gpoScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case gposMsg:
		if msg.owner != s {
			return s, nil
		}
		s.loaded, s.err = true, msg.err
		s.gpos = msg.gpos
		rows := make([]string, len(msg.gpos))
		keys := make([]string, len(msg.gpos))
		for i, g := range msg.gpos {
			rows[i] = fmt.Sprintf("%-40s %-18s %s", g.Name, gpoStatus(s.t, g, true), s.t.T("gpo.links_n", len(g.Links)))
			keys[i] = g.Name + " " + g.GUID
		}
		s.list.SetItems(rows, keys)
	case planFinishedMsg:
		return s, loadGPOs(s.ctx, s, s.sess.GPOs)
	case tea.KeyMsg:
		if s.list.Update(msg, s.km) {
			return s, nil
		}
		switch {
		case key.Matches(msg, s.km.Back):
			return s, pop
		case key.Matches(msg, s.km.Reload):
			return s, loadGPOs(s.ctx, s, s.sess.GPOs)
		case key.Matches(msg, s.km.Enter) && s.list.Selected() >= 0:
			return s, push(newGPODetail(s.env, s.gpos[s.list.Selected()]))
		}
	}
	return s, nil
}

func (s *gpoScreen) View() string {
	t, st := s.t, s.st
	if s.err != nil {
		return st.Error.Render(t.T("common.error")) + " " + t.Err(s.err)
	}
	if !s.loaded {
		return st.Muted.Render(t.T("common.loading"))
	}
	var b strings.Builder
	b.WriteString(st.Title.Render(fmt.Sprintf("  %-40s %-18s %s", t.T("gpo.name"), t.T("gpo.status"), t.T("gpo.links"))) + "\n")
	if f := s.list.FilterLine(t); f != "" {
		b.WriteString(f + "\n")
	}
	b.WriteString(s.list.View(st, t.T("gpo.none")) + "\n")
	if i := s.list.Selected(); i >= 0 {
		g := s.gpos[i]
		b.WriteString(st.Muted.Render(strings.Repeat("-", max(s.width, 1))) + "\n")
		b.WriteString(g.GUID + "\n")
		b.WriteString(t.T("gpo.wmi") + ": " + orDash(g.WMIFilter))
		if g.VersionMismatch {
			b.WriteString("\n" + st.Warning.Render(t.T("common.warning")+" "+t.T("gpo.version_mismatch")))
		}
	}
	return b.String()
}

// gpoStatus is the GPO status in GPMC's words, short for table cells.
func gpoStatus(t Text, g GPO, short bool) string {
	k := "gpo.st_all_off"
	switch {
	case g.UserEnabled && g.ComputerEnabled:
		k = "gpo.st_enabled"
	case g.ComputerEnabled:
		k = "gpo.st_user_off"
	case g.UserEnabled:
		k = "gpo.st_computer_off"
	}
	if short {
		k += "_short"
	}
	return t.T(k)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// gpoDetail is one GPO: its links (to link, unlink, enforce), its security
// filtering and WMI filter.
type gpoDetail struct {
	*env
	gpo    GPO
	links  list
	status string
	// replica is every DC's copy of the GPO (loaded in a command: DCs
	// that do not answer take up to their timeout); replicaErr why not.
	replica    []string
	replicaErr error
	link       key.Binding
	unlink     key.Binding
	enforce    key.Binding
	filter     key.Binding
	wmi        key.Binding
}

func newGPODetail(e *env, g GPO) *gpoDetail {
	d := &gpoDetail{
		env:     e,
		gpo:     g,
		link:    bind(e.t, "l", "gpo.link_key", "l"),
		unlink:  bind(e.t, "u", "gpo.unlink_key", "u"),
		enforce: bind(e.t, "e", "gpo.enforce_key", "e"),
		filter:  bind(e.t, "f", "gpo.filter_key", "f"),
		wmi:     bind(e.t, "w", "gpo.wmi_key", "w"),
	}
	d.setLinks()
	return d
}

func (d *gpoDetail) setLinks() {
	rows := make([]string, len(d.gpo.Links))
	for i, l := range d.gpo.Links {
		rows[i] = l.Container + "  " + linkState(d.t, l)
	}
	d.links.SetItems(rows, nil)
}

func linkState(t Text, l Link) string {
	var s []string
	if l.Enabled {
		s = append(s, t.T("link.enabled"))
	} else {
		s = append(s, t.T("link.disabled"))
	}
	if l.Enforced {
		s = append(s, t.T("link.enforced"))
	}
	return "(" + strings.Join(s, ", ") + ")"
}

// replicaMsg carries the per-DC comparison of a GPO.
type replicaMsg struct {
	owner any
	lines []string
	err   error
}

func (d *gpoDetail) Init() tea.Cmd { return d.loadReplica() }

func (d *gpoDetail) loadReplica() tea.Cmd {
	r := d.sess.Replication
	if r == nil {
		return nil
	}
	ctx, guid := d.ctx, d.gpo.GUID
	return func() tea.Msg {
		l, err := r.GPOStatus(ctx, guid)
		return replicaMsg{owner: d, lines: l, err: err}
	}
}

func (d *gpoDetail) Title() string    { return d.t.T("gpo.detail_title", d.gpo.Name) }
func (d *gpoDetail) Typing() bool     { return false }
func (d *gpoDetail) Busy() bool       { return false }
func (d *gpoDetail) SetSize(w, h int) { d.links.SetSize(w, max(h-10, 1)) }

func (d *gpoDetail) ShortHelp() []key.Binding {
	ks := []key.Binding{d.link, d.filter, d.wmi}
	if d.links.Selected() >= 0 {
		ks = append(ks, d.unlink, d.enforce)
	}
	return ks
}

func (d *gpoDetail) FullHelp() [][]key.Binding {
	return [][]key.Binding{{d.km.Up, d.km.Down}, {d.link, d.unlink, d.enforce, d.filter, d.wmi}}
}

func (d *gpoDetail) Update(msg tea.Msg) (screen, tea.Cmd) {
	gpos, guid := d.sess.GPOs, d.gpo.GUID
	switch msg := msg.(type) {
	case planReadyMsg:
		if msg.owner != d {
			return d, nil
		}
		if msg.err != nil {
			d.status = d.t.T("common.error") + " " + d.t.Err(msg.err)
			return d, nil
		}
		return d, push(newPlanScreen(d.env, msg.plan))
	case gposMsg:
		if msg.owner != d || msg.err != nil {
			return d, nil
		}
		for _, g := range msg.gpos {
			if g.GUID == guid {
				d.gpo = g
				d.setLinks()
			}
		}
	case replicaMsg:
		if msg.owner == d {
			d.replica, d.replicaErr = msg.lines, msg.err
		}
	case planFinishedMsg:
		d.replica, d.replicaErr = nil, nil
		return d, tea.Batch(loadGPOs(d.ctx, d, gpos), d.loadReplica())
	case tea.KeyMsg:
		if d.links.Update(msg, d.km) {
			return d, nil
		}
		i := d.links.Selected()
		switch {
		case key.Matches(msg, d.km.Back):
			return d, pop
		case key.Matches(msg, d.link):
			return d, push(newOUPicker(d.env, func(n OUNode) tea.Cmd {
				return prepare(d.ctx, d, func(ctx context.Context) (Plan, error) { return gpos.Link(ctx, guid, n.DN) })
			}))
		case key.Matches(msg, d.filter):
			dir := d.sess.Dir
			return d, push(newPickScreen(d.env, d.t.T("gpo.filter_pick"), func(ctx context.Context) ([]string, error) {
				gs, err := dir.Groups(ctx, "")
				names := make([]string, len(gs))
				for i, g := range gs {
					names[i] = g.Name
				}
				return names, err
			}, func(group string) tea.Cmd {
				return prepare(d.ctx, d, func(ctx context.Context) (Plan, error) { return gpos.FilterOnly(ctx, guid, group) })
			}))
		case key.Matches(msg, d.wmi):
			presets := gpos.WMIPresets()
			none := d.t.T("gpo.wmi_none")
			return d, push(newPickScreen(d.env, d.t.T("gpo.wmi_pick"), func(context.Context) ([]string, error) {
				items := []string{none}
				for _, p := range presets {
					items = append(items, p.Name+": "+p.Query)
				}
				return items, nil
			}, func(item string) tea.Cmd {
				preset := ""
				for _, p := range presets {
					if item == p.Name+": "+p.Query {
						preset = p.Key
					}
				}
				return prepare(d.ctx, d, func(ctx context.Context) (Plan, error) { return gpos.SetWMI(ctx, guid, preset) })
			}))
		case i >= 0 && key.Matches(msg, d.unlink):
			// The plan screen shows what unlinking changes and asks (y/N).
			dn := d.gpo.Links[i].Container
			return d, prepare(d.ctx, d, func(ctx context.Context) (Plan, error) { return gpos.Unlink(ctx, guid, dn) })
		case i >= 0 && key.Matches(msg, d.enforce):
			l := d.gpo.Links[i]
			return d, prepare(d.ctx, d, func(ctx context.Context) (Plan, error) {
				return gpos.SetEnforced(ctx, guid, l.Container, !l.Enforced)
			})
		}
	}
	return d, nil
}

func (d *gpoDetail) View() string {
	t, st, g := d.t, d.st, d.gpo
	var b strings.Builder
	b.WriteString(st.Title.Render(g.Name) + "  " + g.GUID + "\n")
	b.WriteString(t.T("gpo.status") + ": " + gpoStatus(t, g, false) + "    " + t.T("gpo.wmi") + ": " + orDash(g.WMIFilter) + "\n")
	var apply []string
	for _, tr := range g.Filtering {
		if tr.Apply && !tr.Denied {
			apply = append(apply, tr.Name)
		}
	}
	b.WriteString(t.T("gpo.filtering") + ": " + orDash(strings.Join(apply, ", ")) + "\n\n")
	b.WriteString(st.Title.Render(t.T("gpo.links")) + "\n")
	b.WriteString(d.links.View(st, t.T("gpo.no_links")) + "\n\n")
	if d.sess.Replication != nil {
		b.WriteString(st.Title.Render(t.T("gpo.replication")) + "\n")
		switch {
		case d.replicaErr != nil:
			b.WriteString(st.Error.Render(t.T("common.error")) + " " + t.Err(d.replicaErr) + "\n")
		case d.replica == nil:
			b.WriteString(st.Muted.Render(t.T("common.loading")) + "\n")
		default:
			b.WriteString(strings.Join(d.replica, "\n") + "\n")
		}
		b.WriteString("\n")
	}
	if d.status != "" {
		b.WriteString(st.Error.Render(d.status))
	}
	return b.String()
}

// FilterSet: esc clears the list's filter first.
func (s *gpoScreen) FilterSet() bool { return s.list.Filtered() }
