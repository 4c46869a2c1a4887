//go:build linux

package domain

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"

	"github.com/ctitui/ctitui/domain/secdesc"
	"github.com/ctitui/ctitui/internal/testdomain"
)

// TestEveryDescriptorRoundTrips decodes and re-encodes the security
// descriptor of every object in the test domain's three naming contexts and
// wants the DC's bytes back exactly.
func TestEveryDescriptorRoundTrips(t *testing.T) {
	c, _ := dialAdmin(t)
	ctx := context.Background()
	all := secdesc.OwnerSecurityInformation | secdesc.GroupSecurityInformation |
		secdesc.DACLSecurityInformation | secdesc.SACLSecurityInformation
	total := 0
	for _, nc := range []string{c.root.DefaultNamingContext, c.root.ConfigurationNamingContext, c.root.SchemaNamingContext} {
		req := ldap.NewSearchRequest(nc, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false,
			"(objectClass=*)", []string{"nTSecurityDescriptor"}, []ldap.Control{sdFlagsControl(all), ldap.NewControlPaging(500)})
		for {
			res, err := c.search(ctx, req)
			if err != nil {
				t.Fatalf("search %s: %v", nc, err)
			}
			for _, e := range res.Entries {
				raw := e.GetRawAttributeValue("nTSecurityDescriptor")
				if len(raw) == 0 {
					t.Errorf("%s: no descriptor returned", e.DN)
					continue
				}
				sd, err := secdesc.Decode(raw)
				if err != nil {
					t.Errorf("%s: decode: %v", e.DN, err)
					continue
				}
				again, err := sd.Encode()
				if err != nil || !bytes.Equal(again, raw) {
					t.Errorf("%s: re-encoding differs (err %v)", e.DN, err)
				}
				total++
			}
			p, ok := ldap.FindControl(res.Controls, ldap.ControlTypePaging).(*ldap.ControlPaging)
			if !ok || len(p.Cookie) == 0 {
				break
			}
			req.Controls[1].(*ldap.ControlPaging).SetCookie(p.Cookie)
		}
	}
	if total < 1000 {
		t.Fatalf("only %d descriptors checked; expected the whole domain (thousands)", total)
	}
	t.Logf("%d security descriptors round-tripped byte for byte", total)
}

// TestWriteDACLOnly adds an ACE to an OU's DACL through the SD flags control,
// checks it with samba-tool (not our reader), and removes it again.
func TestWriteDACLOnly(t *testing.T) {
	c, d := dialAdmin(t)
	ctx := context.Background()
	ou := addOU(t, d, testdomain.OUDN("Archive"), "DACL test")
	pilot, err := c.GroupByName(ctx, "MikoCTI_Pilot")
	if err != nil {
		t.Fatal(err)
	}
	sid, err := secdesc.ParseSID(pilot.SID)
	if err != nil {
		t.Fatal(err)
	}
	sd, _, err := c.ReadSecurityDescriptor(ctx, ou, secdesc.DACLSecurityInformation)
	if err != nil {
		t.Fatal(err)
	}
	if sd.Owner != nil {
		t.Fatal("owner returned although only the DACL was asked for")
	}
	sd.DACL.Add(secdesc.AllowACE(sid, secdesc.DSGenericRead, 0))
	if err := c.WriteSecurityDescriptor(ctx, ou, sd, secdesc.DACLSecurityInformation); err != nil {
		t.Fatal(err)
	}
	out, err := d.SambaTool(ctx, "dsacl", "get", "--objectdn="+ou)
	if err != nil {
		t.Fatal(err)
	}
	want := "(A;;RPLCLORC;;;" + pilot.SID + ")"
	if !strings.Contains(out, want) {
		t.Fatalf("samba-tool dsacl get lacks %s:\n%s", want, out)
	}
	// The owner must be untouched by a DACL-only write.
	full, _, err := c.ReadSecurityDescriptor(ctx, ou, secdesc.OwnerSecurityInformation|secdesc.DACLSecurityInformation)
	if err != nil {
		t.Fatal(err)
	}
	if full.Owner == nil || !strings.HasSuffix(full.Owner.String(), "-512") {
		t.Fatalf("owner after DACL write: %v, want Domain Admins", full.Owner)
	}
	removed := full.DACL.RemoveTrustee(sid)
	if len(removed) != 1 {
		t.Fatalf("removed %d ACEs for the pilot group, want 1", len(removed))
	}
	if err := c.WriteSecurityDescriptor(ctx, ou, full, secdesc.DACLSecurityInformation); err != nil {
		t.Fatal(err)
	}
	if out, _ := d.SambaTool(ctx, "dsacl", "get", "--objectdn="+ou); strings.Contains(out, pilot.SID) {
		t.Fatalf("ACE still there after removal:\n%s", out)
	}
}

// TestWriteDACLWithoutRights: an ordinary user is told which right is missing.
func TestWriteDACLWithoutRights(t *testing.T) {
	_, d := dialAdmin(t)
	ctx := context.Background()
	user, err := Dial(ctx, Config{Domain: testdomain.DNSDomain, DC: d.IP, User: "ivanov@" + testdomain.DNSDomain,
		Password: d.UserPassword(), CAFile: d.CAFile})
	if err != nil {
		t.Fatal(err)
	}
	defer user.Close()
	ou := testdomain.OUDN("Компания")
	sd, _, err := user.ReadSecurityDescriptor(ctx, ou, secdesc.DACLSecurityInformation)
	if err != nil {
		t.Fatal(err)
	}
	err = user.WriteSecurityDescriptor(ctx, ou, sd, secdesc.DACLSecurityInformation)
	if err == nil || !strings.Contains(err.Error(), "WRITE_DAC") {
		t.Fatalf("write as ivanov: %v, want an error naming WRITE_DAC", err)
	}
}

func TestDomainSID(t *testing.T) {
	c, _ := dialAdmin(t)
	sid, err := c.DomainSID(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	g, err := c.GroupByName(context.Background(), "Domain Computers")
	if err != nil {
		t.Fatal(err)
	}
	if want := sid.String() + "-515"; g.SID != want {
		t.Fatalf("Domain Computers SID %s, want %s", g.SID, want)
	}
}
