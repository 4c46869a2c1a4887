//go:build linux

package testdomain

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"path/filepath"

	"github.com/ctitui/ctitui/internal/faultproxy"
)

// StartFaultProxies puts cutting proxies in front of the DC's LDAPS and SMB
// ports, for fault sweeps. The LDAPS proxy terminates TLS with the DC's own
// certificate (clients verify it as they would the DC) so that it can name
// the LDAP messages it forwards; the SMB proxy reads the signed, unencrypted
// SMB2 headers. Naming messages is what lets a sweep treat the chunks of
// one file write or the pages of one search as one class of cut points
// (faultproxy.Sample). The caller closes both.
func (d *Domain) StartFaultProxies() (ldapProxy, smbProxy *faultproxy.Proxy, err error) {
	dir := filepath.Join(d.Dir, "tls")
	cert, err := tls.LoadX509KeyPair(filepath.Join(dir, "server.pem"), filepath.Join(dir, "server.key"))
	if err != nil {
		return nil, nil, fmt.Errorf("fault proxy: DC certificate: %w", err)
	}
	caPEM, err := os.ReadFile(d.CAFile)
	if err != nil {
		return nil, nil, fmt.Errorf("fault proxy: CA: %w", err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caPEM) {
		return nil, nil, fmt.Errorf("fault proxy: no certificate in %s", d.CAFile)
	}
	serverTLS := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	upstreamTLS := &tls.Config{RootCAs: roots, ServerName: d.IP, MinVersion: tls.VersionTLS12}
	ldapProxy, err = faultproxy.StartTLS(d.IP, net.JoinHostPort(d.IP, "636"), serverTLS, upstreamTLS, faultproxy.NewLDAPClassifier)
	if err != nil {
		return nil, nil, err
	}
	smbProxy, err = faultproxy.StartClassified(d.IP, net.JoinHostPort(d.IP, "445"), faultproxy.NewSMB2Classifier)
	if err != nil {
		ldapProxy.Close()
		return nil, nil, err
	}
	return ldapProxy, smbProxy, nil
}
