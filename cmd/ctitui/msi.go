package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ctitui/ctitui/gpo/msi"
)

// newMSICmd groups the offline MSI commands. They read local files only and
// never connect to the domain.
func newMSICmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "msi",
		Short: "Inspect MSI packages offline (no domain connection needed)",
	}
	cmd.AddCommand(newMSIInspectCmd(), newMSICompareCmd())
	return cmd
}

func msiFileArgs(n int, what string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) != n {
			return &usageError{msg: fmt.Sprintf("%s needs %s (see '%s --help')", c.CommandPath(), what, c.CommandPath())}
		}
		return nil
	}
}

func msiParseScope(s string) (msi.Scope, error) {
	switch strings.ToLower(s) {
	case "computer":
		return msi.ScopeComputer, nil
	case "user":
		return msi.ScopeUser, nil
	}
	return 0, &usageError{msg: fmt.Sprintf("--scope must be computer or user, not %q", s)}
}

func newMSIInspectCmd() *cobra.Command {
	var asJSON bool
	var scope string
	cmd := &cobra.Command{
		Use:   "inspect FILE",
		Short: "Show what Group Policy needs from an MSI and run the pre-flight checks",
		Long: `Reads the package's identity (ProductCode, ProductVersion, UpgradeCode,
PackageCode, language, platform), its properties and features, and runs the
pre-flight checks of the deployment guide, including the terminal-server
checks. Exits non-zero when the file is not a readable MSI or a check finds a
blocking problem.`,
		Args: msiFileArgs(1, "one MSI file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			sc, err := msiParseScope(scope)
			if err != nil {
				return err
			}
			p, err := msi.Open(args[0])
			if err != nil {
				return err
			}
			defer p.Close()
			r, err := msi.Inspect(p, msi.CheckOptions{Scope: sc})
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			out := cmd.OutOrStdout()
			if asJSON {
				if err := msiWriteJSON(out, r); err != nil {
					return err
				}
			} else if err := msiPrintReport(out, r); err != nil {
				return err
			}
			return msiBlockingError(args[0], r.Findings)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().StringVar(&scope, "scope", "computer", "GPO half the package is meant for: computer or user")
	return cmd
}

func newMSICompareCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "compare OLD NEW",
		Short: "Check that NEW can upgrade OLD through Group Policy",
		Long: `Compares the codes and versions that decide whether NEW replaces OLD when
added as an upgrade in Group Policy: same UpgradeCode, new ProductCode and
PackageCode, higher version. Exits non-zero when the upgrade would not work.`,
		Args: msiFileArgs(2, "two MSI files, OLD and NEW"),
		RunE: func(cmd *cobra.Command, args []string) error {
			oldPkg, err := msi.Open(args[0])
			if err != nil {
				return err
			}
			defer oldPkg.Close()
			newPkg, err := msi.Open(args[1])
			if err != nil {
				return err
			}
			defer newPkg.Close()
			c, err := msi.Compare(oldPkg, newPkg)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				if err := msiWriteJSON(out, c); err != nil {
					return err
				}
			} else if err := msiPrintComparison(out, c); err != nil {
				return err
			}
			return msiBlockingError(args[1]+" as an upgrade of "+args[0], c.Findings)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func msiWriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// msiBlockingError turns error-severity findings into the command's error, so
// scripts can rely on the exit status.
func msiBlockingError(subject string, fs []msi.Finding) error {
	var msgs []string
	for _, f := range fs {
		if f.Severity == msi.SeverityError {
			msgs = append(msgs, f.Message)
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return fmt.Errorf("%s: %s", subject, strings.Join(msgs, "; "))
}

func msiPrintReport(w io.Writer, r *msi.Report) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(tw, "%s\t%s\n", k, v) }
	row("ProductName", r.ProductName)
	row("ProductVersion", r.ProductVersion)
	row("Manufacturer", r.Manufacturer)
	row("ProductCode", r.ProductCode)
	row("UpgradeCode", r.UpgradeCode)
	row("PackageCode", r.PackageCode)
	row("ProductLanguage", r.ProductLanguage)
	row("Platform", r.Platform)
	row("Template", r.Summary.Template)
	install := "per-user"
	if r.PerMachine {
		install = "per-machine"
	}
	row("Install context", fmt.Sprintf("%s (ALLUSERS=%q)", install, r.AllUsers))
	row("Properties", fmt.Sprint(len(r.Properties)))
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(r.Features) > 0 {
		fmt.Fprintln(w, "\nFeatures:")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  Feature\tParent\tLevel\tTitle")
		for _, f := range r.Features {
			fmt.Fprintf(tw, "  %s\t%s\t%d\t%s\n", f.Feature, f.Parent, f.Level, f.Title)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	return msiPrintFindings(w, r.Findings)
}

func msiPrintComparison(w io.Writer, c *msi.Comparison) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\tOLD\tNEW")
	for _, f := range []struct{ k, o, n string }{
		{"ProductName", c.Old.ProductName, c.New.ProductName},
		{"ProductVersion", c.Old.ProductVersion, c.New.ProductVersion},
		{"UpgradeCode", c.Old.UpgradeCode, c.New.UpgradeCode},
		{"ProductCode", c.Old.ProductCode, c.New.ProductCode},
		{"PackageCode", c.Old.PackageCode, c.New.PackageCode},
		{"ProductLanguage", c.Old.ProductLanguage, c.New.ProductLanguage},
		{"Platform", c.Old.Platform, c.New.Platform},
	} {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", f.k, f.o, f.n)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return msiPrintFindings(w, c.Findings)
}

func msiPrintFindings(w io.Writer, fs []msi.Finding) error {
	if len(fs) == 0 {
		_, err := fmt.Fprintln(w, "\nNo findings.")
		return err
	}
	fmt.Fprintln(w, "\nFindings:")
	for _, f := range fs {
		where := f.Table
		if f.Row != "" {
			where += " " + f.Row
		}
		if where != "" {
			where = " [" + where + "]"
		}
		if _, err := fmt.Fprintf(w, "  %-7s %s%s\n          %s\n", f.Severity, f.Message, where, f.Advice); err != nil {
			return err
		}
	}
	return nil
}
