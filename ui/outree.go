package ui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

type (
	ouRootMsg struct {
		tree *ouTree
		node OUNode
		err  error
	}
	// ouChildrenMsg is one page of a node's children; the last message
	// has done set (and err, if the listing failed), the others carry the
	// command that waits for the next.
	ouChildrenMsg struct {
		tree  *ouTree
		dn    string
		nodes []OUNode
		err   error
		done  bool
		next  tea.Cmd
	}
	ouCountsMsg struct {
		tree   *ouTree
		counts map[string]int
	}
	ouAllMsg struct {
		tree  *ouTree
		nodes []OUNode
		err   error
	}
)

type ouNode struct {
	OUNode
	depth    int
	parent   *ouNode
	children []*ouNode
	expanded bool
	loaded   bool
	loading  bool
	count    int
	counted  bool
}

// ouTree is the lazily loaded OU tree: children are read when a node is
// first opened, computer counts follow in the background.
type ouTree struct {
	*env
	root *ouNode
	byDN map[string]*ouNode
	rows []*ouNode
	list list
	err  error
	// all is true once every OU is loaded (the first / loads them), so
	// that a filter finds OUs that were never opened.
	all        bool
	allLoading bool
	expand     key.Binding
	fold       key.Binding
	width      int
	height     int
}

func newOUTree(e *env) *ouTree {
	return &ouTree{
		env:    e,
		byDN:   map[string]*ouNode{},
		expand: bind(e.t, "right/l", "ou.expand", "right", "l"),
		fold:   bind(e.t, "left/h", "ou.fold", "left", "h"),
	}
}

func (o *ouTree) Init() tea.Cmd {
	ctx, dir := o.ctx, o.sess.Dir
	return func() tea.Msg {
		n, err := dir.Root(ctx)
		return ouRootMsg{tree: o, node: n, err: err}
	}
}

func (o *ouTree) SetSize(w, h int) {
	o.width, o.height = w, h
	o.list.SetSize(w, max(h-7, 1))
}

// Reload forgets everything and reads the root again (after a change).
func (o *ouTree) Reload() tea.Cmd {
	o.root, o.byDN = nil, map[string]*ouNode{}
	return o.Init()
}

func (o *ouTree) loadChildren(n *ouNode) tea.Cmd {
	n.loading = true
	ctx, dir, dn := o.ctx, o.sess.Dir, n.DN
	return func() tea.Msg {
		pages := make(chan ouChildrenMsg)
		go func() {
			send := func(m ouChildrenMsg) bool {
				select {
				case pages <- m:
					return true
				case <-ctx.Done():
					return false
				}
			}
			err := dir.Children(ctx, dn, func(nodes []OUNode) error {
				if !send(ouChildrenMsg{tree: o, dn: dn, nodes: nodes}) {
					return ctx.Err()
				}
				return nil
			})
			send(ouChildrenMsg{tree: o, dn: dn, err: err, done: true})
		}()
		return nextChildren(pages)()
	}
}

// nextChildren waits for the next page of a listing.
func nextChildren(pages <-chan ouChildrenMsg) tea.Cmd {
	return func() tea.Msg {
		m := <-pages
		if !m.done {
			m.next = nextChildren(pages)
		}
		return m
	}
}

func (o *ouTree) loadCounts(nodes []*ouNode) tea.Cmd {
	dns := make([]string, len(nodes))
	for i, n := range nodes {
		dns[i] = n.DN
	}
	ctx, dir := o.ctx, o.sess.Dir
	return func() tea.Msg {
		c, err := dir.ComputerCounts(ctx, dns)
		if err != nil {
			// Counts are a nicety: the tree works without them.
			return nil
		}
		return ouCountsMsg{tree: o, counts: c}
	}
}

// Selected is the node under the cursor, nil while loading.
func (o *ouTree) Selected() *OUNode {
	i := o.list.Selected()
	if i < 0 || i >= len(o.rows) {
		return nil
	}
	return &o.rows[i].OUNode
}

func (o *ouTree) Update(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case ouRootMsg:
		if msg.tree != o {
			return nil, false
		}
		if msg.err != nil {
			o.err = msg.err
			return nil, true
		}
		o.root = &ouNode{OUNode: msg.node}
		o.byDN[o.root.DN] = o.root
		o.root.expanded = true
		o.flatten()
		return tea.Batch(o.loadChildren(o.root), o.loadCounts([]*ouNode{o.root})), true
	case ouChildrenMsg:
		if msg.tree != o {
			return nil, false
		}
		n := o.byDN[msg.dn]
		if n == nil {
			// The tree was reloaded meanwhile: drain the old listing.
			return msg.next, true
		}
		if msg.err != nil {
			n.loading = false
			o.err = msg.err
			return nil, true
		}
		for _, c := range msg.nodes {
			if o.byDN[c.DN] != nil {
				continue // already there from a whole-tree load
			}
			child := &ouNode{OUNode: c, depth: n.depth + 1, parent: n}
			n.children = append(n.children, child)
			o.byDN[c.DN] = child
		}
		if !msg.done {
			o.flatten()
			return msg.next, true
		}
		n.loading, n.loaded = false, true
		// A node shown as one that can be opened may turn out empty.
		n.HasChildren = len(n.children) > 0
		o.flatten()
		return o.loadCounts(n.children), true
	case ouAllMsg:
		if msg.tree != o {
			return nil, false
		}
		o.allLoading = false
		if msg.err != nil {
			o.err = msg.err
			return nil, true
		}
		o.addAll(msg.nodes)
		o.flatten()
		// Counts for every OU, in tree order.
		var all []*ouNode
		var walk func(n *ouNode)
		walk = func(n *ouNode) {
			all = append(all, n)
			for _, c := range n.children {
				walk(c)
			}
		}
		walk(o.root)
		return o.loadCounts(all), true
	case ouCountsMsg:
		if msg.tree != o {
			return nil, false
		}
		for dn, c := range msg.counts {
			if n := o.byDN[dn]; n != nil {
				n.count, n.counted = c, true
			}
		}
		o.flatten()
		return nil, true
	case tea.KeyMsg:
		return o.key(msg)
	}
	return nil, false
}

func (o *ouTree) key(msg tea.KeyMsg) (tea.Cmd, bool) {
	// A filter shows the whole tree, not only the opened part: flatten
	// again whenever the filter comes or goes.
	was := o.list.Filtered()
	defer func() {
		if o.list.Filtered() != was {
			o.flatten()
		}
	}()
	if o.list.Typing() {
		return nil, o.list.Update(msg, o.km)
	}
	if key.Matches(msg, o.km.Filter) && !o.all && !o.allLoading && o.root != nil {
		o.allLoading = true
		o.list.Update(msg, o.km)
		ctx, dir := o.ctx, o.sess.Dir
		return func() tea.Msg {
			nodes, err := dir.AllOUs(ctx)
			return ouAllMsg{tree: o, nodes: nodes, err: err}
		}, true
	}
	i := o.list.Selected()
	if i >= 0 && i < len(o.rows) {
		n := o.rows[i]
		switch {
		case key.Matches(msg, o.expand):
			if !n.HasChildren && n.loaded {
				return nil, true
			}
			n.expanded = true
			o.flatten()
			if !n.loaded && !n.loading {
				return o.loadChildren(n), true
			}
			return nil, true
		case key.Matches(msg, o.fold):
			if n.expanded && len(n.children) > 0 {
				n.expanded = false
			} else if n.parent != nil {
				n = n.parent
				n.expanded = false
			}
			o.flatten()
			o.selectNode(n)
			return nil, true
		}
	}
	return nil, o.list.Update(msg, o.km)
}

func (o *ouTree) selectNode(n *ouNode) {
	for i, r := range o.rows {
		if r == n {
			o.list.Select(i)
		}
	}
}

// addAll puts every OU into the tree under its parent; every node's
// children are then known.
func (o *ouTree) addAll(nodes []OUNode) {
	for _, nd := range nodes {
		n := o.byDN[nd.DN]
		if n == nil {
			p := o.byDN[parentDN(nd.DN)]
			if p == nil {
				continue
			}
			n = &ouNode{OUNode: nd, depth: p.depth + 1, parent: p}
			p.children = append(p.children, n)
			o.byDN[nd.DN] = n
		}
	}
	for _, n := range o.byDN {
		n.loaded, n.loading = true, false
		n.HasChildren = len(n.children) > 0
	}
	o.all = true
}

// parentDN drops the first RDN, minding escaped commas ("OU=Lab\, R&D").
func parentDN(dn string) string {
	for i := 0; i < len(dn); i++ {
		switch dn[i] {
		case '\\':
			i++
		case ',':
			return dn[i+1:]
		}
	}
	return ""
}

// flatten lists the visible nodes in tree order.
func (o *ouTree) flatten() {
	var sel *ouNode
	if i := o.list.Selected(); i >= 0 && i < len(o.rows) {
		sel = o.rows[i]
	}
	o.rows = o.rows[:0]
	var walk func(n *ouNode)
	everything := o.all && o.list.Filtered()
	walk = func(n *ouNode) {
		o.rows = append(o.rows, n)
		if n.expanded || everything {
			for _, c := range n.children {
				walk(c)
			}
		}
	}
	if o.root != nil {
		walk(o.root)
	}
	items := make([]string, len(o.rows))
	keys := make([]string, len(o.rows))
	for i, n := range o.rows {
		items[i] = o.rowText(n)
		keys[i] = n.Name
	}
	o.list.SetItems(items, keys)
	if sel != nil {
		o.selectNode(sel)
	}
}

func (o *ouTree) rowText(n *ouNode) string {
	mark := "[ ]"
	switch {
	case n.loading:
		mark = "[.]"
	case n.expanded && (len(n.children) > 0 || !n.loaded):
		mark = "[-]"
	case n.HasChildren && !n.expanded:
		mark = "[+]"
	}
	s := strings.Repeat("  ", n.depth) + mark + " " + n.Name
	if n.counted {
		s += " " + o.t.T("ou.pcs", n.count)
	}
	if n.BlockInheritance {
		s += " " + o.t.T("ou.bi_tag")
	}
	if len(n.Links) > 0 {
		s += " " + o.t.T("ou.gpo_tag", len(n.Links))
	}
	return s
}

// View is the tree and, below it, the selected OU's details.
func (o *ouTree) View() string {
	t, st := o.t, o.st
	if o.err != nil {
		return st.Error.Render(t.T("common.error")) + " " + t.Err(o.err)
	}
	if o.root == nil {
		return st.Muted.Render(t.T("common.loading"))
	}
	var b strings.Builder
	if f := o.list.FilterLine(t); f != "" {
		b.WriteString(f + "\n")
	}
	b.WriteString(o.list.View(st, t.T("list.no_match")) + "\n")
	b.WriteString(st.Muted.Render(strings.Repeat("-", max(o.width, 1))) + "\n")
	n := o.Selected()
	if n == nil {
		return b.String()
	}
	b.WriteString(n.DN + "\n")
	bi := t.T("common.no")
	if n.BlockInheritance {
		bi = t.T("common.yes")
	}
	b.WriteString(t.T("ou.block_inheritance") + ": " + bi + "\n")
	if len(n.Links) == 0 {
		b.WriteString(t.T("ou.no_links"))
	} else {
		var ls []string
		for _, l := range n.Links {
			ls = append(ls, linkText(t, l))
		}
		b.WriteString(t.T("ou.links") + ": " + strings.Join(ls, "; "))
	}
	return b.String()
}

// linkText is a link with its state in words.
func linkText(t Text, l Link) string {
	name := l.GPOName
	if name == "" {
		name = l.GPO
	}
	s := fmt.Sprintf("%d. %s", l.Order, name)
	if l.Enforced {
		s += " (" + t.T("link.enforced") + ")"
	}
	if !l.Enabled {
		s += " (" + t.T("link.disabled") + ")"
	}
	return s
}

// ouScreen is the OU tree as a screen; with pick set, enter chooses an OU
// for whoever pushed it.
type ouScreen struct {
	*env
	tree   *ouTree
	pick   func(OUNode) tea.Cmd
	block  key.Binding
	status string
}

func newOUScreen(e *env) *ouScreen {
	return &ouScreen{env: e, tree: newOUTree(e), block: bind(e.t, "b", "ou.block_key", "b")}
}

func newOUPicker(e *env, pick func(OUNode) tea.Cmd) *ouScreen {
	s := newOUScreen(e)
	s.pick = pick
	return s
}

func (s *ouScreen) Init() tea.Cmd    { return s.tree.Init() }
func (s *ouScreen) Title() string    { return s.t.T("ou.title") }
func (s *ouScreen) Typing() bool     { return s.tree.list.Typing() }
func (s *ouScreen) Busy() bool       { return false }
func (s *ouScreen) SetSize(w, h int) { s.tree.SetSize(w, h-1) }

func (s *ouScreen) ShortHelp() []key.Binding {
	if s.Typing() {
		return []key.Binding{s.km.FilterDone, s.km.FilterClear}
	}
	if s.tree.Selected() == nil {
		return nil
	}
	ks := []key.Binding{s.tree.expand, s.tree.fold, s.km.Filter}
	if s.pick != nil {
		return append(ks, bind(s.t, "enter", "ou.choose", "enter"))
	}
	if !s.tree.Selected().IsDomain {
		ks = append(ks, s.block)
	}
	return ks
}

func (s *ouScreen) FullHelp() [][]key.Binding {
	return [][]key.Binding{{s.km.Up, s.km.Down, s.km.PgUp, s.km.PgDown}, {s.tree.expand, s.tree.fold, s.km.Filter, s.block, s.km.Reload}}
}

func (s *ouScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case planReadyMsg:
		if msg.owner != s {
			return s, nil
		}
		if msg.err != nil {
			s.status = s.t.T("common.error") + " " + s.t.Err(msg.err)
			return s, nil
		}
		return s, push(newPlanScreen(s.env, msg.plan))
	case planFinishedMsg:
		return s, s.tree.Reload()
	case tea.KeyMsg:
		if !s.Typing() {
			n := s.tree.Selected()
			switch {
			case key.Matches(msg, s.km.Back) && !s.tree.list.Filtered():
				return s, pop
			case key.Matches(msg, s.km.Reload):
				s.status = ""
				return s, s.tree.Reload()
			case n != nil && s.pick != nil && key.Matches(msg, s.km.Enter):
				return s, tea.Batch(pop, s.pick(*n))
			case n != nil && s.pick == nil && !n.IsDomain && key.Matches(msg, s.block):
				gpos, dn, on := s.sess.GPOs, n.DN, !n.BlockInheritance
				return s, prepare(s.ctx, s, func(ctx context.Context) (Plan, error) {
					return gpos.SetBlockInheritance(ctx, dn, on)
				})
			}
		}
	}
	cmd, _ := s.tree.Update(msg)
	return s, cmd
}

func (s *ouScreen) View() string {
	v := s.tree.View()
	if s.status != "" {
		v = s.st.Error.Render(s.status) + "\n" + v
	}
	return v
}

// FilterSet: esc clears the tree's filter first.
func (s *ouScreen) FilterSet() bool { return s.tree.list.Filtered() }
