package main

import (
	"errors"
	"fmt"
	"testing"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/domain/smb"
	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/doctor"
	"github.com/ctitui/ctitui/gpo/si"
	"github.com/ctitui/ctitui/gpo/si/deploy"
)

// TestAdviceKeepsTheTexts: the engine's typed errors, wrapped as the engine
// wraps them, print as ctitui has always printed them.
func TestAdviceKeepsTheTexts(t *testing.T) {
	for _, tc := range []struct {
		path string
		err  error
		want string
	}{
		{"ctitui gpo show", fmt.Errorf("show: %w", gpo.ErrNoGPO), "show: no GPO given: pass its display name or {GUID} (ctitui gpo list shows them)"},
		{"ctitui gpo show", &gpo.NotFoundError{Kind: gpo.KindGPO, Name: "X", Domain: "cti.test"}, `no GPO named "X" in cti.test (ctitui gpo list shows them; names are compared exactly, ignoring case)`},
		{"ctitui gpo show", &gpo.NotFoundError{Kind: gpo.KindGPO, GUID: "{A}", Domain: "cti.test"}, `no GPO {A} in cti.test (ctitui gpo list shows them)`},
		{"ctitui gpo create", &gpo.ExistsError{Kind: gpo.KindGPO, Name: "X", GUID: "{A}"}, `a GPO named "X" already exists ({A}); choose another name, or pass --reuse to use that GPO`},
		{"ctitui gpo link", fmt.Errorf("link: %w", &domain.NotFoundError{Kind: domain.KindOU, Name: "OU=a"}), `link: OU "OU=a" does not exist: check the DN (ctitui ou list shows them)`},
		{"ctitui computer show", &domain.NotFoundError{Kind: domain.KindComputer, Name: "pc.x", Prefix: "pc"}, `computer "pc.x" not found in the domain: check the name (names starting with it: ctitui computer find pc)`},
		{"ctitui pkg add", si.ErrPublishedToComputers, "Published deployment is for User Configuration only: Windows does not publish applications to computers; use Assigned (the guide's choice) or --user-config"},
		{"ctitui deploy", si.ErrPublishedToComputers, "--published is for User Configuration only: Windows does not publish applications to computers; add --user-config or drop --published"},
		{"ctitui pkg upgrade", fmt.Errorf("upgrade: %w", &si.SameProductError{Package: "P", Version: "1", ProductCode: "{C}"}), `upgrade: upgrade of "P" (1) is meaningless: both MSIs have ProductCode {C}; the guide: the new and old packages must differ in ProductCode or UpgradeCode for the upgrade to work. Ask the vendor for a package with a new ProductCode, or use pkg redeploy to push the same product again`},
		{"ctitui deploy", &si.SameProductError{Package: "P", Version: "1", ProductCode: "{C}"}, `upgrade of "P" (1) is meaningless: both MSIs have ProductCode {C}; the guide: the new and old packages must differ in ProductCode or UpgradeCode for the upgrade to work. Ask the vendor for a package with a new ProductCode, or redeploy the package (ctitui pkg redeploy) to push the same product again`},
		{"ctitui pkg add", &si.NotFoundError{Kind: si.KindCategory, Name: "N"}, `no application category "N"; ctitui pkg category list shows them, ctitui pkg category add "N" makes it`},
		{"ctitui pkg show", &si.NotFoundError{Kind: si.KindPackage, Name: "p", GPO: "G"}, `GPO "G" has no package "p"; ctitui pkg list "G" shows them`},
		{"ctitui share upload", fmt.Errorf("x: %w", &smb.ExistsError{Path: `\\h\s\a.msi`, There: 1, Here: 2}), `x: upload to \\h\s\a.msi: a different file already exists at the destination (1 bytes there, 2 here); replace it only on purpose (UploadOptions.Overwrite, ctitui's --overwrite)`},
		{"ctitui share list", &smb.AuthError{Problem: smb.AuthUserNoDomain, User: "u"}, `user "u" has no domain: write user@domain, DOMAIN\user, or pass --domain`},
		{"ctitui doctor", doctor.ErrNoTarget, "name a computer (--computer) or a user (--user) to diagnose"},
		{"ctitui doctor", &doctor.AddressError{Value: "x"}, `--ip "x" is not an IP address (give the computer's address, e.g. 10.1.2.17)`},
		{"ctitui deploy", &deploy.WMIError{Value: "w", Presets: "a, b", Err: errors.New("bad")}, `--wmi "w" is neither a preset (a, b) nor a WQL query: bad`},
		{"ctitui domain info", fmt.Errorf("connect: %w", mustConfigErr(t, domain.Config{})), `connect: no user given: pass --user (user@domain or DOMAIN\user)`},
		{"ctitui domain info", &domain.KerberosError{Code: "KDC_ERR_WRONG_REALM", Problem: domain.ProblemKDCWrongRealm, Name: "R", Advice: "x"}, "the KDC is not for realm R: check --domain and the realm's kdc in krb5.conf (Kerberos KDC_ERR_WRONG_REALM)"},
		{"ctitui gpo show", errors.New("plain"), "plain"},
	} {
		if got := advice(tc.path, tc.err); got != tc.want {
			t.Errorf("%s: %v\n got %s\nwant %s", tc.path, tc.err, got, tc.want)
		}
	}
}

func mustConfigErr(t *testing.T, cfg domain.Config) error {
	_, err := cfg.BindName()
	var ce *domain.ConfigError
	if !errors.As(err, &ce) || ce.Problem != domain.ProblemNoUser {
		t.Fatalf("BindName without a user: %v, want a ConfigError %s", err, domain.ProblemNoUser)
	}
	return ce
}

// TestAdviceNotes: the plan notes read as before.
func TestAdviceNotes(t *testing.T) {
	notes := []string{
		`WARNING: group G has no computers in it (directly or through nested groups), but this GPO's Computer Configuration settings apply to computer accounts only: as it is, the GPO installs nothing anywhere. Add the target computers to G, or use User Configuration.`,
		`packages get the category "C" when added with it or when their categories are set`,
		`"P" is still deployed: clients that have it keep it and never hear of a removal; remove it first if they should uninstall it`,
	}
	adviseNotes(notes)
	want := []string{
		`WARNING: group G has no computers in it (directly or through nested groups), but this GPO's Computer Configuration settings apply to computer accounts only: as it is, the GPO installs nothing anywhere. Add the target computers to G (ctitui group list "G" --members shows its computers), or use User Configuration.`,
		`packages get the category with pkg add --category "C" or pkg category set`,
		`"P" is still deployed: clients that have it keep it and never hear of a removal; pkg remove first if they should uninstall it`,
	}
	for i := range want {
		if notes[i] != want[i] {
			t.Errorf("note %d:\n got %s\nwant %s", i, notes[i], want[i])
		}
	}
}
