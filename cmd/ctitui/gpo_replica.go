package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/doctor"
	"github.com/ctitui/ctitui/gpo/replica"
)

// runGPOStatusDCs is `ctitui gpo status GPO --dcs`: every DC's copy of the
// GPO compared with the PDC emulator's, as GPMC's Status tab shows it.
func runGPOStatusDCs(cmd *cobra.Command, conn *connFlags, ref string, asJSON bool, timeout time.Duration) error {
	ctx := cmd.Context()
	s, err := openGPO(ctx, conn)
	if err != nil {
		return err
	}
	defer s.Close()
	begin := time.Now()
	rep, err := replica.Status(ctx, s, ref, replica.Options{Timeout: timeout})
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(cmd.OutOrStdout(), struct {
			*replica.Report
			ElapsedMS int64 `json:"elapsedMs"`
		}{rep, time.Since(begin).Milliseconds()})
	}
	writeReplicaReport(cmd.OutOrStdout(), rep)
	return nil
}

func writeReplicaReport(out io.Writer, rep *replica.Report) {
	fmt.Fprintf(out, "GPO %q %s on every DC, compared with the PDC emulator %s\n\n", rep.Name, rep.GUID, dash(rep.PDC))
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "DC\tREACHABLE\tVERSION\tGPT.INI\tFOLDER ACL\tDIRECTORY\tSYSVOL\tVERDICT")
	for _, d := range rep.DCs {
		name := d.Name
		if d.PDC {
			name += " (PDC)"
		}
		reach, ver, gpt, acl := "yes", "-", "-", "-"
		if !d.Reachable || d.Error != "" {
			reach = "no"
		}
		if d.Reachable && d.Error == "" {
			ver = "missing"
			if d.Object {
				ver = d.Version.String()
			}
			gpt = "missing"
			if d.SysvolVersion != nil {
				gpt = d.SysvolVersion.String()
			}
			if d.ACLMatches != nil {
				acl = map[bool]string{true: "matches", false: "differs"}[*d.ACLMatches]
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", name, reach, ver, gpt, acl, d.Directory, d.Sysvol, d.Verdict)
	}
	tw.Flush()
	if pkgs := replicaPackages(rep); len(pkgs) > 0 {
		fmt.Fprintln(out, "\nSoftware Installation packages:")
		for _, p := range pkgs {
			fmt.Fprintf(out, "  %s %s\n", p.Name, p.ID)
			for _, d := range rep.DCs {
				fmt.Fprintf(out, "    %s: %s\n", d.Name, packageOn(d, p.ID))
			}
		}
	}
	if fs := doctor.ReplicationFindings(rep); len(fs) > 0 {
		fmt.Fprintln(out)
		for _, f := range fs {
			fmt.Fprintf(out, "[%s] %s\n", f.Verdict, f.Text)
			if f.Fix != "" {
				fmt.Fprintf(out, "    -> %s\n", f.Fix)
			}
		}
	}
}

// replicaPackages are the packages of the report, once each.
func replicaPackages(rep *replica.Report) []replica.Package {
	var out []replica.Package
	seen := map[string]bool{}
	for _, d := range rep.DCs {
		for _, p := range d.Packages {
			if !seen[p.ID] {
				seen[p.ID] = true
				out = append(out, p)
			}
		}
	}
	return out
}

func packageOn(d replica.DCStatus, id string) string {
	if !d.Reachable || d.Error != "" {
		return "cannot tell (unreachable)"
	}
	for _, p := range d.Packages {
		if p.ID != id {
			continue
		}
		obj := "object missing"
		if p.Object {
			obj = "object present"
		}
		scr := "script missing"
		if p.Script {
			scr = fmt.Sprintf("script %d bytes, SHA-256 %s", p.ScriptSize, p.ScriptSHA256)
		}
		return obj + ", " + scr
	}
	return "object missing, script missing"
}

// tuiReplication is the console's view of replica.Status: the same report
// as `gpo status --dcs`, as lines.
type tuiReplication struct{ s *gpo.Session }

func (r *tuiReplication) GPOStatus(ctx context.Context, ref string) ([]string, error) {
	return replicaLines(ctx, r.s, ref)
}

func replicaLines(ctx context.Context, s *gpo.Session, ref string) ([]string, error) {
	rep, err := replica.Status(ctx, s, ref, replica.Options{})
	if err != nil {
		return nil, err
	}
	if len(rep.DCs) == 1 {
		return []string{"one domain controller (" + rep.DCs[0].Name + "): nothing to compare"}, nil
	}
	var b strings.Builder
	writeReplicaReport(&b, rep)
	return strings.Split(strings.TrimRight(b.String(), "\n"), "\n"), nil
}
