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
	// groupPCsMsg are the domain's computers and, pre-selected, those
	// of the OU the GPO is linked to.
	groupPCsMsg struct {
		owner     any
		all, inOU []string
		err       error
	}
)

// defaultNewGroup is the guide's filtering group, "MikoCTI_Computers"
// (section "Фильтрация по группам безопасности", item 4; the Russian guide
// uses the same Latin name).
const defaultNewGroup = "MikoCTI_Computers"

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

	// The new group (n): its name, and a multi-select of the domain's
	// computers with the OU's computers pre-selected.
	newMode  bool
	newName  textinput.Model
	naming   bool
	comps    []string
	compsOU  string
	compsErr error
	compsIn  bool
	picked   map[string]bool
	compList list
	newKey   key.Binding
	nameKey  key.Binding
	pickKey  key.Binding
}

func newFilterStep(e *env) filterStep {
	return filterStep{env: e, members: map[string][]string{}, memErr: map[string]error{}, chosen: map[string]bool{},
		query:  newInput("SELECT * FROM Win32_OperatingSystem WHERE Version LIKE '10.%'", 60),
		toggle: bind(e.t, "space", "filter.toggle", " "), wmiKey: bind(e.t, "w", "filter.wmi", "w"),
		newName: newInput(defaultNewGroup, 40), picked: map[string]bool{},
		newKey: bind(e.t, "n", "filter.new", "n"), nameKey: bind(e.t, "e", "filter.rename", "e"),
		pickKey: bind(e.t, "space", "filter.pick", " ")}
}

func (f *filterStep) setSize(w, h int) {
	f.list.SetSize(w, max(h-11, 1))
	// The new group's screen has the name and the restart warning too.
	f.compList.SetSize(w, max(h-10, 1))
}

// current is the list the keys move in.
func (f *filterStep) current() *list {
	if f.newMode {
		return &f.compList
	}
	return &f.list
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

func (f *filterStep) typing() bool { return f.editing || f.naming || f.current().Typing() }

func (f *filterStep) help(km KeyMap) []key.Binding {
	if f.editing || f.naming {
		return []key.Binding{bind(f.t, "enter", "filter.done", "enter")}
	}
	if f.newMode {
		return []key.Binding{f.pickKey, f.nameKey, bind(f.t, "n", "filter.existing", "n"), f.wmiKey, km.Filter}
	}
	return []key.Binding{f.toggle, f.newKey, f.wmiKey, km.Filter}
}

// loadComputers fetches the domain's computers and the OU's, once per OU.
func (f *filterStep) loadComputers(ou string) tea.Cmd {
	if f.compsIn && f.compsOU == ou {
		return nil
	}
	f.compsOU, f.compsIn, f.comps, f.compsErr = ou, false, nil, nil
	ctx, dir := f.ctx, f.sess.Dir
	return func() tea.Msg {
		all, err := dir.Computers(ctx, "")
		if err != nil {
			return groupPCsMsg{owner: f, err: err}
		}
		in, err := dir.Computers(ctx, ou)
		return groupPCsMsg{owner: f, all: all, inOU: in, err: err}
	}
}

func (f *filterStep) refreshComputers() {
	rows := make([]string, len(f.comps))
	for i, c := range f.comps {
		box := "[ ]"
		if f.picked[c] {
			box = "[x]"
		}
		rows[i] = box + " " + c
	}
	f.compList.SetItems(rows, append([]string(nil), f.comps...))
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
	case groupPCsMsg:
		if msg.owner != f {
			return nil
		}
		f.compsIn, f.compsErr, f.comps = true, msg.err, msg.all
		f.picked = map[string]bool{}
		for _, c := range msg.inOU {
			f.picked[c] = true
		}
		f.refreshComputers()
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
	if f.naming {
		if msg.Type == tea.KeyEnter || msg.Type == tea.KeyEsc {
			f.naming = false
			f.newName.Blur()
			f.apply(r)
			return nil
		}
		var cmd tea.Cmd
		f.newName, cmd = f.newName.Update(msg)
		f.apply(r)
		return cmd
	}
	if f.newMode {
		return f.newGroupKey(msg, r)
	}
	if f.list.Update(msg, f.km) {
		return f.loadMembers()
	}
	switch {
	case key.Matches(msg, f.newKey):
		f.newMode = true
		f.apply(r)
		return f.loadComputers(r.OU)
	case key.Matches(msg, f.toggle):
		// Several groups may be chosen (the computers of two offices):
		// space toggles the one under the cursor.
		if i := f.list.Selected(); i >= 0 {
			n := f.groups[i].Name
			f.chosen[n] = !f.chosen[n]
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

// newGroupKey handles the keys of the new group's screen.
func (f *filterStep) newGroupKey(msg tea.KeyMsg, r *DeployRequest) tea.Cmd {
	if f.compList.Update(msg, f.km) {
		return nil
	}
	switch {
	case key.Matches(msg, f.pickKey):
		if i := f.compList.Selected(); i >= 0 {
			c := f.comps[i]
			f.picked[c] = !f.picked[c]
			f.refreshComputers()
		}
	case key.Matches(msg, f.nameKey):
		f.naming = true
		f.apply(r)
		return f.newName.Focus()
	case key.Matches(msg, f.newKey):
		// Back to the existing groups: no new group then.
		f.newMode = false
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

// pickedComputers are the chosen computers in list order.
func (f *filterStep) pickedComputers() []string {
	var out []string
	for _, c := range f.comps {
		if f.picked[c] {
			out = append(out, c)
		}
	}
	return out
}

// clash is the existing group the new name would repeat, if any (the
// engine checks again against every account when the plan is made).
func (f *filterStep) clash() string {
	n := strings.TrimSpace(f.newName.Value())
	for _, g := range f.groups {
		if strings.EqualFold(g.Name, n) {
			return g.Name
		}
	}
	return ""
}

// apply writes the choices into the request.
func (f *filterStep) apply(r *DeployRequest) {
	r.NewGroup = nil
	if f.newMode {
		r.NewGroup = &NewGroup{Name: strings.TrimSpace(f.newName.Value()), Computers: f.pickedComputers()}
	}
	r.Groups = nil
	for _, g := range f.groups {
		if f.chosen[g.Name] {
			r.Groups = append(r.Groups, g.Name)
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
	if f.newMode {
		b.WriteString(f.newGroupView(r))
		b.WriteString(f.wmiView())
		return b.String()
	}
	b.WriteString(st.Title.Render(t.T("filter.security")) + "\n")
	switch {
	case f.err != nil:
		b.WriteString(st.Error.Render(t.T("common.error")) + " " + t.Err(f.err) + "\n")
	case !f.loaded:
		b.WriteString(st.Muted.Render(t.T("common.loading")) + "\n")
	default:
		if fl := f.list.FilterLine(t); fl != "" {
			b.WriteString(fl + "\n")
		}
		b.WriteString(f.list.View(st, t.T("list.no_match")) + "\n")
		b.WriteString(f.memberLine(r) + "\n")
	}
	if len(r.Groups) == 0 {
		b.WriteString(st.Muted.Render(t.T("filter.none_chosen")) + "\n")
	} else {
		b.WriteString(t.T("filter.chosen", strings.Join(r.Groups, ", ")) + "\n")
		if empty := f.emptyChosen(r); len(empty) > 0 {
			b.WriteString(st.Warning.Render(t.T("common.warning")+" "+t.T("filter.chosen_empty", strings.Join(empty, ", "))) + "\n")
		}
	}
	b.WriteString(f.wmiView())
	return b.String()
}

// newGroupView is the new group's name, its computers to pick and the
// restart trap.
func (f *filterStep) newGroupView(r DeployRequest) string {
	t, st := f.t, f.st
	var b strings.Builder
	b.WriteString(st.Title.Render(t.T("filter.new_title")) + "\n")
	name := f.newName.Value()
	if f.naming {
		name = f.newName.View()
	}
	b.WriteString(t.T("filter.new_name", name) + "\n")
	if c := f.clash(); c != "" {
		b.WriteString(st.Warning.Render(t.T("common.warning")+" "+t.T("filter.new_exists", c)) + "\n")
	}
	switch {
	case f.compsErr != nil:
		b.WriteString(st.Error.Render(t.T("common.error")) + " " + t.Err(f.compsErr) + "\n")
	case !f.compsIn:
		b.WriteString(st.Muted.Render(t.T("common.loading")) + "\n")
	default:
		if fl := f.compList.FilterLine(t); fl != "" {
			b.WriteString(fl + "\n")
		}
		b.WriteString(f.compList.View(st, t.T("list.no_match")) + "\n")
		n := len(f.pickedComputers())
		if n == 0 {
			b.WriteString(st.Warning.Render(t.T("common.warning")+" "+t.T("filter.new_empty")) + "\n")
		} else {
			b.WriteString(t.T("filter.new_picked", n) + "\n")
		}
	}
	if f.clash() == "" {
		b.WriteString(t.T("filter.chosen", strings.Join(append(append([]string{}, r.Groups...), strings.TrimSpace(f.newName.Value())), ", ")) + "\n")
	}
	b.WriteString(st.Warning.Render(t.T("common.warning")+" "+t.T("filter.restart")) + "\n")
	return b.String()
}

func (f *filterStep) wmiView() string {
	t, st := f.t, f.st
	var b strings.Builder
	b.WriteString("\n" + st.Title.Render(t.T("filter.wmi_title")) + " ")
	switch {
	case f.wmi == 0:
		b.WriteString(t.T("filter.wmi_none"))
	case f.wmi <= len(f.presets):
		p := f.presets[f.wmi-1]
		b.WriteString(p.Name + "\n  " + p.Query)
		if p.Key == "win10" {
			// The guide's filter reaches servers too: say so where it
			// is chosen, and name the variant that does not.
			b.WriteString("\n" + st.Warning.Render(t.T("common.warning")+" "+t.T("filter.win10_servers")))
		}
	default:
		b.WriteString(t.T("filter.wmi_custom") + "\n  " + f.query.View())
	}
	return b.String()
}

// emptyChosen are the chosen groups known to have no computers, while a
// Computer Configuration package would be filtered to them; the group
// under the cursor has its warning on the member line already.
func (f *filterStep) emptyChosen(r DeployRequest) []string {
	if r.UserConfig {
		return nil
	}
	cur := f.list.Selected()
	var out []string
	for i, g := range f.groups {
		if m, ok := f.members[g.DN]; f.chosen[g.Name] && i != cur && ok && m != nil && len(m) == 0 {
			out = append(out, g.Name)
		}
	}
	return out
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
		return st.Error.Render(t.T("common.error")) + " " + t.Err(err)
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
