package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/plan"
)

// groupAdvice turns the engine's name errors into what to do.
func groupAdvice(err error) error {
	var ge *gpo.GroupExistsError
	if errors.As(err, &ge) {
		if ge.IsGroup {
			return fmt.Errorf("%w; use it (ctitui group add %q COMPUTER...) or pick another name", err, ge.Name)
		}
		return fmt.Errorf("%w; sAMAccountName is unique in the domain across users, computers and groups: pick another name", err)
	}
	return err
}

func newGroupCreateCmd(conn *connFlags) *cobra.Command {
	var (
		f         writeFlags
		ou, descr string
		fromOU    string
		recursive bool
	)
	cmd := &cobra.Command{
		Use:   "create NAME [COMPUTER...]",
		Short: "Create a global security group for security filtering, as ADUC makes it, optionally with computers in it",
		Long: `Create a global security group (groupType 0x80000002, sAMAccountName = NAME), the
kind the guide's security filtering step adds (e.g. MikoCTI_Computers). The name is
checked first: at most 64 characters, none of " / \ [ ] : ; | = , + * ? < >, not
ending with a period, and not taken by any group, user or computer. Without --ou
the group goes to the domain's Users container, like ADUC's default.
Computers may be put in at once: by name (PC-01 or PC-01$) or --from-ou.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			// A write: on the PDC emulator, as every plan (issue 14).
			s, err := openGPOWrite(cmd, conn, false)
			if err != nil {
				return err
			}
			defer s.Close()
			var cs []domain.Computer
			if len(args) > 1 || fromOU != "" {
				if cs, err = s.ResolveComputers(ctx, gpo.ComputerSelection{Names: args[1:], FromOU: fromOU, Recursive: recursive}); err != nil {
					return err
				}
			}
			p, g, err := s.CreateGroupPlan(ctx, gpo.NewGroupSpec{Name: args[0], OU: ou, Description: descr}, cs)
			if err != nil {
				return groupAdvice(err)
			}
			return runPlan(cmd, f, p, func(o planOutput) any {
				return struct {
					planOutput
					Group gpo.NewGroup `json:"group"`
				}{o, g}
			}, nil)
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&ou, "ou", "", "DN of the OU to create the group in (default: the domain's Users container)")
	cmd.Flags().StringVar(&descr, "description", "", "the group's description")
	cmd.Flags().StringVar(&fromOU, "from-ou", "", "also put in every computer directly in this OU (DN)")
	cmd.Flags().BoolVar(&recursive, "recursive", false, "with --from-ou: also the computers in OUs below it")
	return cmd
}

func newGroupMembersCmd(conn *connFlags, remove bool) *cobra.Command {
	var (
		f         writeFlags
		fromOU    string
		recursive bool
	)
	use, short := "add NAME [COMPUTER...]", "Add computers to a group (by name, PC-01 or PC-01$, or --from-ou)"
	if remove {
		use, short = "remove NAME [COMPUTER...]", "Remove computers from a group (by name, PC-01 or PC-01$, or --from-ou)"
	}
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Long: short + `.
A computer picks up a new membership only when it restarts (its Kerberos ticket carries
its groups): gpupdate /force alone does not apply a GPO filtered to the group on it.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 && fromOU == "" {
				return &usageError{msg: "name the computers (PC-01 or PC-01$) or give --from-ou OU_DN"}
			}
			return applyPlan(cmd, conn, false, f, func(ctx context.Context, s *gpo.Session) (*plan.Plan, error) {
				cs, err := s.ResolveComputers(ctx, gpo.ComputerSelection{Names: args[1:], FromOU: fromOU, Recursive: recursive})
				if err != nil {
					return nil, err
				}
				return s.MembersPlan(ctx, args[0], cs, remove)
			})
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&fromOU, "from-ou", "", "every computer directly in this OU (DN)")
	cmd.Flags().BoolVar(&recursive, "recursive", false, "with --from-ou: also the computers in OUs below it")
	return cmd
}
