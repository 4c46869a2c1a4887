package ui

import (
	"context"
	"errors"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// Connect fields, in tab order.
const (
	fDomain = iota
	fDC
	fUser
	fAuth
	fSecret // password, or the Kerberos ccache path
	fCA
	fCount
)

type (
	connectedMsg struct {
		attempt int
		sess    *Session
		s       Settings
	}
	connectErrMsg struct {
		attempt int
		err     error
	}
	settingsSaved struct{ err error }
)

type connectScreen struct {
	*env
	connector  Connector
	inputs     [fCount]textinput.Model
	password   textinput.Model
	kerberos   bool
	focus      int
	connecting bool
	// attempt numbers connection attempts so that the answer to one the
	// admin cancelled with esc is recognised and dropped.
	attempt    int
	cancel     context.CancelFunc
	err        error
	width      int
	connectKey key.Binding
}

func newConnect(e *env, c Connector, s Settings) *connectScreen {
	m := &connectScreen{env: e, connector: c, kerberos: s.Kerberos}
	m.inputs[fDomain] = newInput(s.Domain, 40)
	m.inputs[fDC] = newInput(s.DC, 40)
	m.inputs[fUser] = newInput(s.User, 40)
	m.inputs[fSecret] = newInput(s.CCache, 40)
	m.inputs[fCA] = newInput(s.CAFile, 40)
	m.password = newPasswordInput(40)
	m.password.SetValue(s.Password)
	m.connectKey = bind(e.t, "enter", "connect.key", "enter")
	m.focus = fSecret
	for _, i := range []int{fDomain, fUser} {
		if m.inputs[i].Value() == "" {
			m.focus = i
			break
		}
	}
	m.focusField()
	return m
}

func (m *connectScreen) Init() tea.Cmd { return nil }

func (m *connectScreen) Title() string { return m.t.T("connect.title") }

func (m *connectScreen) SetSize(w, _ int) { m.width = w }

func (m *connectScreen) Typing() bool { return m.focus != fAuth }

func (m *connectScreen) Busy() bool { return false }

func (m *connectScreen) ShortHelp() []key.Binding {
	if m.connecting {
		return []key.Binding{bind(m.t, "esc", "connect.cancel", "esc")}
	}
	ks := []key.Binding{m.env.km.Tab, m.connectKey}
	if m.focus == fAuth {
		ks = append(ks, m.env.km.Toggle)
	}
	return ks
}

func (m *connectScreen) FullHelp() [][]key.Binding {
	return [][]key.Binding{{m.env.km.Tab, m.env.km.ShiftTab, m.env.km.Toggle, m.connectKey}}
}

func (m *connectScreen) settings() Settings {
	s := Settings{
		Domain:   strings.TrimSpace(m.inputs[fDomain].Value()),
		DC:       strings.TrimSpace(m.inputs[fDC].Value()),
		User:     strings.TrimSpace(m.inputs[fUser].Value()),
		CAFile:   strings.TrimSpace(m.inputs[fCA].Value()),
		Kerberos: m.kerberos,
	}
	if m.kerberos {
		s.CCache = strings.TrimSpace(m.inputs[fSecret].Value())
	} else {
		s.Password = m.password.Value()
	}
	return s
}

// connect dials in a command; the screen shows "connecting" meanwhile.
func (m *connectScreen) connect() tea.Cmd {
	s := m.settings()
	if s.Domain == "" || (s.User == "" && !s.Kerberos) {
		m.err = errors.New(m.t.T("connect.need_domain_user"))
		return nil
	}
	m.connecting, m.err = true, nil
	m.attempt++
	ctx, cancel := context.WithCancel(m.ctx)
	m.cancel = cancel
	c, n := m.connector, m.attempt
	return func() tea.Msg {
		defer cancel()
		sess, err := c.Connect(ctx, s)
		if err != nil {
			return connectErrMsg{attempt: n, err: err}
		}
		return connectedMsg{attempt: n, sess: sess, s: s}
	}
}

func (m *connectScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case connectErrMsg:
		if msg.attempt == m.attempt {
			m.connecting, m.err = false, msg.err
		}
		return m, nil
	case connectedMsg:
		if msg.attempt != m.attempt || !m.connecting {
			// Cancelled meanwhile: the session is nobody's. Closing talks
			// to the DC, so it runs in a command.
			if c := msg.sess.Close; c != nil {
				return m, func() tea.Msg { _ = c(); return nil }
			}
			return m, nil
		}
		m.connecting = false
		m.env.sess = msg.sess
		s := msg.s
		s.ShareDir = m.env.shareDir
		// Home saves them, so that it is there to show a failure.
		home := newHome(m.env)
		home.save = m.env.remember(s)
		return m, func() tea.Msg { return replaceMsg{home} }
	case tea.KeyMsg:
		if m.connecting {
			if msg.Type == tea.KeyEsc {
				m.cancel()
				m.connecting, m.err = false, errors.New(m.t.T("connect.cancelled"))
			}
			return m, nil
		}
		return m.key(msg)
	}
	return m, nil
}

func (m *connectScreen) key(msg tea.KeyMsg) (screen, tea.Cmd) {
	km := m.env.km
	switch {
	case key.Matches(msg, km.Tab) || msg.Type == tea.KeyDown:
		m.focus = (m.focus + 1) % fCount
		m.focusField()
		return m, nil
	case key.Matches(msg, km.ShiftTab) || msg.Type == tea.KeyUp:
		m.focus = (m.focus + fCount - 1) % fCount
		m.focusField()
		return m, nil
	case msg.Type == tea.KeyEnter:
		return m, m.connect()
	}
	if m.focus == fAuth {
		if msg.Type == tea.KeySpace || msg.Type == tea.KeyLeft || msg.Type == tea.KeyRight ||
			key.Matches(msg, km.Toggle) {
			m.kerberos = !m.kerberos
		}
		return m, nil
	}
	var cmd tea.Cmd
	if m.focus == fSecret && !m.kerberos {
		m.password, cmd = m.password.Update(msg)
	} else {
		m.inputs[m.focus], cmd = m.inputs[m.focus].Update(msg)
	}
	return m, cmd
}

func (m *connectScreen) focusField() {
	for i := range m.inputs {
		m.inputs[i].Blur()
	}
	m.password.Blur()
	switch {
	case m.focus == fSecret && !m.kerberos:
		m.password.Focus()
	case m.focus != fAuth:
		m.inputs[m.focus].Focus()
	}
}

func (m *connectScreen) View() string {
	t, st := m.t, m.st
	var b strings.Builder
	b.WriteString(st.Title.Render(t.T("connect.heading")) + "\n\n")
	names := []string{t.T("connect.domain"), t.T("connect.dc"), t.T("connect.user"), t.T("connect.auth"),
		t.T("connect.password"), t.T("connect.ccache"), t.T("connect.ca")}
	col := 0
	for _, n := range names {
		col = max(col, ansi.StringWidth(n))
	}
	label := func(i int, name string) string {
		mark := "  "
		if i == m.focus {
			mark = "> "
		}
		return mark + name + strings.Repeat(" ", col-ansi.StringWidth(name)+1)
	}
	rows := []struct {
		i    int
		name string
		view func() string
	}{
		{fDomain, t.T("connect.domain"), m.inputs[fDomain].View},
		{fDC, t.T("connect.dc"), m.inputs[fDC].View},
		{fUser, t.T("connect.user"), m.inputs[fUser].View},
		{fAuth, t.T("connect.auth"), m.authView},
		{fSecret, m.secretLabel(), m.secretView},
		{fCA, t.T("connect.ca"), m.inputs[fCA].View},
	}
	for _, r := range rows {
		b.WriteString(label(r.i, r.name) + r.view() + "\n")
	}
	b.WriteString("\n")
	switch {
	case m.connecting:
		b.WriteString(t.T("connect.connecting", m.inputs[fDomain].Value()))
	case m.err != nil:
		b.WriteString(st.Error.Render(t.T("common.error")) + " " + t.Err(m.err))
	default:
		b.WriteString(st.Muted.Render(t.T("connect.hint")))
	}
	return b.String()
}

func (m *connectScreen) authView() string {
	pw, krb := "( ) ", "( ) "
	if m.kerberos {
		krb = "(*) "
	} else {
		pw = "(*) "
	}
	return pw + m.t.T("connect.auth_password") + "   " + krb + m.t.T("connect.auth_kerberos")
}

func (m *connectScreen) secretLabel() string {
	if m.kerberos {
		return m.t.T("connect.ccache")
	}
	return m.t.T("connect.password")
}

func (m *connectScreen) secretView() string {
	if m.kerberos {
		return m.inputs[fSecret].View()
	}
	return m.password.View()
}
