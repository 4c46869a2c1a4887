package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/go-ldap/ldap/v3"
	"github.com/spf13/cobra"

	"github.com/ctitui/ctitui/domain"
)

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func newOUCmd(conn *connFlags) *cobra.Command {
	cmd := &cobra.Command{Use: "ou", Short: "Organizational units: the places GPOs are linked to"}
	var (
		base   string
		asJSON bool
		counts bool
	)
	list := &cobra.Command{
		Use:   "list",
		Short: "List OUs with their linked GPOs and Block Inheritance",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := conn.dial(cmd.Context())
			if err != nil {
				return err
			}
			defer c.Close()
			ous, err := c.ListOUs(cmd.Context(), base)
			if err != nil {
				return err
			}
			if err := c.NameLinks(cmd.Context(), ous); err != nil {
				return err
			}
			var computers map[string]int
			if counts {
				dns := make([]string, len(ous))
				for i, o := range ous {
					dns[i] = o.DN
				}
				if computers, err = c.ComputerCounts(cmd.Context(), firstNonEmpty(base, c.RootDSE().DefaultNamingContext), dns); err != nil {
					return err
				}
			}
			out := cmd.OutOrStdout()
			if asJSON {
				type ouJSON struct {
					domain.OU
					Computers *int `json:"computers,omitempty"`
				}
				rows := make([]ouJSON, len(ous))
				for i, o := range ous {
					rows[i].OU = o
					if counts {
						n := computers[o.DN]
						rows[i].Computers = &n
					}
				}
				return writeJSON(out, rows)
			}
			return printOUTree(out, ous, computers)
		},
	}
	list.Flags().StringVar(&base, "base", "", "list only OUs under this DN (default: the whole domain)")
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON: an array of {dn, name, blockInheritance, links[{gpo, enabled, enforced, order}]}")
	list.Flags().BoolVar(&counts, "counts", false, "also count the computers under each OU")
	cmd.AddCommand(list, newOUBlockCmd(conn))
	return cmd
}

// printOUTree indents each OU under its parent (ListOUs puts parents first;
// the depth is the DN's RDN count relative to the shallowest OU). State is
// spelled out, never shown by colour alone.
func printOUTree(w io.Writer, ous []domain.OU, computers map[string]int) error {
	depths := make([]int, len(ous))
	shallowest := -1
	for i, o := range ous {
		parsed, err := ldap.ParseDN(o.DN)
		if err != nil {
			return fmt.Errorf("bad DN %q from the server: %w", o.DN, err)
		}
		depths[i] = len(parsed.RDNs)
		if shallowest < 0 || depths[i] < shallowest {
			shallowest = depths[i]
		}
	}
	for i, o := range ous {
		indent := strings.Repeat("  ", depths[i]-shallowest)
		line := indent + o.Name
		if computers != nil {
			line += fmt.Sprintf("  (%d computers)", computers[o.DN])
		}
		if o.BlockInheritance {
			line += "  [Block Inheritance]"
		}
		fmt.Fprintln(w, line)
		for _, l := range o.Links {
			state := "enabled"
			if !l.Enabled {
				state = "disabled"
			}
			if l.Enforced {
				state += ", enforced"
			}
			name := l.Name
			if name == "" {
				name = "(GPO missing: dangling link)"
			}
			fmt.Fprintf(w, "%s  link %d: %s %s (%s)\n", indent, l.Order, name, l.GUID, state)
		}
	}
	return nil
}

func newGroupCmd(conn *connFlags) *cobra.Command {
	cmd := &cobra.Command{Use: "group", Short: "Security groups (for security filtering)"}
	var asJSON, members bool
	list := &cobra.Command{
		Use:   "list [NAME-PART]",
		Short: "List security groups, optionally only those whose name contains NAME-PART",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := conn.dial(cmd.Context())
			if err != nil {
				return err
			}
			defer c.Close()
			part := ""
			if len(args) == 1 {
				part = args[0]
			}
			groups, err := c.SecurityGroups(cmd.Context(), part)
			if err != nil {
				return err
			}
			type groupJSON struct {
				domain.Group
				Computers []domain.Computer `json:"computers,omitempty"`
			}
			rows := make([]groupJSON, len(groups))
			for i, g := range groups {
				rows[i].Group = g
				if members {
					if rows[i].Computers, err = c.GroupComputers(cmd.Context(), g.DN, true); err != nil {
						return err
					}
				}
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return writeJSON(out, rows)
			}
			tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tSCOPE\tSID\tDESCRIPTION")
			for _, r := range rows {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Name, r.Scope, r.SID, r.Description)
				if members {
					fmt.Fprintf(tw, "  computers (incl. nested): %d\t\t\t%s\n", len(r.Computers), computerNames(r.Computers))
				}
			}
			return tw.Flush()
		},
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	list.Flags().BoolVar(&members, "members", false, "also list member computers, nested groups included")
	cmd.AddCommand(list, newGroupCreateCmd(conn), newGroupMembersCmd(conn, false), newGroupMembersCmd(conn, true))
	return cmd
}

func computerNames(cs []domain.Computer) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Name
	}
	return strings.Join(names, ", ")
}

func newComputerCmd(conn *connFlags) *cobra.Command {
	cmd := &cobra.Command{Use: "computer", Short: "Computer accounts"}
	var asJSON bool
	find := &cobra.Command{
		Use:   "find NAME-PREFIX",
		Short: "Find computers whose name starts with NAME-PREFIX",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := conn.dial(cmd.Context())
			if err != nil {
				return err
			}
			defer c.Close()
			cs, err := c.FindComputers(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return writeJSON(out, cs)
			}
			tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tOS\tENABLED\tDN")
			for _, pc := range cs {
				fmt.Fprintf(tw, "%s\t%s\t%v\t%s\n", pc.Name, pc.OS, pc.Enabled, pc.DN)
			}
			return tw.Flush()
		},
	}
	find.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	var showJSON bool
	show := &cobra.Command{
		Use:   "show NAME",
		Short: "Show a computer: its OU chain (where GPOs come from) and all its groups",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := conn.dial(cmd.Context())
			if err != nil {
				return err
			}
			defer c.Close()
			ctx := cmd.Context()
			pc, err := c.ComputerByName(ctx, args[0])
			if err != nil {
				return err
			}
			chain, err := c.OUChain(ctx, pc.DN)
			if err != nil {
				return err
			}
			sids, err := c.TokenGroups(ctx, pc.DN)
			if err != nil {
				return err
			}
			groups, err := c.GroupsBySID(ctx, sids)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if showJSON {
				return writeJSON(out, struct {
					domain.Computer
					OUChain []domain.OU    `json:"ouChain"`
					Groups  []domain.Group `json:"groups"`
				}{pc, chain, groups})
			}
			fmt.Fprintf(out, "%s (%s)\n  DN: %s\n  SID: %s\n  enabled: %v\n", pc.Name, pc.OS, pc.DN, pc.SID, pc.Enabled)
			fmt.Fprintln(out, "OU chain (domain root first):")
			for i, o := range chain {
				block := ""
				if o.BlockInheritance {
					block = "  [Block Inheritance]"
				}
				fmt.Fprintf(out, "  %s%s  (%d linked GPOs)%s\n", strings.Repeat("  ", i), o.Name, len(o.Links), block)
			}
			fmt.Fprintln(out, "Groups (nested included):")
			for _, g := range groups {
				fmt.Fprintf(out, "  %s\n", g.Name)
			}
			return nil
		},
	}
	show.Flags().BoolVar(&showJSON, "json", false, "print JSON")
	cmd.AddCommand(find, show)
	return cmd
}
