package ui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/si"
)

// Package option rows.
const (
	poScope = iota
	poType
	poLogon
	poUninstall
	poTransforms
	poUpgrade
	poUpgradeMode
	poRequired
	// After the rows earlier versions had, so their keys stay where they
	// were.
	poUpgradeTransforms
	poPreset
	poCount
)

// pkgStep is step 5: the guide's package options with its recommended
// values preselected, and optionally an existing package the new one
// upgrades, picked from the deployed packages.
type pkgStep struct {
	*env
	row        int
	width      int
	transforms textinput.Model
	// preset is "preset properties": NAME=VALUE pairs separated by ";",
	// made into a transform of the MSI by the deploy.
	preset textinput.Model

	// The upgrade picker: the deployed packages, loaded when first opened.
	picking              bool
	pkgs                 []Package
	picker               list
	loaded, loading      bool
	loadErr              error
	choose, pick, cancel key.Binding
}

func newPkgStep(e *env) pkgStep {
	preset := newInput("", 40)
	preset.Placeholder = e.t.T("pkg.preset_hint")
	return pkgStep{env: e, transforms: newInput("", 40), preset: preset,
		choose: bind(e.t, "space", "pkg.upgrade_choose", " "),
		pick:   bind(e.t, "enter", "pkg.upgrade_pick", "enter"),
		cancel: bind(e.t, "esc", "pkg.upgrade_cancel", "esc")}
}

// typing: the transforms field has the keys, or the picker is open (its
// enter and esc are the picker's).
func (p *pkgStep) typing() bool { return p.row == poTransforms || p.row == poPreset || p.picking }

func (p *pkgStep) setSize(w, h int) {
	p.width = w
	p.picker.SetSize(w, max(h-5, 1))
}

func (p *pkgStep) help(km KeyMap, r DeployRequest) []key.Binding {
	switch {
	case p.picking:
		if !p.loaded {
			return []key.Binding{p.cancel}
		}
		return []key.Binding{p.pick, p.cancel, km.Filter}
	case p.row == poTransforms || p.row == poPreset:
		return []key.Binding{km.Tab, bind(p.t, "enter", "wiz.next", "enter")}
	case p.row == poUpgrade:
		if p.sess.Packages == nil {
			return []key.Binding{km.Up, km.Down}
		}
		return []key.Binding{p.choose}
	case (p.row == poUpgradeMode || p.row == poRequired || p.row == poUpgradeTransforms) && r.Upgrade == nil:
		return []key.Binding{km.Up, km.Down}
	case p.userOnly(p.row) && !r.UserConfig:
		return []key.Binding{km.Up, km.Down}
	}
	return []key.Binding{km.Toggle}
}

// openPicker shows the deployed packages, loading them the first time,
// with the cursor on the current choice.
func (p *pkgStep) openPicker(r *DeployRequest) tea.Cmd {
	if p.sess.Packages == nil {
		return nil
	}
	p.picking = true
	if p.loaded {
		i := 0
		if r.Upgrade != nil {
			i = 1 + slices.IndexFunc(p.pkgs, func(pk Package) bool { return pk.ID == r.Upgrade.ID && pk.GPO == r.Upgrade.GPO })
		}
		p.picker.Select(i)
	}
	if p.loaded || p.loading {
		return nil
	}
	p.loading = true
	ctx, pk := p.ctx, p.sess.Packages
	return func() tea.Msg {
		l, err := pk.List(ctx)
		return packagesMsg{owner: p, pkgs: l, err: err}
	}
}

func (p *pkgStep) update(msg tea.Msg) {
	m, ok := msg.(packagesMsg)
	if !ok || m.owner != p {
		return
	}
	p.loading, p.loaded, p.loadErr = false, true, m.err
	// Only deployed packages can be upgraded.
	p.pkgs = p.pkgs[:0]
	for _, pk := range m.pkgs {
		if pk.State == "active" {
			p.pkgs = append(p.pkgs, pk)
		}
	}
	rows := []string{p.t.T("pkg.upgrade_none")}
	keys := []string{p.t.T("pkg.upgrade_none")}
	for _, pk := range p.pkgs {
		scope := p.t.T("pkg.upgrade_cc")
		if pk.UserConfig {
			scope = p.t.T("pkg.upgrade_uc")
		}
		rows = append(rows, fmt.Sprintf("%-24s %-10s %-4s %s", pk.Name, pk.Version, scope, pk.GPOName))
		keys = append(keys, pk.Name+" "+pk.Version+" "+pk.GPOName)
	}
	p.picker.SetItems(rows, keys)
}

// pickKey handles a key while the picker is open.
func (p *pkgStep) pickKey(msg tea.KeyMsg, r *DeployRequest) {
	if p.loaded && p.picker.Update(msg, p.km) {
		return
	}
	switch msg.Type {
	case tea.KeyEsc:
		p.picking = false
	case tea.KeyEnter:
		i := p.picker.Selected()
		if !p.loaded || i < 0 {
			return
		}
		p.picking = false
		if i == 0 {
			r.Upgrade = nil
			return
		}
		pk := p.pkgs[i-1]
		r.Upgrade = &pk
	}
}

// userOnly rows mean something for User Configuration only: Windows
// neither publishes to computers nor installs them at a user's logon.
func (p *pkgStep) userOnly(row int) bool { return row == poType || row == poLogon }

func (p *pkgStep) key(msg tea.KeyMsg, r *DeployRequest) tea.Cmd {
	if p.picking {
		p.pickKey(msg, r)
		return nil
	}
	switch {
	case msg.Type == tea.KeyTab || msg.Type == tea.KeyDown || (!p.typing() && key.Matches(msg, p.km.Down)):
		p.row = (p.row + 1) % poCount
		if p.row == poUpgradeTransforms && r.Upgrade == nil {
			p.row++ // shown only with a package to upgrade
		}
	case msg.Type == tea.KeyShiftTab || msg.Type == tea.KeyUp || (!p.typing() && key.Matches(msg, p.km.Up)):
		p.row = (p.row + poCount - 1) % poCount
		if p.row == poUpgradeTransforms && r.Upgrade == nil {
			p.row--
		}
	case p.typing() && p.row == poPreset:
		var cmd tea.Cmd
		p.preset, cmd = p.preset.Update(msg)
		r.Preset = splitPreset(p.preset.Value())
		return cmd
	case p.typing():
		var cmd tea.Cmd
		p.transforms, cmd = p.transforms.Update(msg)
		r.Transforms = splitList(p.transforms.Value())
		return cmd
	case p.row == poUpgrade && msg.Type == tea.KeySpace:
		return p.openPicker(r)
	case msg.Type == tea.KeySpace || msg.Type == tea.KeyLeft || msg.Type == tea.KeyRight:
		p.toggle(r)
	}
	p.transforms.Blur()
	p.preset.Blur()
	switch p.row {
	case poTransforms:
		return p.transforms.Focus()
	case poPreset:
		return p.preset.Focus()
	}
	return nil
}

// deploymentValid is the engine's one Published/User Configuration rule
// (si.Options.Validate; [MS-GPSI] 1.3: Windows does not publish
// applications to computers) for the request's half and deployment type. It
// is a pure check of the options: no directory is asked.
func deploymentValid(r DeployRequest) error {
	half, dep := gpo.Computer, si.Assigned
	if r.UserConfig {
		half = gpo.User
	}
	if r.Published {
		dep = si.Published
	}
	return si.Options{Deployment: dep}.Validate(half)
}

func (p *pkgStep) toggle(r *DeployRequest) {
	switch p.row {
	case poScope:
		r.UserConfig = !r.UserConfig
		if deploymentValid(*r) != nil {
			// Windows does not publish to computers: back to Assigned.
			r.Published = false
		}
		if !r.UserConfig {
			// Nor installs a computer's package at a user's logon.
			r.InstallAtLogon = false
		}
	case poType:
		r.Published = !r.Published
		if deploymentValid(*r) != nil {
			// Computers only ever get Assigned packages: the toggle
			// does not move.
			r.Published = false
		}
	case poLogon:
		if r.UserConfig {
			r.InstallAtLogon = !r.InstallAtLogon
		}
	case poUninstall:
		r.UninstallOutOfScope = !r.UninstallOutOfScope
	case poUpgradeMode:
		if r.Upgrade != nil {
			r.UpgradeInPlace = !r.UpgradeInPlace
		}
	case poRequired:
		if r.Upgrade != nil {
			r.RequiredUpgrade = !r.RequiredUpgrade
		}
	case poUpgradeTransforms:
		// No default: the first press chooses keep, then remake, drop.
		if r.Upgrade != nil {
			next := map[string]string{"": "keep", "keep": "remake", "remake": "drop", "drop": "keep"}
			r.UpgradeTransforms = next[r.UpgradeTransforms]
		}
	}
}

// splitPreset splits "NAME=VALUE; NAME=VALUE" (values may hold commas, a
// server list for one).
func splitPreset(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ";") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// upgradeTransformsText is what becomes of the upgraded package's
// transforms, in words.
func upgradeTransformsText(t Text, choice string) string {
	switch choice {
	case "keep":
		return t.T("pkg.upgrade_mst_keep")
	case "remake":
		return t.T("pkg.upgrade_mst_remake")
	case "drop":
		return t.T("pkg.upgrade_mst_drop")
	}
	return t.T("pkg.upgrade_mst_ask")
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

// upgradeText is the chosen package to upgrade in words.
func upgradeText(t Text, pk *Package) string {
	if pk == nil {
		return t.T("pkg.upgrade_none")
	}
	name := pk.Name
	if !strings.Contains(name, pk.Version) {
		// Package names usually carry the version already ("MIKO CTI
		// 4.9.226", with versionNumberHi.Lo 4.9).
		name = strings.TrimSpace(name + " " + pk.Version)
	}
	return t.T("pkg.upgrade_of", name, pk.GPOName)
}

// upgradeModeText is the upgrade's mode and whether it is required.
func upgradeModeText(t Text, r DeployRequest) (mode, required string) {
	mode = t.T("pkg.upgrade_uninstall")
	if r.UpgradeInPlace {
		mode = t.T("pkg.upgrade_in_place")
	}
	required = t.T("pkg.upgrade_optional")
	if r.RequiredUpgrade {
		required = t.T("pkg.upgrade_required")
	}
	return mode, required
}

func (p *pkgStep) pickerView() string {
	t, st := p.t, p.st
	var b strings.Builder
	b.WriteString(st.Title.Render(t.T("pkg.upgrade_title")) + "\n")
	b.WriteString(st.Muted.Render(t.T("pkg.upgrade_help")) + "\n")
	switch {
	case p.loadErr != nil:
		b.WriteString(st.Error.Render(t.T("common.error")) + " " + t.Err(p.loadErr))
	case !p.loaded:
		b.WriteString(st.Muted.Render(t.T("common.loading")))
	default:
		if fl := p.picker.FilterLine(t); fl != "" {
			b.WriteString(fl + "\n")
		}
		b.WriteString(p.picker.View(st, t.T("list.no_match")))
	}
	return b.String()
}

func (p *pkgStep) view(r DeployRequest) string {
	t, st := p.t, p.st
	if p.picking {
		return p.pickerView()
	}
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
	// The upgrade rows, one line each.
	upgrade := "< " + upgradeText(t, r.Upgrade) + " >"
	if p.sess.Packages == nil {
		upgrade = st.Muted.Render(t.T("common.unavailable", t.T("engine.si")))
	}
	mode, _ := upgradeModeText(t, r)
	mode, required := "< "+mode+" >", onOff(r.RequiredUpgrade)
	upgradeRows := []struct{ name, value string }{
		{t.T("pkg.upgrade"), upgrade}, {t.T("pkg.upgrade_mode"), mode}, {t.T("pkg.upgrade_req"), required},
	}
	if r.Upgrade == nil {
		mode = st.Muted.Render(t.T("pkg.upgrade_first"))
		upgradeRows[1].value, upgradeRows[2].value = mode, mode
	} else {
		// what becomes of its transforms: no default, asked
		upgradeRows = append(upgradeRows, struct{ name, value string }{t.T("pkg.upgrade_mst"), "< " + upgradeTransformsText(t, r.UpgradeTransforms) + " >"})
	}
	for i, row := range upgradeRows {
		mark := "  "
		rowIndex := poUpgrade + i
		if i == 3 {
			rowIndex = poUpgradeTransforms
		}
		if rowIndex == p.row {
			mark = "> "
		}
		line := fmt.Sprintf("%s%-30s %s", mark, row.name, row.value)
		b.WriteString(ansi.Truncate(line, max(p.width, 40), "~") + "\n")
	}
	// Preset properties: a transform of the MSI the deploy makes.
	mark := "  "
	if p.row == poPreset {
		mark = "> "
	}
	fmt.Fprintf(&b, "%s%-30s %s\n", mark, t.T("pkg.preset"), p.preset.View())
	if !r.UserConfig {
		b.WriteString("\n" + t.T("pkg.computer_why"))
	} else {
		b.WriteString("\n" + st.Warning.Render(t.T("pkg.user_note")))
	}
	return b.String()
}
