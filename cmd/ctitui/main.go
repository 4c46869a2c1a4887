// Command ctitui is a terminal console for deploying MSI applications through
// Active Directory Group Policy Software Installation from a Linux (or any)
// host, talking LDAP and SMB directly to a domain controller.
//
// This package holds flags, configuration and wiring only; the work is done
// by the domain, gpo and ui packages.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
)

func main() {
	ctx, stop := interruptContext(context.Background(), os.Stderr)
	defer stop()

	root := newRootCmd(os.Stdout, os.Stderr)
	if cmd, err := root.ExecuteContextC(ctx); err != nil {
		var ue *usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(os.Stderr, "ctitui: %v\n", err)
			os.Exit(2)
		}
		fmt.Fprintf(os.Stderr, "ctitui: %s\n", advice(cmd.CommandPath(), err))
		os.Exit(1)
	}
}
