package deploy

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"time"

	"github.com/ctitui/ctitui/domain/smb"
	"github.com/ctitui/ctitui/gpo/plan"
	"github.com/ctitui/ctitui/gpo/si"
)

// An upload writes under a temporary name and renames at the end
// (smb.Share.Upload); a process that dies before the rename leaves the
// temporary ".<name>.ctitui-<id>.partial" file in the share folder, up to
// the size of the MSI. ctitui recover removes those its journals know of;
// these functions find the others (older runs, other machines) whenever a
// folder is read for an upload, and remove them only through a plan the
// admin asks for.

// RecentPartial is how long a temporary file counts as possibly an upload
// still running (it is written to continuously until the rename): such a
// file is listed but never removed. Our choice, not a Windows value.
const RecentPartial = 2 * time.Minute

// Partial is one temporary upload file in a share folder.
type Partial struct {
	// Path is its UNC path; For the file it was to become.
	Path     string    `json:"path"`
	For      string    `json:"for"`
	Size     int64     `json:"size"`
	Modified time.Time `json:"modified"`
	// Recent is true when it was written within RecentPartial: an upload
	// may still be running.
	Recent bool `json:"recent,omitempty"`
}

// Partials lists the temporary upload files in the UNC folder; a folder
// that does not exist holds none.
func Partials(ctx context.Context, st *si.Store, folder smb.Path) ([]Partial, error) {
	c, sh, err := st.OpenShare(ctx, folder)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	defer sh.Close()
	return partialsIn(ctx, sh, folder)
}

func partialsIn(ctx context.Context, sh *smb.Share, folder smb.Path) ([]Partial, error) {
	list, err := sh.ReadDir(ctx, folder.Rel())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Partial
	for _, fi := range list {
		base, ok := smb.PartialOf(fi.Name())
		if !ok || fi.IsDir() {
			continue
		}
		p, err := folder.Join(fi.Name())
		if err != nil {
			continue
		}
		out = append(out, Partial{Path: p.String(), For: base, Size: fi.Size(), Modified: fi.ModTime(),
			Recent: time.Since(fi.ModTime()) < RecentPartial})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// partialsNote is the plan note naming the temporary files of a folder.
func partialsNote(ps []Partial) string {
	if len(ps) == 0 {
		return ""
	}
	var size int64
	for _, p := range ps {
		size += p.Size
	}
	return fmt.Sprintf("the folder holds %d temporary upload file(s), %d bytes, left by uploads that were cut off (or still running): %s; they are not removed by this change",
		len(ps), size, partialNames(ps))
}

func partialNames(ps []Partial) string {
	s := ""
	for i, p := range ps {
		if i > 0 {
			s += ", "
		}
		s += p.Path
		if p.Recent {
			s += " (written in the last " + RecentPartial.String() + ")"
		}
	}
	return s
}

// CleanPartialsPlan removes the temporary upload files of the UNC folder,
// except those written within RecentPartial (an upload may still be
// running: they are listed in a note). A removed file cannot be brought
// back, and nothing needs it: each step is irreversible and prepares
// (clients never see a temporary file).
func CleanPartialsPlan(ctx context.Context, st *si.Store, folder smb.Path) (*plan.Plan, []Partial, error) {
	ps, err := Partials(ctx, st, folder)
	if err != nil {
		return nil, nil, err
	}
	p := st.Session().NewPlan("remove the temporary upload files of " + folder.String())
	var recent []Partial
	for _, x := range ps {
		if x.Recent {
			recent = append(recent, x)
			continue
		}
		path, err := smb.ParsePath(x.Path)
		if err != nil {
			return nil, nil, err
		}
		p.Add(plan.Step{Op: "smb remove", Target: x.Path, Irreversible: true, Effect: plan.Prepares,
			Details: []string{fmt.Sprintf("temporary file of an upload of %s that was cut off: %d bytes, last written %s", x.For, x.Size, x.Modified.UTC().Format(time.RFC3339))},
			Do: func(ctx context.Context) error {
				c, sh, err := st.OpenShare(ctx, path)
				if err != nil {
					return err
				}
				defer c.Close()
				defer sh.Close()
				if err := sh.Remove(ctx, path.Rel()); err != nil && !errors.Is(err, fs.ErrNotExist) {
					return err
				}
				return nil
			}})
	}
	if len(recent) > 0 {
		p.Note("kept, written in the last %s (an upload may still be running): %s", RecentPartial, partialNames(recent))
	}
	if len(ps) == 0 {
		p.Note("%s holds no temporary upload file", folder)
	}
	return p, ps, nil
}
