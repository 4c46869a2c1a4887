package ui

import (
	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/textinput"
)

// newInput is a text field with a steady cursor: a blinking one would
// redraw the screen twice a second over a slow SSH link for nothing.
func newInput(value string, width int) textinput.Model {
	ti := textinput.New()
	ti.Prompt = ""
	ti.SetValue(value)
	ti.Width = width
	ti.Cursor.SetMode(cursor.CursorStatic)
	return ti
}

func newPasswordInput(width int) textinput.Model {
	ti := newInput("", width)
	ti.EchoMode = textinput.EchoPassword
	ti.EchoCharacter = '*'
	return ti
}
