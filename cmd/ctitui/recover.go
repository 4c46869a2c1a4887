package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/plan"
	"github.com/ctitui/ctitui/ui"
)

// Journals: every change applied through runPlan (and the console) is
// journaled under the state directory, so that a change a dying process
// could not undo (kill -9, a machine that went down) is found by the next
// ctitui start and undone by ctitui recover.

type journalKeyT struct{}

// journalInfo is who and where a command's changes go, for its journal.
type journalInfo struct {
	key, dc, user, command string
}

// domainKey names a domain in journals: the DNS domain, else the realm of
// a user@realm, else the DC.
func domainKey(domainName, user, dc string) string {
	if domainName != "" {
		return strings.ToLower(domainName)
	}
	if i := strings.LastIndex(user, "@"); i >= 0 {
		return strings.ToLower(user[i+1:])
	}
	return strings.ToLower(dc)
}

// noticeUnfinished runs before every command: it remembers the journal
// details in the command's context and, when an earlier change to the same
// domain was cut off, says so in one line.
func noticeUnfinished(conn *connFlags) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, _ []string) error {
		p, err := conn.settings()
		if err != nil {
			return nil // the command itself reports bad settings
		}
		info := journalInfo{key: domainKey(p.Domain, p.User, p.DC), dc: p.DC, user: p.User, command: cmd.CommandPath()}
		cmd.SetContext(context.WithValue(cmd.Context(), journalKeyT{}, info))
		if info.key == "" || cmd.Name() == "recover" || cmd.Name() == "version" || cmd.Name() == "help" {
			return nil
		}
		dir, err := plan.StateDir()
		if err != nil {
			return nil
		}
		if js, _ := plan.Unfinished(dir, info.key); len(js) > 0 {
			f := js[0]
			made, started := f.Progress()
			more := ""
			if len(js) > 1 {
				more = fmt.Sprintf(" (and %d more)", len(js)-1)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "ctitui: an earlier change to %s was cut off: %q, %s, %s%s; ctitui recover undoes it (ctitui recover --resume finishes it)\n",
				info.key, f.Title, f.Started.Local().Format("2006-01-02 15:04"), progressText(made, started, len(f.Steps)), more)
		}
		return nil
	}
}

// progressText says how far a cut-off change got: the steps made, and the
// one that was sent without an answer (which the server may or may not
// have made; recover undoes it either way).
func progressText(made, started, total int) string {
	t := fmt.Sprintf("%d of %d steps made", made, total)
	if started > 0 {
		t += fmt.Sprintf(", %d cut off mid-way", started)
	}
	return t
}

// newJournal is the journal of a change a command is about to apply; nil
// (with a warning) when there is nowhere to keep it.
func newJournal(cmd *cobra.Command) plan.Journal {
	info, _ := cmd.Context().Value(journalKeyT{}).(journalInfo)
	dir, err := plan.StateDir()
	if err != nil {
		fmt.Fprintf(cmd.ErrOrStderr(), "ctitui: warning: no journal for this change (%v): if the process dies mid-way, ctitui recover cannot undo it\n", err)
		return nil
	}
	return &plan.FileJournal{Dir: dir, Domain: info.key, DC: info.dc, User: info.user, Command: info.command}
}

// fileJournal is the journal of a change the console applies for info's
// domain; nil when there is nowhere to keep it.
func fileJournal(info journalInfo) plan.Journal {
	dir, err := plan.StateDir()
	if err != nil || info.key == "" {
		return nil
	}
	return &plan.FileJournal{Dir: dir, Domain: info.key, DC: info.dc, User: info.user, Command: info.command}
}

type recoverFlags struct {
	wf     writeFlags
	yes    bool
	resume bool
}

func newRecoverCmd(conn *connFlags) *cobra.Command {
	f := &recoverFlags{}
	cmd := &cobra.Command{
		Use:   "recover",
		Short: "List changes an earlier ctitui did not live to finish, and undo (or finish) them",
		Long: `A change is journaled under $XDG_STATE_HOME/ctitui (owner-only) while it is
applied. When the process dies mid-way (kill -9, a machine or session that
went down) the journal stays; recover lists those of this domain and, after
a yes (or --yes), undoes what they made, newest first, as one plan.

With --resume it finishes them instead, when every remaining step can still
run: the steps made are checked in place (the objects and files are there as
the journal records them), the remaining ones against what they were planned
on (the values they replace, the GPO's version, the local MSI's SHA-256). A
step sent without an answer is undone, then made again. The order of the
first run is kept, so the link still comes last; the finishing is journaled
like any change, and rolls the whole change back if a step fails. When a
check fails, recover names why and offers the undo instead (with --yes it
stops; run recover without --resume to undo).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f.resume {
				return runResume(cmd, conn, f)
			}
			return runRecover(cmd, conn, f)
		},
	}
	f.wf.register(cmd)
	cmd.Flags().BoolVar(&f.yes, "yes", false, "undo (or finish, with --resume) without asking")
	cmd.Flags().BoolVar(&f.resume, "resume", false, "finish the cut-off changes instead of undoing them, when every remaining step can still run")
	return cmd
}

// unfinishedJournals are the journals of this domain (info) that dead
// processes left; one that cannot be read is named on stderr and passed
// over.
func unfinishedJournals(cmd *cobra.Command) (journalInfo, []plan.JournalFile, error) {
	info, _ := cmd.Context().Value(journalKeyT{}).(journalInfo)
	dir, err := plan.StateDir()
	if err != nil {
		return info, nil, err
	}
	js, lerr := plan.Unfinished(dir, info.key)
	if lerr != nil {
		fmt.Fprintf(cmd.ErrOrStderr(), "ctitui: some journals cannot be read: %v\n", lerr)
	}
	return info, js, nil
}

func runRecover(cmd *cobra.Command, conn *connFlags, f *recoverFlags) error {
	ctx := cmd.Context()
	out := cmd.OutOrStdout()
	info, js, err := unfinishedJournals(cmd)
	if err != nil {
		return err
	}
	if len(js) == 0 {
		if f.wf.asJSON {
			return writeJSON(out, struct {
				Journals []plan.JournalFile `json:"journals"`
			}{[]plan.JournalFile{}})
		}
		fmt.Fprintf(out, "Nothing to recover: no change to %s was cut off.\n", info.key)
		return nil
	}
	// The undo is a change like any other: made on the PDC emulator,
	// where the cut-off change was made (unless --dc names another DC).
	s, err := openGPOWrite(cmd, conn, true)
	if err != nil {
		return err
	}
	defer s.Close()
	type item struct {
		j     plan.JournalFile
		p     *plan.Plan
		index []int
	}
	var items []item
	// Newest first: a change made over another (a resume that was cut
	// off over its first run's steps) is undone before it.
	slices.Reverse(js)
	for _, j := range js {
		p, index, err := s.RecoverPlan(j)
		if err != nil {
			return fmt.Errorf("journal %s: %w", j.Path, err)
		}
		items = append(items, item{j, p, index})
	}
	w := out
	if f.wf.asJSON {
		w = cmd.ErrOrStderr()
	}
	if !f.wf.asJSON || f.wf.dryRun {
		for _, it := range items {
			describeJournal(w, it.j)
			if err := it.p.WriteText(w); err != nil {
				return err
			}
		}
	}
	if f.wf.dryRun {
		if f.wf.asJSON {
			var ps []*plan.Plan
			for _, it := range items {
				ps = append(ps, it.p)
			}
			return writeJSON(out, struct {
				DryRun bool         `json:"dryRun"`
				Plans  []*plan.Plan `json:"plans"`
			}{true, ps})
		}
		fmt.Fprintln(out, "Dry run: nothing was changed.")
		return nil
	}
	if !f.yes {
		ok, err := confirm(cmd.InOrStdin(), cmd.ErrOrStderr(), "Undo these changes?")
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintln(out, "Nothing was changed.")
			return nil
		}
	}
	type result struct {
		Journal string   `json:"journal"`
		Title   string   `json:"title"`
		Undone  []string `json:"undone"`
	}
	var results []result
	for _, it := range items {
		fj, err := plan.Reopen(it.j)
		if err != nil {
			return err
		}
		it.p.Journal = plan.RecoveryJournal(fj, it.index)
		rep, err := it.p.Apply(ctx)
		if err != nil {
			if pe, ok := plan.AsError(err); ok && f.wf.asJSON {
				writeJSON(out, pe)
			}
			return fmt.Errorf("%w; the journal stays, run ctitui recover again", err)
		}
		if len(it.p.Steps) == 0 {
			// Nothing was made, or nothing undoable: the journal has
			// served its purpose.
			fj.End(true)
		}
		results = append(results, result{Journal: it.j.Path, Title: it.j.Title, Undone: rep.Applied})
		if !f.wf.asJSON {
			fmt.Fprintf(out, "Undone: %q (%d step(s))\n", it.j.Title, len(rep.Applied))
			adviseNotes(it.p.Notes)
			for _, n := range it.p.Notes {
				fmt.Fprintf(out, "Note: %s\n", n)
			}
		}
	}
	if f.wf.asJSON {
		return writeJSON(out, struct {
			Recovered []result `json:"recovered"`
		}{results})
	}
	return nil
}

// runResume is recover --resume: each cut-off change is finished by
// gpo.Session.ResumePlan, or, when it cannot be, named with why and
// offered for undo.
func runResume(cmd *cobra.Command, conn *connFlags, f *recoverFlags) error {
	ctx := cmd.Context()
	out := cmd.OutOrStdout()
	info, js, err := unfinishedJournals(cmd)
	if err != nil {
		return err
	}
	type result struct {
		Journal  string   `json:"journal"`
		Title    string   `json:"title"`
		Finished []string `json:"finished,omitempty"`
		Undone   []string `json:"undone,omitempty"`
		Refused  []string `json:"refused,omitempty"`
	}
	results := []result{}
	if len(js) == 0 {
		if f.wf.asJSON {
			return writeJSON(out, struct {
				Recovered []result `json:"recovered"`
			}{results})
		}
		fmt.Fprintf(out, "Nothing to recover: no change to %s was cut off.\n", info.key)
		return nil
	}
	s, err := openGPOWrite(cmd, conn, true)
	if err != nil {
		return err
	}
	defer s.Close()
	w := out
	if f.wf.asJSON {
		w = cmd.ErrOrStderr()
	}
	refusedCount := 0
	// Oldest first: in the order the changes were begun.
	for _, j := range js {
		describeJournal(w, j)
		p, err := s.ResumePlan(ctx, j)
		var refused *gpo.ResumeRefused
		if errors.As(err, &refused) {
			refusedCount++
			fmt.Fprintf(w, "Cannot finish %q:\n", j.Title)
			for _, r := range refused.Reasons {
				fmt.Fprintf(w, "  - %s\n", r)
			}
			res := result{Journal: j.Path, Title: j.Title, Refused: refused.Reasons}
			up, index, err := s.RecoverPlan(j)
			if err != nil {
				return fmt.Errorf("journal %s: %w", j.Path, err)
			}
			fmt.Fprintln(w, "It can be undone instead:")
			if err := up.WriteText(w); err != nil {
				return err
			}
			if f.wf.dryRun || f.yes {
				results = append(results, res)
				continue
			}
			ok, err := confirm(cmd.InOrStdin(), cmd.ErrOrStderr(), "Undo it instead?")
			if err != nil {
				return err
			}
			if !ok {
				results = append(results, res)
				continue
			}
			fj, err := plan.Reopen(j)
			if err != nil {
				return err
			}
			up.Journal = plan.RecoveryJournal(fj, index)
			rep, err := up.Apply(ctx)
			if err != nil {
				return fmt.Errorf("%w; the journal stays, run ctitui recover again", err)
			}
			if len(up.Steps) == 0 {
				fj.End(true)
			}
			refusedCount--
			res.Undone = rep.Applied
			results = append(results, res)
			fmt.Fprintf(w, "Undone: %q (%d step(s))\n", j.Title, len(rep.Applied))
			continue
		}
		if err != nil {
			return fmt.Errorf("journal %s: %w", j.Path, err)
		}
		if err := p.WriteText(w); err != nil {
			return err
		}
		if f.wf.dryRun {
			continue
		}
		if !f.yes {
			ok, err := confirm(cmd.InOrStdin(), cmd.ErrOrStderr(), "Finish this change?")
			if err != nil {
				return err
			}
			if !ok {
				fmt.Fprintln(w, "Nothing was changed.")
				continue
			}
		}
		fj, err := plan.Reopen(j)
		if err != nil {
			return err
		}
		p.Journal = plan.ResumeJournal(fj)
		rep, err := p.Apply(ctx)
		if err != nil {
			if pe, ok := plan.AsError(err); ok && f.wf.asJSON {
				writeJSON(out, pe)
			}
			if fj.Path() != "" {
				return fmt.Errorf("%w; the journal stays, run ctitui recover again", err)
			}
			return fmt.Errorf("%w; the cut-off change is rolled back", err)
		}
		results = append(results, result{Journal: j.Path, Title: j.Title, Finished: rep.Applied})
		fmt.Fprintf(w, "Finished: %q (%d step(s) made now, %d kept)\n", j.Title, countNot(p, "keep"), len(p.Steps)-countNot(p, "keep"))
	}
	if f.wf.dryRun {
		fmt.Fprintln(w, "Dry run: nothing was changed.")
	}
	if f.wf.asJSON {
		if err := writeJSON(out, struct {
			DryRun    bool     `json:"dryRun,omitempty"`
			Recovered []result `json:"recovered"`
		}{f.wf.dryRun, results}); err != nil {
			return err
		}
	}
	if refusedCount > 0 && !f.wf.dryRun {
		return fmt.Errorf("%d cut-off change(s) cannot be finished (see above); ctitui recover without --resume undoes them", refusedCount)
	}
	return nil
}

// countNot counts the plan's steps whose op is not op.
func countNot(p *plan.Plan, op string) int {
	n := 0
	for _, s := range p.Steps {
		if s.Op != op {
			n++
		}
	}
	return n
}

func describeJournal(w io.Writer, j plan.JournalFile) {
	made, started := j.Progress()
	fmt.Fprintf(w, "Cut off: %q (%s, by %s, process %d, started %s): %d of %d steps made, %d sent without an answer\n",
		j.Title, j.Command, firstNonEmpty(j.User, "?"), j.PID, j.Started.Local().Format(time.DateTime), made, len(j.Steps), started)
}

// tuiRecovery is Home's offer to undo cut-off changes: the same journals
// and recovery plans as ctitui recover.
type tuiRecovery struct {
	s   *gpo.Session
	key string
}

func (r *tuiRecovery) Pending(context.Context) ([]string, error) {
	dir, err := plan.StateDir()
	if err != nil {
		return nil, nil
	}
	js, err := plan.Unfinished(dir, r.key)
	var out []string
	for _, j := range js {
		made, started := j.Progress()
		out = append(out, fmt.Sprintf("%q, %s, %s", j.Title, j.Started.Local().Format("2006-01-02 15:04"), progressText(made, started, len(j.Steps))))
	}
	return out, err
}

func (r *tuiRecovery) Plan(context.Context) (ui.Plan, error) {
	dir, err := plan.StateDir()
	if err != nil {
		return nil, err
	}
	js, err := plan.Unfinished(dir, r.key)
	if len(js) == 0 {
		return nil, fmt.Errorf("nothing to recover: %v", err)
	}
	// The newest first, as ctitui recover does.
	js[0] = js[len(js)-1]
	p, index, err := r.s.RecoverPlan(js[0])
	if err != nil {
		return nil, err
	}
	fj, err := plan.Reopen(js[0])
	if err != nil {
		return nil, err
	}
	p.Journal = plan.RecoveryJournal(fj, index)
	return uiPlan{p: p}, nil
}

// Resume is Home's offer to finish the oldest cut-off change, the plan of
// ctitui recover --resume; a change that cannot be finished is refused
// with why (Plan undoes it).
func (r *tuiRecovery) Resume(ctx context.Context) (ui.Plan, error) {
	dir, err := plan.StateDir()
	if err != nil {
		return nil, err
	}
	js, err := plan.Unfinished(dir, r.key)
	if len(js) == 0 {
		return nil, fmt.Errorf("nothing to recover: %v", err)
	}
	p, err := r.s.ResumePlan(ctx, js[0])
	if err != nil {
		return nil, err
	}
	fj, err := plan.Reopen(js[0])
	if err != nil {
		return nil, err
	}
	p.Journal = plan.ResumeJournal(fj)
	return uiPlan{p: p}, nil
}
