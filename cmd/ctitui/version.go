package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version and commit are stamped at link time by `make dist`
// (scripts/dist.sh): -ldflags "-X main.version=v1.2.3 -X main.commit=abc123".
// A plain `go build` leaves version "dev" and takes the commit from the VCS
// information the Go toolchain records, when it records any.
var (
	version = "dev"
	commit  = ""
)

// versionLine is what both `ctitui --version` and `ctitui version` print:
// version, commit, the Go toolchain and the platform, on one line so that a
// script can read it.
func versionLine() string {
	c := commit
	if c == "" {
		c = buildRevision()
	}
	return fmt.Sprintf("ctitui %s (commit %s, %s, %s/%s)\n", version, c, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit, Go version and platform of ctitui",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprint(cmd.OutOrStdout(), versionLine())
			return nil
		},
	}
}

// buildRevision reports the VCS revision the binary was built from, when the
// Go toolchain recorded one.
func buildRevision() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "unknown"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	return rev
}
