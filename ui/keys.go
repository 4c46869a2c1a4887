package ui

import "github.com/charmbracelet/bubbles/key"

// KeyMap holds the keys every screen shares. Screens add their own with bind.
type KeyMap struct {
	Up, Down, PgUp, PgDown, Enter, Back, Quit, ForceQuit, Help, Filter, Tab, ShiftTab, Toggle, Yes, Reload, FilterDone, FilterClear key.Binding
}

// bind makes a binding whose help text comes from the catalog.
func bind(t Text, label, descKey string, keys ...string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(label, t.T(descKey)))
}

// NewKeyMap builds the shared keys with help in the catalog's language.
func NewKeyMap(t Text) KeyMap {
	return KeyMap{
		Up:        bind(t, "up/k", "key.up", "up", "k"),
		Down:      bind(t, "down/j", "key.down", "down", "j"),
		PgUp:      bind(t, "pgup", "key.pgup", "pgup", "ctrl+u"),
		PgDown:    bind(t, "pgdn", "key.pgdown", "pgdown", "ctrl+d"),
		Enter:     bind(t, "enter", "key.open", "enter"),
		Back:      bind(t, "esc", "key.back", "esc"),
		Quit:      bind(t, "q", "key.quit", "q"),
		ForceQuit: bind(t, "ctrl+c", "key.quit", "ctrl+c"),
		Help:      bind(t, "?", "key.help", "?"),
		Filter:    bind(t, "/", "key.filter", "/"),
		Tab:       bind(t, "tab", "key.next", "tab"),
		ShiftTab:  bind(t, "shift+tab", "key.prev", "shift+tab"),
		Toggle:    bind(t, "space", "key.toggle", " "),
		Yes:       bind(t, "y", "key.yes", "y", "Y"),
		Reload:    bind(t, "ctrl+r", "key.reload", "ctrl+r"),
		// While a filter is typed: enter keeps it, esc clears it.
		FilterDone:  bind(t, "enter", "key.filter_done", "enter"),
		FilterClear: bind(t, "esc", "key.filter_clear", "esc"),
	}
}
