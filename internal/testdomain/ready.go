//go:build linux

package testdomain

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-ldap/ldap/v3"
)

// readyTimeout bounds how long a booting DC may take. A healthy one is
// ready in a few seconds; this only catches a hung start.
const readyTimeout = 90 * time.Second

// waitReady returns when the DC really serves: LDAPS with a certificate that
// verifies against our CA, SMB on 445, the KDC on 88, and the ldap/<fqdn>
// service principal, which samba_spnupdate adds a moment after the ports open
// (Kerberos to LDAP fails until then).
func (d *Domain) waitReady(ctx context.Context) error {
	wait := readyTimeout
	if d.readyWait > 0 {
		wait = d.readyWait
	}
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	checks := []struct {
		name string
		fn   func(context.Context) error
	}{
		{"LDAPS handshake verified against the test CA", d.checkLDAPS},
		{"SMB on port 445", d.checkPort("445")},
		{"Kerberos KDC on port 88", d.checkPort("88")},
		{"service principal ldap/" + d.FQDN(), d.checkSPN},
	}
	for _, c := range checks {
		var last error
		for {
			if last = c.fn(ctx); last == nil {
				break
			}
			select {
			case <-d.exited:
				return fmt.Errorf("samba exited while waiting for %s:\n%s", c.name, d.logTails())
			case <-ctx.Done():
				return fmt.Errorf("DC not ready after %s: %s: %v", wait, c.name, last)
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
	return nil
}

func (d *Domain) tlsConfig() (*tls.Config, error) {
	pem, err := os.ReadFile(d.CAFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, errors.New("test CA file holds no certificate")
	}
	return &tls.Config{RootCAs: pool, ServerName: d.FQDN(), MinVersion: tls.VersionTLS12}, nil
}

func (d *Domain) checkLDAPS(ctx context.Context) error {
	cfg, err := d.tlsConfig()
	if err != nil {
		return err
	}
	dialer := &tls.Dialer{NetDialer: &net.Dialer{Timeout: 2 * time.Second}, Config: cfg}
	conn, err := dialer.DialContext(ctx, "tcp", d.LDAPSAddr())
	if err != nil {
		return err
	}
	return conn.Close()
}

func (d *Domain) checkPort(port string) func(context.Context) error {
	return func(ctx context.Context) error {
		conn, err := (&net.Dialer{Timeout: 2 * time.Second}).DialContext(ctx, "tcp", net.JoinHostPort(d.IP, port))
		if err != nil {
			return err
		}
		return conn.Close()
	}
}

func (d *Domain) checkSPN(ctx context.Context) error {
	conn, err := d.DialLDAP(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	res, err := conn.Search(ldap.NewSearchRequest(BaseDN, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,
		0, 0, false, "(servicePrincipalName="+ldap.EscapeFilter("ldap/"+d.FQDN())+")", []string{"dn"}, nil))
	if err != nil {
		return err
	}
	if len(res.Entries) == 0 {
		return errors.New("not registered yet")
	}
	return nil
}

// DialLDAP opens an LDAPS connection bound as Administrator, verified
// against the test CA. Tests use it to check what the product wrote.
func (d *Domain) DialLDAP(ctx context.Context) (*ldap.Conn, error) {
	cfg, err := d.tlsConfig()
	if err != nil {
		return nil, err
	}
	conn, err := ldap.DialURL("ldaps://"+d.LDAPSAddr(), ldap.DialWithTLSConfig(cfg),
		ldap.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}))
	if err != nil {
		return nil, fmt.Errorf("dial test DC: %w", err)
	}
	conn.SetTimeout(30 * time.Second)
	if err := conn.Bind(AdminUPN, d.password); err != nil {
		conn.Close()
		return nil, fmt.Errorf("bind to test DC as %s: %w", AdminUPN, err)
	}
	if err := ctx.Err(); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

// logTails returns the end of every Samba log, for errors that end the
// fixture (its directory, and so the logs, are removed right after).
func (d *Domain) logTails() string {
	var b strings.Builder
	files, _ := filepath.Glob(filepath.Join(d.Dir, "log", "*"))
	for _, f := range files {
		if t := tail(readFile(f), 12); strings.TrimSpace(t) != "" {
			fmt.Fprintf(&b, "--- %s\n%s\n", filepath.Base(f), t)
		}
	}
	return b.String()
}

func readFile(path string) string {
	b, _ := os.ReadFile(path)
	return string(b)
}
