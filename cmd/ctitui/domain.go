package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

func newDomainCmd(conn *connFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "domain",
		Short: "Show the domain you are connected to",
	}
	var asJSON bool
	info := &cobra.Command{
		Use:   "info",
		Short: "Connect to the DC and print a summary of the domain",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := conn.dial(cmd.Context())
			if err != nil {
				return err
			}
			defer c.Close()
			s, err := c.Summarize(cmd.Context())
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				return enc.Encode(s)
			}
			tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
			fmt.Fprintf(tw, "Domain\t%s\n", s.DomainDN)
			fmt.Fprintf(tw, "Domain controller\t%s\n", s.DC)
			fmt.Fprintf(tw, "Domain functional level\t%s\n", s.DomainFunctionality)
			fmt.Fprintf(tw, "Forest functional level\t%s\n", s.ForestFunctionality)
			fmt.Fprintf(tw, "Organizational units\t%d\n", s.OUs)
			fmt.Fprintf(tw, "Computers\t%d\n", s.Computers)
			fmt.Fprintf(tw, "Users\t%d\n", s.Users)
			fmt.Fprintf(tw, "Security groups\t%d\n", s.SecurityGroups)
			fmt.Fprintf(tw, "Group Policy Objects\t%d\n", s.GPOs)
			fmt.Fprintf(tw, "WMI filters\t%d\n", s.WMIFilters)
			return tw.Flush()
		},
	}
	info.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.AddCommand(info)
	return cmd
}
