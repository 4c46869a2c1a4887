package doctor

import (
	"fmt"
	"io"
	"strings"
)

// WriteText renders the report for a terminal: verdicts spelled out in
// brackets (never colour alone), fixes after an arrow.
func (r Report) WriteText(w io.Writer) error {
	var b strings.Builder
	kind := "Computer"
	if r.Kind == User {
		kind = "User"
	}
	fmt.Fprintf(&b, "%s %s\n  %s\n", kind, r.Target, r.DN)
	fmt.Fprintf(&b, "  OU chain: %s\n", strings.Join(r.Chain, " > "))
	if len(r.Groups) > 0 {
		fmt.Fprintf(&b, "  Groups: %s\n", strings.Join(r.Groups, ", "))
	}
	if r.Site != nil {
		if r.Site.Known {
			fmt.Fprintf(&b, "  Site: %s\n", r.Site.Name)
		}
		writeFindings(&b, r.Site.Reasons)
	}
	if lb := r.Loopback; lb != nil {
		fmt.Fprintf(&b, "  Loopback processing: %s mode, set by GPO %q %s on %s\n", strings.ToUpper(lb.Mode), lb.GPOName, lb.GPO, lb.Computer)
		if lb.Mode == "replace" {
			fmt.Fprintf(&b, "    the user's User Configuration comes only from the GPOs of %s's OUs (%s); the GPOs of the user's own OUs are not applied on it\n",
				lb.Computer, strings.Join(lb.ComputerChain, " > "))
		} else {
			fmt.Fprintf(&b, "    the user's own GPOs apply, then those of %s's OUs (%s), which win a conflict\n", lb.Computer, strings.Join(lb.ComputerChain, " > "))
		}
		if len(lb.Others) > 0 {
			fmt.Fprintf(&b, "    also set, with lower precedence (overridden): %s\n", strings.Join(lb.Others, ", "))
		}
	}
	fmt.Fprintf(&b, "\nGPOs on the way (%s Configuration), highest precedence first:\n", kind)
	for _, g := range r.GPOs {
		state := "does not apply"
		switch {
		case g.OnlyInSite != "":
			state = "CANNOT TELL: applies only in site " + g.OnlyInSite
		case g.Applies:
			state = fmt.Sprintf("APPLIES (precedence %d)", g.Precedence)
		}
		fmt.Fprintf(&b, "\n  %s %s — %s\n", g.Name, g.GUID, state)
		writeFindings(&b, g.Reasons)
	}
	if len(r.GPOs) == 0 {
		b.WriteString("  none: no GPO is linked on the way to this object\n")
	}
	b.WriteString("\nSoftware Installation packages of the GPOs that apply:\n")
	for _, p := range r.Packages {
		fmt.Fprintf(&b, "\n  %s (GPO %s) — %s\n", p.Name, p.GPO, strings.ToUpper(p.Action))
		writeFindings(&b, p.Reasons)
	}
	if len(r.Packages) == 0 {
		b.WriteString("  none\n")
	}
	if len(r.Replication) > 0 {
		b.WriteString("\nDomain controllers (each GPO on the way, compared with the PDC emulator):\n")
		writeFindings(&b, r.Replication)
	}
	b.WriteString("\nConfirm on the client:\n")
	for _, c := range r.ClientChecks {
		fmt.Fprintf(&b, "  %s\n", c)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	if r.UserReport != nil {
		if _, err := io.WriteString(w, "\n"+strings.Repeat("-", 60)+"\n\n"); err != nil {
			return err
		}
		return r.UserReport.WriteText(w)
	}
	return nil
}

func writeFindings(b *strings.Builder, fs []Finding) {
	for _, f := range fs {
		fmt.Fprintf(b, "    [%s] %s: %s\n", f.Verdict, f.Check, f.Text)
		if f.Fix != "" {
			fmt.Fprintf(b, "        -> %s\n", f.Fix)
		}
	}
}
