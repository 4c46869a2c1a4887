//go:build linux

package domain

import (
	"testing"

	"github.com/ctitui/ctitui/internal/testdomain"
)

// Connection set-up and search cost of signed Kerberos LDAP on 389 against
// a simple bind over LDAPS, on the test DC.

func benchDial(b *testing.B, cfg Config) {
	ctx := testContext(b)
	for b.Loop() {
		c, err := Dial(ctx, cfg)
		if err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
}

func BenchmarkDialKerberosPasswordSigned(b *testing.B) {
	d := testdomain.Require(b, dom)
	benchDial(b, kerberosConfig(d))
}

// BenchmarkDialKerberosCCacheSigned: tickets from kinit, so no
// string-to-key work; the TGS exchange and the bind remain.
func BenchmarkDialKerberosCCacheSigned(b *testing.B) {
	d := testdomain.Require(b, dom)
	cfg := kerberosConfig(d)
	cfg.User, cfg.Password, cfg.CCache = "", "", kinit(b, d, testdomain.AdminUser+"@"+testdomain.Realm, d.Password())
	benchDial(b, cfg)
}

func BenchmarkDialSimpleLDAPS(b *testing.B) {
	d := testdomain.Require(b, dom)
	cfg := kerberosConfig(d)
	cfg.Auth = AuthSimple
	benchDial(b, cfg)
}

func benchSearch(b *testing.B, cfg Config) {
	ctx := testContext(b)
	c, err := Dial(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	for b.Loop() {
		entries, err := c.SearchAll(ctx, testdomain.BaseDN, 2, "(objectClass=computer)", []string{"cn", "dNSHostName", "operatingSystem", "distinguishedName"})
		if err != nil || len(entries) < 50 {
			b.Fatalf("%d computers, %v", len(entries), err)
		}
	}
}

func BenchmarkSearchComputersKerberosSigned(b *testing.B) {
	d := testdomain.Require(b, dom)
	benchSearch(b, kerberosConfig(d))
}

func BenchmarkSearchComputersSimpleLDAPS(b *testing.B) {
	d := testdomain.Require(b, dom)
	cfg := kerberosConfig(d)
	cfg.Auth = AuthSimple
	benchSearch(b, cfg)
}
