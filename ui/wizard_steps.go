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
			rows[i] = fmt.Sprintf("%-44s %s", x.Name, x.Status)
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
		b.WriteString(st.Error.Render(t.T("common.error")) + " " + g.err.Error())
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

func (p *pkgStep) help(km KeyMap) []key.Binding {
	if p.typing() {
		return []key.Binding{km.Tab, bind(p.t, "enter", "wiz.next", "enter")}
	}
	return []key.Binding{km.Toggle}
}

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
	typ := t.T("pkg.assigned")
	if r.Published {
		typ = t.T("pkg.published")
	}
	rows := []struct{ name, value, rec string }{
		{t.T("pkg.scope"), "< " + scope + " >", t.T("pkg.scope_rec")},
		{t.T("pkg.type"), "< " + typ + " >", t.T("pkg.type_rec")},
		{t.T("pkg.logon"), onOff(r.InstallAtLogon), t.T("pkg.logon_rec")},
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
	height  int
	toggle  key.Binding
	wmiKey  key.Binding
}

func newFilterStep(e *env) filterStep {
	return filterStep{env: e, members: map[string][]string{}, memErr: map[string]error{}, chosen: map[string]bool{},
		query:  newInput("SELECT * FROM Win32_OperatingSystem WHERE Version LIKE '10.%'", 60),
		toggle: bind(e.t, "space", "filter.toggle", " "), wmiKey: bind(e.t, "w", "filter.wmi", "w")}
}

func (f *filterStep) setSize(w, h int) {
	f.height = h
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
