//go:build linux

package domain

import (
	"context"
	"net"
	"strings"
	"testing"

	"github.com/ctitui/ctitui/internal/testdomain"
)

// TestDialLocatesDC finds the test DC through DNS SRV records (served by a
// small in-test DNS responder, since the test DC runs without DNS): the first
// listed DC cannot be reached, the second is the test DC.
func TestDialLocatesDC(t *testing.T) {
	d := testdomain.Require(t, dom)
	dns := startDNS(t, map[string][]srvRecord{
		"_ldap._tcp.dc._msdcs." + testdomain.DNSDomain + ".": {
			{priority: 0, port: 389, target: "dc0." + testdomain.DNSDomain + "."}, // nothing listens there
			{priority: 10, port: 389, target: testdomain.DCFQDN + "."},
		},
	}, map[string]net.IP{
		"dc0." + testdomain.DNSDomain + ".": net.ParseIP("127.0.0.3"),
		testdomain.DCFQDN + ".":             net.ParseIP(d.IP),
	})
	cfg := Config{Domain: testdomain.DNSDomain, User: testdomain.AdminUPN, Password: d.Password(),
		CAFile: d.CAFile, Resolver: dns.resolver()}
	c, err := Dial(context.Background(), cfg)
	if err != nil {
		t.Fatalf("dial through SRV: %v", err)
	}
	defer c.Close()
	if c.RootDSE().DNSHostName != testdomain.DCFQDN || c.Host() != testdomain.DCFQDN {
		t.Fatalf("connected to %q (host %q)", c.RootDSE().DNSHostName, c.Host())
	}

	// A wrong password ends the search at the first DC that answers: trying
	// more DCs would only count more bad passwords towards a lockout.
	cfg.Password = "wrong password"
	_, err = Dial(context.Background(), cfg)
	if err == nil || strings.Contains(err.Error(), "no domain controller") || !strings.Contains(err.Error(), "wrong password") {
		t.Fatalf("wrong password through SRV: %v", err)
	}
}

func TestHostIsTheLocatedDC(t *testing.T) {
	for dc, want := range map[string]string{"dc1.cti.test": "dc1.cti.test", "127.0.0.9:636": "127.0.0.9", "": ""} {
		if got := (&Conn{cfg: Config{DC: dc}}).Host(); got != want {
			t.Errorf("Host() with DC %q = %q, want %q", dc, got, want)
		}
	}
}
