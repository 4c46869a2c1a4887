package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

type (
	groupsMsg struct {
		owner  any
		groups []Group
		err    error
	}
	membersMsg struct {
		owner any
		dn    string
		names []string
		err   error
	}
)

// filterStep is step 6: security filtering by groups (with their member
// computers) and a WMI filter.
type filterStep struct {
	*env
	groups  []Group
	list    list
	loaded  bool
	err     error
	members map[string][]string
	memErr  map[string]error
	chosen  map[string]bool
	wmi     int // 0 none, 1..n presets, n+1 custom
	presets []WMIPreset
	query   textinput.Model
	editing bool
	toggle  key.Binding
	wmiKey  key.Binding
}

func newFilterStep(e *env) filterStep {
	return filterStep{env: e, members: map[string][]string{}, memErr: map[string]error{}, chosen: map[string]bool{},
		query:  newInput("SELECT * FROM Win32_OperatingSystem WHERE Version LIKE '10.%'", 60),
		toggle: bind(e.t, "space", "filter.toggle", " "), wmiKey: bind(e.t, "w", "filter.wmi", "w")}
}

func (f *filterStep) setSize(w, h int) {
	f.list.SetSize(w, max(h-10, 1))
}

func (f *filterStep) init(dir Directory) tea.Cmd {
	f.presets = f.sess.GPOs.WMIPresets()
	if f.loaded {
		return nil
	}
	ctx := f.ctx
	return func() tea.Msg {
		g, err := dir.Groups(ctx, "")
		return groupsMsg{owner: f, groups: g, err: err}
	}
}

func (f *filterStep) typing() bool { return f.editing || f.list.Typing() }

func (f *filterStep) help(km KeyMap) []key.Binding {
	if f.editing {
		return []key.Binding{bind(f.t, "enter", "filter.done", "enter")}
	}
	return []key.Binding{f.toggle, f.wmiKey, km.Filter}
}

// loadMembers fetches the member computers of the group under the cursor
// once; the list shows them as the cursor moves.
func (f *filterStep) loadMembers() tea.Cmd {
	i := f.list.Selected()
	if i < 0 {
		return nil
	}
	dn := f.groups[i].DN
	if _, ok := f.members[dn]; ok {
		return nil
	}
	f.members[dn] = nil
	ctx, dir := f.ctx, f.sess.Dir
	return func() tea.Msg {
		n, err := dir.GroupComputers(ctx, dn)
		return membersMsg{owner: f, dn: dn, names: n, err: err}
	}
}

func (f *filterStep) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case groupsMsg:
		if msg.owner != f {
			return nil
		}
		f.loaded, f.err, f.groups = true, msg.err, msg.groups
		f.refresh()
		return f.loadMembers()
	case membersMsg:
		if msg.owner != f {
			return nil
		}
		if msg.names == nil {
			msg.names = []string{}
		}
		f.members[msg.dn], f.memErr[msg.dn] = msg.names, msg.err
		f.refresh()
	}
	return nil
}

func (f *filterStep) refresh() {
	rows := make([]string, len(f.groups))
	keys := make([]string, len(f.groups))
	for i, g := range f.groups {
		box := "[ ]"
		if f.chosen[g.Name] {
			box = "[x]"
		}
		rows[i] = box + " " + g.Name
		if m, ok := f.members[g.DN]; ok && m != nil {
			rows[i] += " " + f.t.T("filter.pcs", len(m))
		}
		keys[i] = g.Name
	}
	f.list.SetItems(rows, keys)
}

func (f *filterStep) key(msg tea.KeyMsg, r *DeployRequest) tea.Cmd {
	if f.editing {
		if msg.Type == tea.KeyEnter || msg.Type == tea.KeyEsc {
			f.editing = false
			f.query.Blur()
			f.apply(r)
			return nil
		}
		var cmd tea.Cmd
		f.query, cmd = f.query.Update(msg)
		f.apply(r)
		return cmd
	}
	if f.list.Update(msg, f.km) {
		return f.loadMembers()
	}
	switch {
	case key.Matches(msg, f.toggle):
		// One group, as the guide filters: choosing another replaces it.
		if i := f.list.Selected(); i >= 0 {
			n := f.groups[i].Name
			was := f.chosen[n]
			clear(f.chosen)
			f.chosen[n] = !was
			f.refresh()
		}
	case key.Matches(msg, f.wmiKey):
		f.wmi = (f.wmi + 1) % (len(f.presets) + 2)
		if f.wmi == len(f.presets)+1 {
			f.editing = true
			f.apply(r)
			return f.query.Focus()
		}
	}
	f.apply(r)
	return nil
}

// apply writes the choices into the request.
func (f *filterStep) apply(r *DeployRequest) {
	r.Group = ""
	for _, g := range f.groups {
		if f.chosen[g.Name] {
			r.Group = g.Name
		}
	}
	r.WMIPreset, r.WMIQuery = "", ""
	switch {
	case f.wmi == 0:
	case f.wmi <= len(f.presets):
		r.WMIPreset = f.presets[f.wmi-1].Key
	default:
		r.WMIQuery = f.query.Value()
	}
}

func (f *filterStep) view(r DeployRequest) string {
	t, st := f.t, f.st
	var b strings.Builder
	b.WriteString(st.Title.Render(t.T("filter.security")) + "\n")
	switch {
	case f.err != nil:
		b.WriteString(st.Error.Render(t.T("common.error")) + " " + f.err.Error() + "\n")
	case !f.loaded:
		b.WriteString(st.Muted.Render(t.T("common.loading")) + "\n")
	default:
		if fl := f.list.FilterLine(t); fl != "" {
			b.WriteString(fl + "\n")
		}
		b.WriteString(f.list.View(st, t.T("list.no_match")) + "\n")
		b.WriteString(f.memberLine(r) + "\n")
	}
	if r.Group == "" {
		b.WriteString(st.Muted.Render(t.T("filter.none_chosen")) + "\n")
	} else {
		b.WriteString(t.T("filter.chosen", r.Group) + "\n")
	}
	b.WriteString("\n" + st.Title.Render(t.T("filter.wmi_title")) + " ")
	switch {
	case f.wmi == 0:
		b.WriteString(t.T("filter.wmi_none"))
	case f.wmi <= len(f.presets):
		p := f.presets[f.wmi-1]
		b.WriteString(p.Name + "\n  " + p.Query)
	default:
		b.WriteString(t.T("filter.wmi_custom") + "\n  " + f.query.View())
	}
	return b.String()
}

// memberLine shows the computers of the group under the cursor, and warns
// when a Computer Configuration package would reach none.
func (f *filterStep) memberLine(r DeployRequest) string {
	t, st := f.t, f.st
	i := f.list.Selected()
	if i < 0 {
		return ""
	}
	g := f.groups[i]
	if err := f.memErr[g.DN]; err != nil {
		return st.Error.Render(t.T("common.error")) + " " + err.Error()
	}
	m, ok := f.members[g.DN]
	if !ok || m == nil {
		return st.Muted.Render(t.T("common.loading"))
	}
	if len(m) == 0 {
		if !r.UserConfig {
			return st.Warning.Render(t.T("common.warning") + " " + t.T("filter.no_computers", g.Name))
		}
		return t.T("filter.members", g.Name, "-")
	}
	return t.T("filter.members", g.Name, strings.Join(m, ", "))
}
