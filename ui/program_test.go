package ui

import (
	"bytes"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
)

// TestProgramRunsAsynchronously drives the console in a real tea.Program,
// where commands run concurrently with rendering: connect at once, open the
// OU tree, expand an OU, quit with q.
func TestProgramRunsAsynchronously(t *testing.T) {
	f := newFakes(false)
	m := New(Options{Connector: &fakeConnector{sess: f.sess}, Settings: Settings{Domain: "cti.test", User: "admin", Password: "pw"},
		AutoConnect: true, Lang: English, Renderer: asciiRenderer(), NoColor: true})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
	// The bound only ends a hung run; nothing here measures speed.
	wait := func(want string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(want)) },
			teatest.WithDuration(10*time.Second))
	}
	wait("Connected as")
	for range actOUs {
		tm.Send(tea.KeyMsg{Type: tea.KeyDown})
	}
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	wait("Workstations")
	tm.Send(tea.KeyMsg{Type: tea.KeyDown})
	tm.Send(tea.KeyMsg{Type: tea.KeyDown})
	tm.Send(tea.KeyMsg{Type: tea.KeyRight})
	wait("Office SPb")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'q'}})
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	if fm, ok := tm.FinalModel(t).(Model); !ok || fm.Session() != f.sess {
		t.Fatalf("final model %T does not hold the session", tm.FinalModel(t))
	}
}
