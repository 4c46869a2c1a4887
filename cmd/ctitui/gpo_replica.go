package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/ctitui/ctitui/gpo"
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
	writeReplicaReport(cmd.OutOrStdout(), rep, s.BaseDN())
	return nil
}

func writeReplicaReport(out io.Writer, rep *replica.Report, baseDN string) {
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
	for _, d := range rep.DCs {
		if !d.Reachable || d.Error != "" {
			fmt.Fprintf(out, "\n%s: cannot tell: %s\n", d.Name, d.Error)
			continue
		}
		for _, line := range replicationAdvice(rep, d, baseDN) {
			fmt.Fprintf(out, "\n%s\n", line)
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

// replicationAdvice says, for a DC behind the PDC emulator, what a client
// authenticating there gets and how to bring it up to date.
func replicationAdvice(rep *replica.Report, d replica.DCStatus, baseDN string) []string {
	var out []string
	if d.Directory == replica.Behind {
		out = append(out, fmt.Sprintf("%s is behind in the directory: a client that authenticates there still sees the older GPO object or packages (versionNumber %s, the PDC emulator has %s). "+
			"Wait for replication, or replicate now: on Samba `samba-tool drs replicate %s %s %s`, on Windows `repadmin /syncall %s /AdeP`.",
			d.Name, d.Version, pdcVersion(rep), d.Name, strings.SplitN(rep.PDC, ".", 2)[0], baseDN, d.Name))
	}
	if d.Sysvol == replica.Behind {
		out = append(out, fmt.Sprintf("%s is behind in SYSVOL: a client that authenticates there reads an older or missing GPT.INI or advertise script, so it skips the GPO or fails the install. "+
			"On Windows DFS-R brings it (check with `dfsrdiag replicationstate`); Samba does not replicate SYSVOL: copy \\\\%s\\SysVol\\%s\\Policies\\%s to the same place on %s (robocopy /mir /copyall, or rsync -aAX between the DCs' sysvol folders), then run `samba-tool ntacl sysvolreset` there.",
			d.Name, rep.PDC, domainOf(rep.PDC), rep.GUID, d.Name))
	}
	return out
}

func pdcVersion(rep *replica.Report) gpo.Version {
	for _, d := range rep.DCs {
		if d.PDC {
			return d.Version
		}
	}
	return 0
}

func domainOf(host string) string {
	if _, dom, ok := strings.Cut(host, "."); ok {
		return dom
	}
	return host
}
