package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ctitui/ctitui/internal/profile"
)

func newProfileCmd(conn *connFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "profile",
		Short: "Saved connection settings (never passwords)",
		Long: `Profiles keep the non-secret connection settings (domain, DC, user, CA file,
Kerberos options) in the user's config directory. Flags and CTITUI_* variables
override a profile; the profile named "default" is used when none is named.`,
	}
	save := &cobra.Command{
		Use:   "save NAME",
		Short: "Save the connection settings given by flags and environment as NAME",
		Example: `  ctitui profile save corp --domain corp.example.com --dc dc1.corp.example.com \
      --user admin@corp.example.com --ca-file /etc/ssl/corp-ca.pem`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := conn.settings()
			if err != nil {
				return err
			}
			store, err := profile.DefaultStore()
			if err != nil {
				return err
			}
			if err := store.Save(args[0], s); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Saved profile %q in %s (no password is stored).\n", args[0], store.Path)
			return nil
		},
	}
	var asJSON bool
	list := &cobra.Command{
		Use:   "list",
		Short: "List saved profiles",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			store, err := profile.DefaultStore()
			if err != nil {
				return err
			}
			all, err := store.All()
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), all)
			}
			names, err := store.Names()
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tDOMAIN\tDC\tUSER\tAUTH")
			for _, n := range names {
				p := all[n]
				auth := "password, LDAPS"
				switch {
				case p.Kerberos:
					auth = "Kerberos"
				case p.StartTLS:
					auth = "password, StartTLS"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", n, p.Domain, p.DC, p.User, auth)
			}
			return tw.Flush()
		},
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	del := &cobra.Command{
		Use:   "delete NAME",
		Short: "Delete a saved profile",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			store, err := profile.DefaultStore()
			if err != nil {
				return err
			}
			if err := store.Delete(args[0]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Deleted profile %q.\n", args[0])
			return nil
		},
	}
	cmd.AddCommand(save, list, del)
	return cmd
}
