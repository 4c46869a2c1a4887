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
	"github.com/ctitui/ctitui/gpo/plan"
	"github.com/ctitui/ctitui/gpo/replica"
)

// openGPO connects to the directory with the shared connection flags;
// SYSVOL follows on first use.
func openGPO(ctx context.Context, conn *connFlags) (*gpo.Session, error) {
	return openGPOSysvol(ctx, conn, false)
}

// openGPOSysvol is openGPO for a command that will need SYSVOL too when
// sysvol is true: it is then connected to at the same time as the
// directory, so the two handshakes overlap.
func openGPOSysvol(ctx context.Context, conn *connFlags, sysvol bool) (*gpo.Session, error) {
	cfg, err := conn.config()
	if err != nil {
		return nil, err
	}
	return gpo.Open(ctx, gpo.Endpoints{LDAP: cfg, PrefetchSysVol: sysvol})
}

// openGPOWrite opens a session for a command that changes something: on
// the PDC emulator, where GPMC makes its changes, unless --dc names another
// DC (then that DC, with a note on stderr). A PDC emulator that cannot be
// reached ends the command with the DC in use offered through --dc.
func openGPOWrite(cmd *cobra.Command, conn *connFlags, sysvol bool) (*gpo.Session, error) {
	cfg, err := conn.config()
	if err != nil {
		return nil, err
	}
	s, t, err := gpo.OpenForWrite(cmd.Context(), gpo.Endpoints{LDAP: cfg, PrefetchSysVol: sysvol})
	if pe, ok := gpo.AsPDCUnreachable(err); ok {
		return nil, fmt.Errorf("%w\nGPMC makes Group Policy changes on the PDC emulator so that the directory and SYSVOL halves replicate from one DC; "+
			"to write on %s instead, run the command again with --dc %s", pe, pe.InUse, pe.InUse)
	}
	if err != nil {
		return nil, err
	}
	if !t.OnPDC() {
		fmt.Fprintf(cmd.ErrOrStderr(), "Note: writing on %s, which is not the PDC emulator (%s, where GPMC writes); other DCs get the change by replication.\n", t.DC, t.PDC)
	}
	return s, nil
}

// applyPlan is the body of a write command whose whole job is one plan:
// connect (and to SYSVOL at the same time when sysvol), let build make the
// plan, then print it (--dry-run) or apply it, as runPlan does.
func applyPlan(cmd *cobra.Command, conn *connFlags, sysvol bool, f writeFlags, build func(context.Context, *gpo.Session) (*plan.Plan, error)) error {
	ctx := cmd.Context()
	s, err := openGPOWrite(cmd, conn, sysvol)
	if err != nil {
		return err
	}
	defer s.Close()
	p, err := build(ctx, s)
	if err != nil {
		return err
	}
	return runPlan(cmd, f, p, nil, nil)
}

// writeFlags are --json and --dry-run of a command that changes something.
type writeFlags struct {
	asJSON bool
	dryRun bool
}

func (f *writeFlags) register(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&f.asJSON, "json", false, "print JSON")
	cmd.Flags().BoolVar(&f.dryRun, "dry-run", false, "print the exact LDAP and SMB changes and change nothing")
}

// planOutput is the JSON of a write command; result fields (such as
// create's guid, dn, path, links) are added next to these.
type planOutput struct {
	DryRun  bool       `json:"dryRun,omitempty"`
	Plan    *plan.Plan `json:"plan,omitempty"`
	Applied []string   `json:"applied,omitempty"`
	Notes   []string   `json:"notes,omitempty"`
}

// runPlan prints (dry run) or applies a plan. result builds the command's
// own output from the plan's outcome; it may be nil. On failure the JSON
// output carries the rollback report and the command fails.
func runPlan(cmd *cobra.Command, f writeFlags, p *plan.Plan, result func(planOutput) any, text func(io.Writer)) error {
	out := cmd.OutOrStdout()
	adviseNotes(p.Notes)
	if result == nil {
		result = func(o planOutput) any { return o }
	}
	if f.dryRun {
		if f.asJSON {
			return writeJSON(out, result(planOutput{DryRun: true, Plan: p, Notes: p.Notes}))
		}
		if err := p.WriteText(out); err != nil {
			return err
		}
		_, err := fmt.Fprintln(out, "Dry run: nothing was changed.")
		return err
	}
	p.Journal = newJournal(cmd)
	rep, err := p.Apply(cmd.Context())
	if err != nil {
		if pe, ok := plan.AsError(err); ok && f.asJSON {
			writeJSON(out, pe)
		}
		return err
	}
	if f.asJSON {
		return writeJSON(out, result(planOutput{Applied: rep.Applied, Notes: p.Notes}))
	}
	if p.Empty() {
		fmt.Fprintf(out, "Nothing to change: %s\n", p.Title)
	} else {
		fmt.Fprintf(out, "Done: %s (%d change(s))\n", p.Title, len(rep.Applied))
	}
	for _, n := range p.Notes {
		fmt.Fprintf(out, "Note: %s\n", n)
	}
	if text != nil {
		text(out)
	}
	return nil
}

// onOff parses the on|off words of status and block.
func onOff(flag, v string) (*bool, error) {
	switch strings.ToLower(v) {
	case "":
		return nil, nil
	case "on", "enabled", "true", "yes":
		b := true
		return &b, nil
	case "off", "disabled", "false", "no":
		b := false
		return &b, nil
	}
	return nil, &usageError{msg: fmt.Sprintf("%s %q: want on or off", flag, v)}
}

func newGPOCmd(conn *connFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "gpo",
		Short: "Group Policy Objects: create, link, filter, change and delete them as GPMC does",
		Long: `Group Policy Objects, written the way GPMC writes them: the directory object and
its SYSVOL folder change together, and a change that fails half-way is rolled back.
A GPO is given by its display name or its {GUID}. Every change has --dry-run
(prints the exact LDAP and SMB changes, makes none) and --json.`,
	}
	cmd.AddCommand(newGPOCreateCmd(conn), newGPOListCmd(conn), newGPOShowCmd(conn), newGPODeleteCmd(conn),
		newGPOLinkCmd(conn), newGPOUnlinkCmd(conn), newGPOStatusCmd(conn), newGPOFilterCmd(conn),
		newGPOWMICmd(conn), newGPOBumpCmd(conn), newWMIFilterCmd(conn))
	return cmd
}

func newGPOCreateCmd(conn *connFlags) *cobra.Command {
	var f writeFlags
	var links []string
	var reuse bool
	cmd := &cobra.Command{
		Use:   "create NAME [--link OU_DN]...",
		Short: "Create a GPO (directory object, SYSVOL folder with GPT.INI, matching permissions) and link it",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := openGPOWrite(cmd, conn, true)
			if err != nil {
				return err
			}
			defer s.Close()
			p, c, err := s.CreatePlan(cmd.Context(), args[0], gpo.CreateOptions{LinkTo: links, Reuse: reuse})
			if err != nil {
				return err
			}
			return runPlan(cmd, f, p, func(o planOutput) any {
				return struct {
					*gpo.Created
					planOutput
				}{c, o}
			}, func(w io.Writer) {
				fmt.Fprintf(w, "GPO %q %s\n  dn   %s\n  path %s\n", c.Name, c.GUID, c.DN, c.Path)
				for _, l := range c.Links {
					fmt.Fprintf(w, "  linked to %s (link order %d)\n", l.Container, l.Order)
				}
			})
		},
	}
	cmd.Flags().StringArrayVar(&links, "link", nil, "link the new GPO to this OU (or the domain DN); repeatable")
	cmd.Flags().BoolVar(&reuse, "reuse", false, "if a GPO of this name exists, use it (and link it) instead of refusing")
	f.register(cmd)
	return cmd
}

func newGPOListCmd(conn *connFlags) *cobra.Command {
	var asJSON, noSysvol bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List GPOs: name, GUID, status, links, who they apply to, WMI filter, versions (directory vs SYSVOL)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := openGPOSysvol(cmd.Context(), conn, !noSysvol)
			if err != nil {
				return err
			}
			defer s.Close()
			d := gpo.FullDetail()
			d.Sysvol = !noSysvol
			gs, err := s.List(cmd.Context(), d)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), gs)
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tGUID\tSTATUS\tLINKS\tAPPLIES TO\tWMI FILTER\tVERSION (directory / SYSVOL)")
			for _, g := range gs {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\n", g.Name, g.GUID, g.Status(), len(g.Links),
					strings.Join(g.AppliesTo(), ", "), dash(g.WMIFilterName), versions(g))
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON: an array of GPOs")
	cmd.Flags().BoolVar(&noSysvol, "no-sysvol", false, "do not read GPT.INI versions from SYSVOL")
	return cmd
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func versions(g gpo.GPO) string {
	v := fmt.Sprintf("%d", uint32(g.Version))
	switch {
	case g.SysvolVersion == nil && g.SysvolError != "":
		return v + " / ? (" + g.SysvolError + ")"
	case g.SysvolVersion == nil:
		return v
	case g.VersionMismatch():
		return fmt.Sprintf("%s / %d MISMATCH", v, uint32(*g.SysvolVersion))
	case len(g.HalfMade) > 0:
		return fmt.Sprintf("%s / %d HALF-MADE", v, uint32(*g.SysvolVersion))
	}
	return fmt.Sprintf("%s / %d", v, uint32(*g.SysvolVersion))
}

func newGPOShowCmd(conn *connFlags) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show GPO",
		Short: "Show one GPO in full",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := openGPOSysvol(cmd.Context(), conn, true)
			if err != nil {
				return err
			}
			defer s.Close()
			g, err := s.Show(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if asJSON {
				return writeJSON(w, g)
			}
			printGPO(w, g)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func printGPO(w io.Writer, g gpo.GPO) {
	fmt.Fprintf(w, "%s %s\n  dn       %s\n  path     %s\n  status   %s\n", g.Name, g.GUID, g.DN, g.Path, g.Status())
	fmt.Fprintf(w, "  version  directory %s\n", g.Version)
	switch {
	case g.SysvolVersion != nil && g.VersionMismatch():
		fmt.Fprintf(w, "           SYSVOL    %s  MISMATCH: clients may apply old settings; "+
			"ctitui gpo bump %s --computer (or --user) writes both again\n", *g.SysvolVersion, g.GUID)
	case g.SysvolVersion != nil:
		fmt.Fprintf(w, "           SYSVOL    %s\n", *g.SysvolVersion)
	case g.SysvolError != "":
		fmt.Fprintf(w, "           SYSVOL    unreadable: %s\n", g.SysvolError)
	}
	for _, h := range g.HalfMade {
		fix := "ctitui gpo delete " + g.GUID + " if a cut-off run left it (ctitui recover first, when it says so)"
		if h.Code == "si-extension-mismatch" && h.Packages > 0 {
			// Redeploying a package writes the extension names again;
			// with no package there is nothing to redeploy.
			fix = "ctitui pkg redeploy " + g.GUID + " PACKAGE writes the extension names again; or ctitui gpo delete " + g.GUID
		}
		fmt.Fprintf(w, "  HALF-MADE %s; fix: %s\n", h.Message, fix)
	}
	if g.WMIFilter != "" {
		fmt.Fprintf(w, "  WMI      %s %s\n", dash(g.WMIFilterName), g.WMIFilter)
	}
	if len(g.Links) == 0 {
		fmt.Fprintln(w, "  links    none (the GPO applies nowhere)")
	}
	for _, l := range g.Links {
		state := "enabled"
		if !l.Enabled {
			state = "disabled"
		}
		if l.Enforced {
			state += ", enforced"
		}
		fmt.Fprintf(w, "  link     %s (order %d, %s)\n", l.Container, l.Order, state)
	}
	fmt.Fprintln(w, "  security filtering:")
	for _, t := range g.Filtering {
		var rights []string
		if t.Read {
			rights = append(rights, "Read")
		}
		if t.Apply {
			rights = append(rights, "Apply Group Policy")
		}
		if t.Denied {
			rights = append(rights, "DENIED Apply Group Policy")
		}
		if len(rights) == 0 {
			continue
		}
		fmt.Fprintf(w, "    %-32s %s\n", t.Name, strings.Join(rights, " + "))
	}
	fmt.Fprintf(w, "  applies to: %s\n", dash(strings.Join(g.AppliesTo(), ", ")))
}

func newGPODeleteCmd(conn *connFlags) *cobra.Command {
	var f writeFlags
	cmd := &cobra.Command{
		Use:   "delete GPO",
		Short: "Delete a GPO: its links everywhere (OUs, the domain, sites), its directory objects, its SYSVOL folder",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := openGPOWrite(cmd, conn, true)
			if err != nil {
				return err
			}
			defer s.Close()
			p, g, err := s.DeletePlan(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return runPlan(cmd, f, p, func(o planOutput) any {
				return struct {
					GUID string `json:"guid"`
					Name string `json:"name"`
					planOutput
				}{g.GUID, g.Name, o}
			}, nil)
		},
	}
	f.register(cmd)
	return cmd
}

func newGPOLinkCmd(conn *connFlags) *cobra.Command {
	var f writeFlags
	var enforced, disabled bool
	var order int
	cmd := &cobra.Command{
		Use:   "link GPO OU_DN [--enforced] [--disabled] [--order N]",
		Short: "Link a GPO to an OU, the domain or a site (CN=NAME,CN=Sites,CN=Configuration,...), or change an existing link",
		Long: `Link a GPO to an OU (or the domain DN). On an existing link, --enforced, --disabled and
--order change it; flags not given keep what the link has. Link order 1 has the
highest precedence on the OU; a new link gets the last order, as in GPMC.
Use --enforced=false or --disabled=false to clear a setting.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var opts gpo.LinkOptions
			if cmd.Flags().Changed("enforced") {
				opts.Enforced = &enforced
			}
			if cmd.Flags().Changed("disabled") {
				enabled := !disabled
				opts.Enabled = &enabled
			}
			if order < 0 {
				return &usageError{msg: "--order must be 1 or more"}
			}
			opts.Order = order
			return applyPlan(cmd, conn, false, f, func(ctx context.Context, s *gpo.Session) (*plan.Plan, error) {
				return s.LinkPlan(ctx, args[0], args[1], opts)
			})
		},
	}
	cmd.Flags().BoolVar(&enforced, "enforced", false, "enforce the link (No Override): it wins over links below and Block Inheritance")
	cmd.Flags().BoolVar(&disabled, "disabled", false, "keep the link but disable it")
	cmd.Flags().IntVar(&order, "order", 0, "link order on the OU, 1 = highest precedence")
	f.register(cmd)
	return cmd
}

func newGPOUnlinkCmd(conn *connFlags) *cobra.Command {
	var f writeFlags
	cmd := &cobra.Command{
		Use:   "unlink GPO OU_DN",
		Short: "Remove a GPO's link from an OU, the domain or a site (the GPO stays)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return applyPlan(cmd, conn, false, f, func(ctx context.Context, s *gpo.Session) (*plan.Plan, error) {
				return s.UnlinkPlan(ctx, args[0], args[1])
			})
		},
	}
	f.register(cmd)
	return cmd
}

func newGPOStatusCmd(conn *connFlags) *cobra.Command {
	var f writeFlags
	var computer, user string
	var dcs bool
	var dcTimeout time.Duration
	cmd := &cobra.Command{
		Use:   "status GPO [--computer on|off] [--user on|off] | status GPO --dcs",
		Short: "Enable or disable the computer or user settings of a GPO, or (--dcs) compare every DC's copy of it",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if dcs {
				if computer != "" || user != "" || f.dryRun {
					return &usageError{msg: "--dcs reports and changes nothing: drop --computer, --user and --dry-run"}
				}
				return runGPOStatusDCs(cmd, conn, args[0], f.asJSON, dcTimeout)
			}
			c, err := onOff("--computer", computer)
			if err != nil {
				return err
			}
			u, err := onOff("--user", user)
			if err != nil {
				return err
			}
			if c == nil && u == nil {
				return &usageError{msg: "give --computer on|off and/or --user on|off (ctitui gpo show GPO prints the status)"}
			}
			return applyPlan(cmd, conn, false, f, func(ctx context.Context, s *gpo.Session) (*plan.Plan, error) {
				return s.StatusPlan(ctx, args[0], c, u)
			})
		},
	}
	cmd.Flags().StringVar(&computer, "computer", "", "computer settings on or off")
	cmd.Flags().StringVar(&user, "user", "", "user settings on or off")
	cmd.Flags().BoolVar(&dcs, "dcs", false, "report every DC's copy of the GPO (version, GPT.INI, folder ACL, packages and scripts) against the PDC emulator")
	cmd.Flags().DurationVar(&dcTimeout, "dc-timeout", replica.DefaultTimeout, "with --dcs: how long to wait for each DC")
	f.register(cmd)
	return cmd
}

func newGPOFilterCmd(conn *connFlags) *cobra.Command {
	var f writeFlags
	var ch gpo.FilterChange
	cmd := &cobra.Command{
		Use:   "filter GPO [--add GROUP]... [--remove GROUP]... [--only GROUP]",
		Short: "Security filtering: list or change who the GPO applies to (Read + Apply Group Policy)",
		Long: `Without flags, lists who the GPO applies to. --add gives a group Read and Apply Group
Policy; --remove takes them away; --only makes one group the only one the GPO
applies to. Authenticated Users always keep Read (MS16-072: computers read every
GPO with their own account), only their Apply right is removed. The directory
object's permissions and the SYSVOL folder's change together.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := openGPOWrite(cmd, conn, true)
			if err != nil {
				return err
			}
			defer s.Close()
			if len(ch.Add) == 0 && len(ch.Remove) == 0 && ch.Only == "" {
				g, err := s.Show(cmd.Context(), args[0])
				if err != nil {
					return err
				}
				if f.asJSON {
					return writeJSON(cmd.OutOrStdout(), struct {
						GUID      string        `json:"guid"`
						AppliesTo []string      `json:"appliesTo"`
						Trustees  []gpo.Trustee `json:"trustees"`
					}{g.GUID, g.AppliesTo(), g.Filtering})
				}
				printGPO(cmd.OutOrStdout(), g)
				return nil
			}
			p, err := s.FilterPlan(cmd.Context(), args[0], ch)
			if err != nil {
				return err
			}
			return runPlan(cmd, f, p, nil, nil)
		},
	}
	cmd.Flags().StringArrayVar(&ch.Add, "add", nil, "give this group Read and Apply Group Policy (repeatable)")
	cmd.Flags().StringArrayVar(&ch.Remove, "remove", nil, "take Read and Apply away from this group (repeatable)")
	cmd.Flags().StringVar(&ch.Only, "only", "", "make this group the only one the GPO applies to")
	f.register(cmd)
	return cmd
}

func newGPOWMICmd(conn *connFlags) *cobra.Command {
	var f writeFlags
	var ch gpo.WMIChoice
	var presets []string
	for _, p := range gpo.Presets() {
		presets = append(presets, p.Key)
	}
	cmd := &cobra.Command{
		Use:   "wmi GPO --preset " + strings.Join(presets, "|") + " | --query WQL [--name NAME] | --filter NAME | --none",
		Short: "Attach a WMI filter to a GPO (made from a preset or a query when needed) or detach it",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			n := 0
			for _, set := range []bool{ch.Preset != "", ch.Query != "", ch.Filter != "", ch.None} {
				if set {
					n++
				}
			}
			if n != 1 {
				return &usageError{msg: "give exactly one of --preset, --query, --filter, --none"}
			}
			return applyPlan(cmd, conn, false, f, func(ctx context.Context, s *gpo.Session) (*plan.Plan, error) {
				return s.SetWMIPlan(ctx, args[0], ch)
			})
		},
	}
	cmd.Flags().StringVar(&ch.Preset, "preset", "", "use a ready-made filter: "+presetHelp())
	cmd.Flags().StringVar(&ch.Query, "query", "", `use a filter with this WQL, e.g. "SELECT * FROM Win32_OperatingSystem WHERE ProductType = 1"`)
	cmd.Flags().StringVar(&ch.Name, "name", "", "with --query: name of a new filter (default: the query)")
	cmd.Flags().StringVar(&ch.Filter, "filter", "", "use an existing filter (name or {ID})")
	cmd.Flags().BoolVar(&ch.None, "none", false, "detach the WMI filter")
	f.register(cmd)
	return cmd
}

func presetHelp() string {
	var parts []string
	for _, p := range gpo.Presets() {
		parts = append(parts, fmt.Sprintf("%s (%s)", p.Key, p.Query))
	}
	return strings.Join(parts, "; ")
}

func newGPOBumpCmd(conn *connFlags) *cobra.Command {
	var f writeFlags
	var computer, user bool
	cmd := &cobra.Command{
		Use:   "bump GPO --computer | --user",
		Short: "Increment the computer or user version in the directory and GPT.INI, so clients apply the GPO again",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if computer == user {
				return &usageError{msg: "give --computer or --user"}
			}
			h := gpo.Computer
			if user {
				h = gpo.User
			}
			s, err := openGPOWrite(cmd, conn, true)
			if err != nil {
				return err
			}
			defer s.Close()
			p, v, err := s.BumpPlan(cmd.Context(), args[0], h)
			if err != nil {
				return err
			}
			return runPlan(cmd, f, p, func(o planOutput) any {
				if o.DryRun {
					return o
				}
				return struct {
					Version gpo.Version `json:"version"`
					planOutput
				}{*v, o}
			}, func(w io.Writer) { fmt.Fprintf(w, "version now %s\n", *v) })
		},
	}
	cmd.Flags().BoolVar(&computer, "computer", false, "bump the computer half")
	cmd.Flags().BoolVar(&user, "user", false, "bump the user half")
	f.register(cmd)
	return cmd
}

func newWMIFilterCmd(conn *connFlags) *cobra.Command {
	cmd := &cobra.Command{Use: "wmi-filter", Short: "WMI filters (msWMI-Som): list, create, delete"}
	var listJSON bool
	list := &cobra.Command{
		Use: "list", Short: "List WMI filters and the GPOs that use them", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := openGPO(cmd.Context(), conn)
			if err != nil {
				return err
			}
			defer s.Close()
			fs, err := s.WMIFilters(cmd.Context())
			if err != nil {
				return err
			}
			if listJSON {
				return writeJSON(cmd.OutOrStdout(), fs)
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tID\tUSED BY\tQUERY")
			for _, f := range fs {
				var qs []string
				for _, q := range f.Queries {
					qs = append(qs, q.Query)
				}
				fmt.Fprintf(tw, "%s\t%s\t%d GPO(s)\t%s\n", f.Name, f.ID, len(f.UsedBy), strings.Join(qs, " ; "))
			}
			return tw.Flush()
		},
	}
	list.Flags().BoolVar(&listJSON, "json", false, "print JSON")

	var cf writeFlags
	var desc string
	create := &cobra.Command{
		Use: "create NAME WQL", Short: "Create a WMI filter", Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := openGPOWrite(cmd, conn, false)
			if err != nil {
				return err
			}
			defer s.Close()
			p, wf, err := s.CreateWMIFilterPlan(cmd.Context(), args[0], desc, args[1])
			if err != nil {
				return err
			}
			return runPlan(cmd, cf, p, func(o planOutput) any {
				return struct {
					Filter gpo.WMIFilter `json:"filter"`
					planOutput
				}{wf, o}
			}, nil)
		},
	}
	create.Flags().StringVar(&desc, "description", "", "description of the filter")
	cf.register(create)

	var df writeFlags
	del := &cobra.Command{
		Use: "delete FILTER", Short: "Delete a WMI filter (name or {ID}), detaching it from the GPOs that use it", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return applyPlan(cmd, conn, false, df, func(ctx context.Context, s *gpo.Session) (*plan.Plan, error) {
				return s.DeleteWMIFilterPlan(ctx, args[0])
			})
		},
	}
	df.register(del)
	cmd.AddCommand(list, create, del)
	return cmd
}

// newOUBlockCmd is `ctitui ou block OU_DN on|off`.
func newOUBlockCmd(conn *connFlags) *cobra.Command {
	var f writeFlags
	cmd := &cobra.Command{
		Use:   "block OU_DN on|off",
		Short: "Turn Block Inheritance on or off for an OU (GPOs linked above stop applying unless enforced)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			on, err := onOff("block", args[1])
			if err != nil || on == nil {
				return &usageError{msg: fmt.Sprintf("block %q: want on or off", args[1])}
			}
			return applyPlan(cmd, conn, false, f, func(ctx context.Context, s *gpo.Session) (*plan.Plan, error) {
				return s.BlockInheritancePlan(ctx, args[0], *on)
			})
		},
	}
	f.register(cmd)
	return cmd
}
