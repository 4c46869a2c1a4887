package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/domain/smb"
	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/doctor"
	"github.com/ctitui/ctitui/gpo/si"
	"github.com/ctitui/ctitui/gpo/si/deploy"
)

// advice is the message ctitui prints for err from the command at path
// ("ctitui deploy"): the engine says what happened (typed errors, no flags),
// and here each typed error's text in the chain is replaced by the same
// facts with the flags and commands that remedy them, as ctitui has always
// worded them. Wrapping context around an engine error stays as it is.
func advice(path string, err error) string {
	msg := err.Error()
	walk(err, func(e error) {
		if text, ok := remedy(path, e); ok {
			if old := e.Error(); old != text {
				if i := strings.LastIndex(msg, old); i >= 0 {
					msg = msg[:i] + text + msg[i+len(old):]
				}
			}
		}
	})
	return msg
}

// walk calls fn on err and every error it wraps, outermost first.
func walk(err error, fn func(error)) {
	if err == nil {
		return
	}
	fn(err)
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		walk(u.Unwrap(), fn)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			walk(e, fn)
		}
	}
}

// remedy is ctitui's wording of one engine error, when it has one.
func remedy(path string, e error) (string, bool) {
	deploying := strings.HasSuffix(path, " deploy")
	switch e {
	case gpo.ErrNoGPO:
		return "no GPO given: pass its display name or {GUID} (ctitui gpo list shows them)", true
	case si.ErrPublishedToComputers:
		if deploying {
			return "--published is for User Configuration only: Windows does not publish applications to computers; add --user-config or drop --published", true
		}
		return e.Error() + "; use Assigned (the guide's choice) or --user-config", true
	case deploy.ErrNoOU:
		return "no OU: give --ou with the DN of the OU holding the target computers (or users)", true
	case doctor.ErrNoTarget:
		return "name a computer (--computer) or a user (--user) to diagnose", true
	}
	switch e := e.(type) {
	case *domain.ConfigError:
		return configAdvice(e)
	case *domain.KerberosError:
		return kerberosAdvice(e)
	case *domain.NotFoundError:
		switch e.Kind {
		case domain.KindGroup:
			return e.Error() + " (ctitui group list shows the security groups)", true
		case domain.KindComputer:
			return e.Error() + " (names starting with it: ctitui computer find " + e.Prefix + ")", true
		case domain.KindOU:
			return e.Error() + " (ctitui ou list shows them)", true
		}
	case *smb.AuthError:
		switch e.Problem {
		case smb.AuthNoUser:
			return "no user given for SMB: pass --user (user@domain or DOMAIN\\user)", true
		case smb.AuthUserNoDomain:
			return fmt.Sprintf("user %q has no domain: write user@domain, DOMAIN\\user, or pass --domain", e.User), true
		case smb.AuthEmptyPassword:
			return e.Error() + " (give it with --password-file, CTITUI_PASSWORD or at the prompt)", true
		}
	case *smb.ShareNotFoundError:
		return e.Error() + " (ctitui share list shows them)", true
	case *smb.ExistsError:
		return strings.TrimSuffix(e.Error(), ")") + ", ctitui's --overwrite)", true
	case *gpo.NotFoundError:
		switch {
		case e.Kind == gpo.KindGPO && e.GUID != "":
			return e.Error() + " (ctitui gpo list shows them)", true
		case e.Kind == gpo.KindGPO:
			return fmt.Sprintf("no GPO named %q in %s (ctitui gpo list shows them; names are compared exactly, ignoring case)", e.Name, e.Domain), true
		case e.Kind == gpo.KindWMIFilter:
			return e.Error() + " (ctitui gpo wmi-filter list shows them)", true
		}
	case *gpo.ExistsError:
		if e.Kind == gpo.KindWMIFilter {
			return fmt.Sprintf("a WMI filter named %q exists with a different query; give --name", e.Name), true
		}
		return fmt.Sprintf("a GPO named %q already exists (%s); choose another name, or pass --reuse to use that GPO", e.Name, e.GUID), true
	case *si.NotFoundError:
		if e.Kind == si.KindPackage {
			return fmt.Sprintf("%s; ctitui pkg list %q shows them", e.Error(), e.GPO), true
		}
		return fmt.Sprintf("%s; ctitui pkg category list shows them, ctitui pkg category add %q makes it", e.Error(), e.Name), true
	case *si.SameProductError:
		tail := "or use pkg redeploy to push the same product again"
		if deploying {
			tail = "or redeploy the package (ctitui pkg redeploy) to push the same product again"
		}
		return strings.TrimSuffix(e.Error(), "or redeploy the package to push the same product again") + tail, true
	case *si.OtherProductError:
		return fmt.Sprintf("the MSI at %s now has ProductCode %s, the package was made for %s: that is another product version; use pkg upgrade", e.MSIPath, e.Now, e.Was), true
	case *si.SourceMissingError:
		return fmt.Sprintf("%s (ctitui share upload LOCAL.msi %s --set-acl, or ctitui deploy)", e.Error(), e.Dir), true
	case *si.UnreadableError:
		if e.Folder != "" {
			return e.Error() + " (ctitui share upload ... --set-acl sets Domain Computers Read, Domain Admins and SYSTEM Full control)", true
		}
		return fmt.Sprintf("computers cannot read %s: %s; give Authenticated Users or Domain Computers Read on the GPO (ctitui gpo filter) and run again", e.Path, e.Why), true
	case *deploy.WMIError:
		return fmt.Sprintf("--wmi %q is neither a preset (%s) nor a WQL query: %v", e.Value, e.Presets, e.Err), true
	case *deploy.InPlaceError:
		return fmt.Sprintf("in-place upgrade of %q is meaningless: %s. %s (or upgrade with --upgrade-mode uninstall)", e.Package, e.Message, e.Advice), true
	case *doctor.AddressError:
		return "--ip " + e.Error(), true
	}
	return "", false
}

// configAdvice words the connection failures with the flags that set the
// connection.
func configAdvice(e *domain.ConfigError) (string, bool) {
	t := e.Error()
	switch e.Problem {
	case domain.ProblemNoDC:
		return t + ": pass --dc (host name or address of a DC)", true
	case domain.ProblemNoUser:
		return t + ": pass --user (user@domain or DOMAIN\\user)", true
	case domain.ProblemNoKerberosUser:
		return t + ": pass --user (user@domain) or use a ticket cache from kinit", true
	case domain.ProblemUserNoDomain:
		return fmt.Sprintf("user %q has no domain: write user@domain, DOMAIN\\user, or pass --domain", e.Name), true
	case domain.ProblemUserNoRealm:
		return fmt.Sprintf("user %q has no realm: write user@domain or pass --domain", e.Name), true
	case domain.ProblemEmptyPassword:
		return t + " (give it with --password-file, CTITUI_PASSWORD or at the prompt)", true
	case domain.ProblemUntrustedCA:
		return t + "; pass --ca-file with your domain's CA certificate (PEM)", true
	case domain.ProblemCertName:
		return t + " with --dc", true
	case domain.ProblemStrongAuthRequired:
		return fmt.Sprintf("%v: the DC requires a protected connection; use LDAPS (default) or --starttls", e.Err), true
	case domain.ProblemSPNHostUnknown:
		return t + " (or give it with --dc as a full DNS name)", true
	case domain.ProblemSPNHostNotAnnounced:
		return t + ": give it with --dc as a full DNS name", true
	case domain.ProblemTicketRejected:
		return t + ", or --dc does not name this DC", true
	case domain.ProblemNoClientCredentials:
		return t + "; give a password, --keytab, or KRB5CCNAME", true
	case domain.ProblemLocateNoDomain:
		return t + ": pass --domain (or --dc with a DC's name)", true
	case domain.ProblemLocateNoSRV:
		return t + " Otherwise pass --dc", true
	case domain.ProblemLocateFailed:
		return t + " (pass --dc to skip the DNS lookup)", true
	case domain.ProblemLocateNoDC:
		return t + "; pass --dc", true
	case domain.ProblemSSPINoCredentials:
		return t + ": give --user and a password", true
	case domain.ProblemSSPINoSPN:
		return t + ": give the DC's full DNS name with --dc", true
	case domain.ProblemLogonSessionWindows:
		return t + ": run kinit, or give a password or --keytab", true
	}
	return "", false
}

// kerberosAdvice words the Kerberos failures that a flag remedies.
func kerberosAdvice(e *domain.KerberosError) (string, bool) {
	a := e.Advice
	switch e.Problem {
	case domain.ProblemNoCCache:
		a += " (or give a password or --keytab)"
	case domain.ProblemCCacheOtherUser:
		a += ", or drop --user"
	case domain.ProblemKDCUnknownUser:
		a += " (--domain)"
	case domain.ProblemKDCNoSPN:
		a = fmt.Sprintf("the domain has no service principal %s: give the DC's full DNS name with --dc (or the SPN host), not an alias or address", e.Name)
	case domain.ProblemKDCWrongRealm:
		a = fmt.Sprintf("the KDC is not for realm %s: check --domain and the realm's kdc in krb5.conf", e.Name)
	case domain.ProblemNoKDC:
		a = fmt.Sprintf("no KDC known for realm %s: pass --dc, or add the realm with its kdc to krb5.conf", e.Name)
	case domain.ProblemKDCUnreachable:
		a = fmt.Sprintf("cannot reach a Kerberos KDC of realm %s (TCP/UDP port 88): check --dc or the realm's kdc in krb5.conf and the firewall: %v", e.Name, e.Err)
	default:
		return "", false
	}
	if e.Code != "" {
		a = fmt.Sprintf("%s (Kerberos %s)", a, e.Code)
	}
	return a, true
}

// noteAdvice rewords the plan notes that ctitui has always said with a
// command: the engine's sentence, then ctitui's command for it.
var noteAdvice = []struct {
	re   *regexp.Regexp
	with func(m []string) string
}{
	{regexp.MustCompile(`^(.* Add the target computers to )(.+), or use User Configuration\.$`),
		func(m []string) string {
			return m[1] + m[2] + " (ctitui group list " + strconv.Quote(m[2]) + " --members shows its computers), or use User Configuration."
		}},
	{regexp.MustCompile(`^packages get the category (".*") when added with it or when their categories are set$`),
		func(m []string) string {
			return "packages get the category with pkg add --category " + m[1] + " or pkg category set"
		}},
	{regexp.MustCompile(`^(clients uninstall .* keep the package object until they have), then delete it$`),
		func(m []string) string { return m[1] + ", then pkg delete" }},
	{regexp.MustCompile(`^(".*" is still deployed: clients that have it keep it and never hear of a removal); remove it first if they should uninstall it$`),
		func(m []string) string { return m[1] + "; pkg remove first if they should uninstall it" }},
}

// adviseNotes rewrites notes in place with ctitui's commands.
func adviseNotes(notes []string) {
	for i, n := range notes {
		for _, a := range noteAdvice {
			if m := a.re.FindStringSubmatch(n); m != nil {
				notes[i] = a.with(m)
				break
			}
		}
	}
}

// adviseReport words the doctor's remedies with ctitui's commands, as the
// text and JSON reports have always shown them.
func adviseReport(r *doctor.Report) {
	r.EachFinding(func(f *doctor.Finding) {
		if f.Remedy == nil {
			return
		}
		x := f.Remedy
		switch x.Action {
		case doctor.ActionEnableLink:
			f.Fix = fmt.Sprintf("enable the link on %s (ctitui gpo link %q %q)", x.Where, x.GPO, x.SOM)
		case doctor.ActionUnblock:
			f.Fix = fmt.Sprintf("remove Block Inheritance on %s (ctitui ou block ... off), enforce the link on %s, or link the GPO below the block", x.SOM, x.Where)
		case doctor.ActionEnableHalf:
			f.Fix = fmt.Sprintf("enable them: ctitui gpo status %q --%s on", x.GPO, x.Half)
		case doctor.ActionDetachWMI:
			f.Fix = fmt.Sprintf("detach it: ctitui gpo wmi %q --none", x.GPO)
		case doctor.ActionChangeWMI:
			f.Fix = strings.Replace(f.Fix, ", or none; ", ", or none (ctitui gpo wmi ... --preset/--none); ", 1)
		case doctor.ActionRedeploy:
			f.Fix += " (ctitui pkg redeploy)"
		case doctor.ActionRedeployOrACL:
			f.Fix = strings.Replace(f.Fix, "redeploy the package", "redeploy the package (ctitui pkg redeploy)", 1)
		case doctor.ActionShareACL:
			f.Fix = strings.Replace(f.Fix, "on the share folder", "on the share folder (ctitui share upload --set-acl)", 1)
		case doctor.ActionGiveSite:
			f.Fix = "run nltest /dsgetsite on the computer, then ctitui doctor --site NAME (or --ip ADDRESS) to include that site's GPOs"
			f.Text = strings.Replace(f.Text, " (given) is in no subnet", " (given with --ip) is in no subnet", 1)
		case doctor.ActionGiveThisSite:
			f.Fix = fmt.Sprintf("run nltest /dsgetsite on the computer; if it names %s, ctitui doctor --site %q shows the full answer", x.Site, x.Site)
		case doctor.ActionSiteGiven:
			f.Text = strings.TrimSuffix(f.Text, ": given") + ": given with --site"
		case doctor.ActionAddressGiven:
			f.Text = strings.Replace(f.Text, " (given) is in subnet", " (given with --ip) is in subnet", 1)
		case doctor.ActionRecoverOrDelete:
			f.Fix = fmt.Sprintf("if a cut-off run left it, ctitui recover undoes it (when it says so); else ctitui gpo delete %q and deploy again", x.GPO)
		case doctor.ActionRedeployExtensions:
			f.Fix = fmt.Sprintf("ctitui pkg redeploy %q PACKAGE writes the extension names again", x.GPO)
		}
	})
}

// deployment is the deployment type a --published flag asks for.
func deployment(published bool) si.Deployment {
	if published {
		return si.Published
	}
	return si.Assigned
}

// halfOf is the half of the GPO a --user-config flag asks for.
func halfOf(userConfig bool) gpo.Half {
	if userConfig {
		return gpo.User
	}
	return gpo.Computer
}
