package ui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// The wizard's steps mirror the guide's order.
const (
	stDist = iota
	stMSI
	stGPO
	stOU
	stPackage
	stFilter
	stReview
	stApply
	stCount
)

// wizard is the guided deployment: one request filled in step by step,
// then one plan reviewed and applied.
type wizard struct {
	*env
	step   int
	req    DeployRequest
	width  int
	height int

	dist      distStep
	gpo       gpoStep
	ou        *ouTree
	ouSet     bool
	pkg       pkgStep
	filter    filterStep
	review    *planView
	reviewErr error
	// showSDDL shows the folder's SDDL under the guide's permission
	// table in step 7.
	showSDDL bool
	sddlKey  key.Binding

	next, back, finish key.Binding
}

func newWizard(e *env) *wizard {
	w := &wizard{
		env:     e,
		next:    bind(e.t, "enter", "wiz.next", "enter"),
		back:    bind(e.t, "esc", "wiz.back", "esc"),
		finish:  bind(e.t, "enter", "wiz.finish", "enter"),
		sddlKey: bind(e.t, "s", "wiz.sddl_key", "s"),
	}
	w.req.UninstallOutOfScope = true
	// The guide's step 6: an upgrade is "Required upgrade for existing
	// packages" unless the admin says otherwise.
	w.req.RequiredUpgrade = true
	w.dist = newDistStep(e)
	w.gpo = newGPOStep(e)
	w.ou = newOUTree(e)
	w.pkg = newPkgStep(e)
	w.filter = newFilterStep(e)
	return w
}

func (w *wizard) Init() tea.Cmd {
	if w.sess.Dist == nil {
		return nil
	}
	return w.dist.init()
}

func (w *wizard) Title() string { return w.t.T("wiz.title") }

// Typing: a text field or a filter has the keys, or a y/N is pending.
func (w *wizard) Typing() bool {
	switch w.step {
	case stDist:
		return w.dist.typing()
	case stGPO:
		return w.gpo.typing()
	case stOU:
		return w.ou.list.Typing()
	case stPackage:
		return w.pkg.typing()
	case stFilter:
		return w.filter.typing()
	case stReview, stApply:
		return w.review != nil && w.review.asking
	}
	return false
}

func (w *wizard) Busy() bool {
	return w.dist.uploading || (w.review != nil && w.review.Busy())
}

func (w *wizard) SetSize(wd, h int) {
	w.width, w.height = wd, h
	bh := max(h-3, 1)
	w.dist.setSize(wd, bh)
	w.gpo.list.SetSize(wd, max(bh-5, 1))
	w.ou.SetSize(wd, bh)
	w.pkg.setSize(wd, bh)
	w.filter.setSize(wd, bh)
	if w.review != nil {
		w.review.SetSize(wd, bh)
	}
}

// stepList is the current step's list, nil where there is none.
func (w *wizard) stepList() *list {
	switch w.step {
	case stDist:
		return &w.dist.files
	case stGPO:
		return &w.gpo.list
	case stOU:
		return &w.ou.list
	case stPackage:
		if w.pkg.picking {
			return &w.pkg.picker
		}
	case stFilter:
		return w.filter.current()
	}
	return nil
}

func (w *wizard) ShortHelp() []key.Binding {
	if l := w.stepList(); l != nil && l.Typing() {
		return []key.Binding{w.km.FilterDone, w.km.FilterClear}
	}
	var ks []key.Binding
	switch w.step {
	case stDist:
		ks = w.dist.help(w.km)
	case stGPO:
		ks = w.gpo.help(w.km)
	case stOU:
		ks = []key.Binding{w.ou.expand, w.ou.fold, w.km.Filter}
	case stPackage:
		ks = w.pkg.help(w.km, w.req)
	case stFilter:
		ks = w.filter.help(w.km)
	case stReview, stApply:
		if w.review == nil {
			return nil
		}
		if w.review.Finished() {
			return append(w.review.ShortHelp(), w.finish)
		}
		if w.step == stReview && !w.review.asking {
			return append(w.review.ShortHelp(), w.sddlKey)
		}
		return w.review.ShortHelp()
	}
	if w.Typing() {
		return ks
	}
	if w.canNext() {
		ks = append(ks, w.next)
	}
	return ks
}

func (w *wizard) FullHelp() [][]key.Binding {
	// The step's own keys, then movement; esc and quitting come from the
	// root's column.
	return [][]key.Binding{w.ShortHelp(), {w.km.Up, w.km.Down, w.km.PgUp, w.km.PgDown, w.km.Tab}}
}

// canNext says whether the current step has what the next one needs.
func (w *wizard) canNext() bool {
	switch w.step {
	case stDist:
		return w.dist.uploaded != nil
	case stMSI:
		return w.dist.info != nil && blocking(w.dist.info.Findings) == 0
	case stGPO:
		return w.gpo.ready()
	case stOU:
		return w.ou.Selected() != nil
	case stPackage, stFilter:
		return true
	}
	return false
}

func (w *wizard) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return w.key(msg)
	case planReadyMsg:
		if msg.owner != w {
			return w, nil
		}
		if msg.err != nil {
			w.reviewErr = msg.err
			return w, nil
		}
		w.review = newPlanView(w.env, msg.plan, clientChecks(w.t, w.req))
		w.review.SetHead(w.summary())
		w.review.SetSize(w.width, max(w.height-3, 1))
		return w, nil
	}
	uploaded := w.dist.uploaded != nil
	w.pkg.update(msg)
	cmds := []tea.Cmd{w.dist.update(msg), w.gpo.update(msg), w.filter.update(msg)}
	if !uploaded && w.dist.uploaded != nil && w.dist.folder != w.settings.ShareDir {
		// The folder that worked is the next wizard's default.
		s := w.settings
		s.ShareDir, w.shareDir = w.dist.folder, w.dist.folder
		cmds = append(cmds, w.remember(s))
	}
	if c, ok := w.ou.Update(msg); ok {
		cmds = append(cmds, c)
	}
	if w.review != nil {
		c, _ := w.review.Update(msg)
		cmds = append(cmds, c)
	}
	return w, tea.Batch(cmds...)
}

func (w *wizard) key(msg tea.KeyMsg) (screen, tea.Cmd) {
	switch {
	case key.Matches(msg, w.back) && !w.Busy() && !w.stepOwnsKeys(true):
		return w.goBack()
	case w.step == stApply && w.review.Finished() && key.Matches(msg, w.km.Enter):
		return w, pop
	case key.Matches(msg, w.next) && w.canNext() && !w.stepOwnsKeys(false) && !w.stepWantsEnter():
		return w, w.advance()
	}
	switch w.step {
	case stDist:
		return w, w.dist.key(msg, w.sess.Dist)
	case stGPO:
		return w, w.gpo.key(msg)
	case stOU:
		c, _ := w.ou.Update(msg)
		return w, c
	case stPackage:
		return w, w.pkg.key(msg, &w.req)
	case stFilter:
		return w, w.filter.key(msg, &w.req)
	case stReview, stApply:
		if w.review == nil {
			return w, nil
		}
		if w.step == stReview && !w.review.asking && w.review.run == nil && key.Matches(msg, w.sddlKey) {
			w.showSDDL = !w.showSDDL
			w.review.SetHead(w.summary())
			return w, nil
		}
		c, _ := w.review.Update(msg)
		if w.review.run != nil {
			w.step = stApply
		}
		return w, c
	}
	return w, nil
}

// stepWantsEnter is true where enter means something inside the step (the
// file picker opens folders and picks the file).
func (w *wizard) stepWantsEnter() bool {
	return w.step == stDist && w.dist.uploaded == nil
}

// stepOwnsKeys is true while enter (esc=false) or esc belongs to
// something inside the step: a list filter (esc clears a set filter before
// it leaves the step), the custom WQL, the share folder field, a y/N.
func (w *wizard) stepOwnsKeys(esc bool) bool {
	owns := func(l *list) bool { return l.Typing() || (esc && l.Filtered()) }
	switch w.step {
	case stDist:
		return owns(&w.dist.files) || (w.dist.local != "" && w.dist.uploaded == nil)
	case stGPO:
		return owns(&w.gpo.list)
	case stOU:
		return owns(&w.ou.list)
	case stPackage:
		return w.pkg.picking
	case stFilter:
		return w.filter.editing || w.filter.naming || owns(w.filter.current())
	case stReview, stApply:
		return w.review != nil && w.review.asking
	}
	return false
}

func (w *wizard) goBack() (screen, tea.Cmd) {
	switch {
	case w.step == stDist, w.step == stApply:
		return w, pop
	case w.step == stReview:
		w.review, w.reviewErr = nil, nil
	}
	w.step--
	return w, nil
}

// advance moves on and starts what the next step needs.
func (w *wizard) advance() tea.Cmd {
	switch w.step {
	case stDist:
		w.req.LocalMSI, w.req.Folder = w.dist.local, w.dist.folder
		w.req.PackagePath = w.dist.uploaded.Path
	case stMSI:
		w.req.MSI = *w.dist.info
		w.gpo.defaultName(w.req.MSI)
	case stGPO:
		w.req.GPOName, w.req.ExistingGPO = w.gpo.choice()
	case stOU:
		w.req.OU = w.ou.Selected().DN
	}
	w.step++
	switch w.step {
	case stGPO:
		return w.gpo.init(w.sess.GPOs)
	case stOU:
		if !w.ouSet {
			w.ouSet = true
			return w.ou.Init()
		}
	case stFilter:
		return w.filter.init(w.sess.Dir)
	case stReview:
		return w.prepareReview()
	}
	return nil
}

func (w *wizard) prepareReview() tea.Cmd {
	w.review, w.reviewErr = nil, nil
	if w.sess.Deployer == nil {
		return nil
	}
	d, r := w.sess.Deployer, w.req
	return prepare(w.ctx, w, func(ctx context.Context) (Plan, error) { return d.PlanDeploy(ctx, r) })
}

// indicator is the step line: done steps carry "+", the current one is
// in brackets with its name, so it reads without colour.
func (w *wizard) indicator() string {
	var parts []string
	for i := 0; i < stCount; i++ {
		switch {
		case i == w.step:
			parts = append(parts, w.st.StepNow.Render(fmt.Sprintf("[%d %s]", i+1, w.t.T(fmt.Sprintf("wiz.step%d", i)))))
		case i < w.step:
			parts = append(parts, fmt.Sprintf("%d+", i+1))
		default:
			parts = append(parts, w.st.Step.Render(fmt.Sprint(i+1)))
		}
	}
	return strings.Join(parts, " ")
}

func (w *wizard) View() string {
	t, st := w.t, w.st
	if w.sess.Dist == nil {
		return st.Warning.Render(t.T("common.unavailable", t.T("engine.smb")))
	}
	head := w.indicator() + "\n" + st.Title.Render(t.T("wiz.step_of", w.step+1, stCount, t.T(fmt.Sprintf("wiz.step%d", w.step)))) + "\n"
	var body string
	switch w.step {
	case stDist:
		body = w.dist.view()
	case stMSI:
		body = msiView(t, st, w.dist.info, w.dist.inspectErr, w.dist.local)
	case stGPO:
		body = w.gpo.view()
	case stOU:
		body = w.ou.View()
	case stPackage:
		body = w.pkg.view(w.req)
	case stFilter:
		body = w.filter.view(w.req)
	case stReview, stApply:
		body = w.reviewView()
	}
	return head + body
}

func (w *wizard) reviewView() string {
	t, st := w.t, w.st
	switch {
	case w.sess.Deployer == nil:
		return st.Warning.Render(t.T("common.unavailable", t.T("engine.si"))) + "\n\n" + t.T("wiz.review_summary", w.oneLine())
	case w.reviewErr != nil:
		return st.Error.Render(t.T("common.error")) + " " + t.Err(w.reviewErr)
	case w.review == nil:
		return st.Muted.Render(t.T("common.loading"))
	}
	return w.review.View()
}

// summary is the request in the guide's words, shown above the exact plan
// (GPO, where linked, package and options, who gets it, WMI filter, the
// upload and its folder permissions as the guide's table), so the choices
// of steps 1-6 are read before applying; the upgraded package when there
// is one.
func (w *wizard) summary() []string {
	t, r := w.t, w.req
	var lines []string
	add := func(k string, args ...any) { lines = append(lines, t.T(k, args...)) }
	gpoState := t.T("sum.gpo_new")
	if r.ExistingGPO {
		gpoState = t.T("sum.gpo_existing")
	}
	add("sum.gpo", r.GPOName, gpoState, r.OU)
	scope, dep := t.T("pkg.computer_short"), t.T("pkg.assigned")
	if r.UserConfig {
		scope = t.T("pkg.user")
	}
	if r.Published {
		dep = t.T("pkg.published")
	}
	opts := []string{scope, dep}
	if r.UserConfig && r.InstallAtLogon {
		opts = append(opts, t.T("pkg.logon"))
	}
	if r.UninstallOutOfScope {
		opts = append(opts, t.T("pkg.uninstall"))
	}
	add("sum.package", strings.TrimSpace(r.MSI.ProductName+" "+r.MSI.ProductVersion), strings.Join(opts, ", "))
	if len(r.Preset) > 0 {
		lines = append(lines, t.T("wiz.review_preset", strings.Join(r.Preset, "; ")))
	}
	if r.Upgrade != nil {
		mode, required := upgradeModeText(t, r)
		lines = append(lines, t.T("wiz.review_upgrade", upgradeText(t, r.Upgrade), mode, required))
		if r.UpgradeTransforms != "" {
			lines = append(lines, t.T("wiz.review_upgrade_mst", upgradeTransformsText(t, r.UpgradeTransforms)))
		}
	}
	who := append([]string{}, r.Groups...)
	if ng := r.NewGroup; ng != nil {
		who = append(who, t.T("sum.new_group", ng.Name, len(ng.Computers)))
	}
	if len(who) == 0 {
		add("sum.who_all")
	} else {
		add("sum.who", strings.Join(who, ", "))
	}
	switch {
	case r.WMIPreset != "":
		name := r.WMIPreset
		for _, p := range w.filter.presets {
			if p.Key == r.WMIPreset {
				name = p.Name
			}
		}
		add("sum.wmi", name)
	case r.WMIQuery != "":
		add("sum.wmi", r.WMIQuery)
	default:
		add("sum.wmi", t.T("filter.wmi_none_short"))
	}
	add("sum.upload", r.PackagePath)
	lines = append(lines, t.T("sum.acl_title"),
		fmt.Sprintf("  %-18s %s", "Domain Computers", t.T("sum.acl_read")),
		fmt.Sprintf("  %-18s %s", "Domain Admins", t.T("sum.acl_full")),
		fmt.Sprintf("  %-18s %s", "SYSTEM", t.T("sum.acl_full")))
	if w.showSDDL && w.dist.uploaded != nil {
		lines = append(lines, "  SDDL: "+w.dist.uploaded.ACL)
	}
	return append(lines, "")
}

// oneLine is the request in one paragraph, for when there is no plan.
func (w *wizard) oneLine() string {
	r := w.req
	return fmt.Sprintf("%s -> %s -> %s", r.PackagePath, r.GPOName, r.OU)
}

// FilterSet: esc clears the step list's filter before it leaves the step.
func (w *wizard) FilterSet() bool {
	l := w.stepList()
	return l != nil && l.Filtered() && !(w.step == stDist && w.dist.local != "")
}
