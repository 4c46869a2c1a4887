package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/si"
	"github.com/ctitui/ctitui/gpo/si/deploy"
)

type deployFlags struct {
	msi, share, ou, gpo, group, wmi string
	userConfig, published, yes      bool
	wf                              writeFlags
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
(Assigned), uninstall when out of scope), restrict the GPO to a group and
attach a WMI filter when asked.

The plan is printed first, with every change it will make; then ctitui asks
for confirmation unless --yes is given (without a terminal, --yes is
required). Everything is all or nothing: a failure undoes what was done.
Running it again with the same inputs changes nothing and says so. At the
end come the commands to run on a client (gpupdate, gpresult, event logs).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runDeploy(cmd, conn, &f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.msi, "msi", "", "the MSI on this machine (required)")
	fl.StringVar(&f.share, "share", "", `UNC folder on the distribution share, e.g. \\fileserver\Distrib\MikoCTI (required)`)
	fl.StringVar(&f.ou, "ou", "", "DN of the OU to link the GPO to (required)")
	fl.StringVar(&f.gpo, "gpo", deploy.DefaultGPOName, "GPO display name (created when missing, reused when it exists)")
	fl.StringVar(&f.group, "group", "", "security filtering: the only group the GPO applies to, e.g. MikoCTI_Computers")
	fl.StringVar(&f.wmi, "wmi", "", "WMI filter: a preset ("+strings.Join(presetNames(), ", ")+") or a WQL query")
	fl.BoolVar(&f.userConfig, "user-config", false, "deploy in User Configuration instead of Computer Configuration")
	fl.BoolVar(&f.published, "published", false, "Published instead of Assigned (User Configuration only)")
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
	if f.published && !f.userConfig {
		return &usageError{msg: "--published is for User Configuration only: Windows does not publish applications to computers; add --user-config or drop --published"}
	}
	interactive := term.IsTerminal(int(os.Stdin.Fd()))
	if !f.wf.dryRun && !f.yes && !interactive {
		return &usageError{msg: "no terminal to ask for confirmation: review the plan with --dry-run, then run again with --yes"}
	}
	ctx := cmd.Context()
	s, err := openGPO(ctx, conn)
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
	p, sum, err := deploy.Plan(ctx, si.New(s), deploy.Request{LocalMSI: f.msi, Folder: f.share, OU: f.ou, GPOName: f.gpo,
		Group: f.group, WMI: f.wmi, Half: half, Options: opts})
	if err != nil {
		return err
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
