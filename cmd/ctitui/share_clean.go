package main

import (
	"context"
	"fmt"
	"io/fs"
	"time"

	"github.com/spf13/cobra"

	"github.com/ctitui/ctitui/domain/smb"
	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/plan"
	"github.com/ctitui/ctitui/gpo/si"
	"github.com/ctitui/ctitui/gpo/si/deploy"
)

// share clean: the temporary ".<name>.ctitui-<id>.partial" files that
// uploads cut off before their rename left in a share folder (issue 19).
// Reading a folder for an upload lists them; only this command, a plan
// of its own, removes them.
func newShareCleanCmd(conn *connFlags) *cobra.Command {
	var f writeFlags
	cmd := &cobra.Command{
		Use:   `clean \\server\share\folder`,
		Short: "Remove the temporary files that cut-off uploads left in a share folder",
		Long: `An upload writes under a temporary name (.<name>.ctitui-<id>.partial) and
renames the file at the end; a ctitui that was killed mid-upload leaves the
temporary file, as large as the part written. ctitui recover removes those of
its own journals; this command removes any in the folder, as a plan (see it
first with --dry-run). Files written in the last ` + deploy.RecentPartial.String() + ` are kept: an upload
may still be running.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			folder, err := smb.ParsePath(args[0])
			if err != nil {
				return &usageError{msg: err.Error()}
			}
			return applyPlan(cmd, conn, false, f, func(ctx context.Context, s *gpo.Session) (*plan.Plan, error) {
				p, _, err := deploy.CleanPartialsPlan(ctx, si.New(s), folder)
				return p, err
			})
		},
	}
	f.register(cmd)
	return cmd
}

// partialLines lists the temporary files of cut-off uploads in the folder
// dir of share, with the command that removes them; none when the folder
// cannot be listed (the upload itself reports that).
func partialLines(ctx context.Context, share *smb.Share, dir smb.Path) []string {
	list, err := share.ReadDir(ctx, dir.Rel())
	if err != nil {
		return nil
	}
	var out []string
	for _, fi := range list {
		if _, ok := smb.PartialOf(fi.Name()); ok && fi.Mode()&fs.ModeDir == 0 {
			out = append(out, fmt.Sprintf("temporary file of a cut-off upload: %s\\%s, %d bytes, last written %s",
				dir, fi.Name(), fi.Size(), fi.ModTime().Local().Format(time.DateTime)))
		}
	}
	if len(out) > 0 {
		out = append(out, fmt.Sprintf("ctitui share clean '%s' removes them (ctitui recover first, when it says a change was cut off)", dir))
	}
	return out
}
