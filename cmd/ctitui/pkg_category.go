package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/plan"
	"github.com/ctitui/ctitui/gpo/si"
)

// newPkgCategoryCmd is "Software installation → Properties → Categories":
// the domain's application categories ([MS-GPSI] 2.2.3.1.4, 2.2.3.2.7)
// and a package's categories.
func newPkgCategoryCmd(conn *connFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "category",
		Short: "Application categories that group packages in Add/Remove Programs (list, add, set)",
		Long: `Application categories are domain-wide (CN=AppCategories under the Default
Domain Policy container); Add/Remove Programs on clients groups the packages a
user may install by them. A package gets them with pkg add --category or
pkg category set.`,
	}
	cmd.AddCommand(newPkgCategoryListCmd(conn), newPkgCategoryAddCmd(conn), newPkgCategorySetCmd(conn))
	return cmd
}

func newPkgCategoryListCmd(conn *connFlags) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the domain's application categories",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s, err := openGPO(ctx, conn)
			if err != nil {
				return err
			}
			defer s.Close()
			cats, err := si.New(s).Categories(ctx)
			if err != nil {
				return err
			}
			if asJSON {
				if cats == nil {
					cats = []si.Category{}
				}
				return writeJSON(cmd.OutOrStdout(), cats)
			}
			printCategories(cmd.OutOrStdout(), cats)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func printCategories(w io.Writer, cats []si.Category) {
	if len(cats) == 0 {
		fmt.Fprintln(w, "No application categories; ctitui pkg category add NAME makes one.")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CATEGORY\tID")
	for _, c := range cats {
		fmt.Fprintf(tw, "%s\t%s\n", c.Name, c.ID)
	}
	tw.Flush()
}

func newPkgCategoryAddCmd(conn *connFlags) *cobra.Command {
	var wf writeFlags
	cmd := &cobra.Command{
		Use:   "add NAME",
		Short: "Add an application category (nothing changes when one of that name exists)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s, err := openGPOWrite(cmd, conn, false)
			if err != nil {
				return err
			}
			defer s.Close()
			p, cat, err := si.New(s).CategoryPlan(ctx, args[0])
			if err != nil {
				return err
			}
			return runPlan(cmd, wf, p, func(o planOutput) any {
				return struct {
					planOutput
					Category *si.Category `json:"category"`
				}{o, cat}
			}, func(w io.Writer) { fmt.Fprintf(w, "Category %q: %s\n", cat.Name, cat.ID) })
		},
	}
	wf.register(cmd)
	return cmd
}

func newPkgCategorySetCmd(conn *connFlags) *cobra.Command {
	var wf writeFlags
	cmd := &cobra.Command{
		Use:   "set GPO PACKAGE [CATEGORY...]",
		Short: "Set a package's categories to the ones given (by name or id; none clears them)",
		Args:  cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return applyPlan(cmd, conn, false, wf, func(ctx context.Context, s *gpo.Session) (*plan.Plan, error) {
				p, _, err := si.New(s).SetCategoriesPlan(ctx, args[0], args[1], args[2:])
				return p, err
			})
		},
	}
	wf.register(cmd)
	return cmd
}
