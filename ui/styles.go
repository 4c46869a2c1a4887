package ui

import (
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Styles are built once per program from a renderer, so that tests can use
// the ASCII profile and NO_COLOR can turn colour off. Every state shown in
// colour is also shown in text or with a marker.
type Styles struct {
	Header, Title, Selected, Muted, Error, Warning, OK, Step, StepNow, Help, Box lipgloss.Style
}

// NewStyles builds styles; noColor forces the ASCII profile.
func NewStyles(r *lipgloss.Renderer, noColor bool) Styles {
	if noColor {
		r.SetColorProfile(termenv.Ascii)
	}
	return Styles{
		Header:   r.NewStyle().Bold(true).Foreground(lipgloss.Color("12")),
		Title:    r.NewStyle().Bold(true),
		Selected: r.NewStyle().Reverse(true),
		Muted:    r.NewStyle().Foreground(lipgloss.Color("8")),
		Error:    r.NewStyle().Foreground(lipgloss.Color("9")).Bold(true),
		Warning:  r.NewStyle().Foreground(lipgloss.Color("11")),
		OK:       r.NewStyle().Foreground(lipgloss.Color("10")),
		Step:     r.NewStyle().Foreground(lipgloss.Color("8")),
		StepNow:  r.NewStyle().Bold(true).Underline(true),
		Help:     r.NewStyle().Foreground(lipgloss.Color("8")),
		Box:      r.NewStyle().Border(lipgloss.NormalBorder()).Padding(0, 1),
	}
}
