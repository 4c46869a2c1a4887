package gpo

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/domain/secdesc"
	"github.com/ctitui/ctitui/domain/smb"
)

// sysvolShare is the share every DC publishes its SYSVOL under ([MS-GPOL]
// 2.3: "\\<domain>\SysVol\<domain>\Policies\{GUID}").
const sysvolShare = "SysVol"

// Endpoints say where the directory and SYSVOL are and how to log on.
type Endpoints struct {
	// LDAP is the directory connection (domain.Dial).
	LDAP domain.Config
	// SMBHost is the file server holding SYSVOL; empty means the host of
	// LDAP.DC without its port: the same DC, so that what the directory
	// says and what SYSVOL holds come from one replica.
	SMBHost string
	// SMB tunes the SMB session. A zero Auth is derived from LDAP: the
	// same password (NTLMv2) or, with Kerberos, a ticket for cifs/<DC>.
	SMB smb.Options
	// PrefetchSysVol connects to SYSVOL while the directory connection
	// is being made, for commands that will need both: the two
	// handshakes then overlap instead of adding up.
	PrefetchSysVol bool
}

// Session is one admin's connection to a domain for GPO work: the
// directory, and SYSVOL on the same DC, opened on first use. Plans built
// from a Session reach both through it, so that Reconnect (which a plan runs
// before rolling back after a dropped connection) gives them fresh
// connections.
type Session struct {
	ep Endpoints

	// dirMu guards dir, smbMu smbc and sysvol: separate, so that SYSVOL
	// can be dialed in the background while the directory is in use.
	dirMu  sync.Mutex
	dir    *domain.Conn
	smbMu  sync.Mutex
	smbc   *smb.Client
	sysvol *smb.Share
	// warming is the background SYSVOL dial of WarmSysVol.
	warming sync.WaitGroup

	root      domain.RootDSE
	dnsDomain string
	domainSID secdesc.SID
}

// Open connects to the directory and reads what every GPO operation needs:
// the naming context, the DNS domain name and the domain SID.
func Open(ctx context.Context, ep Endpoints) (*Session, error) {
	s := &Session{ep: ep}
	// With Kerberos the SMB service principal comes from the rootDSE, so
	// SYSVOL can only be prefetched once the directory answered.
	early := ep.PrefetchSysVol && ep.LDAP.Auth != domain.AuthKerberos
	if early {
		s.WarmSysVol(ctx)
	}
	c, err := s.Dir(ctx)
	if err != nil {
		s.Close()
		return nil, err
	}
	s.root = c.RootDSE()
	if s.dnsDomain, err = dnsFromDN(s.root.DefaultNamingContext); err != nil {
		s.Close()
		return nil, err
	}
	if s.domainSID, err = c.DomainSID(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if ep.PrefetchSysVol && !early {
		s.WarmSysVol(ctx)
	}
	return s, nil
}

// Close ends both connections.
func (s *Session) Close() error {
	s.warming.Wait()
	return s.closeAll()
}

func (s *Session) closeAll() error {
	var errs []error
	s.smbMu.Lock()
	if s.sysvol != nil {
		errs = append(errs, s.sysvol.Close())
	}
	if s.smbc != nil {
		errs = append(errs, s.smbc.Close())
	}
	s.smbc, s.sysvol = nil, nil
	s.smbMu.Unlock()
	s.dirMu.Lock()
	if s.dir != nil {
		errs = append(errs, s.dir.Close())
	}
	s.dir = nil
	s.dirMu.Unlock()
	return errors.Join(errs...)
}

// Reconnect drops both connections; the next use dials again. Errors from
// closing a connection that already broke are of no interest.
func (s *Session) Reconnect(ctx context.Context) error {
	s.warming.Wait()
	s.closeAll()
	_, err := s.Dir(ctx)
	return err
}

// settleDelay is how long recoverAfterFailure waits before compensating.
// A request that reached the server just before its connection dropped
// may still be carried out after the client has reconnected: Samba and
// Windows DCs serve connections independently, with no order between
// them. An undo that ran first would find nothing to undo, and the late
// change would then stay (an orphan object or folder). Waiting lets such
// requests land, so the undo sees and reverts them.
const settleDelay = 500 * time.Millisecond

// recoverAfterFailure is what a plan runs before rolling back: drop both
// connections, let requests already sent on them land, connect again.
func (s *Session) recoverAfterFailure(ctx context.Context) error {
	s.warming.Wait()
	s.closeAll()
	t := time.NewTimer(settleDelay)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
		return ctx.Err()
	}
	_, err := s.Dir(ctx)
	return err
}

// WarmSysVol starts connecting to SYSVOL in the background, so that the
// SMB handshake overlaps the directory work that comes first in a plan.
// A failure is not reported here: the first real use dials again and
// reports it.
func (s *Session) WarmSysVol(ctx context.Context) {
	s.warming.Add(1)
	go func() {
		defer s.warming.Done()
		s.SysVol(ctx)
	}()
}

// Dir returns the directory connection, dialing it when needed.
func (s *Session) Dir(ctx context.Context) (*domain.Conn, error) {
	s.dirMu.Lock()
	defer s.dirMu.Unlock()
	if s.dir != nil {
		return s.dir, nil
	}
	c, err := domain.Dial(ctx, s.ep.LDAP)
	if err != nil {
		return nil, err
	}
	s.dir = c
	return c, nil
}

// SysVol returns the SYSVOL share of the DC, connecting when needed.
func (s *Session) SysVol(ctx context.Context) (*smb.Share, error) {
	s.smbMu.Lock()
	defer s.smbMu.Unlock()
	if s.sysvol != nil {
		return s.sysvol, nil
	}
	host := s.smbHost()
	opts := s.ep.SMB
	if opts.Auth == (smb.Auth{}) {
		a, err := s.smbAuth(ctx)
		if err != nil {
			return nil, err
		}
		opts.Auth = a
	}
	c, err := smb.Dial(ctx, host, opts)
	if err != nil {
		return nil, fmt.Errorf("SYSVOL: %w", err)
	}
	share, err := c.Mount(ctx, sysvolShare)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("SYSVOL: %w", err)
	}
	s.smbc, s.sysvol = c, share
	return share, nil
}

func (s *Session) smbHost() string {
	if s.ep.SMBHost != "" {
		return s.ep.SMBHost
	}
	host := s.ep.LDAP.DC
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host == "" && s.dir != nil {
		// No --dc: the DC was found in DNS when the directory was dialed.
		host = s.dir.Host()
	}
	return host
}

func (s *Session) smbAuth(ctx context.Context) (smb.Auth, error) {
	cfg := s.ep.LDAP
	if cfg.Auth == domain.AuthKerberos {
		cl, err := domain.NewKerberosClient(ctx, cfg)
		if err != nil {
			return smb.Auth{}, fmt.Errorf("SYSVOL: %w", err)
		}
		host := s.root.DNSHostName
		if host == "" {
			host = s.smbHost()
		}
		return smb.Auth{Kerberos: cl, SPN: "cifs/" + host}, nil
	}
	return smb.PasswordAuth(cfg.User, cfg.Domain, cfg.Password)
}

// BaseDN is the domain's naming context.
func (s *Session) BaseDN() string { return s.root.DefaultNamingContext }

// DNSDomain is the domain's DNS name, as SYSVOL paths spell it.
func (s *Session) DNSDomain() string { return s.dnsDomain }

// DomainSID is the domain's SID.
func (s *Session) DomainSID() secdesc.SID { return s.domainSID }

// policiesDN is CN=Policies,CN=System,<domain> ([MS-GPOL] 2.3).
func (s *Session) policiesDN() string { return "CN=Policies,CN=System," + s.BaseDN() }

// gpoDN is the groupPolicyContainer of guid ("{...}", upper case).
func (s *Session) gpoDN(guid string) string { return "CN=" + guid + "," + s.policiesDN() }

// policiesRel is the Policies folder relative to the SYSVOL share.
func (s *Session) policiesRel() string { return s.dnsDomain + `\Policies` }

// gpoRel is the GPO's folder relative to the SYSVOL share.
func (s *Session) gpoRel(guid string) string { return s.policiesRel() + `\` + guid }

// fileSysPath is the gPCFileSysPath GPMC writes ([MS-GPOL] 2.3.1).
func (s *Session) fileSysPath(guid string) string {
	return `\\` + s.dnsDomain + `\` + sysvolShare + `\` + s.dnsDomain + `\Policies\` + guid
}

// sysvolUNC is the UNC path of rel on the DC we talk to, for plans and
// messages.
func (s *Session) sysvolUNC(rel string) string {
	return `\\` + s.smbHost() + `\` + sysvolShare + `\` + rel
}

// dnsFromDN turns DC=corp,DC=example,DC=com into corp.example.com.
func dnsFromDN(dn string) (string, error) {
	var labels []string
	for _, rdn := range strings.Split(dn, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(rdn), "=")
		if !ok || !strings.EqualFold(k, "DC") {
			return "", fmt.Errorf("domain naming context %q is not DC=...,DC=...", dn)
		}
		labels = append(labels, strings.ToLower(v))
	}
	return strings.Join(labels, "."), nil
}
