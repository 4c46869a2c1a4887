//go:build linux

package testdomain

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
)

var dom *Domain

func TestMain(m *testing.M) {
	// The timeout guard's test runs this binary again as the helper.
	if os.Getenv(guardHelperEnv) != "" {
		os.Exit(guardHelper(m))
	}
	os.Exit(Run(m, &dom))
}

func search(t *testing.T, conn *ldap.Conn, base string, scope int, filter string, attrs ...string) []*ldap.Entry {
	t.Helper()
	res, err := conn.SearchWithPaging(ldap.NewSearchRequest(base, scope, ldap.NeverDerefAliases, 0, 0, false,
		filter, attrs, nil), 500)
	if err != nil {
		t.Fatalf("search %s under %s: %v", filter, base, err)
	}
	return res.Entries
}

func TestSeededDirectory(t *testing.T) {
	d := Require(t, dom)
	conn, err := d.DialLDAP(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	seed := DefaultSeed()

	t.Run("computers", func(t *testing.T) {
		got := search(t, conn, BaseDN, ldap.ScopeWholeSubtree, "(objectCategory=computer)", "cn")
		// Every seeded computer plus the DC itself.
		if want := len(seed.Computers) + 1; len(got) != want {
			t.Fatalf("computers: got %d, want %d", len(got), want)
		}
		if len(got) < 45 {
			t.Fatalf("want about 50 computers, have %d", len(got))
		}
	})
	t.Run("cyrillic and hostile OUs", func(t *testing.T) {
		for _, path := range [][]string{{"Компания", "Бухгалтерия"}, {"Компания", "Продажи", "Региональные"}, {"Lab, R&D + QA"}} {
			dn := OUDN(path...)
			got := search(t, conn, dn, ldap.ScopeBaseObject, "(objectClass=organizationalUnit)", "ou")
			if len(got) != 1 || got[0].GetAttributeValue("ou") != path[len(path)-1] {
				t.Errorf("OU %s: got %v", dn, got)
			}
		}
	})
	t.Run("block inheritance", func(t *testing.T) {
		got := search(t, conn, BaseDN, ldap.ScopeWholeSubtree, "(&(objectClass=organizationalUnit)(gPOptions=1))", "ou")
		if len(got) != 1 || got[0].GetAttributeValue("ou") != "Office SPb" {
			t.Fatalf("OUs with Block Inheritance: %v", dns(got))
		}
	})
	t.Run("nested group membership", func(t *testing.T) {
		// LDAP_MATCHING_RULE_IN_CHAIN follows MikoCTI_Sales_PCs into MikoCTI_Computers.
		filter := "(&(objectCategory=computer)(memberOf:1.2.840.113556.1.4.1941:=" + ldap.EscapeFilter(GroupDN("MikoCTI_Computers")) + "))"
		got := search(t, conn, BaseDN, ldap.ScopeWholeSubtree, filter, "cn")
		if len(got) != 9+8 {
			t.Fatalf("computers in MikoCTI_Computers incl. nested: got %d, want 17", len(got))
		}
		direct := search(t, conn, GroupDN("MikoCTI_Computers"), ldap.ScopeBaseObject, "(objectClass=group)", "member")
		if n := len(direct[0].GetAttributeValues("member")); n != 10 {
			t.Fatalf("direct members of MikoCTI_Computers: got %d, want 10 (9 computers + 1 group)", n)
		}
	})
	t.Run("users", func(t *testing.T) {
		got := search(t, conn, OUDN("Компания"), ldap.ScopeWholeSubtree, "(&(objectCategory=person)(objectClass=user))", "displayName")
		if len(got) != len(seed.Users) {
			t.Fatalf("users: got %d, want %d", len(got), len(seed.Users))
		}
	})
	t.Run("a seeded user can bind", func(t *testing.T) {
		cfg, err := d.tlsConfig()
		if err != nil {
			t.Fatal(err)
		}
		uc, err := ldap.DialURL("ldaps://"+d.LDAPSAddr(), ldap.DialWithTLSConfig(cfg))
		if err != nil {
			t.Fatal(err)
		}
		defer uc.Close()
		if err := uc.Bind("ivanov@"+DNSDomain, d.UserPassword()); err != nil {
			t.Fatalf("bind as ivanov: %v", err)
		}
	})
	t.Run("legacy GPO linked with WMI filter", func(t *testing.T) {
		gpos := search(t, conn, "CN=Policies,CN=System,"+BaseDN, ldap.ScopeSingleLevel,
			"(displayName="+ldap.EscapeFilter(seed.LegacyGPO)+")", "cn", "gPCWQLFilter", "gPCFileSysPath")
		if len(gpos) != 1 {
			t.Fatalf("GPO %q: found %d", seed.LegacyGPO, len(gpos))
		}
		guid := gpos[0].GetAttributeValue("cn")
		if wql := gpos[0].GetAttributeValue("gPCWQLFilter"); !strings.Contains(wql, seed.WMIFilter.ID) {
			t.Errorf("gPCWQLFilter = %q", wql)
		}
		ou := search(t, conn, OUDN("Компания"), ldap.ScopeBaseObject, "(objectClass=*)", "gPLink")
		if link := ou[0].GetAttributeValue("gPLink"); !strings.Contains(strings.ToUpper(link), strings.ToUpper(guid)) {
			t.Errorf("gPLink on OU=Компания = %q, want a link to %s", link, guid)
		}
		// Checked by samba-tool too: it must see the link we wrote by LDAP.
		out, err := d.SambaTool(context.Background(), "gpo", "getlink", OUDN("Компания"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out, guid) {
			t.Errorf("samba-tool gpo getlink does not show %s:\n%s", guid, out)
		}
		som := search(t, conn, "CN=SOM,CN=WMIPolicy,CN=System,"+BaseDN, ldap.ScopeSingleLevel, "(objectClass=msWMI-Som)", "msWMI-Parm2")
		if len(som) != 1 || !strings.HasSuffix(som[0].GetAttributeValue("msWMI-Parm2"), seed.WMIFilter.Query+";") {
			t.Errorf("WMI filter: %v", dns(som))
		}
	})
}

func dns(entries []*ldap.Entry) []string {
	var out []string
	for _, e := range entries {
		out = append(out, e.DN)
	}
	return out
}

func TestTLSIsVerifiedNotWeakened(t *testing.T) {
	d := Require(t, dom)
	cfg, err := d.tlsConfig()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{DCFQDN, DCHost, d.IP} {
		c := cfg.Clone()
		c.ServerName = name
		conn, err := tls.Dial("tcp", d.LDAPSAddr(), c)
		if err != nil {
			t.Errorf("certificate should be valid for %q: %v", name, err)
			continue
		}
		conn.Close()
	}
	// A name the certificate does not carry must fail verification.
	c := cfg.Clone()
	c.ServerName = "other.cti.test"
	if conn, err := tls.Dial("tcp", d.LDAPSAddr(), c); err == nil {
		conn.Close()
		t.Fatal("handshake for a name not in the certificate succeeded")
	}
	// Without our CA, the system roots must not trust it.
	if conn, err := tls.Dial("tcp", d.LDAPSAddr(), &tls.Config{ServerName: DCFQDN}); err == nil {
		conn.Close()
		t.Fatal("handshake succeeded without the test CA")
	}
}

func TestSharesWithSmbclient(t *testing.T) {
	d := Require(t, dom)
	local := filepath.Join(t.TempDir(), "hello.txt")
	if err := os.WriteFile(local, []byte("hello from the test"), 0o644); err != nil {
		t.Fatal(err)
	}
	smb := func(share, cmds string) string {
		t.Helper()
		cmd := exec.Command("smbclient", "-A", d.AuthFile, "//"+d.IP+"/"+share, "-c", cmds)
		cmd.Env = d.ToolEnv()
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("smbclient %s %q: %v\n%s", share, cmds, err, out)
		}
		return string(out)
	}
	smb(DistribShare, "mkdir MikoCTI; put "+local+" MikoCTI/hello.txt")
	if got, err := os.ReadFile(filepath.Join(d.DistribDir, "MikoCTI", "hello.txt")); err != nil || string(got) != "hello from the test" {
		t.Fatalf("file on the Distrib share: %q, %v", got, err)
	}
	// The DFS link Apps in DFSRoot refers to Distrib: smbclient follows the
	// referral and sees the folder just written.
	if out := smb(DFSRootShare, `ls `+DFSLink+`\*`); !strings.Contains(out, "MikoCTI") {
		t.Fatalf("DFS link %s does not lead to the Distrib share:\n%s", DFSLink, out)
	}
	out := smb("sysvol", "ls "+DNSDomain+"/Policies/*")
	if !strings.Contains(out, "{31B2F340-016D-11D2-945F-00C04FB984F9}") {
		t.Fatalf("SYSVOL has no Default Domain Policy:\n%s", out)
	}
}

func TestKerberosKinit(t *testing.T) {
	d := Require(t, dom)
	if _, err := exec.LookPath("kinit"); err != nil {
		t.Fatalf("kinit missing (Debian krb5-user): %v", err)
	}
	ccache := filepath.Join(t.TempDir(), "ccache")
	cmd := exec.Command("kinit", AdminUser+"@"+Realm)
	cmd.Env = append(d.ToolEnv(), "KRB5CCNAME=FILE:"+ccache)
	cmd.Stdin = strings.NewReader(d.Password() + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("kinit: %v\n%s", err, out)
	}
	klist := exec.Command("klist", "-c", ccache)
	klist.Env = d.ToolEnv()
	out, err := klist.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "krbtgt/"+Realm) {
		t.Fatalf("klist: %v\n%s", err, out)
	}
}

// TestSecondFixtureAndTeardown starts another domain next to the package's
// one (they must not collide) and checks that Stop leaves nothing behind.
func TestSecondFixtureAndTeardown(t *testing.T) {
	Require(t, dom)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	second, err := Start(ctx, Options{NoSeed: true})
	if err != nil {
		t.Fatalf("second fixture: %v", err)
	}
	t.Cleanup(func() { second.Stop() }) // a second Stop does nothing
	if second.IP == dom.IP {
		t.Fatalf("both fixtures on %s", second.IP)
	}
	conn, err := second.DialLDAP(ctx)
	if err != nil {
		second.Stop()
		t.Fatalf("second fixture LDAP: %v", err)
	}
	conn.Close()
	// Listing shares is a srvsvc call over a named pipe: smbd starts
	// samba-dcerpcd and its rpcd_* workers for it, outside samba's process
	// group. They outlived every fixture until teardown knew them.
	if out, err := exec.Command("smbclient", "-A", second.AuthFile, "-L", "//"+second.IP).CombinedOutput(); err != nil {
		second.Stop()
		t.Fatalf("smbclient -L: %v\n%s", err, out)
	}
	var rpcServers []string
	for _, p := range processesNaming(second.SmbConf) {
		if strings.Contains(p, "samba-dcerpcd") || strings.Contains(p, "rpcd_") {
			rpcServers = append(rpcServers, p)
		}
	}
	if len(rpcServers) == 0 {
		second.Stop()
		t.Fatalf("no samba-dcerpcd started for the share list; processes: %v", processesNaming(second.SmbConf))
	}
	pgid := second.sambaPGID()
	if err := second.Stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if left := fixtureProcesses(second.SmbConf, pgid); len(left) > 0 {
		t.Errorf("processes left after Stop: %v", left)
	}
	if left := processesNaming(second.SmbConf); len(left) > 0 {
		t.Errorf("processes naming the fixture's config left after Stop (had %v): %v", rpcServers, left)
	}
	if _, err := os.Stat(second.Dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("fixture dir left after Stop: %v", err)
	}
	out, err := exec.Command("ip", "-4", "addr", "show", "dev", "lo").Output()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), " "+second.IP+"/") {
		t.Errorf("address %s still on lo", second.IP)
	}
	if c, err := net.DialTimeout("tcp", net.JoinHostPort(second.IP, "636"), time.Second); err == nil {
		c.Close()
		t.Errorf("something still listens on %s:636", second.IP)
	}
	// The package's fixture is untouched.
	if c, err := dom.DialLDAP(ctx); err != nil {
		t.Errorf("first fixture broken by the second's teardown: %v", err)
	} else {
		c.Close()
	}
}
