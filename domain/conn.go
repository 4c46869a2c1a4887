package domain

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"

	"github.com/go-ldap/ldap/v3"
)

// Conn is an authenticated LDAP connection to a domain controller.
type Conn struct {
	cfg  Config
	ldap *ldap.Conn
	root RootDSE
	// sasl is the SASL layer under ldap on plain connections (nil on TLS).
	sasl *saslConn
}

// RootDSE holds what the DC says about itself before anything else
// ([MS-ADTS] 3.1.1.3.2).
type RootDSE struct {
	DefaultNamingContext          string
	ConfigurationNamingContext    string
	SchemaNamingContext           string
	RootDomainNamingContext       string
	DNSHostName                   string
	ServerName                    string
	DomainFunctionality           int
	ForestFunctionality           int
	DomainControllerFunctionality int
}

// Dial connects to the configured DC, authenticates and reads the rootDSE.
// A simple bind always runs over TLS (LDAPS or StartTLS) with the DC's
// certificate verified against the system roots plus Config.CAFile. A
// Kerberos bind runs over TLS the same way, or by default on plain 389
// with every message signed by the SASL integrity layer.
func Dial(ctx context.Context, cfg Config) (*Conn, error) {
	if m := cfg.authMethod(); m != AuthSimple && m != AuthKerberos {
		return nil, fmt.Errorf("unknown authentication method %q (want %q or %q)", m, AuthSimple, AuthKerberos)
	}
	if strings.TrimSpace(cfg.DC) == "" {
		return dialLocated(ctx, cfg)
	}
	addr, serverName, err := cfg.ldapAddress()
	if err != nil {
		return nil, err
	}
	var bindName string
	if cfg.authMethod() == AuthSimple {
		if bindName, err = cfg.BindName(); err != nil {
			return nil, err
		}
	}

	c, err := dialAndBind(ctx, cfg, addr, serverName, bindName)
	if err != nil {
		return nil, err
	}
	if err := c.readRootDSE(ctx); err != nil {
		c.ldap.Close()
		return nil, err
	}
	return c, nil
}

// dialAndBind opens the transport and binds. A saslConn sits directly
// under go-ldap on every transport (above TLS, [RFC 4513] 3.1.1), idle
// unless a Kerberos bind on plain 389 starts the integrity layer. Inside
// TLS no layer is negotiated: AD and Samba both refuse one there.
func dialAndBind(ctx context.Context, cfg Config, addr, serverName, bindName string) (*Conn, error) {
	dialCtx, cancel := context.WithTimeout(ctx, cfg.timeout())
	defer cancel()
	raw, err := (&net.Dialer{Resolver: cfg.Resolver}).DialContext(dialCtx, "tcp", addr)
	if err != nil {
		return nil, &unreachableError{fmt.Errorf("connect to domain controller %s: %w (is the DC name right and port reachable?)", addr, err)}
	}

	var tlsState *tls.ConnectionState // for channel bindings
	var sc *saslConn
	switch cfg.transport() {
	case transportSASLSign:
		sc = newSASLConn(raw)
	default:
		tlsCfg, err := tlsConfig(cfg.CAFile, serverName)
		if err != nil {
			raw.Close()
			return nil, err
		}
		var tc *tls.Conn
		if cfg.transport() == transportStartTLS {
			if tc, err = startTLS(dialCtx, raw, tlsCfg); err != nil {
				raw.Close()
				return nil, fmt.Errorf("StartTLS with %s: %w", addr, explainTLS(err))
			}
		} else {
			tc = tls.Client(raw, tlsCfg)
			if err := tc.HandshakeContext(dialCtx); err != nil {
				raw.Close()
				return nil, fmt.Errorf("TLS handshake with %s: %w", addr, explainTLS(err))
			}
		}
		st := tc.ConnectionState()
		tlsState = &st
		sc = newSASLConn(tc)
	}
	lc := ldap.NewConn(sc, tlsState != nil)
	lc.Start()
	lc.SetTimeout(cfg.timeout())

	c := &Conn{cfg: cfg, ldap: lc, sasl: sc}
	if cfg.authMethod() == AuthKerberos {
		err = c.kerberosBind(ctx, tlsState, tlsState == nil)
	} else {
		err = c.bind(ctx, bindName)
	}
	if err != nil {
		lc.Close()
		return nil, err
	}
	return c, nil
}

// Close ends the connection.
func (c *Conn) Close() error { return c.ldap.Close() }

// Host is the DC this connection reached: the one given, or the one found in
// DNS. SMB to SYSVOL should go to the same DC, so that the directory and the
// files come from one replica.
func (c *Conn) Host() string {
	host := c.cfg.DC
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return host
}

// RootDSE returns what was read from the DC at connect time.
func (c *Conn) RootDSE() RootDSE { return c.root }

func (c *Conn) bind(ctx context.Context, bindName string) error {
	if c.cfg.Password == "" {
		return newConfigError(ProblemEmptyPassword, bindName, nil, "bind as %s: empty password", bindName)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := c.ldap.Bind(bindName, c.cfg.Password); err != nil {
		return fmt.Errorf("bind as %s: %w", bindName, explainBind(err))
	}
	return nil
}

func (c *Conn) readRootDSE(ctx context.Context) error {
	attrs := []string{"defaultNamingContext", "configurationNamingContext", "schemaNamingContext",
		"rootDomainNamingContext", "dnsHostName", "serverName", "domainFunctionality",
		"forestFunctionality", "domainControllerFunctionality"}
	res, err := c.search(ctx, ldap.NewSearchRequest("", ldap.ScopeBaseObject, ldap.NeverDerefAliases,
		0, 0, false, "(objectClass=*)", attrs, nil))
	if err != nil {
		return fmt.Errorf("read rootDSE: %w", err)
	}
	if len(res.Entries) != 1 {
		return fmt.Errorf("read rootDSE: got %d entries, want 1", len(res.Entries))
	}
	e := res.Entries[0]
	atoi := func(name string) int {
		n, _ := strconv.Atoi(e.GetAttributeValue(name))
		return n
	}
	c.root = RootDSE{
		DefaultNamingContext:          e.GetAttributeValue("defaultNamingContext"),
		ConfigurationNamingContext:    e.GetAttributeValue("configurationNamingContext"),
		SchemaNamingContext:           e.GetAttributeValue("schemaNamingContext"),
		RootDomainNamingContext:       e.GetAttributeValue("rootDomainNamingContext"),
		DNSHostName:                   e.GetAttributeValue("dnsHostName"),
		ServerName:                    e.GetAttributeValue("serverName"),
		DomainFunctionality:           atoi("domainFunctionality"),
		ForestFunctionality:           atoi("forestFunctionality"),
		DomainControllerFunctionality: atoi("domainControllerFunctionality"),
	}
	return nil
}

// search runs one request, honouring ctx cancellation.
func (c *Conn) search(ctx context.Context, req *ldap.SearchRequest) (*ldap.SearchResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return c.ldap.Search(req)
}

// Page sizes. The first page is a screenful so a tree or table can show
// something while the rest arrives: Samba builds the whole result set before
// answering, and then the first page's cost grows with its size. Later pages
// are large, and stay under AD's MaxPageSize (1000) so nothing is truncated.
//
// Paging is also the fastest way to the first entries that Samba offers.
// Its paged_results module first collects only the GUIDs of every match and
// then reads one page's entries by GUID; the other request shapes tried
// evidently read every match in full before sending the first. On a
// 10,000-OU container
// (BenchmarkFirstPageVariants) a plain search with a size limit of 50, a
// plain search read as a stream, and VLV over a server-side sort took 2-4
// times as long, an objectCategory filter up to three times as long, and
// asking for no attributes or for any object class was no faster.
const (
	firstPageSize = 50
	pageSize      = 500
)

// SearchAll runs a paged subtree or one-level search and returns every entry.
func (c *Conn) SearchAll(ctx context.Context, base string, scope int, filter string, attrs []string) ([]*ldap.Entry, error) {
	var out []*ldap.Entry
	err := c.SearchPages(ctx, base, scope, filter, attrs, func(page []*ldap.Entry) error {
		out = append(out, page...)
		return nil
	})
	return out, err
}

// SearchPages runs a paged search ([RFC 2696] simple paged results) and hands
// each page to fn as it arrives, so a caller can show the first page while the
// rest is still coming. ctx is checked between pages. When fn returns an
// error the search stops there, and the server is told to drop the rest.
func (c *Conn) SearchPages(ctx context.Context, base string, scope int, filter string, attrs []string, fn func([]*ldap.Entry) error) error {
	paging := ldap.NewControlPaging(firstPageSize)
	req := ldap.NewSearchRequest(base, scope, ldap.NeverDerefAliases, 0, 0, false, filter, attrs,
		[]ldap.Control{paging})
	for {
		res, err := c.search(ctx, req)
		if err != nil {
			return fmt.Errorf("search %q under %q: %w", filter, base, err)
		}
		resp, ok := ldap.FindControl(res.Controls, ldap.ControlTypePaging).(*ldap.ControlPaging)
		more := ok && len(resp.Cookie) > 0
		if err := fn(res.Entries); err != nil {
			if more {
				c.abandonPaging(req, paging, resp.Cookie)
			}
			return err
		}
		if !more {
			return nil
		}
		paging.SetCookie(resp.Cookie)
		paging.PagingSize = pageSize
	}
}

// abandonPaging sends the cookie back with a page size of zero, which ends
// the paged search on the server ([RFC 2696] section 3). Best effort: the
// caller already has its answer.
func (c *Conn) abandonPaging(req *ldap.SearchRequest, paging *ldap.ControlPaging, cookie []byte) {
	paging.SetCookie(cookie)
	paging.PagingSize = 0
	_, _ = c.ldap.Search(req)
}

// Count returns how many objects under base match filter, using a paged
// search that asks for no attributes.
func (c *Conn) Count(ctx context.Context, base, filter string) (int, error) {
	entries, err := c.SearchAll(ctx, base, ldap.ScopeWholeSubtree, filter, []string{"1.1"})
	if err != nil {
		return 0, err
	}
	return len(entries), nil
}

func tlsConfig(caFile, serverName string) (*tls.Config, error) {
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("read CA file: %w", err)
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("CA file %s holds no PEM certificate", caFile)
		}
	}
	return &tls.Config{RootCAs: pool, ServerName: serverName, MinVersion: tls.VersionTLS12}, nil
}

// explainTLS adds what to do to certificate errors.
func explainTLS(err error) error {
	var unknown x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	switch {
	case errors.As(err, &unknown):
		return newConfigError(ProblemUntrustedCA, "", err, "%v: the DC's certificate is signed by a CA this host does not trust", err)
	case errors.As(err, &hostErr):
		return newConfigError(ProblemCertName, "", err, "%v: connect using a name the certificate carries (see its subject alternative names)", err)
	case errors.As(err, &invalid):
		return fmt.Errorf("%w: the DC's certificate is not valid (expired or not for server use); renew it on the DC", err)
	}
	return err
}

// explainBind turns AD's bind failures into something a person can act on.
// AD puts a hex "data" code in the diagnostic message of result 49
// ([MS-ADTS] 3.1.1.3.4.1.5 does not list them; they are Win32 error codes).
func explainBind(err error) error {
	var le *ldap.Error
	if !errors.As(err, &le) {
		return err
	}
	switch le.ResultCode {
	case ldap.LDAPResultStrongAuthRequired:
		return newConfigError(ProblemStrongAuthRequired, "", err, "%v: the DC requires a protected connection (LDAPS or StartTLS)", err)
	case ldap.LDAPResultInvalidCredentials:
		if text, code, ok := bindDataCode(le.Err.Error()); ok {
			return fmt.Errorf("%s (AD data code %s)", text, code)
		}
		return errors.New("invalid credentials: user name or password is wrong")
	}
	return err
}

// bindDataCode finds the Win32 code after "data " in AD's diagnostic message
// ("80090308: LdapErr: DSID-0C09041C, comment: AcceptSecurityContext error,
// data 52e, v4563") and says what it means.
func bindDataCode(msg string) (text, code string, ok bool) {
	lower := strings.ToLower(msg)
	i := strings.Index(lower, "data ")
	if i < 0 {
		return "", "", false
	}
	code = lower[i+len("data "):]
	if j := strings.IndexAny(code, ", "); j >= 0 {
		code = code[:j]
	}
	switch code {
	case "525":
		text = "user not found: check the user name and the domain"
	case "52e":
		text = "wrong password (or unknown user): check the password"
	case "530":
		text = "logon not permitted at this time for this account"
	case "531":
		text = "logon not permitted from this workstation for this account"
	case "532":
		text = "password expired: change it (for example with kpasswd) and try again"
	case "533":
		text = "account disabled: ask a domain admin to enable it"
	case "701":
		text = "account expired: ask a domain admin to extend it"
	case "773":
		text = "the password must be changed before first logon: change it and try again"
	case "775":
		text = "account locked out: wait for the lockout to end or ask a domain admin to unlock it"
	default:
		return "", "", false
	}
	return text, code, true
}
