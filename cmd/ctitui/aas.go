package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/ctitui/ctitui/gpo/aas"
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
not know are printed with their raw arguments. A script written without the
pad bytes the spec requires after odd-length strings is still decoded, with
a note. A damaged file prints the records before the damage and fails with
the offset of the fault.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			recs, padded, readErr := aas.ReadScript(data)
			if readErr != nil {
				readErr = fmt.Errorf("%s: %w", args[0], readErr)
			}
			if asJSON {
				return writeAASJSON(cmd.OutOrStdout(), args[0], recs, padded, readErr)
			}
			if !padded {
				fmt.Fprintf(cmd.ErrOrStderr(), "note: %s was read without the pad bytes [MS-GPSI] 2.2.4 requires after odd-length strings\n", args[0])
			}
			if _, err := io.WriteString(cmd.OutOrStdout(), aas.Friendly(recs)); err != nil {
				return err
			}
			return readErr
		},
	}
	dump.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.AddCommand(dump)
	return cmd
}

// writeAASJSON prints the records, and the read error if any, as one JSON
// object, then returns the read error so that the exit code reflects it.
func writeAASJSON(w io.Writer, file string, recs []aas.Record, padded bool, readErr error) error {
	out := struct {
		File    string           `json:"file"`
		Padded  bool             `json:"padded"`
		Records []aas.JSONRecord `json:"records"`
		Error   string           `json:"error,omitempty"`
	}{File: file, Padded: padded, Records: aas.JSONView(recs)}
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
