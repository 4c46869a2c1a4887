package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

type (
	dirMsg struct {
		dir     string
		entries []fileEntry
		err     error
	}
	inspectMsg struct {
		local string
		info  MSIInfo
		err   error
	}
	uploadProgressMsg struct {
		ch <-chan tea.Msg
		p  UploadProgress
	}
	uploadDoneMsg struct {
		ch  <-chan tea.Msg
		res Uploaded
		err error
	}
	folderPickedMsg struct{ path string }
)

type fileEntry struct {
	name string
	dir  bool
	size int64
}

// readDir lists folders and .msi files, folders first.
func readDir(dir string) tea.Cmd {
	return func() tea.Msg {
		if dir == "" {
			wd, err := os.Getwd()
			if err != nil {
				return dirMsg{err: fmt.Errorf("current folder: %w", err)}
			}
			dir = wd
		}
		des, err := os.ReadDir(dir)
		if err != nil {
			return dirMsg{dir: dir, err: fmt.Errorf("read %s: %w", dir, err)}
		}
		es := []fileEntry{{name: "..", dir: true}}
		for _, d := range des {
			if strings.HasPrefix(d.Name(), ".") {
				continue
			}
			if d.IsDir() {
				es = append(es, fileEntry{name: d.Name(), dir: true})
			} else if strings.EqualFold(filepath.Ext(d.Name()), ".msi") {
				var size int64
				if fi, err := d.Info(); err == nil {
					size = fi.Size()
				}
				es = append(es, fileEntry{name: d.Name(), size: size})
			}
		}
		sort.SliceStable(es[1:], func(i, j int) bool {
			a, b := es[1+i], es[1+j]
			if a.dir != b.dir {
				return a.dir
			}
			return strings.ToLower(a.name) < strings.ToLower(b.name)
		})
		return dirMsg{dir: dir, entries: es}
	}
}

// distStep is step 1: pick the MSI, choose the share folder, upload.
type distStep struct {
	*env
	dir        string
	entries    []fileEntry
	files      list
	dirErr     error
	local      string
	info       *MSIInfo
	inspectErr error
	share      textinput.Model
	uploading  bool
	upCh       <-chan tea.Msg
	prog       UploadProgress
	uploaded   *Uploaded
	upErr      error
	folder     string
	width      int
	pick       key.Binding
	upload     key.Binding
	browse     key.Binding
}

func newDistStep(e *env) distStep {
	return distStep{
		env:    e,
		share:  newInput(e.shareDir, 50),
		pick:   bind(e.t, "enter", "dist.pick", "enter"),
		upload: bind(e.t, "enter", "dist.upload", "enter"),
		browse: bind(e.t, "tab", "dist.browse", "tab"),
	}
}

func (d *distStep) init() tea.Cmd { return readDir(d.startDir) }

func (d *distStep) setSize(w, h int) {
	d.width = w
	d.files.SetSize(w, max(h-4, 1))
}

func (d *distStep) typing() bool {
	return d.files.Typing() || (d.local != "" && !d.uploading && d.uploaded == nil)
}

func (d *distStep) help(km KeyMap) []key.Binding {
	switch {
	case d.uploading:
		return nil
	case d.uploaded != nil:
		return nil
	case d.local != "":
		return []key.Binding{d.upload, d.browse, km.Back}
	case d.files.Typing():
		return []key.Binding{km.FilterDone, km.FilterClear}
	}
	if d.files.Selected() < 0 {
		return []key.Binding{km.Filter}
	}
	return []key.Binding{d.pick, km.Filter}
}

func (d *distStep) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case dirMsg:
		d.dirErr = msg.err
		if msg.err != nil {
			return nil
		}
		d.dir, d.entries = msg.dir, msg.entries
		rows := make([]string, len(msg.entries))
		for i, e := range msg.entries {
			if e.dir {
				rows[i] = e.name + "/"
			} else {
				rows[i] = fmt.Sprintf("%-50s %s", e.name, humanSize(e.size))
			}
		}
		d.files.SetItems(rows, nil)
		d.files.Select(0)
	case folderPickedMsg:
		d.share.SetValue(msg.path)
		d.share.CursorEnd()
		d.upErr = nil
	case inspectMsg:
		if msg.local != d.local {
			return nil
		}
		if msg.err != nil {
			d.inspectErr = msg.err
		} else {
			d.info = &msg.info
		}
	case uploadProgressMsg:
		if msg.ch != d.upCh {
			return nil
		}
		d.prog = msg.p
		return listen(d.upCh)
	case uploadDoneMsg:
		if msg.ch != d.upCh {
			return nil
		}
		d.uploading = false
		if msg.err != nil {
			d.upErr = msg.err
			return nil
		}
		d.uploaded = &msg.res
	}
	return nil
}

func listen(ch <-chan tea.Msg) tea.Cmd { return func() tea.Msg { return <-ch } }

func (d *distStep) key(msg tea.KeyMsg, dist Distribution) tea.Cmd {
	if d.uploading || d.uploaded != nil {
		return nil
	}
	if d.local != "" {
		switch msg.Type {
		case tea.KeyEsc:
			d.local, d.info, d.inspectErr, d.upErr = "", nil, nil, nil
			d.share.Blur()
			return nil
		case tea.KeyEnter:
			return d.startUpload(dist)
		case tea.KeyTab:
			return d.browseFolders(dist)
		}
		var cmd tea.Cmd
		d.share, cmd = d.share.Update(msg)
		return cmd
	}
	if d.files.Update(msg, d.km) {
		return nil
	}
	i := d.files.Selected()
	if !key.Matches(msg, d.km.Enter) || i < 0 {
		return nil
	}
	e := d.entries[i]
	path := filepath.Join(d.dir, e.name)
	if e.dir {
		return readDir(filepath.Clean(path))
	}
	d.local, d.info, d.inspectErr = path, nil, nil
	ctx := d.ctx
	return tea.Batch(d.share.Focus(), func() tea.Msg {
		info, err := dist.Inspect(ctx, path)
		return inspectMsg{local: path, info: info, err: err}
	})
}

// browseFolders lists the folders under the typed UNC folder; choosing one
// goes into it. A new folder is made by typing its name: the upload
// creates it.
func (d *distStep) browseFolders(dist Distribution) tea.Cmd {
	dir := strings.TrimRight(strings.TrimSpace(d.share.Value()), `\`)
	if !strings.HasPrefix(dir, `\\`) {
		d.upErr = errors.New(d.t.T("dist.need_unc"))
		return nil
	}
	return push(newPickScreen(d.env, d.t.T("dist.folders", dir), func(ctx context.Context) ([]string, error) {
		return dist.Folders(ctx, dir)
	}, func(name string) tea.Cmd {
		return func() tea.Msg { return folderPickedMsg{path: dir + `\` + name} }
	}))
}

// startUpload runs the upload in a goroutine; progress comes back through a
// channel read one message at a time.
func (d *distStep) startUpload(dist Distribution) tea.Cmd {
	dir := strings.TrimSpace(d.share.Value())
	if !strings.HasPrefix(dir, `\\`) {
		d.upErr = fmt.Errorf("%s", d.t.T("dist.need_unc"))
		return nil
	}
	d.folder = dir
	ch := make(chan tea.Msg, 4)
	d.upCh, d.uploading, d.upErr, d.prog = ch, true, nil, UploadProgress{}
	ctx, local := d.ctx, d.local
	go func() {
		res, err := dist.Upload(ctx, local, dir, func(p UploadProgress) {
			// Drop an event rather than block the upload when the screen
			// is behind: the next one carries newer numbers anyway.
			select {
			case ch <- uploadProgressMsg{ch: ch, p: p}:
			default:
			}
		})
		ch <- uploadDoneMsg{ch: ch, res: res, err: err}
	}()
	return listen(ch)
}

func (d *distStep) view() string {
	t, st := d.t, d.st
	var b strings.Builder
	if d.local == "" {
		b.WriteString(t.T("dist.choose", d.dir) + "\n")
		if d.dirErr != nil {
			b.WriteString(st.Error.Render(t.T("common.error")) + " " + t.Err(d.dirErr) + "\n")
		}
		if f := d.files.FilterLine(t); f != "" {
			b.WriteString(f + "\n")
		}
		b.WriteString(d.files.View(st, t.T("dist.no_msi")))
		return b.String()
	}
	b.WriteString(t.T("dist.file") + ": " + d.local + "\n")
	b.WriteString(t.T("dist.share") + ": " + d.share.View() + "\n\n")
	switch {
	case d.uploading:
		b.WriteString(progressLine(t, d.prog, max(d.width-2, 20)))
	case d.upErr != nil:
		b.WriteString(st.Error.Render(t.T("common.error")) + " " + t.Err(d.upErr) + "\n" + st.Muted.Render(t.T("dist.retry")))
	case d.uploaded != nil:
		u := d.uploaded
		if u.Unchanged {
			b.WriteString(t.T("dist.unchanged", u.Path) + "\n")
		} else {
			b.WriteString(t.T("dist.done", u.Path, humanSize(u.Size)) + "\n")
		}
		if u.ComputersCanRead {
			b.WriteString(st.OK.Render(t.T("dist.acl_ok")) + "\n")
		} else {
			b.WriteString(st.Error.Render(t.T("dist.acl_bad")) + "\n")
		}
		b.WriteString(st.Muted.Render(u.ACL))
	default:
		b.WriteString(st.Muted.Render(t.T("dist.share_hint")))
	}
	return b.String()
}

// progressLine is an ASCII bar with bytes, rate and time left; ASCII so that
// it draws the same in an RDP console font as in a Linux terminal.
func progressLine(t Text, p UploadProgress, width int) string {
	frac := 0.0
	if p.Total > 0 {
		frac = float64(p.Done) / float64(p.Total)
	}
	n := max(width-8, 10)
	fill := int(frac * float64(n))
	bar := "[" + strings.Repeat("#", fill) + strings.Repeat(".", n-fill) + fmt.Sprintf("] %3.0f%%", frac*100)
	eta := "-"
	if p.ETA > 0 {
		eta = p.ETA.Round(time.Second).String()
	}
	return bar + "\n" + t.T("dist.progress", p.Phase, humanSize(p.Done), humanSize(p.Total),
		humanSize(int64(p.BytesPerSecond)), eta)
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func blocking(fs []Finding) int {
	n := 0
	for _, f := range fs {
		if f.Severity == "error" {
			n++
		}
	}
	return n
}
