package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/plan"
	"github.com/ctitui/ctitui/gpo/si"
	"github.com/ctitui/ctitui/ui"
)

func newPkgCmd(conn *connFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pkg",
		Short: "Software Installation packages of GPOs (add, list, show, redeploy, remove, upgrade, delete, category)",
		Long: `Manage Group Policy Software Installation packages the way GPMC's
"Software installation" node does, written straight into the directory and
SYSVOL per [MS-GPSI]: the packageRegistration object, the advertise script
(.aas) and the GPO version, all or nothing.`,
	}
	cmd.AddCommand(newPkgAddCmd(conn), newPkgListCmd(conn), newPkgShowCmd(conn), newPkgRedeployCmd(conn),
		newPkgRemoveCmd(conn), newPkgUpgradeCmd(conn), newPkgDeleteCmd(conn), newPkgCategoryCmd(conn))
	return cmd
}

// pkgOptionFlags are the package properties of the guide's table.
type pkgOptionFlags struct {
	userConfig     bool
	published      bool
	name           string
	noLogonInstall bool
	leaveInstalled bool
	hideARP        bool
	noAutoInstall  bool
	ignoreLanguage bool
	noX86OnX64     bool
	basicUI        bool
	transforms     []string
	readGroup      string
	url            string
	categories     []string
}

func (f *pkgOptionFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.BoolVar(&f.userConfig, "user-config", false, "deploy in User Configuration (default: Computer Configuration, the guide's recommendation: installs before logon, independent of profiles)")
	fl.BoolVar(&f.published, "published", false, "Published instead of Assigned (Назначено); User Configuration only")
	fl.StringVar(&f.name, "name", "", `package name (default: ProductName and version, e.g. "MIKO CTI 4.9.226")`)
	fl.BoolVar(&f.noLogonInstall, "no-install-at-logon", false, "user assignments: do not install at logon (the guide: install at logon on)")
	fl.BoolVar(&f.leaveInstalled, "leave-installed", false, "leave the application installed when the GPO no longer applies (the guide: uninstall, on)")
	fl.BoolVar(&f.hideARP, "hide-in-arp", false, "do not show the package in Add/Remove Programs")
	fl.BoolVar(&f.noAutoInstall, "no-auto-install", false, "no auto-install by file extension activation")
	fl.BoolVar(&f.ignoreLanguage, "ignore-language", false, "ignore language when deploying")
	fl.BoolVar(&f.noX86OnX64, "no-x86-on-x64", false, "do not offer a 32-bit package to 64-bit Windows")
	fl.BoolVar(&f.basicUI, "basic-ui", false, "basic installation user interface (default: maximum)")
	fl.StringArrayVar(&f.transforms, "transform", nil, `UNC path of a transform (.mst), applied after the .msi in the order given; repeat for more`)
	fl.StringVar(&f.readGroup, "read-group", "", "per-package security filtering: only this group may read (and so get) the package")
	fl.StringVar(&f.url, "url", "", "support URL shown in Add/Remove Programs")
	fl.StringArrayVar(&f.categories, "category", nil, "application category (name or id, made with pkg category add) to list the package under; repeat for more")
}

func (f *pkgOptionFlags) half() gpo.Half {
	if f.userConfig {
		return gpo.User
	}
	return gpo.Computer
}

func (f *pkgOptionFlags) options() si.Options {
	o := si.DefaultOptions(f.userConfig)
	if f.published {
		o.Deployment = si.Published
		o.InstallAtLogon = false
	}
	if f.noLogonInstall {
		o.InstallAtLogon = false
	}
	o.Name, o.UninstallOutOfScope = f.name, !f.leaveInstalled
	o.ShowInARP, o.AutoInstallByExtension = !f.hideARP, !f.noAutoInstall
	o.IgnoreLanguage, o.X86OnWin64, o.BasicUI = f.ignoreLanguage, !f.noX86OnX64, f.basicUI
	o.Transforms, o.ReadGroup, o.URL = f.transforms, f.readGroup, f.url
	o.Categories = f.categories
	return o
}

func newPkgAddCmd(conn *connFlags) *cobra.Command {
	var wf writeFlags
	var of pkgOptionFlags
	cmd := &cobra.Command{
		Use:   `add GPO '\\server\share\folder\product.msi'`,
		Short: "Add a package to a GPO (guide: Software installation → New → Package, Assigned)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s, err := openGPOWrite(cmd, conn, false)
			if err != nil {
				return err
			}
			defer s.Close()
			p, added, err := si.New(s).AddPlan(ctx, si.AddRequest{GPO: args[0], Half: of.half(), MSIPath: args[1], Options: of.options()})
			if err != nil {
				return err
			}
			return runPlan(cmd, wf, p, func(o planOutput) any {
				return struct {
					planOutput
					Package *si.Added `json:"package"`
				}{o, added}
			}, nil)
		},
	}
	wf.register(cmd)
	of.register(cmd)
	return cmd
}

func newPkgListCmd(conn *connFlags) *cobra.Command {
	var asJSON, noCheck bool
	cmd := &cobra.Command{
		Use:   "list [GPO]",
		Short: "List packages of one GPO or of every GPO, with whether their MSI and script can be read",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s, err := openGPO(ctx, conn)
			if err != nil {
				return err
			}
			defer s.Close()
			ref := ""
			if len(args) == 1 {
				ref = args[0]
			}
			ps, err := si.New(s).List(ctx, ref, !noCheck)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), ps)
			}
			printPackages(cmd.OutOrStdout(), ps)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().BoolVar(&noCheck, "no-check", false, "do not open the MSIs and scripts to check that they can be read")
	return cmd
}

func yesNo(b *bool) string {
	switch {
	case b == nil:
		return "-"
	case *b:
		return "yes"
	}
	return "NO"
}

func printPackages(w io.Writer, ps []si.Package) {
	if len(ps) == 0 {
		fmt.Fprintln(w, "No Software Installation packages.")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "GPO\tSCOPE\tPACKAGE\tVERSION\tDEPLOYMENT\tSTATE\tREV\tMSI OK\tSCRIPT OK\tMSI")
	for _, p := range ps {
		scriptOK := yesNo(p.ScriptReachable)
		if p.ScriptOldLayout {
			scriptOK = "OLD" // see the line under the table
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", dash(p.GPOName), p.Scope, p.Name, p.Version,
			p.Deployment, p.State, p.Revision, yesNo(p.MSIReachable), scriptOK, p.MSIPath)
	}
	tw.Flush()
	for _, p := range ps {
		if len(p.CategoryNames) > 0 {
			fmt.Fprintf(w, "%s / %s: categories %s\n", dash(p.GPOName), p.Name, strings.Join(p.CategoryNames, ", "))
		}
		for _, u := range p.Upgrades {
			fmt.Fprintf(w, "%s / %s: %s package %s\n", dash(p.GPOName), p.Name, u.Kind, u.Package)
		}
		if p.ReachError != "" {
			fmt.Fprintf(w, "%s / %s: %s\n", dash(p.GPOName), p.Name, p.ReachError)
		}
		if p.ScriptOldLayout {
			fmt.Fprintf(w, "%s / %s: %s\n", dash(p.GPOName), p.Name, consoleText().T("manage.old_script"))
		}
		if p.ArchOldForm {
			fmt.Fprintf(w, "%s / %s: %s\n", dash(p.GPOName), p.Name, consoleText().T("manage.old_arch"))
		}
	}
}

// consoleText is the console's message catalog (ui) in the language of
// the environment (LC_ALL, LC_MESSAGES, LANG).
func consoleText() ui.Text { return ui.NewText(ui.DetectLang("", os.Getenv)) }

func newPkgShowCmd(conn *connFlags) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show GPO PACKAGE",
		Short: "Show one package: decoded flags, revision, paths, upgrade relations",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s, err := openGPO(ctx, conn)
			if err != nil {
				return err
			}
			defer s.Close()
			st := si.New(s)
			_, p, err := st.FindPackage(ctx, args[0], args[1])
			if err != nil {
				return err
			}
			ps := []si.Package{p}
			st.CheckReach(ctx, ps)
			p = ps[0]
			// what each transform sets, read back from the share
			ts := st.TransformSettings(ctx, p)
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), struct {
					si.Package
					TransformSettings []si.TransformSettings `json:"transformSettings,omitempty"`
				}{p, ts})
			}
			printPackage(cmd.OutOrStdout(), p, ts)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func printPackage(w io.Writer, p si.Package, transforms []si.TransformSettings) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(tw, "%s\t%s\n", k, v) }
	row("Name", p.Name)
	row("Id (objectGUID)", p.ID)
	row("GPO", p.GPOName+" "+p.GPO)
	row("Scope", p.Scope)
	row("Deployment", string(p.Deployment))
	row("State", string(p.State)+" (msiScriptName "+p.ScriptName+")")
	row("packageFlags", p.Flags.String())
	row("Revision", fmt.Sprint(p.Revision))
	row("ProductCode", p.ProductCode)
	row("UpgradeCode", dash(p.UpgradeCode))
	row("Version", p.Version)
	row("Vendor", dash(p.Vendor))
	row("MSI", p.MSIPath)
	if len(transforms) == 0 {
		row("Transforms", dash(strings.Join(p.Transforms, ", ")))
	}
	for i, t := range transforms {
		row(fmt.Sprintf("Transform %d", i+1), t.Path)
		row("", transformSettingsText(t))
	}
	row("Architecture", dash(strings.Join(p.ArchNames, ", ")))
	if p.ArchOldForm {
		row("machineArchitecture", fmt.Sprint(p.Arch)+": "+consoleText().T("manage.old_arch"))
	}
	row("Script", p.ScriptPath)
	switch {
	case p.ScriptOldLayout:
		row("Script layout", consoleText().T("manage.old_script"))
	case p.ScriptReachable != nil && *p.ScriptReachable:
		row("Script layout", "as Windows writes it")
	}
	if p.ReachError != "" {
		row("Cannot read", p.ReachError)
	}
	row("Last update", p.LastUpdate)
	row("Categories", dash(strings.Join(p.CategoryNames, ", ")))
	for _, u := range p.Upgrades {
		row("Upgrade", u.Kind+" "+u.Package+" in "+u.ClassStore)
	}
	tw.Flush()
}

func newPkgRedeployCmd(conn *connFlags) *cobra.Command {
	var wf writeFlags
	cmd := &cobra.Command{
		Use:   "redeploy GPO PACKAGE",
		Short: "Redeploy application: revision + 1, new advertise script, version bump (clients reinstall)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return applyPlan(cmd, conn, false, wf, func(ctx context.Context, s *gpo.Session) (*plan.Plan, error) {
				p, _, err := si.New(s).RedeployPlan(ctx, args[0], args[1])
				return p, err
			})
		},
	}
	wf.register(cmd)
	return cmd
}

func newPkgRemoveCmd(conn *connFlags) *cobra.Command {
	var wf writeFlags
	var mode string
	cmd := &cobra.Command{
		Use:   "remove GPO PACKAGE [--mode uninstall|orphan]",
		Short: "All Tasks → Remove: immediately uninstall (default) or allow users to continue",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			m := si.RemoveMode(strings.ToLower(mode))
			if m != si.RemoveUninstall && m != si.RemoveOrphan {
				return &usageError{msg: fmt.Sprintf("--mode %q: want uninstall or orphan", mode)}
			}
			return applyPlan(cmd, conn, false, wf, func(ctx context.Context, s *gpo.Session) (*plan.Plan, error) {
				p, _, err := si.New(s).RemovePlan(ctx, args[0], args[1], m)
				return p, err
			})
		},
	}
	cmd.Flags().StringVar(&mode, "mode", "uninstall", "uninstall: Immediately uninstall (recommended); orphan: Allow users to continue to use the software")
	wf.register(cmd)
	return cmd
}

func newPkgUpgradeCmd(conn *connFlags) *cobra.Command {
	var wf writeFlags
	var of pkgOptionFlags
	var from, fromGPO string
	var inPlace, optional bool
	cmd := &cobra.Command{
		Use:   `upgrade GPO '\\server\share\folder\new.msi' --from PACKAGE`,
		Short: "Add a package for a new MSI that upgrades an existing package (guide: Обновление через GPO)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if from == "" {
				return &usageError{msg: "--from PACKAGE is required: the package the new one upgrades"}
			}
			ctx := cmd.Context()
			s, err := openGPOWrite(cmd, conn, false)
			if err != nil {
				return err
			}
			defer s.Close()
			o := of.options()
			o.OptionalUpgrade = optional
			p, added, err := si.New(s).UpgradePlan(ctx, si.AddRequest{GPO: args[0], Half: of.half(), MSIPath: args[1], Options: o},
				si.UpgradeOf{GPO: fromGPO, Package: from, InPlace: inPlace})
			if err != nil {
				return err
			}
			return runPlan(cmd, wf, p, func(o planOutput) any {
				return struct {
					planOutput
					Package *si.Added `json:"package"`
				}{o, added}
			}, nil)
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "the package to upgrade (name or id)")
	cmd.Flags().StringVar(&fromGPO, "from-gpo", "", "GPO of the package to upgrade (default: the same GPO)")
	cmd.Flags().BoolVar(&inPlace, "in-place", false, "the package can upgrade over the existing one (default: uninstall the existing package, then install)")
	cmd.Flags().BoolVar(&optional, "optional", false, `not "Required upgrade for existing packages" (default: required, the guide's step 6)`)
	wf.register(cmd)
	of.register(cmd)
	return cmd
}

func newPkgDeleteCmd(conn *connFlags) *cobra.Command {
	var wf writeFlags
	cmd := &cobra.Command{
		Use:   "delete GPO PACKAGE",
		Short: "Delete a package object and its script (cleanup after remove)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return applyPlan(cmd, conn, false, wf, func(ctx context.Context, s *gpo.Session) (*plan.Plan, error) {
				p, _, err := si.New(s).DeletePlan(ctx, args[0], args[1])
				return p, err
			})
		},
	}
	wf.register(cmd)
	return cmd
}

// transformSettingsText says what one transform of a package sets.
func transformSettingsText(t si.TransformSettings) string {
	if t.Error != "" {
		return "cannot read it: " + t.Error
	}
	var parts []string
	if len(t.Set) > 0 {
		parts = append(parts, "sets "+strings.Join(t.Set, ", "))
	}
	if len(t.Remove) > 0 {
		parts = append(parts, "removes "+strings.Join(t.Remove, ", "))
	}
	if len(t.Other) > 0 {
		parts = append(parts, "also changes tables "+strings.Join(t.Other, ", "))
	}
	if len(parts) == 0 {
		parts = append(parts, "changes no property")
	}
	what := strings.Join(parts, "; ")
	if t.For != "" {
		what += "; for " + t.For
	}
	if len(t.Validation) > 0 {
		what += " (checks " + strings.Join(t.Validation, ", ") + ")"
	}
	return what
}
