package ui

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

func TestConnectSendsSettingsAndSavesThemWithoutPassword(t *testing.T) {
	f := newFakes(false)
	c := &fakeConnector{sess: f.sess}
	store := FileStore{Path: filepath.Join(t.TempDir(), "ctitui", "console.json")}
	d := newDriver(t, English, c, Settings{}, store)
	d.keys("cti.test", "tab", "dc1.cti.test", "tab", "admin", "tab", "tab", "s3cret", "enter")
	if len(c.got) != 1 {
		t.Fatalf("Connect called %d times", len(c.got))
	}
	got := c.got[0]
	if got.Domain != "cti.test" || got.DC != "dc1.cti.test" || got.User != "admin" || got.Password != "s3cret" || got.Kerberos {
		t.Fatalf("settings = %#v", got)
	}
	d.wantView("Connected as", "admin@cti.test", "Deploy an MSI")
	saved, err := store.Load()
	if err != nil {
		t.Fatal(err)
	}
	if saved.Domain != "cti.test" || saved.User != "admin" || saved.Password != "" {
		t.Fatalf("saved = %#v", saved)
	}
}

func TestConnectPasswordIsMasked(t *testing.T) {
	d := newDriver(t, English, &fakeConnector{}, Settings{Domain: "cti.test", User: "admin"}, nil)
	d.keys("hunter2")
	d.notView("hunter2")
	d.wantView("*******")
}

func TestConnectKerberosSendsNoPassword(t *testing.T) {
	f := newFakes(false)
	c := &fakeConnector{sess: f.sess}
	d := newDriver(t, English, c, Settings{Domain: "cti.test", User: "admin"}, nil)
	d.keys("shift+tab", "space", "tab", "FILE:/tmp/cc", "enter")
	if len(c.got) != 1 || !c.got[0].Kerberos || c.got[0].CCache != "FILE:/tmp/cc" || c.got[0].Password != "" {
		t.Fatalf("settings = %#v", c.got)
	}
}

func TestConnectErrorShownInPlace(t *testing.T) {
	c := &fakeConnector{err: errors.New("wrong password for admin@cti.test (AD data 52e)")}
	d := newDriver(t, English, c, Settings{Domain: "cti.test", User: "admin"}, nil)
	d.keys("x", "enter")
	d.wantView("Error: wrong password", "Domain")
}

func TestQuitNeverWhileTyping(t *testing.T) {
	d := newDriver(t, English, &fakeConnector{}, Settings{}, nil)
	d.keys("q")
	if d.quit {
		t.Fatal("q quit while typing the domain")
	}
	d.wantView("q")
	d.keys("ctrl+c")
	if !d.quit {
		t.Fatal("ctrl+c did not quit")
	}
}

func TestQuitFromHome(t *testing.T) {
	d := connected(t, English, newFakes(false))
	d.keys("q")
	if !d.quit {
		t.Fatal("q did not quit on Home")
	}
}

// busyScreen stands for a screen in the middle of applying a change.
type busyScreen struct{ homeScreen }

func (b *busyScreen) Busy() bool                       { return true }
func (b *busyScreen) Update(tea.Msg) (screen, tea.Cmd) { return b, nil }
func (b *busyScreen) View() string                     { return "applying" }
func (b *busyScreen) ShortHelp() []key.Binding         { return nil }

func TestCtrlCMidApplyAsksFirst(t *testing.T) {
	d := connected(t, English, newFakes(false))
	d.send(pushMsg{&busyScreen{homeScreen: *newHome(d.root().env)}})
	d.keys("ctrl+c")
	if d.quit {
		t.Fatal("quit mid-apply without asking")
	}
	d.wantView("Quit? (y/N)")
	d.keys("n")
	if d.quit {
		t.Fatal("n confirmed quitting")
	}
	d.wantView("applying")
	d.keys("ctrl+c", "y")
	if !d.quit {
		t.Fatal("y did not quit")
	}
	d.quit = false
	d.keys("ctrl+c", "ctrl+c")
	if !d.quit {
		t.Fatal("a second ctrl+c did not quit")
	}
}

func TestTooSmall(t *testing.T) {
	d := connected(t, Russian, newFakes(false))
	d.send(tea.WindowSizeMsg{Width: 50, Height: 12})
	d.wantView("слишком мало", "50x12")
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	d.wantView("Развернуть MSI")
}

func TestHelpToggles(t *testing.T) {
	d := connected(t, English, newFakes(false))
	d.keys("?")
	d.wantView("close help", "quit")
	d.keys("?")
	d.wantView("Deploy an MSI")
}

func TestEveryFrameFitsTheTerminal(t *testing.T) {
	d := connected(t, Russian, newFakes(true))
	for _, keys := range [][]string{{}, {"down", "down", "down", "enter"}, {"esc", "down", "enter"}} {
		d.keys(keys...)
		lines := strings.Split(d.view(), "\n")
		if len(lines) != 24 {
			t.Fatalf("%d lines, want 24:\n%s", len(lines), d.view())
		}
		for _, l := range lines {
			if w := len([]rune(l)); w > 80 {
				t.Fatalf("line of %d columns: %q", w, l)
			}
		}
	}
}

func TestUploadFolderIsRemembered(t *testing.T) {
	f := newFakes(true)
	store := FileStore{Path: filepath.Join(t.TempDir(), "console.json")}
	d := newDriver(t, English, &fakeConnector{sess: f.sess}, Settings{Domain: "cti.test", User: "admin", Password: "pw"}, store)
	d.keys("enter")
	wizardAt(t, d, msiDir(t))
	d.keys("down", "down", "enter")
	d.keys(`\\files\Distrib\CTI`, "enter")
	d.wantView("Folder ACL set")
	saved, err := store.Load()
	if err != nil {
		t.Fatal(err)
	}
	if saved.ShareDir != `\\files\Distrib\CTI` || saved.Domain != "cti.test" {
		t.Fatalf("saved = %#v", saved)
	}
}

func TestSaveFailureIsShown(t *testing.T) {
	f := newFakes(false)
	// A settings path under a regular file cannot be created.
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, English, &fakeConnector{sess: f.sess}, Settings{Domain: "cti.test", User: "admin", Password: "pw"},
		FileStore{Path: filepath.Join(blocker, "ctitui", "console.json")})
	d.keys("enter")
	d.wantView("Warning: the settings could not be saved")
}

func TestNoColorMeansNoEscapes(t *testing.T) {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.TrueColor)
	if s := NewStyles(r, false).Error.Render("x"); !strings.Contains(s, "\x1b[") {
		t.Fatalf("colour profile rendered no escapes: %q", s)
	}
	r = lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.TrueColor)
	if s := NewStyles(r, true).Error.Render("x"); s != "x" {
		t.Fatalf("NO_COLOR rendered %q", s)
	}
}

// slowConnector answers only when its context ends, with a session, as a
// connection that completes just after the admin gave up on it.
type slowConnector struct{ closed bool }

func (c *slowConnector) Connect(ctx context.Context, _ Settings) (*Session, error) {
	<-ctx.Done()
	return &Session{Close: func() error { c.closed = true; return nil }}, nil
}

func TestEscCancelsConnecting(t *testing.T) {
	c := &slowConnector{}
	d := newDriver(t, English, c, Settings{Domain: "cti.test", User: "admin", Password: "pw"}, nil)
	var cmd tea.Cmd
	d.m, cmd = d.m.Update(keyMsg("enter"))
	d.wantView("Connecting to cti.test", "esc cancel")
	d.keys("esc")
	d.wantView("Connecting was cancelled.", "enter connect")
	d.send(cmd())
	if !c.closed {
		t.Fatal("the late session was not closed")
	}
	d.wantView("Connecting was cancelled.", "Domain")
}
