package domain

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"runtime"
	"strings"

	"github.com/go-ldap/ldap/v3"
)

// kerberosBind authenticates with a SASL GSSAPI bind ([RFC 4752],
// [RFC 4513] 5.2.1.2). With integrity (always on plain LDAP) it negotiates
// the integrity layer and switches c.sasl to signed messages once the bind
// has succeeded; otherwise it negotiates no layer. On TLS the Kerberos
// authenticator is bound to the channel ([RFC 5929] tls-server-end-point).
func (c *Conn) kerberosBind(ctx context.Context, tlsState *tls.ConnectionState, integrity bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	host, err := c.spnHost(ctx)
	if err != nil {
		return err
	}
	spn := "ldap/" + host
	var bindings []byte
	if tlsState != nil && len(tlsState.PeerCertificates) > 0 {
		if bindings, err = tlsServerEndPoint(tlsState.PeerCertificates[0]); err != nil {
			return err
		}
	}
	mech, err := newGSSMechanism(ctx, c.cfg, spn, bindings)
	if err != nil {
		return err
	}
	sasl := &saslGSSAPI{mech: mech, integrity: integrity, overTLS: tlsState != nil}
	if err := c.ldap.GSSAPIBindRequest(sasl, &ldap.GSSAPIBindRequest{ServicePrincipalName: spn}); err != nil {
		return errors.Join(fmt.Errorf("Kerberos bind to %s: %w", spn, explainKerberosBind(err, spn)), mech.close())
	}
	if sasl.layer != saslLayerIntegrity {
		return mech.close()
	}
	if err := c.sasl.startLayer(mech, sasl.serverMax); err != nil {
		return errors.Join(err, mech.close())
	}
	return nil
}

// newGSSMechanism builds the Kerberos initiator: on Windows without a
// password, keytab or ccache, SSPI with the logged-on user's tickets;
// everywhere else gokrb5 with the credentials NewKerberosClient finds.
func newGSSMechanism(ctx context.Context, cfg Config, spn string, bindings []byte) (gssMechanism, error) {
	if kerberosSource(cfg, os.Getenv, runtime.GOOS) == krbFromLogonSession {
		return newSSPIMechanism(spn, bindings)
	}
	cl, err := NewKerberosClient(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return newKrb5Initiator(ctx, cl, spn, bindings)
}

// spnHost is the host part of the DC's LDAP service principal. A DNS name
// the user gave is used as is; an address, or the domain name itself
// (which no DC registers an SPN for), is replaced by the dnsHostName the
// DC announces in its rootDSE, readable before any bind ([MS-ADTS]
// 3.1.1.3.2). On plain LDAP that answer is not protected, but a false name
// only leads to a ticket for another service, which the real DC cannot
// use, and mutual authentication fails against anyone else.
func (c *Conn) spnHost(ctx context.Context) (string, error) {
	if h := spnHostFromConfig(c.cfg); h != "" {
		return h, nil
	}
	if err := c.readRootDSE(ctx); err != nil {
		return "", newConfigError(ProblemSPNHostUnknown, "", err, "learn the DC's host name for Kerberos: %v", err)
	}
	if c.root.DNSHostName == "" {
		return "", newConfigError(ProblemSPNHostNotAnnounced, "", nil, "the DC does not announce its DNS host name")
	}
	return strings.ToLower(c.root.DNSHostName), nil
}

// spnHostFromConfig is the SPN host known without asking the DC: the
// explicit override, else the DC's name when it is a fully qualified name
// other than the domain's own.
func spnHostFromConfig(cfg Config) string {
	if h := strings.TrimSpace(cfg.SPNHost); h != "" {
		return strings.ToLower(h)
	}
	host := strings.TrimSuffix(cfg.dcHost(), ".")
	if host == "" || net.ParseIP(host) != nil || !strings.Contains(host, ".") || strings.EqualFold(host, cfg.Domain) {
		return ""
	}
	return strings.ToLower(host)
}

// explainKerberosBind says what a failed SASL bind means. Result 49 on a
// Kerberos bind is about the ticket, never a password typed here: AD and
// Samba say 52e (logon failure) when the DC cannot accept the ticket.
func explainKerberosBind(err error, spn string) error {
	var le *ldap.Error
	if !errors.As(err, &le) {
		return explainKerberos(err, kerberosHints{})
	}
	switch le.ResultCode {
	case ldap.LDAPResultStrongAuthRequired:
		// Samba before 4.20 with its default "ldap server require strong
		// auth = yes" takes Kerberos binds only with a SASL layer, and no
		// SASL layer inside TLS ("Sign or Seal are not allowed if TLS is
		// used"), so Kerberos there works on plain LDAP only.
		return fmt.Errorf("%w: this DC does not take Kerberos inside TLS: use Kerberos on plain LDAP (the default, signed), or allow it on the DC (Samba: ldap server require strong auth = allow_sasl_over_tls)", err)
	case ldap.LDAPResultInvalidCredentials:
		text, code, ok := bindDataCode(le.Err.Error())
		if ok && code != "52e" && code != "525" {
			return fmt.Errorf("%s (AD data code %s)", text, code)
		}
		return newConfigError(ProblemTicketRejected, spn, err, "%v: the DC could not accept the Kerberos ticket for %s: the SPN may be registered on another account (a misplaced or duplicate SPN; check with setspn -Q %s)", err, spn, spn)
	case ldap.LDAPResultAuthMethodNotSupported:
		return fmt.Errorf("%w: the DC does not offer SASL GSSAPI (Kerberos) binds", err)
	}
	return err
}
