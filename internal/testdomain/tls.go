//go:build linux

package testdomain

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// makeTLS creates a CA and a server certificate for the DC with openssl.
// Samba's self-made certificate has a negative serial number, which Go's
// crypto/x509 rightly rejects; a proper CA lets clients verify fully.
func (d *Domain) makeTLS(ctx context.Context) error {
	dir := filepath.Join(d.Dir, "tls")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create tls dir: %w", err)
	}
	in := func(name string) string { return filepath.Join(dir, name) }
	ext := fmt.Sprintf("subjectAltName=DNS:%s,DNS:%s,IP:%s\n"+
		"extendedKeyUsage=serverAuth,clientAuth\n"+
		"keyUsage=critical,digitalSignature,keyEncipherment\n"+
		"basicConstraints=critical,CA:FALSE\n", DCFQDN, DCHost, d.IP)
	if err := os.WriteFile(in("server.ext"), []byte(ext), 0o600); err != nil {
		return fmt.Errorf("write certificate extensions: %w", err)
	}
	steps := [][]string{
		{"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "30",
			"-keyout", in("ca.key"), "-out", in("ca.pem"),
			"-subj", "/O=ctitui tests/CN=ctitui test CA " + d.IP,
			"-addext", "basicConstraints=critical,CA:TRUE",
			"-addext", "keyUsage=critical,keyCertSign,cRLSign"},
		{"req", "-newkey", "rsa:2048", "-nodes", "-sha256",
			"-keyout", in("server.key"), "-out", in("server.csr"),
			"-subj", "/O=ctitui tests/CN=" + DCFQDN},
		{"x509", "-req", "-sha256", "-days", "30", "-in", in("server.csr"),
			"-CA", in("ca.pem"), "-CAkey", in("ca.key"), "-set_serial", "0x1001",
			"-extfile", in("server.ext"), "-out", in("server.pem")},
	}
	for _, args := range steps {
		out, err := exec.CommandContext(ctx, "openssl", args...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("openssl %s: %w\n%s", args[0], err, tail(string(out), 10))
		}
	}
	// Samba refuses a private key readable by others.
	for _, key := range []string{"ca.key", "server.key"} {
		if err := os.Chmod(in(key), 0o600); err != nil {
			return fmt.Errorf("protect %s: %w", key, err)
		}
	}
	d.CAFile = in("ca.pem")
	return nil
}
