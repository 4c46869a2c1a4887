package plan

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
)

// A FileJournal keeps a plan's progress in a file, owner-only, under the
// user's state directory ($XDG_STATE_HOME/ctitui): written before the
// first step, rewritten after each, removed when the plan completed or
// rolled back cleanly. What is left is a change a process did not live to
// finish: it is undone from the undo records, or finished from the
// forward records. Nothing secret is written: the records hold DNs,
// GUIDs, paths, previous and new values, a local file's SHA-256.

// JournalVersion is the format of the file.
const JournalVersion = 1

// JournalFile is one journal as stored.
type JournalFile struct {
	Version int    `json:"version"`
	Domain  string `json:"domain"`
	DC      string `json:"dc,omitempty"`
	User    string `json:"user,omitempty"`
	// Command is what was run ("deploy", "gpo filter"), for people.
	Command string        `json:"command"`
	PID     int           `json:"pid"`
	Started time.Time     `json:"started"`
	Updated time.Time     `json:"updated"`
	Title   string        `json:"title"`
	Steps   []JournalStep `json:"steps"`
	// Path is where the file is (not stored).
	Path string `json:"-"`
}

// JournalStep is one step as the journal knows it.
type JournalStep struct {
	What         string    `json:"what"`
	Effect       Effect    `json:"effect,omitempty"`
	Irreversible bool      `json:"irreversible,omitempty"`
	State        StepState `json:"state"`
	Undo         *Record   `json:"undo,omitempty"`
	// Redo is the step's forward record (Step.Redo): what finishing the
	// plan needs to make it.
	Redo *Record `json:"redo,omitempty"`
}

// Progress says how far the plan got: steps made or started.
func (f JournalFile) Progress() (made, started int) {
	for _, s := range f.Steps {
		switch s.State {
		case Made:
			made++
		case Started:
			started++
		}
	}
	return made, started
}

// StateDir is where journals live: $XDG_STATE_HOME/ctitui, else
// ~/.local/state/ctitui (the XDG Base Directory default); on Windows
// %LOCALAPPDATA%\ctitui\state.
func StateDir() (string, error) {
	if runtime.GOOS == "windows" {
		if d := os.Getenv("LOCALAPPDATA"); d != "" {
			return filepath.Join(d, "ctitui", "state"), nil
		}
	}
	if d := os.Getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "ctitui"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no state directory for journals: %w", err)
	}
	return filepath.Join(home, ".local", "state", "ctitui"), nil
}

// FileJournal is a Journal in a file of Dir.
type FileJournal struct {
	Dir                       string
	Domain, DC, User, Command string

	mu   sync.Mutex
	f    JournalFile
	path string
}

// Begin creates the file with every step pending.
func (j *FileJournal) Begin(p *Plan) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := os.MkdirAll(j.Dir, 0o700); err != nil {
		return err
	}
	// MkdirAll keeps an existing folder's mode: make it owner-only.
	if err := os.Chmod(j.Dir, 0o700); err != nil {
		return err
	}
	now := time.Now().UTC()
	j.f = JournalFile{Version: JournalVersion, Domain: strings.ToLower(j.Domain), DC: j.DC, User: j.User, Command: j.Command,
		PID: os.Getpid(), Started: now, Title: p.Title}
	for _, s := range p.Steps {
		j.f.Steps = append(j.f.Steps, JournalStep{What: s.String(), Effect: s.Effect, Irreversible: s.Irreversible, State: Pending, Undo: record(s), Redo: s.Redo})
	}
	j.path = filepath.Join(j.Dir, fmt.Sprintf("journal-%s-%d.json", now.Format("20060102T150405.000000000"), os.Getpid()))
	return j.write()
}

// Mark records a step's state and record.
func (j *FileJournal) Mark(i int, st StepState, rec *Record) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.path == "" || i < 0 || i >= len(j.f.Steps) {
		return nil
	}
	j.f.Steps[i].State = st
	if rec != nil {
		j.f.Steps[i].Undo = rec
	}
	return j.write()
}

// End removes the file when nothing is left to recover.
func (j *FileJournal) End(clean bool) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.path == "" || !clean {
		return nil
	}
	err := os.Remove(j.path)
	j.path = ""
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// Reopen is a FileJournal that updates the stored journal f (for a
// recovery: its steps are marked undone as they are, and the file goes
// when nothing is left). The journal now belongs to this process.
func Reopen(f JournalFile) (*FileJournal, error) {
	j := &FileJournal{Dir: filepath.Dir(f.Path), f: f, path: f.Path}
	j.f.PID = os.Getpid()
	return j, j.write()
}

// Done reports whether no step of the journal that can be undone is made
// or started any more.
func (j *FileJournal) Done() bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, s := range j.f.Steps {
		if (s.State == Made || s.State == Started) && s.Undo != nil && !s.Irreversible {
			return false
		}
	}
	return true
}

// RecoveryJournal follows a recovery plan (one undo step per journal
// step, index[i] the journal step that recovery step i undoes) on the
// journal it recovers: each undo made marks its step undone, and the file
// goes once no step is made or started any more. A recovery cut off in
// turn leaves the journal, for the next one.
func RecoveryJournal(f *FileJournal, index []int) Journal { return &recoveryJournal{f, index} }

type recoveryJournal struct {
	f     *FileJournal
	index []int
}

func (r *recoveryJournal) Begin(*Plan) error { return nil }
func (r *recoveryJournal) Mark(i int, st StepState, _ *Record) error {
	if st != Made || i >= len(r.index) {
		return nil
	}
	return r.f.Mark(r.index[i], Undone, nil)
}
func (r *recoveryJournal) End(clean bool) error { return r.f.End(clean && r.f.Done()) }

// ResumeJournal follows a plan that finishes the journal f (one step per
// journal step, in the same order; see gpo.Session.ResumePlan) on the
// journal itself: the steps it makes are marked as they go, so a resume
// cut off in turn leaves a journal the next recovery (undo or resume)
// reads. A step that was made when the resume began stays made until it
// is undone (a rollback): it is not sent again, and a process dying while
// the resume passes it must not make it look unsure. The file goes when
// every step is made or, after a rollback, none is left to undo.
func ResumeJournal(f *FileJournal) Journal {
	r := &resumeJournal{f: f}
	for _, s := range f.f.Steps {
		r.kept = append(r.kept, s.State == Made)
	}
	return r
}

type resumeJournal struct {
	f    *FileJournal
	kept []bool
}

func (r *resumeJournal) Begin(*Plan) error { return nil }
func (r *resumeJournal) Mark(i int, st StepState, rec *Record) error {
	if i < len(r.kept) && r.kept[i] && st != Undone {
		return nil
	}
	return r.f.Mark(i, st, rec)
}
func (r *resumeJournal) End(clean bool) error {
	return r.f.End(clean && (r.f.Complete() || r.f.Done()))
}

// Complete reports whether every step of the journal is made.
func (j *FileJournal) Complete() bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, s := range j.f.Steps {
		if s.State != Made {
			return false
		}
	}
	return true
}

// Path is the journal's file ("" before Begin or after a clean End).
func (j *FileJournal) Path() string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.path
}

// write replaces the file in one rename, so a reader (or a process that
// dies meanwhile) sees the old or the new content, never half of one.
func (j *FileJournal) write() error {
	j.f.Updated = time.Now().UTC()
	b, err := json.MarshalIndent(j.f, "", "  ")
	if err != nil {
		return err
	}
	tmp := j.path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, j.path)
}

// LoadJournals reads the journals in dir, oldest first; a missing dir is
// none. Files that cannot be read are returned as errors next to the rest.
func LoadJournals(dir string) ([]JournalFile, error) {
	names, err := filepath.Glob(filepath.Join(dir, "journal-*.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []JournalFile
	var errs []error
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		var f JournalFile
		if err := json.Unmarshal(b, &f); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", n, err))
			continue
		}
		f.Path = n
		out = append(out, f)
	}
	return out, errors.Join(errs...)
}

// Unfinished are the journals of dir for domain whose process is gone
// (a journal of a process still running is its own business).
func Unfinished(dir, domain string) ([]JournalFile, error) {
	all, err := LoadJournals(dir)
	var out []JournalFile
	for _, f := range all {
		if strings.EqualFold(f.Domain, domain) && !processAlive(f.PID) {
			out = append(out, f)
		}
	}
	return out, err
}
