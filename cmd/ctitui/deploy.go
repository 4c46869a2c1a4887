package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/si"
	"github.com/ctitui/ctitui/gpo/si/deploy"
)

type deployFlags struct {
	msi, share, ou, gpo, wmi   string
	groups                     []string
	upgrade, upgradeMode       string
	sets                       []string
	upgradeTransforms          string
	requiredUpgrade            bool
	userConfig, published, yes bool
	wf                         writeFlags
}

func newDeployCmd(conn *connFlags) *cobra.Command {
	var f deployFlags
	cmd := &cobra.Command{
		Use:   `deploy --msi LOCAL.msi --share '\\srv\Distrib\MikoCTI' --ou OU_DN`,
		Short: "The whole guide in one command: upload, folder ACL, GPO, link, package, filtering, WMI",
		Long: `Deploy an MSI through Group Policy Software Installation in one step, as the
guide does by hand: upload the MSI to the distribution folder with its
permissions (Domain Computers Read, Domain Admins and SYSTEM Full control),
check the MSI, create (or reuse) the GPO "` + deploy.DefaultGPOName + `" and
link it to the OU, add the package (Computer Configuration, Назначено
(Assigned), uninstall when out of scope), restrict the GPO to one or more
groups and attach a WMI filter when asked.

With --upgrade GPO/PACKAGE the new package upgrades an existing one (the
guide's "Обновление через GPO"), in the same GPO or another: the package is
created already upgrading it, in the same all-or-nothing plan. PACKAGE is
the package's name or id (ctitui pkg list), GPO its GPO's name or {GUID};
without "GPO/" the package is looked for in the deploy's own GPO. An upgrade
the MSIs make meaningless (the same ProductCode; a changed UpgradeCode for an
in-place upgrade) is refused.

The plan is printed first, with every change it will make; then ctitui asks
for confirmation unless --yes is given (without a terminal, --yes is
required). Everything is all or nothing: a failure undoes what was done.
Running it again with the same inputs changes nothing and says so. At the
end come the commands to run on a client (gpupdate, gpresult, event logs).

--set NAME=VALUE presets a public property of the MSI for every computer
(Group Policy cannot pass NAME=VALUE to msiexec): ctitui makes a transform
of the MSI that sets them (as 'ctitui mst create' does), uploads it next to
the MSI with the same folder permissions and lists it after the MSI in the
package (msiFileList 1:). The plan shows it. When the package to upgrade
has transforms, --upgrade-transforms says what the new package does with
them: keep the same files (refused when one would not apply to the new
MSI), remake their settings for the new MSI, or drop them.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runDeploy(cmd, conn, &f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.msi, "msi", "", "the MSI on this machine (required)")
	fl.StringVar(&f.share, "share", "", `UNC folder on the distribution share, e.g. \\fileserver\Distrib\MikoCTI (required)`)
	fl.StringVar(&f.ou, "ou", "", "DN of the OU to link the GPO to (required)")
	fl.StringVar(&f.gpo, "gpo", deploy.DefaultGPOName, "GPO display name (created when missing, reused when it exists)")
	fl.StringArrayVar(&f.groups, "group", nil, "security filtering: the only group the GPO applies to, e.g. MikoCTI_Computers; repeat for several groups")
	fl.StringVar(&f.wmi, "wmi", "", "WMI filter: a preset ("+strings.Join(presetNames(), ", ")+") or a WQL query")
	fl.BoolVar(&f.userConfig, "user-config", false, "deploy in User Configuration instead of Computer Configuration")
	fl.BoolVar(&f.published, "published", false, "Published instead of Assigned (User Configuration only)")
	fl.StringVar(&f.upgrade, "upgrade", "", "GPO/PACKAGE: an existing package the new one upgrades (name or id; without GPO/, in the deploy's GPO)")
	fl.StringVar(&f.upgradeMode, "upgrade-mode", "uninstall", "with --upgrade: uninstall (remove the old package, then install) or in-place (upgrade over it)")
	fl.BoolVar(&f.requiredUpgrade, "required-upgrade", true, `with --upgrade: "Required upgrade for existing packages" (the guide's step 6); --required-upgrade=false makes it optional`)
	fl.StringArrayVar(&f.sets, "set", nil, "preset a public property for every computer, NAME=VALUE (repeatable): a transform (.mst) made from the MSI, uploaded next to it and listed after it in the package")
	fl.StringVar(&f.upgradeTransforms, "upgrade-transforms", "", "with --upgrade, when the old package has transforms: keep (the same files), remake (their settings made again for the new MSI) or drop")
	fl.BoolVar(&f.yes, "yes", false, "apply without asking")
	f.wf.register(cmd)
	return cmd
}

func presetNames() []string {
	var out []string
	for _, p := range gpo.Presets() {
		out = append(out, p.Key)
	}
	return out
}

func runDeploy(cmd *cobra.Command, conn *connFlags, f *deployFlags) error {
	if f.msi == "" || f.share == "" || f.ou == "" {
		return &usageError{msg: "--msi, --share and --ou are required (see 'ctitui deploy --help')"}
	}
	if err := (si.Options{Deployment: deployment(f.published)}).Validate(halfOf(f.userConfig)); err != nil {
		return &usageError{msg: advice(cmd.CommandPath(), err)}
	}
	upgrade, err := parseUpgradeFlags(cmd, f)
	if err != nil {
		return err
	}
	preset, err := parseSetFlags(f.sets)
	if err != nil {
		return err
	}
	interactive := term.IsTerminal(int(os.Stdin.Fd()))
	if !f.wf.dryRun && !f.yes && !interactive {
		return &usageError{msg: "no terminal to ask for confirmation: review the plan with --dry-run, then run again with --yes"}
	}
	ctx := cmd.Context()
	s, err := openGPOWrite(cmd, conn, false)
	if err != nil {
		return err
	}
	defer s.Close()
	half := gpo.Computer
	if f.userConfig {
		half = gpo.User
	}
	opts := si.DefaultOptions(f.userConfig)
	if f.published {
		opts.Deployment, opts.InstallAtLogon = si.Published, false
	}
	opts.OptionalUpgrade = !f.requiredUpgrade
	p, sum, err := deploy.Plan(ctx, si.New(s), deploy.Request{LocalMSI: f.msi, Folder: f.share, OU: f.ou, GPOName: f.gpo,
		Groups: f.groups, WMI: f.wmi, Half: half, Options: opts, Upgrade: upgrade,
		Preset: preset, UpgradeTransforms: deploy.TransformChoice(f.upgradeTransforms)})
	var choice *deploy.TransformChoiceError
	if errors.As(err, &choice) {
		return &usageError{msg: choice.Error() + ": give --upgrade-transforms keep, remake or drop"}
	}
	if err != nil {
		return err
	}
	adviseNotes(p.Notes)
	if len(sum.Partials) > 0 {
		p.Note("ctitui share clean '%s' removes the temporary upload files (a plan of its own; ctitui recover first, when it says a change was cut off)", f.share)
	}
	out := cmd.OutOrStdout()
	result := func(o planOutput) any {
		return struct {
			planOutput
			Summary *deploy.Summary `json:"deployment"`
		}{o, sum}
	}
	if f.wf.dryRun || p.Empty() {
		if p.Empty() && !f.wf.dryRun {
			if f.wf.asJSON {
				return writeJSON(out, result(planOutput{Notes: p.Notes}))
			}
			fmt.Fprintf(out, "Nothing to change: %s is already deployed as asked.\n", sum.Identity.ProductName+" "+sum.Identity.ProductVersion)
			printClientCommands(out, sum)
			return nil
		}
		return runPlan(cmd, f.wf, p, result, nil)
	}
	if !f.wf.asJSON || !f.yes {
		w := out
		if f.wf.asJSON {
			w = cmd.ErrOrStderr()
		}
		if err := p.WriteText(w); err != nil {
			return err
		}
	}
	if !f.yes {
		ok, err := confirm(cmd.InOrStdin(), cmd.ErrOrStderr(), "Apply these changes?")
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintln(out, "Nothing was changed.")
			return nil
		}
	}
	return runPlan(cmd, f.wf, p, result, func(w io.Writer) { printClientCommands(w, sum) })
}

// parseUpgradeFlags reads --upgrade GPO/PACKAGE and its options. The GPO
// is what comes before the last "/": package names and ids have none,
// GPO names may.
func parseUpgradeFlags(cmd *cobra.Command, f *deployFlags) (*si.UpgradeOf, error) {
	if f.upgrade == "" {
		for _, n := range []string{"upgrade-mode", "required-upgrade", "upgrade-transforms"} {
			if cmd.Flags().Changed(n) {
				return nil, &usageError{msg: "--" + n + " goes with --upgrade GPO/PACKAGE"}
			}
		}
		return nil, nil
	}
	u := &si.UpgradeOf{Package: f.upgrade}
	if i := strings.LastIndex(f.upgrade, "/"); i >= 0 {
		u.GPO, u.Package = strings.TrimSpace(f.upgrade[:i]), strings.TrimSpace(f.upgrade[i+1:])
	}
	if u.Package == "" {
		return nil, &usageError{msg: "--upgrade wants GPO/PACKAGE (the package by name or id, see ctitui pkg list), got " + strconv.Quote(f.upgrade)}
	}
	switch deploy.TransformChoice(f.upgradeTransforms) {
	case deploy.TransformsUnasked, deploy.KeepTransforms, deploy.RemakeTransforms, deploy.DropTransforms:
	default:
		return nil, &usageError{msg: "--upgrade-transforms is keep, remake or drop, not " + strconv.Quote(f.upgradeTransforms)}
	}
	switch f.upgradeMode {
	case "uninstall":
	case "in-place":
		u.InPlace = true
	default:
		return nil, &usageError{msg: "--upgrade-mode is uninstall or in-place, not " + strconv.Quote(f.upgradeMode)}
	}
	return u, nil
}

// confirm asks a yes/no question on the terminal.
func confirm(in io.Reader, out io.Writer, q string) (bool, error) {
	fmt.Fprintf(out, "%s [y/N] ", q)
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && line == "" {
		return false, fmt.Errorf("read the answer: %w", err)
	}
	a := strings.ToLower(strings.TrimSpace(line))
	return a == "y" || a == "yes" || a == "д" || a == "да", nil
}

func printClientCommands(w io.Writer, sum *deploy.Summary) {
	fmt.Fprintf(w, "\nGPO %q %s, package from %s.\nOn a client computer (the guide's \"Проверка и диагностика\"):\n", sum.GPOName, sum.GPOGUID, sum.MSIPath)
	for _, c := range sum.ClientCommands {
		fmt.Fprintf(w, "  %s\n", c)
	}
}
