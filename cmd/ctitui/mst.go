package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ctitui/ctitui/gpo/msi"
)

// newMSTCmd groups the offline transform commands. Like the msi commands
// they read and write local files only.
func newMSTCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mst",
		Short: "Make and read MSI transforms (.mst) offline, to preset an MSI's properties",
		Long: `Group Policy Software Installation cannot pass PROPERTY=value to msiexec:
public properties of an MSI (a server address, a licence key, ALLUSERS,
auto-update off) are preset for every computer with a transform, listed
after the MSI in the package. These commands make such a transform for one
MSI and read one back, without Windows.`,
	}
	cmd.AddCommand(newMSTCreateCmd(), newMSTInspectCmd())
	return cmd
}

// parseSetFlags splits NAME=VALUE arguments, keeping their order.
func parseSetFlags(sets []string) ([]msi.Property, error) {
	out := make([]msi.Property, 0, len(sets))
	for _, s := range sets {
		name, value, ok := strings.Cut(s, "=")
		if !ok {
			return nil, &usageError{msg: fmt.Sprintf("--set %q: want NAME=VALUE", s)}
		}
		out = append(out, msi.Property{Name: name, Value: value})
	}
	return out, nil
}

func newMSTCreateCmd() *cobra.Command {
	var out string
	var sets, removes []string
	var noValidation bool
	cmd := &cobra.Command{
		Use:   "create MSI -o OUT.mst --set NAME=VALUE... [--remove NAME...]",
		Short: "Make a transform that sets (or removes) public properties of one MSI",
		Long: `Writes a transform of the MSI's Property table: --set adds a property or
changes its value, --remove takes it out. Only public properties (names
without lower-case letters) can be preset; values are stored in the MSI's
code page. The transform names the MSI's ProductCode, version and
UpgradeCode and asks Windows Installer to refuse it for any other product,
version or language (validation; --no-validation turns that off). Put the
.mst next to the MSI on the share and list it after the MSI in the package.`,
		Args: msiFileArgs(1, "one MSI file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return &usageError{msg: "mst create needs -o OUT.mst"}
			}
			if len(sets) == 0 && len(removes) == 0 {
				return &usageError{msg: "mst create needs at least one --set NAME=VALUE or --remove NAME"}
			}
			props, err := parseSetFlags(sets)
			if err != nil {
				return err
			}
			base, err := msi.Open(args[0])
			if err != nil {
				return err
			}
			defer base.Close()
			tc, err := msi.PropertyChanges(base, props, removes)
			if err != nil {
				return err
			}
			if len(tc.Rows) == 0 {
				return fmt.Errorf("%s already has these values: the transform would change nothing", args[0])
			}
			opt := msi.TransformOptions{Validation: msi.DefaultValidation}
			if noValidation {
				opt.Validation = 0
			}
			var buf bytes.Buffer
			if err := msi.CreateTransform(&buf, base, []msi.TableChange{tc}, opt); err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			if err := writeFileAtomic(out, buf.Bytes()); err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "wrote %s (%d bytes) for %s\n", out, buf.Len(), args[0])
			for _, r := range tc.Rows {
				name := r.Cells["Property"].Str
				if r.Op == msi.RowDelete {
					fmt.Fprintf(w, "  %-6s %s\n", r.Op, name)
				} else {
					fmt.Fprintf(w, "  %-6s %s=%s\n", r.Op, name, r.Cells["Value"].Str)
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "the transform to write")
	cmd.Flags().StringArrayVar(&sets, "set", nil, "NAME=VALUE to set (repeatable)")
	cmd.Flags().StringArrayVar(&removes, "remove", nil, "NAME to remove (repeatable)")
	cmd.Flags().BoolVar(&noValidation, "no-validation", false, "let the transform apply to any MSI (not advised)")
	return cmd
}

// writeFileAtomic writes next to path and renames, so a reader never sees
// half a transform.
func writeFileAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".ctitui-mst-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

// mstReport is what mst inspect prints as JSON.
type mstReport struct {
	*msi.TransformInfo
	ValidationNames []string    `json:"ValidationNames"`
	Properties      []mstChange `json:"PropertyChanges"`
	Base            string      `json:"CheckedAgainst,omitempty"`
	Applies         *bool       `json:"Applies,omitempty"`
	WhyNot          []string    `json:"WhyNot,omitempty"`
}

type mstChange struct {
	Op    string `json:"op"`
	Name  string `json:"name"`
	Value string `json:"value,omitempty"`
}

func newMSTInspectCmd() *cobra.Command {
	var asJSON bool
	var basePath string
	cmd := &cobra.Command{
		Use:   "inspect MST [--msi BASE] [--json]",
		Short: "Show what a transform changes, which product it is for and whether it applies to an MSI",
		Long: `Reads a transform: the product it was made for (ProductCode, version,
UpgradeCode), the validation Windows Installer applies, and the properties
it adds, changes or removes. With --msi, says whether Windows Installer
would apply it to that MSI and, if not, why; the exit status is then 1 when
it would not.`,
		Args: msiFileArgs(1, "one transform file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var base *msi.Package
			if basePath != "" {
				p, err := msi.Open(basePath)
				if err != nil {
					return err
				}
				defer p.Close()
				base = p
			}
			info, err := msi.OpenTransform(args[0], base)
			if err != nil {
				return err
			}
			rep := mstReport{TransformInfo: info, ValidationNames: info.Validation.Names(), Properties: []mstChange{}}
			names, values, ops := info.PropertyEdits()
			for _, n := range names {
				c := mstChange{Op: ops[n].String(), Name: n}
				if ops[n] != msi.RowDelete {
					c.Value = values[n]
				}
				rep.Properties = append(rep.Properties, c)
			}
			if base != nil {
				why, err := info.Check(base)
				if err != nil {
					return fmt.Errorf("%s: %w", basePath, err)
				}
				ok := len(why) == 0
				rep.Base, rep.Applies, rep.WhyNot = basePath, &ok, why
			}
			w := cmd.OutOrStdout()
			if asJSON {
				if err := msiWriteJSON(w, rep); err != nil {
					return err
				}
			} else if err := mstPrint(w, rep); err != nil {
				return err
			}
			if rep.Applies != nil && !*rep.Applies {
				return fmt.Errorf("%s does not apply to %s: %s", args[0], basePath, strings.Join(rep.WhyNot, "; "))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().StringVar(&basePath, "msi", "", "an MSI to check the transform against")
	return cmd
}

func mstPrint(w io.Writer, r mstReport) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(tw, "%s\t%s\n", k, v) }
	row("For ProductCode", r.BaseProductCode)
	row("For version", r.BaseVersion)
	row("UpgradeCode", orDash(r.UpgradeCode))
	if r.TargetProductCode != r.BaseProductCode || r.TargetVersion != r.BaseVersion {
		row("Makes it", r.TargetProductCode+" "+r.TargetVersion)
	}
	row("Platform;languages", r.Summary.Template)
	row("Code page", fmt.Sprint(r.Codepage))
	v := "none: applies to any MSI"
	if len(r.ValidationNames) > 0 {
		v = strings.Join(r.ValidationNames, ", ")
	}
	row("Validation", v)
	row("Created by", orDash(r.Summary.AppName))
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nProperty changes:")
	if len(r.Properties) == 0 {
		fmt.Fprintln(w, "  none")
	}
	for _, c := range r.Properties {
		if c.Op == msi.RowDelete.String() {
			fmt.Fprintf(w, "  %-6s %s\n", c.Op, c.Name)
		} else {
			fmt.Fprintf(w, "  %-6s %s=%s\n", c.Op, c.Name, c.Value)
		}
	}
	for _, tc := range r.Tables {
		if tc.Table != "Property" {
			fmt.Fprintf(w, "  table %s: %d rows changed\n", tc.Table, len(tc.Rows))
		}
	}
	for _, t := range r.Undecoded {
		fmt.Fprintf(w, "  table %s: changed (give --msi to decode it)\n", t)
	}
	if r.Applies != nil {
		if *r.Applies {
			fmt.Fprintf(w, "\nApplies to %s.\n", r.Base)
		} else {
			fmt.Fprintf(w, "\nDoes not apply to %s:\n", r.Base)
			for _, why := range r.WhyNot {
				fmt.Fprintf(w, "  %s\n", why)
			}
		}
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
