package ui

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// Minimum terminal size; below it the console says so instead of drawing a
// broken layout.
const (
	MinWidth  = 64
	MinHeight = 18
)

// screen is one child of the root model.
type screen interface {
	Init() tea.Cmd
	Update(tea.Msg) (screen, tea.Cmd)
	View() string
	SetSize(w, h int)
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
	// Typing is true while keys go to a text field: q and ? are then text.
	Typing() bool
	// Busy is true while a change is being applied: quitting asks first.
	Busy() bool
	Title() string
}

// env is what every screen needs: catalog, styles, keys and the session.
type env struct {
	t    Text
	st   Styles
	km   KeyMap
	ctx  context.Context
	sess *Session
	// startDir is where the MSI file picker opens; shareDir the default
	// distribution folder.
	startDir, shareDir string
	// store remembers settings (nil: nothing is remembered); settings
	// are the ones the session was opened with.
	store    SettingsStore
	settings Settings
	// applies are the plans being applied.
	applies *applies
}

// applies tracks the plans being applied, so that quitting (a confirmed
// quit, a signal, a closed terminal) rolls them back and waits for the
// rollback instead of leaving a change half-made.
type applies struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	mu     sync.Mutex
	// cut is the outcome of applies that quitting cut short.
	cut []error
}

func newApplies(parent context.Context) *applies {
	a := &applies{}
	a.ctx, a.cancel = context.WithCancel(parent)
	return a
}

// InterruptMsg tells the console that the process was asked to stop (a
// signal: SIGINT, SIGTERM, SIGHUP of a dropped session). Nobody may be
// there to answer a question, so a change being applied is rolled back,
// like a failure, and the console quits.
type InterruptMsg struct{ Reason string }

// Abort cancels the plans being applied: each rolls back what it made.
func (m Model) Abort() { m.env.applies.cancel() }

// WaitApplies waits until no plan is being applied any more and returns
// what happened to those that quitting cut short.
func (m Model) WaitApplies() error {
	a := m.env.applies
	a.wg.Wait()
	a.mu.Lock()
	defer a.mu.Unlock()
	return errors.Join(a.cut...)
}

// remember saves the settings in a command; the result comes back as
// settingsSaved so that a failure is shown, not lost.
func (e *env) remember(s Settings) tea.Cmd {
	e.settings = s
	store := e.store
	if store == nil {
		return nil
	}
	return func() tea.Msg { return settingsSaved{store.Save(s)} }
}

type (
	pushMsg struct{ s screen }
	popMsg  struct{}
	// replaceMsg swaps the whole stack for one screen (after connecting).
	replaceMsg struct{ s screen }
)

func push(s screen) tea.Cmd { return func() tea.Msg { return pushMsg{s} } }
func pop() tea.Msg          { return popMsg{} }

// Options configure the console.
type Options struct {
	Connector Connector
	Store     SettingsStore
	// Settings are the starting values (flags and environment win over the
	// remembered ones; the caller merges them).
	Settings Settings
	// StartDir is where the MSI file picker opens (empty: the current
	// folder).
	StartDir string
	// AutoConnect connects at once, for when the password came from a file
	// or the environment.
	AutoConnect bool
	Lang        Lang
	Renderer    *lipgloss.Renderer
	NoColor     bool
	Context     context.Context
}

// Model is the root model: a stack of screens, the header and the help bar.
type Model struct {
	env         *env
	stack       []screen
	help        help.Model
	showHelp    bool
	confirmQuit bool
	width       int
	height      int
	first       tea.Cmd
}

// New builds the console, starting at the Connect screen.
func New(o Options) Model {
	t := NewText(o.Lang)
	ctx := o.Context
	if ctx == nil {
		ctx = context.Background()
	}
	r := o.Renderer
	if r == nil {
		r = lipgloss.DefaultRenderer()
	}
	e := &env{t: t, st: NewStyles(r, o.NoColor), km: NewKeyMap(t), ctx: ctx, startDir: o.StartDir, shareDir: o.Settings.ShareDir,
		store: o.Store, settings: o.Settings, applies: newApplies(ctx)}
	h := help.New()
	// Every help style comes from our renderer: the defaults use adaptive
	// colours, whose first use asks the terminal for its background, and
	// the answer can arrive after the program ends, as stray characters.
	h.Styles = help.Styles{
		Ellipsis: e.st.Help, ShortKey: e.st.Title, ShortDesc: e.st.Help, ShortSeparator: e.st.Help,
		FullKey: e.st.Title, FullDesc: e.st.Help, FullSeparator: e.st.Help,
	}
	c := newConnect(e, o.Connector, o.Settings)
	m := Model{env: e, stack: []screen{c}, help: h}
	if o.AutoConnect {
		m.first = c.connect()
	}
	return m
}

// Init starts the first screen.
func (m Model) Init() tea.Cmd { return tea.Batch(m.top().Init(), m.first) }

func (m Model) top() screen { return m.stack[len(m.stack)-1] }

// Update routes messages: keys to the top screen, everything else to every
// screen on the stack, so that a result arriving after the user moved on
// still lands where it belongs.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.help.Width = msg.Width
		for _, s := range m.stack {
			s.SetSize(m.bodySize())
		}
		return m, nil
	case pushMsg:
		msg.s.SetSize(m.bodySize())
		m.stack = append(m.stack, msg.s)
		return m, msg.s.Init()
	case replaceMsg:
		msg.s.SetSize(m.bodySize())
		m.stack = []screen{msg.s}
		return m, msg.s.Init()
	case popMsg:
		if len(m.stack) > 1 {
			m.stack = m.stack[:len(m.stack)-1]
		}
		return m, nil
	case tea.KeyMsg:
		return m.key(msg)
	case InterruptMsg:
		m.Abort()
		return m, tea.Quit
	}
	var cmds []tea.Cmd
	for i, s := range m.stack {
		var c tea.Cmd
		m.stack[i], c = s.Update(msg)
		cmds = append(cmds, c)
	}
	return m, tea.Batch(cmds...)
}

func (m Model) key(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	km := m.env.km
	if m.confirmQuit {
		m.confirmQuit = false
		// A second ctrl+c means it as much as y does. The change being
		// applied is rolled back before the process ends (WaitApplies).
		if key.Matches(msg, km.Yes, km.ForceQuit) {
			m.Abort()
			return m, tea.Quit
		}
		return m, nil
	}
	top := m.top()
	quit := key.Matches(msg, km.ForceQuit) || (key.Matches(msg, km.Quit) && !top.Typing())
	if quit {
		if top.Busy() {
			m.confirmQuit = true
			return m, nil
		}
		return m, tea.Quit
	}
	if m.showHelp {
		if key.Matches(msg, km.Help, km.Back) {
			m.showHelp = false
		}
		return m, nil
	}
	if key.Matches(msg, km.Help) && !top.Typing() {
		m.showHelp = true
		return m, nil
	}
	s, cmd := top.Update(msg)
	m.stack[len(m.stack)-1] = s
	return m, cmd
}

// bodySize is the space between the header and the help bar.
func (m Model) bodySize() (int, int) { return m.width, max(m.height-3, 1) }

// View draws header, the top screen and the help bar, exactly the terminal's
// height so that nothing scrolls.
func (m Model) View() string {
	t, st := m.env.t, m.env.st
	if m.width == 0 {
		return ""
	}
	if m.width < MinWidth || m.height < MinHeight {
		return t.T("app.too_small", m.width, m.height, MinWidth, MinHeight)
	}
	top := m.top()
	head := "ctitui"
	if m.env.sess != nil {
		head += " | " + m.env.sess.Domain
	}
	head += " | " + top.Title()
	var body, bar string
	switch {
	case m.confirmQuit:
		body = st.Warning.Render(t.T("app.quit_busy"))
		bar = t.T("app.yn")
	case m.showHelp:
		body = m.help.FullHelpView(append(top.FullHelp(), m.globalKeys()))
		bar = t.T("app.help_close")
	default:
		body = top.View()
		bar = m.help.ShortHelpView(append(top.ShortHelp(), m.barKeys(top)...))
	}
	_, h := m.bodySize()
	return st.Header.Render(ansi.Truncate(head, m.width, "~")) + "\n\n" +
		fit(body, m.width, h) + "\n" + ansi.Truncate(bar, m.width, "~")
}

// globalKeys are listed in the full help; esc only where there is a
// screen to go back to.
func (m Model) globalKeys() []key.Binding {
	km := m.env.km
	if len(m.stack) > 1 {
		return []key.Binding{km.Help, km.Back, km.Quit, km.ForceQuit}
	}
	return []key.Binding{km.Help, km.Quit, km.ForceQuit}
}

// filtered is a screen whose list may hold a filter: esc then clears the
// filter instead of going back.
type filtered interface{ FilterSet() bool }

// barKeys are the global keys that work right now; the bar never shows a
// key that would do nothing, or something else than it says.
func (m Model) barKeys(top screen) []key.Binding {
	km := m.env.km
	var ks []key.Binding
	if !top.Typing() {
		ks = append(ks, km.Help)
		if f, ok := top.(filtered); ok && f.FilterSet() {
			ks = append(ks, km.FilterClear)
		} else if len(m.stack) > 1 && !top.Busy() {
			ks = append(ks, km.Back)
		}
		ks = append(ks, km.Quit)
	} else {
		ks = append(ks, km.ForceQuit)
	}
	return ks
}

// fit wraps s to w columns (messages and errors are read whole, not cut)
// and cuts or pads it to exactly h lines.
func fit(s string, w, h int) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if ansi.StringWidth(l) > w {
			l = ansi.Wrap(l, w, " ")
		}
		lines = append(lines, strings.Split(l, "\n")...)
	}
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, w, "~")
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// Session is the connection the console opened, nil before connecting; the
// caller closes it after the program ends.
func (m Model) Session() *Session { return m.env.sess }
