//go:build linux

package domain

import (
	"context"
	"testing"
	"time"

	"github.com/ctitui/ctitui/internal/testdomain"
)

// TestKerberosOverTLSAccepted runs Kerberos inside LDAPS and StartTLS
// against a second test DC configured as Windows DCs and Samba 4.20+ behave
// ("ldap server require strong auth = allow_sasl_over_tls"): the bind must
// succeed with no SASL layer, the authenticator bound to the TLS channel.
// (The package's default-configured DC refuses it; TestKerberosOverTLS
// covers that advice.)
func TestKerberosOverTLSAccepted(t *testing.T) {
	testdomain.Require(t, dom)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	tlsDC, err := testdomain.Start(ctx, testdomain.Options{
		ExtraGlobals: [][2]string{{"ldap server require strong auth", "allow_sasl_over_tls"}},
	})
	if err != nil {
		t.Fatalf("second test DC: %v", err)
	}
	defer func() {
		if err := tlsDC.Stop(); err != nil {
			t.Errorf("stop second test DC: %v", err)
		}
	}()
	for _, mode := range []string{"ldaps", "starttls"} {
		t.Run(mode, func(t *testing.T) {
			cfg := kerberosConfig(tlsDC)
			cfg.LDAPS, cfg.StartTLS = mode == "ldaps", mode == "starttls"
			c, err := Dial(ctx, cfg)
			if err != nil {
				t.Fatalf("Kerberos over %s: %v", mode, err)
			}
			defer c.Close()
			if c.sasl.currentLayer() != nil {
				t.Fatal("a SASL layer was started inside TLS")
			}
			checkAuthenticated(t, ctx, c)
		})
	}
}
