package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// usageError marks errors caused by how the command was called (exit code 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// newRootCmd builds the command tree. Each noun lives in its own file
// (msi.go, domain.go, ...) and is added here.
func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "ctitui",
		Short: "Deploy MSI applications through AD Group Policy from a terminal",
		Long: `ctitui deploys, upgrades, redeploys and removes an MSI application through
Active Directory Group Policy Software Installation, talking LDAP and SMB
directly to a domain controller (Windows AD DS or Samba AD). No Windows admin
host is needed.

Connection settings come from flags, from the environment (CTITUI_DOMAIN,
CTITUI_DC, CTITUI_USER, CTITUI_CA_FILE, CTITUI_PASSWORD) or are asked for.
Passwords are never taken from the command line.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		// --version prints the same line as the version command.
		Version: version,
	}
	root.SetVersionTemplate(versionLine())
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &usageError{msg: fmt.Sprintf("%v (see '%s --help')", err, c.CommandPath())}
	})

	conn := &connFlags{}
	conn.register(root)
	root.PersistentPreRunE = noticeUnfinished(conn)

	root.AddCommand(
		newVersionCmd(),
		newDomainCmd(conn),
		newOUCmd(conn),
		newGroupCmd(conn),
		newComputerCmd(conn),
		newProfileCmd(conn),
		newDoctorCmd(conn),
		newAASCmd(),
		newMSICmd(),
		newMSTCmd(),
		newShareCmd(conn),
		newGPOCmd(conn),
		newPkgCmd(conn),
		newDeployCmd(conn),
		newRecoverCmd(conn),
		newTUICmd(root, conn),
	)
	root.AddCommand(newGenDocsCmd(root))
	return root
}
