package ui

import (
	"io"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// driver runs the console synchronously: every command a message returns
// is run to completion before the next key, so tests see a settled screen
// without sleeping.
type driver struct {
	t    testing.TB
	m    tea.Model
	quit bool
	// stop, when set, ends a run at the first message it matches and
	// drops the commands still queued (e.g. the listener of an upload the
	// test keeps waiting).
	stop func(tea.Msg) bool
}

func asciiRenderer() *lipgloss.Renderer {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	return r
}

func newDriver(t testing.TB, lang Lang, c Connector, s Settings, store SettingsStore) *driver {
	m := New(Options{Connector: c, Settings: s, Store: store, Lang: lang, Renderer: asciiRenderer(), NoColor: true})
	d := &driver{t: t, m: m}
	d.run(m.Init())
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	return d
}

// connected is a console already past the Connect screen.
func connected(t testing.TB, lang Lang, f *fakes) *driver {
	d := newDriver(t, lang, &fakeConnector{sess: f.sess}, Settings{Domain: "cti.test", User: "admin", Password: "pw", ShareDir: `\\dc1.cti.test\Distrib\MikoCTI`}, nil)
	d.keys("enter")
	if !strings.Contains(d.view(), "dc1.cti.test") {
		d.t.Fatalf("not connected:\n%s", d.view())
	}
	return d
}

func (d *driver) send(msg tea.Msg) {
	d.t.Helper()
	var cmd tea.Cmd
	d.m, cmd = d.m.Update(msg)
	d.run(cmd)
}

func (d *driver) run(cmd tea.Cmd) {
	d.t.Helper()
	queue := []tea.Cmd{cmd}
	for n := 0; len(queue) > 0; n++ {
		if n > 10000 {
			d.t.Fatal("commands keep coming")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case tea.QuitMsg:
			d.quit = true
			return
		default:
			var next tea.Cmd
			d.m, next = d.m.Update(msg)
			if d.stop != nil && d.stop(msg) {
				return
			}
			queue = append(queue, next)
		}
	}
}

// keys presses keys by name ("enter", "ctrl+c", "down") or types text.
func (d *driver) keys(keys ...string) {
	d.t.Helper()
	for _, k := range keys {
		d.send(keyMsg(k))
	}
}

func keyMsg(k string) tea.KeyMsg {
	named := map[string]tea.KeyType{
		"enter": tea.KeyEnter, "esc": tea.KeyEsc, "tab": tea.KeyTab, "shift+tab": tea.KeyShiftTab,
		"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
		"space": tea.KeySpace, "home": tea.KeyHome, "pgdown": tea.KeyPgDown, "backspace": tea.KeyBackspace, "ctrl+c": tea.KeyCtrlC, "ctrl+r": tea.KeyCtrlR,
	}
	if t, ok := named[k]; ok {
		if t == tea.KeySpace {
			return tea.KeyMsg{Type: t, Runes: []rune{' '}}
		}
		return tea.KeyMsg{Type: t}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

func (d *driver) view() string { return d.m.View() }

func (d *driver) root() Model { return d.m.(Model) }

func (d *driver) wantView(parts ...string) {
	d.t.Helper()
	v := d.view()
	for _, p := range parts {
		if !strings.Contains(v, p) {
			d.t.Fatalf("screen lacks %q:\n%s", p, v)
		}
	}
}

func (d *driver) notView(parts ...string) {
	d.t.Helper()
	v := d.view()
	for _, p := range parts {
		if strings.Contains(v, p) {
			d.t.Fatalf("screen shows %q:\n%s", p, v)
		}
	}
}
