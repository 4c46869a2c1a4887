package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// list is the scrolling, filterable list under every table and tree. It
// renders only the rows on screen, so a frame costs the same for ten rows
// and for ten thousand.
type list struct {
	items     []string
	keys      []string
	view      []int
	cursor    int
	offset    int
	width     int
	height    int
	filtering bool
	filter    string
	// raw holds the lines of a wrapped list (reports, plans): they are
	// re-wrapped to the width whenever it changes, so no line is cut.
	raw  []string
	wrap bool
}

// SetWrapped shows text lines, wrapped to the list's width.
func (l *list) SetWrapped(lines []string) {
	l.raw, l.wrap = lines, true
	l.rewrap()
}

func (l *list) rewrap() {
	w := max(l.width-2, 20)
	var out []string
	for _, line := range l.raw {
		if ansi.StringWidth(line) <= w {
			out = append(out, line)
			continue
		}
		indent := len(line) - len(strings.TrimLeft(line, " "))
		pad := strings.Repeat(" ", min(indent+2, w/2))
		parts := strings.Split(ansi.Wrap(line, w, " "), "\n")
		out = append(out, parts[0])
		for _, p := range parts[1:] {
			out = append(out, strings.Split(ansi.Wrap(pad+strings.TrimLeft(p, " "), w, " "), "\n")...)
		}
	}
	l.SetItems(out, nil)
}

// SetItems replaces the rows; keys (lower-cased here) are what / matches,
// nil means the row text. The cursor stays on the same position.
func (l *list) SetItems(items, keys []string) {
	l.items = items
	if keys == nil {
		keys = items
	}
	l.keys = make([]string, len(keys))
	for i, k := range keys {
		l.keys[i] = strings.ToLower(k)
	}
	l.refilter()
}

func (l *list) refilter() {
	l.view = l.view[:0]
	f := strings.ToLower(l.filter)
	for i, k := range l.keys {
		if f == "" || strings.Contains(k, f) {
			l.view = append(l.view, i)
		}
	}
	l.clamp()
}

func (l *list) clamp() {
	if l.cursor >= len(l.view) {
		l.cursor = len(l.view) - 1
	}
	if l.cursor < 0 {
		l.cursor = 0
	}
	h := max(l.height, 1)
	if l.cursor < l.offset {
		l.offset = l.cursor
	}
	if l.cursor >= l.offset+h {
		l.offset = l.cursor - h + 1
	}
	if l.offset < 0 {
		l.offset = 0
	}
}

// Selected is the index into the items of the row under the cursor, -1
// when the list (after filtering) is empty.
func (l *list) Selected() int {
	if len(l.view) == 0 {
		return -1
	}
	return l.view[l.cursor]
}

// Select puts the cursor on item i when it is visible.
func (l *list) Select(i int) {
	for p, v := range l.view {
		if v == i {
			l.cursor = p
			l.clamp()
			return
		}
	}
}

// SetSize sets the rows and columns the list may use.
func (l *list) SetSize(w, h int) {
	resized := w != l.width
	l.width, l.height = w, h
	if l.wrap && resized {
		l.rewrap()
	}
	l.clamp()
}

// Filtered is true while a filter is typed or set: esc then clears it
// rather than leaving the screen.
func (l *list) Filtered() bool { return l.filtering || l.filter != "" }

// Typing is true while the filter is being typed.
func (l *list) Typing() bool { return l.filtering }

// Update handles movement and the filter; it reports whether it used the key.
func (l *list) Update(msg tea.KeyMsg, km KeyMap) bool {
	if l.filtering {
		switch msg.Type {
		case tea.KeyEnter:
			l.filtering = false
		case tea.KeyEsc:
			l.filtering, l.filter = false, ""
			l.refilter()
		case tea.KeyBackspace:
			if r := []rune(l.filter); len(r) > 0 {
				l.filter = string(r[:len(r)-1])
				l.refilter()
			}
		case tea.KeyRunes, tea.KeySpace:
			l.filter += string(msg.Runes)
			l.cursor = 0
			l.refilter()
		case tea.KeyUp, tea.KeyDown:
			l.move(msg.Type == tea.KeyDown, 1)
		}
		return true
	}
	switch {
	case key.Matches(msg, km.Up):
		l.move(false, 1)
	case key.Matches(msg, km.Down):
		l.move(true, 1)
	case key.Matches(msg, km.PgUp):
		l.move(false, max(l.height-1, 1))
	case key.Matches(msg, km.PgDown):
		l.move(true, max(l.height-1, 1))
	case key.Matches(msg, km.Filter):
		l.filtering = true
	case msg.Type == tea.KeyEsc && l.filter != "":
		l.filter = ""
		l.refilter()
	case msg.Type == tea.KeyHome:
		l.cursor = 0
		l.clamp()
	case msg.Type == tea.KeyEnd:
		l.cursor = len(l.view) - 1
		l.clamp()
	default:
		return false
	}
	return true
}

func (l *list) move(down bool, n int) {
	if down {
		l.cursor += n
	} else {
		l.cursor -= n
	}
	l.clamp()
}

// FilterLine is the filter prompt, or "" when no filter is set.
func (l *list) FilterLine(t Text) string {
	if !l.filtering && l.filter == "" {
		return ""
	}
	s := "/" + l.filter
	if l.filtering {
		s += "_"
	}
	return t.T("list.filter", s, len(l.view), len(l.items))
}

// View renders the visible rows; the row under the cursor is marked with
// "> " as well as highlighted, so the cursor does not depend on colour.
func (l *list) View(st Styles, empty string) string {
	if len(l.view) == 0 {
		return st.Muted.Render(empty)
	}
	var b strings.Builder
	end := min(l.offset+max(l.height, 1), len(l.view))
	for p := l.offset; p < end; p++ {
		row := ansi.Truncate(l.items[l.view[p]], max(l.width-2, 1), "~")
		if p == l.cursor {
			b.WriteString(st.Selected.Render("> " + row))
		} else {
			b.WriteString("  " + row)
		}
		if p < end-1 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}
