package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/ctitui/ctitui/gpo/aas"
	"github.com/ctitui/ctitui/gpo/msi"
	"github.com/spf13/cobra"
)

func newAASCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "aas",
		Short: "Work with application advertise scripts (.aas)",
	}
	var asJSON bool
	dump := &cobra.Command{
		Use:   "dump FILE",
		Short: "Print an advertise script in the friendly representation of [MS-GPSI] 4.2",
		Long: `Print every record of an advertise script (.aas), ours or one copied from a
production SYSVOL, as [MS-GPSI] 4.2 and Windows Installer logs show them:
opcode names, argument names and values. Records with opcodes ctitui does
not know are printed with their raw arguments. A script in the old layout
(a pad byte after odd-length strings, as ctitui wrote before it matched the
scripts Windows writes) is still decoded, with a note. A damaged file prints
the records before the damage and fails with the offset of the fault.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			recs, oldLayout, readErr := aas.ReadScript(data)
			if readErr != nil {
				readErr = fmt.Errorf("%s: %w", args[0], readErr)
			}
			if asJSON {
				return writeAASJSON(cmd.OutOrStdout(), args[0], recs, oldLayout, readErr)
			}
			if oldLayout {
				fmt.Fprintf(cmd.ErrOrStderr(), "note: %s: %s\n", args[0], oldLayoutAdvice)
			}
			if _, err := io.WriteString(cmd.OutOrStdout(), aas.Friendly(recs)); err != nil {
				return err
			}
			return readErr
		},
	}
	dump.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.AddCommand(dump, newAASBuildCmd())
	return cmd
}

// oldLayoutAdvice is what the console says of a script in the old, padded
// layout (aas.OldLayout).
const oldLayoutAdvice = "advertise script in the old layout: redeploy to rewrite it"

func newAASBuildCmd() *cobra.Command {
	var packagePath, scope, at, out string
	cmd := &cobra.Command{
		Use:   "build MSI --package-path '\\\\server\\share\\folder\\file.msi' -o OUT.aas",
		Short: "Build, offline, the advertise script pkg add would write for an MSI at a path",
		Long: `Builds the advertise script (.aas) that 'pkg add' writes to SYSVOL for
this MSI when clients install it from --package-path, with the same builder,
without connecting to the domain: for audits, for comparing with a script
copied from a production SYSVOL ('aas dump' both), and for tests. Every value
comes from the MSI (identity, features, icons, code page, platform) and the
path; --time sets the header timestamp (default: now, local time), the only
part that depends on when the script is written. The path is encoded as
given: a drive path such as C:\share\file.msi, which 'pkg add' refuses, is
accepted here to reproduce scripts made from one.`,
		Args: msiFileArgs(1, "one MSI file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if packagePath == "" {
				return &usageError{msg: "aas build needs --package-path, the path clients install the MSI from"}
			}
			if out == "" {
				return &usageError{msg: "aas build needs -o OUT.aas"}
			}
			var sc aas.Scope
			switch strings.ToLower(scope) {
			case "computer":
				sc = aas.ScopeComputer
			case "user":
				sc = aas.ScopeUser
			default:
				return &usageError{msg: fmt.Sprintf("--scope must be computer or user, not %q", scope)}
			}
			when := time.Now()
			if at != "" {
				var err error
				if when, err = time.Parse(time.RFC3339, at); err != nil {
					return &usageError{msg: fmt.Sprintf("--time %q is not an RFC 3339 time like 2026-12-04T15:04:05+03:00", at)}
				}
			}
			p, err := msi.Open(args[0])
			if err != nil {
				return err
			}
			defer p.Close()
			script, err := aas.BuildFromMSI(p, packagePath, sc, when)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			if err := os.WriteFile(out, script, 0o644); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s (%d bytes)\n", out, len(script))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&packagePath, "package-path", "", `path clients install the MSI from, e.g. \\server\share\folder\file.msi`)
	f.StringVar(&scope, "scope", "computer", "computer or user (Windows writes the same script for both)")
	f.StringVar(&at, "time", "", "header timestamp, RFC 3339; its clock time is written as given, the header has no time zone (default now, local time)")
	f.StringVarP(&out, "output", "o", "", "file to write the script to")
	return cmd
}

// writeAASJSON prints the records, and the read error if any, as one JSON
// object, then returns the read error so that the exit code reflects it.
func writeAASJSON(w io.Writer, file string, recs []aas.Record, oldLayout bool, readErr error) error {
	out := struct {
		File      string           `json:"file"`
		OldLayout bool             `json:"oldLayout"`
		Records   []aas.JSONRecord `json:"records"`
		Error     string           `json:"error,omitempty"`
	}{File: file, OldLayout: oldLayout, Records: aas.JSONView(recs)}
	if readErr != nil {
		out.Error = readErr.Error()
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	return readErr
}
