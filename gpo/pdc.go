package gpo

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/go-ldap/ldap/v3"
)

// GPMC makes every Group Policy change on the domain's PDC emulator (the
// "PDC emulator operations master" default of GPMC's "Change Domain
// Controller" dialog), so the directory half and the SYSVOL half of a GPO
// are written on one DC and replication carries both. ctitui does the same:
// OpenForWrite connects to the PDC emulator for plans, while reads may use
// any DC. The stored paths (gPCFileSysPath, msiScriptPath) keep the
// \\<domain>\SysVol form whatever DC is written to: only the connection
// changes.

// PDCEmulator finds the DC holding the PDC emulator role: fSMORoleOwner of
// the domain naming context head names that DC's nTDSDSA object ([MS-ADTS]
// 3.1.1.1.11, 6.1.5.5); the nTDSDSA's parent is the server object, whose
// dNSHostName is the DC's DNS name ([MS-ADTS] 6.1.1.2.2.1.2.1.1).
func (s *Session) PDCEmulator(ctx context.Context) (string, error) {
	owner, err := s.readAttr(ctx, s.BaseDN(), "fSMORoleOwner")
	if err != nil {
		return "", fmt.Errorf("read the PDC emulator role owner: %w", err)
	}
	return s.dsaHost(ctx, owner)
}

// dsaHost is the dNSHostName of the server object above an nTDSDSA DN.
func (s *Session) dsaHost(ctx context.Context, dsaDN string) (string, error) {
	dn, err := ldap.ParseDN(dsaDN)
	if err != nil || len(dn.RDNs) < 2 {
		return "", fmt.Errorf("PDC emulator role owner %q is not an NTDS Settings object", dsaDN)
	}
	serverDN := strings.SplitN(dsaDN, ",", 2)[1]
	host, err := s.readAttr(ctx, serverDN, "dNSHostName")
	if err != nil {
		return "", fmt.Errorf("read the PDC emulator's server object %s: %w", serverDN, err)
	}
	if host == "" {
		return "", fmt.Errorf("the PDC emulator's server object %s has no dNSHostName", serverDN)
	}
	return strings.ToLower(host), nil
}

// DCName is the DNS name of the DC the session's directory connection is
// on, as the DC announces it (rootDSE dnsHostName).
func (s *Session) DCName() string { return strings.ToLower(s.root.DNSHostName) }

// WriteTarget says where a session opened by OpenForWrite writes.
type WriteTarget struct {
	// PDC is the PDC emulator's DNS name.
	PDC string `json:"pdcEmulator"`
	// DC is the DC the session writes to.
	DC string `json:"dc"`
	// Pinned is true when the caller named the DC (Endpoints.LDAP.DC);
	// then that DC is used even when it is not the PDC emulator.
	Pinned bool `json:"pinned,omitempty"`
}

// OnPDC says whether writes go to the PDC emulator.
func (t WriteTarget) OnPDC() bool { return strings.EqualFold(t.PDC, t.DC) }

// PDCUnreachableError is OpenForWrite failing to connect to the PDC
// emulator. InUse is the DC that did answer (where the caller could write
// instead, if the admin chooses to).
type PDCUnreachableError struct {
	PDC   string
	InUse string
	Err   error
}

func (e *PDCUnreachableError) Error() string {
	return fmt.Sprintf("the PDC emulator %s cannot be reached (connected to %s instead): %v", e.PDC, e.InUse, e.Err)
}

func (e *PDCUnreachableError) Unwrap() error { return e.Err }

// AsPDCUnreachable unwraps a *PDCUnreachableError.
func AsPDCUnreachable(err error) (*PDCUnreachableError, bool) {
	var pe *PDCUnreachableError
	ok := errors.As(err, &pe)
	return pe, ok
}

// OpenForWrite opens a session for a plan. When ep names no DC, it connects
// to any DC (DNS), asks it for the PDC emulator and, unless it is that DC,
// connects to the PDC emulator instead, directory and SYSVOL both. When ep
// names a DC, that DC is used and the target says whether it is the PDC
// emulator. A PDC emulator that cannot be reached is an error
// (*PDCUnreachableError), never a silent fallback.
func OpenForWrite(ctx context.Context, ep Endpoints) (*Session, WriteTarget, error) {
	// A located DC may not be the one to write on: warm its SYSVOL only
	// once it turns out to be the PDC emulator.
	first := ep
	if ep.LDAP.DC == "" {
		first.PrefetchSysVol = false
	}
	s, err := Open(ctx, first)
	if err != nil {
		return nil, WriteTarget{}, err
	}
	pdc, err := s.PDCEmulator(ctx)
	if err != nil {
		s.Close()
		return nil, WriteTarget{}, err
	}
	t := WriteTarget{PDC: pdc, DC: s.DCName(), Pinned: ep.LDAP.DC != ""}
	if t.Pinned || t.OnPDC() {
		if ep.PrefetchSysVol && !first.PrefetchSysVol {
			s.WarmSysVol(ctx)
		}
		return s, t, nil
	}
	inUse := t.DC
	s.Close()
	onPDC := ep
	onPDC.LDAP.DC = pdc
	onPDC.LDAP.SPNHost = ""
	onPDC.SMBHost = ""
	ps, err := Open(ctx, onPDC)
	if err != nil {
		return nil, t, &PDCUnreachableError{PDC: pdc, InUse: inUse, Err: err}
	}
	t.DC = ps.DCName()
	return ps, t, nil
}

// SysvolVersion reads the Version of the GPO's GPT.INI on this session's
// SYSVOL.
func (s *Session) SysvolVersion(ctx context.Context, guid string) (Version, error) {
	return s.sysvolVersion(ctx, guid)
}

// FolderACLMatches says whether the GPO's SYSVOL folder on this session's
// DC carries the ACL its directory object's descriptor maps to (FolderSD,
// what samba-tool gpo aclcheck checks).
func (s *Session) FolderACLMatches(ctx context.Context, guid string) (bool, error) {
	c, err := s.Dir(ctx)
	if err != nil {
		return false, err
	}
	ds, _, err := c.ReadSecurityDescriptor(ctx, s.gpoDN(guid), ownerGroupDACL)
	if err != nil {
		return false, err
	}
	want, err := FolderSD(ds)
	if err != nil {
		return false, err
	}
	sh, err := s.SysVol(ctx)
	if err != nil {
		return false, err
	}
	got, err := sh.Security(ctx, s.gpoRel(guid))
	if err != nil {
		return false, err
	}
	return want.SDDL(s.DomainSID()) == got.SDDL(s.DomainSID()), nil
}
