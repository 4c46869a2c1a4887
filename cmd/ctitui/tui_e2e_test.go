//go:build linux

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ctitui/ctitui/internal/testdomain"
	"github.com/ctitui/ctitui/internal/testmsi"
)

// tmuxConsole runs the real binary in a detached tmux session of 80x24 on
// a private tmux server, and reads the screen as the admin would see it.
type tmuxConsole struct {
	t      *testing.T
	socket string
	// status is the file the wrapper shell writes ctitui's exit status to.
	status string
}

func startConsole(t *testing.T, bin string, env []string, args ...string) *tmuxConsole {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tmux is needed for the console end-to-end test")
		}
		t.Skip("tmux not installed")
	}
	c := &tmuxConsole{t: t, socket: "ctitui-e2e-" + strconv.Itoa(os.Getpid()) + "-" + strconv.FormatInt(time.Now().UnixNano(), 36),
		status: filepath.Join(t.TempDir(), "exit-status")}
	targs := []string{"-L", c.socket, "-f", "/dev/null", "new-session", "-d", "-s", "e2e", "-x", "80", "-y", "24"}
	for _, e := range env {
		targs = append(targs, "-e", e)
	}
	// A shell runs ctitui in the pane and writes its exit status to a file:
	// tmux's own #{pane_dead_status} is sometimes never filled in when the
	// pane's terminal closes before tmux reaps the process (seen on a
	// loaded machine). remain-on-exit keeps the last screen for the test.
	wrapper := `"$0" "$@"; echo $? >'` + c.status + `'`
	targs = append(targs, append([]string{"sh", "-c", wrapper, bin}, args...)...)
	c.tmux(targs...)
	c.tmux("set-option", "-t", "e2e", "remain-on-exit", "on")
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", c.socket, "kill-server").Run() })
	return c
}

func (c *tmuxConsole) tmux(args ...string) string {
	c.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", c.socket}, args...)...).CombinedOutput()
	if err != nil {
		c.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (c *tmuxConsole) screen() string { return c.tmux("capture-pane", "-p", "-t", "e2e") }

// keys sends tmux key names one at a time, so that an Escape is never
// merged with the next key into an Alt sequence.
func (c *tmuxConsole) keys(keys ...string) {
	c.t.Helper()
	for _, k := range keys {
		c.tmux("send-keys", "-t", "e2e", k)
		pause := 50 * time.Millisecond
		if k == "Escape" {
			// An Escape read together with the next key is Alt+key.
			pause = 250 * time.Millisecond
		}
		time.Sleep(pause)
	}
}

func (c *tmuxConsole) typeText(s string) {
	c.t.Helper()
	c.tmux("send-keys", "-t", "e2e", "-l", "--", s)
}

// waitFor polls the screen until every part is on it; the deadline only
// bounds a hung run, nothing is asserted about speed.
func (c *tmuxConsole) waitFor(parts ...string) string {
	c.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		s := c.screen()
		missing := ""
		for _, p := range parts {
			if !strings.Contains(s, p) {
				missing = p
				break
			}
		}
		if missing == "" {
			return s
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("screen never showed %q:\n%s", missing, s)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitExit waits for ctitui to end and returns its exit status (128+N
// when signal N killed it, as the shell reports it).
func (c *tmuxConsole) waitExit() string {
	c.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if b, err := os.ReadFile(c.status); err == nil && bytes.HasSuffix(b, []byte("\n")) {
			return strings.TrimSpace(string(b))
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("ctitui did not exit:\n%s", c.screen())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestConsoleEndToEnd(t *testing.T) {
	d := testdomain.Require(t, dom)
	bin := buildBinary(t)
	msiDir := t.TempDir()
	sample, err := os.ReadFile(testmsi.Build(t, "MIKO CTI 4.9.226"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(msiDir, "MIKO CTI 4.9.226.msi"), sample, 0o600); err != nil {
		t.Fatal(err)
	}
	env := append(d.CtituiEnv(), "HOME="+t.TempDir(), "XDG_CONFIG_HOME="+t.TempDir(), "LANG=en_US.UTF-8",
		"TERM=xterm-256color", "CTITUI_DEMO_MSI_DIR="+msiDir)
	c := startConsole(t, bin, env)

	// The password comes from the environment: straight to Home.
	c.waitFor("Connected as", "Deploy an MSI (guided)", "50 computers")

	// OU tree: filter to Workstations, open it, see Block Inheritance.
	c.keys("End", "Enter")
	c.waitFor("OU tree", "Workstations (18 PCs)")
	c.keys("/")
	c.typeText("Workst")
	c.keys("Enter", "l")
	c.keys("Escape")
	c.waitFor("Office SPb", "[block inheritance]")
	c.keys("Escape")
	c.waitFor("Deploy an MSI (guided)")

	// GPOs: the seeded GPO with its WMI filter.
	c.keys("Up", "Enter")
	c.waitFor("Default Domain Policy", "Office Settings (legacy)")
	c.keys("/")
	c.typeText("legacy")
	c.keys("Enter")
	c.waitFor("WMI filter: Windows 10/11 workstations")
	c.keys("Enter")
	c.waitFor("Security filtering: Authenticated Users", "OU=Компания,DC=cti,DC=test")
	c.keys("Escape")
	c.keys("Escape")
	c.keys("Escape")
	c.waitFor("Deploy an MSI (guided)")

	// Deploy step 1: upload the MSI; the file then is on the share.
	c.keys("Home", "Enter")
	c.waitFor("[1 Distribution]", "MIKO CTI 4.9.226.msi")
	c.keys("Down", "Enter")
	c.waitFor(`\Distrib\MikoCTI`)
	c.keys("Enter")
	c.waitFor("Folder ACL set: Domain Computers can read the package.")
	got, err := os.ReadFile(filepath.Join(d.DistribDir, "MikoCTI", "MIKO CTI 4.9.226.msi"))
	if err != nil || !bytes.Equal(got, sample) {
		t.Fatalf("uploaded file differs or is missing: %v", err)
	}
	c.keys("Enter")
	c.waitFor("[2 MSI check]", "ProductCode {")

	c.keys("C-c")
	if status := c.waitExit(); status != "0" {
		t.Fatalf("ctitui exited with status %s", status)
	}
}

func TestConsoleNeedsATerminal(t *testing.T) {
	bin := buildBinary(t)
	for _, args := range [][]string{nil, {"tui"}, {"tui", "--lang", "ru"}} {
		_, errOut, code := runCtitui(t, bin, nil, args...)
		if code != 2 || !strings.Contains(errOut, "the console needs a terminal") {
			t.Errorf("ctitui %v without a terminal: exit %d, %q", args, code, errOut)
		}
	}
}

// TestConsoleRussian: LANG chooses the catalog; the guide's terms show.
func TestConsoleRussian(t *testing.T) {
	d := testdomain.Require(t, dom)
	bin := buildBinary(t)
	env := append(d.CtituiEnv(), "HOME="+t.TempDir(), "XDG_CONFIG_HOME="+t.TempDir(), "LANG=ru_RU.UTF-8", "TERM=xterm-256color")
	c := startConsole(t, bin, env)
	c.waitFor("Вход выполнен как", "Развернуть MSI (мастер)", "Ваши права")
	c.keys("End", "Up", "Enter")
	c.waitFor("Объекты групповой политики", "Office Settings (legacy)")
	c.keys("q")
	if status := c.waitExit(); status != "0" {
		t.Fatalf("ctitui exited with status %s", status)
	}
}
