//go:build linux

package doctor

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/internal/testdomain"
)

// noDNS is a resolver that fails at once: the test domain has no DNS
// records for its computers, and the test must not wait on the host's.
func noDNS() *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(context.Context, string, string) (net.Conn, error) {
		return nil, errors.New("no DNS in this test")
	}}
}

// TestDoctorSites links a GPO to the forest's site and gives the site a
// subnet with samba-tool (not ctitui), then asks the doctor with and
// without knowing where the computer is.
func TestDoctorSites(t *testing.T) {
	w := open(t)
	d, s := w.d, w.s
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	const site, subnet, name = "Default-First-Site-Name", "10.99.0.0/16", "Doctor Site"
	p, c, err := s.CreatePlan(ctx, name, gpo.CreateOptions{})
	apply(t, p, err)
	t.Cleanup(func() {
		if p, _, err := s.DeletePlan(context.Background(), c.GUID); err == nil {
			_, _ = p.Apply(context.Background())
		}
	})
	siteDN := "CN=" + site + ",CN=Sites,CN=Configuration," + testdomain.BaseDN
	if _, err := d.SambaTool(ctx, "gpo", "setlink", siteDN, c.GUID); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = d.SambaTool(context.Background(), "gpo", "dellink", siteDN, c.GUID) })
	if _, err := d.SambaTool(ctx, "sites", "subnet", "create", subnet, site); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = d.SambaTool(context.Background(), "sites", "subnet", "remove", subnet) })

	run := func(t *testing.T, req Request) Report {
		t.Helper()
		req.Computer, req.Resolver = "BUH-PC01", noDNS()
		r, err := Run(ctx, s, req)
		if err != nil {
			t.Fatalf("doctor %+v: %v", req, err)
		}
		return r
	}

	t.Run("site unknown: cannot tell, with the site named", func(t *testing.T) {
		r := run(t, Request{})
		g := gpoNamed(t, r, name)
		if g.Applies || g.OnlyInSite != site || g.LinkedAt != "site "+site {
			t.Errorf("site GPO: applies %v onlyInSite %q linkedAt %q", g.Applies, g.OnlyInSite, g.LinkedAt)
		}
		if len(g.Reasons) == 0 || g.Reasons[0].Verdict != CannotTell || !strings.Contains(g.Reasons[0].Fix, "nltest /dsgetsite") {
			t.Errorf("site GPO reasons %+v", g.Reasons)
		}
		if r.Site == nil || r.Site.Known || !hasReason(r.Site.Reasons, CannotTell, site) {
			t.Errorf("site report %+v", r.Site)
		}
	})
	t.Run("address in the site's subnet: the site GPO applies last", func(t *testing.T) {
		r := run(t, Request{IP: "10.99.4.17"})
		g := gpoNamed(t, r, name)
		if !g.Applies || g.OnlyInSite != "" {
			t.Fatalf("site GPO in its site: applies %v onlyInSite %q: %+v", g.Applies, g.OnlyInSite, g.Reasons)
		}
		// Lowest precedence: every other applying GPO wins over it.
		for _, o := range r.GPOs {
			if o.Applies && o.GUID != g.GUID && o.Precedence > g.Precedence {
				t.Errorf("%s has precedence %d below the site GPO's %d", o.Name, o.Precedence, g.Precedence)
			}
		}
		if r.Site == nil || !r.Site.Known || r.Site.Name != site || !hasReason(r.Site.Reasons, Info, subnet) {
			t.Errorf("site report %+v, want %s through %s", r.Site, site, subnet)
		}
	})
	t.Run("address in no subnet: cannot tell, saying so", func(t *testing.T) {
		r := run(t, Request{IP: "192.0.2.10"})
		if g := gpoNamed(t, r, name); g.Applies || g.OnlyInSite != site {
			t.Errorf("site GPO for an unplaced address: %+v", g)
		}
		if r.Site == nil || !hasReason(r.Site.Reasons, CannotTell, "in no subnet") {
			t.Errorf("site report %+v", r.Site)
		}
	})
	t.Run("site named, in any case", func(t *testing.T) {
		r := run(t, Request{Site: strings.ToLower(site)})
		if g := gpoNamed(t, r, name); !g.Applies {
			t.Errorf("site GPO with --site: %+v", g.Reasons)
		}
	})
	t.Run("a site that does not exist is an error naming the sites", func(t *testing.T) {
		_, err := Run(ctx, s, Request{Computer: "BUH-PC01", Site: "Nowhere"})
		if err == nil || !strings.Contains(err.Error(), site) {
			t.Errorf("err = %v, want the forest's sites named", err)
		}
	})
}
