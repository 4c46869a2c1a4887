package ui

import (
	"fmt"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/si"
)

// settled runs a console already driven to a state: its Init starts
// nothing, so the frame teatest renders is the state under test.
type settled struct{ Model }

func (s settled) Init() tea.Cmd { return nil }

func (s settled) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, c := s.Model.Update(msg)
	return settled{m.(Model)}, c
}

type scenario struct {
	name string
	full bool
	// connect false keeps the console on the Connect screen.
	connect bool
	do      func(d *driver, f *fakes)
}

func wizardTo(d *driver, keys ...string) {
	d.root().env.startDir = "testdata/msis"
	openHome(d, actDeploy)
	d.keys(keys...)
}

// toUpload picks the sample MSI and accepts the share folder.
var toUpload = []string{"down", "down", "enter", "enter"}

func scenarios() []scenario {
	after := func(keys ...string) []string { return append(append([]string{}, toUpload...), keys...) }
	return []scenario{
		{name: "connect", do: func(d *driver, _ *fakes) { d.keys("cti.test", "tab", "tab", "admin", "tab", "tab", "pw") }},
		{name: "connect_error", do: func(d *driver, _ *fakes) { d.keys("cti.test", "tab", "tab", "admin", "enter") }},
		{name: "home", connect: true},
		{name: "help", connect: true, do: func(d *driver, _ *fakes) { d.keys("?") }},
		{name: "help_wizard", connect: true, full: true, do: func(d *driver, _ *fakes) {
			wizardTo(d, after("enter", "enter", "enter", "down", "enter", "enter", "?")...)
		}},
		{name: "too_small", connect: true, do: func(d *driver, _ *fakes) { d.send(tea.WindowSizeMsg{Width: 60, Height: 15}) }},
		{name: "ou_tree", connect: true, do: func(d *driver, _ *fakes) { openHome(d, actOUs); d.keys("down", "down", "right", "down", "down") }},
		{name: "ou_filter", connect: true, do: func(d *driver, _ *fakes) { openHome(d, actOUs); d.keys("/", "o") }},
		{name: "gpos", connect: true, do: func(d *driver, _ *fakes) { openHome(d, actGPOs) }},
		{name: "gpo_detail", connect: true, do: func(d *driver, _ *fakes) { openHome(d, actGPOs); d.keys("enter") }},
		{name: "gpo_filter_pick", connect: true, do: func(d *driver, _ *fakes) { openHome(d, actGPOs); d.keys("enter", "f") }},
		{name: "plan_review", connect: true, do: func(d *driver, _ *fakes) { openHome(d, actOUs); d.keys("down", "b") }},
		{name: "plan_confirm", connect: true, do: func(d *driver, _ *fakes) { openHome(d, actOUs); d.keys("down", "b", "a") }},
		{name: "plan_done", connect: true, do: func(d *driver, _ *fakes) { openHome(d, actOUs); d.keys("down", "b", "a", "y") }},
		{name: "wiz_dist_pick", connect: true, full: true, do: func(d *driver, _ *fakes) { wizardTo(d) }},
		{name: "wiz_dist_share", connect: true, full: true, do: func(d *driver, _ *fakes) { wizardTo(d, "down", "down", "enter") }},
		{name: "wiz_dist_progress", connect: true, full: true, do: func(d *driver, f *fakes) {
			f.dist.proceed = make(chan struct{})
			d.t.Cleanup(func() { close(f.dist.proceed) })
			d.stop = func(m tea.Msg) bool { _, ok := m.(uploadProgressMsg); return ok }
			wizardTo(d, toUpload...)
			d.stop = nil
		}},
		{name: "wiz_dist_done", connect: true, full: true, do: func(d *driver, _ *fakes) { wizardTo(d, toUpload...) }},
		{name: "wiz_msi", connect: true, full: true, do: func(d *driver, _ *fakes) { wizardTo(d, after("enter")...) }},
		{name: "wiz_gpo", connect: true, full: true, do: func(d *driver, _ *fakes) { wizardTo(d, after("enter", "enter")...) }},
		{name: "wiz_ou", connect: true, full: true, do: func(d *driver, _ *fakes) { wizardTo(d, after("enter", "enter", "enter", "down", "down", "right")...) }},
		{name: "wiz_package", connect: true, full: true, do: func(d *driver, _ *fakes) { wizardTo(d, after("enter", "enter", "enter", "down", "enter")...) }},
		{name: "wiz_package_upgrade_pick", connect: true, full: true, do: func(d *driver, _ *fakes) {
			wizardTo(d, after("enter", "enter", "enter", "down", "enter", "down", "down", "down", "down", "down", "space")...)
		}},
		{name: "wiz_package_upgrade", connect: true, full: true, do: func(d *driver, _ *fakes) {
			wizardTo(d, after("enter", "enter", "enter", "down", "enter", "down", "down", "down", "down", "down", "space", "down", "enter", "down")...)
		}},
		{name: "wiz_filter_groups", connect: true, full: true, do: func(d *driver, _ *fakes) {
			wizardTo(d, after("enter", "enter", "enter", "down", "enter", "enter", "space", "down", "space")...)
		}},
		{name: "wiz_filter_new_group", connect: true, full: true, do: func(d *driver, _ *fakes) {
			wizardTo(d, after("enter", "enter", "enter", "down", "down", "enter", "enter", "n")...)
		}},
		{name: "wiz_filter_new_group_named", connect: true, full: true, do: func(d *driver, _ *fakes) {
			wizardTo(d, after("enter", "enter", "enter", "down", "down", "enter", "enter", "n", "e", "backspace", "backspace", "backspace", "backspace",
				"backspace", "backspace", "backspace", "backspace", "backspace", "Moscow", "enter", "down", "space")...)
		}},
		{name: "wiz_review_new_group", connect: true, full: true, do: func(d *driver, _ *fakes) {
			wizardTo(d, after("enter", "enter", "enter", "down", "down", "enter", "enter", "n", "e", "backspace", "backspace", "backspace", "backspace",
				"backspace", "backspace", "backspace", "backspace", "backspace", "Moscow", "enter", "w", "enter")...)
		}},
		{name: "wiz_review_sddl", connect: true, full: true, do: func(d *driver, _ *fakes) {
			wizardTo(d, after("enter", "enter", "enter", "down", "enter", "enter", "space", "enter", "s")...)
		}},
		{name: "wiz_review_upgrade", connect: true, full: true, do: func(d *driver, _ *fakes) {
			wizardTo(d, after("enter", "enter", "enter", "down", "enter", "down", "down", "down", "down", "down", "space", "down", "enter", "enter", "space", "enter")...)
		}},
		{name: "wiz_filter", connect: true, full: true, do: func(d *driver, _ *fakes) {
			wizardTo(d, after("enter", "enter", "enter", "down", "enter", "enter", "space", "down", "w")...)
		}},
		{name: "wiz_review", connect: true, full: true, do: func(d *driver, _ *fakes) {
			wizardTo(d, after("enter", "enter", "enter", "down", "enter", "enter", "space", "enter")...)
		}},
		{name: "wiz_apply", connect: true, full: true, do: func(d *driver, _ *fakes) {
			wizardTo(d, after("enter", "enter", "enter", "down", "enter", "enter", "space", "enter", "a", "y")...)
		}},
		{name: "wiz_review_unavailable", connect: true, do: func(d *driver, _ *fakes) {
			wizardTo(d, after("enter", "enter", "enter", "down", "enter", "enter", "enter")...)
		}},
		{name: "manage", connect: true, full: true, do: func(d *driver, _ *fakes) { openHome(d, actManage) }},
		{name: "manage_remove", connect: true, full: true, do: func(d *driver, _ *fakes) { openHome(d, actManage); d.keys("x") }},
		{name: "manage_upgrade", connect: true, full: true, do: func(d *driver, _ *fakes) { openHome(d, actManage); d.keys("u") }},
		{name: "manage_details", connect: true, full: true, do: func(d *driver, _ *fakes) { openHome(d, actManage); d.keys("enter") }},
		{name: "manage_unavailable", connect: true, do: func(d *driver, _ *fakes) { openHome(d, actManage) }},
		{name: "doctor", connect: true, full: true, do: func(d *driver, _ *fakes) { openHome(d, actDoctor); d.keys("SALES", "enter", "enter") }},
		{name: "doctor_unavailable", connect: true, do: func(d *driver, _ *fakes) { openHome(d, actDoctor) }},
		// Engine errors on the wizard, Manage and Doctor screens, in the
		// catalog's words (Text.Err), wrapped as the engine wraps them.
		{name: "wiz_review_err_gpo_exists", connect: true, full: true, do: func(d *driver, f *fakes) {
			f.dep.err = fmt.Errorf("deploy: %w", &gpo.ExistsError{Kind: gpo.KindGPO, Name: "MIKO CTI - Установка", GUID: "{0A1B2C3D-0000-0000-0000-000000000001}"})
			wizardTo(d, after("enter", "enter", "enter", "down", "enter", "enter", "space", "enter")...)
		}},
		{name: "manage_err_other_product", connect: true, full: true, do: func(d *driver, f *fakes) {
			f.pkgs.err = fmt.Errorf("redeploy: %w", &si.OtherProductError{MSIPath: `\\dc1\Distrib\MikoCTI\MIKO CTI 4.9.226.msi`,
				Now: "{CCCCCCCC-0000-0000-0000-000000000003}", Was: "{AAAAAAAA-0000-0000-0000-000000000001}"})
			openHome(d, actManage)
			d.keys("r")
		}},
		{name: "doctor_err_computer_not_found", connect: true, full: true, do: func(d *driver, f *fakes) {
			f.doc.err = fmt.Errorf("doctor: %w", &domain.NotFoundError{Kind: domain.KindComputer, Name: "SALES-PC01", Prefix: "SALES"})
			openHome(d, actDoctor)
			d.keys("SALES", "enter", "enter")
		}},
	}
}

// TestGolden renders every screen in both languages at 80x24 with the
// ASCII profile, through a real tea.Program (teatest). Run with -update
// to rewrite testdata/TestGolden after a deliberate change.
func TestGolden(t *testing.T) {
	for _, lang := range []Lang{English, Russian} {
		for _, sc := range scenarios() {
			t.Run(string(lang)+"/"+sc.name, func(t *testing.T) {
				f := newFakes(sc.full)
				var d *driver
				if sc.connect {
					d = connected(t, lang, f)
				} else {
					d = newDriver(t, lang, &fakeConnector{err: errBadPassword}, Settings{}, nil)
				}
				if sc.do != nil {
					sc.do(d, f)
				}
				tm := teatest.NewTestModel(t, settled{d.root()}, teatest.WithInitialTermSize(80, 24))
				if err := tm.Quit(); err != nil {
					t.Fatal(err)
				}
				final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second))
				golden.RequireEqual(t, []byte(final.View()))
			})
		}
	}
}
