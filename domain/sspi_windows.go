//go:build windows

package domain

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/alexbrainman/sspi"
	"github.com/alexbrainman/sspi/kerberos"
)

// kerbWrapNoEncrypt is the quality of protection that makes SSPI's
// EncryptMessage sign without sealing: an [RFC 4121] Wrap token with the
// Sealed flag clear (KERB_WRAP_NO_ENCRYPT, SECQOP_WRAP_NO_ENCRYPT).
const kerbWrapNoEncrypt = 0x80000001

// sspiMechanism is the Kerberos initiator of Windows' SSPI, with the
// credentials of the logged-on user: what an administrator in an RDP
// session already has, with no password typed.
type sspiMechanism struct {
	creds    *sspi.Credentials
	ctx      *kerberos.ClientContext
	spn      string
	bindings []byte // SEC_CHANNEL_BINDINGS, nil without TLS
}

func newSSPIMechanism(spn string, bindings []byte) (gssMechanism, error) {
	creds, err := kerberos.AcquireCurrentUserCredentials()
	if err != nil {
		return nil, fmt.Errorf("get the logged-on user's Kerberos credentials from SSPI: %w", err)
	}
	m := &sspiMechanism{creds: creds, spn: spn}
	if bindings != nil {
		m.bindings = secChannelBindings(bindings)
	}
	return m, nil
}

// sspiContextFlags ask for mutual authentication and for integrity and
// confidentiality services; SSPI refuses EncryptMessage (also used to
// sign) on a context without confidentiality.
const sspiContextFlags = sspi.ISC_REQ_MUTUAL_AUTH | sspi.ISC_REQ_INTEGRITY | sspi.ISC_REQ_CONFIDENTIALITY |
	sspi.ISC_REQ_SEQUENCE_DETECT | sspi.ISC_REQ_REPLAY_DETECT

func (m *sspiMechanism) initSecContext(in []byte) ([]byte, bool, error) {
	if m.ctx == nil {
		ctx, done, out, err := kerberos.NewClientContextWithChannelBindings(m.creds, m.spn, sspiContextFlags, m.bindings)
		if err != nil {
			return nil, false, fmt.Errorf("SSPI Kerberos context for %s: %w", m.spn, explainSSPI(err))
		}
		m.ctx = ctx
		return out, !done, nil
	}
	done, out, err := m.ctx.Update(in)
	if err != nil {
		return nil, false, fmt.Errorf("SSPI Kerberos context for %s: %w", m.spn, explainSSPI(err))
	}
	if done {
		if err := m.ctx.VerifySelectiveFlags(sspi.ISC_REQ_MUTUAL_AUTH | sspi.ISC_REQ_INTEGRITY); err != nil {
			return nil, false, fmt.Errorf("SSPI Kerberos context for %s lacks mutual authentication or integrity: %w", m.spn, err)
		}
	}
	return out, !done, nil
}

func (m *sspiMechanism) wrap(payload []byte) ([]byte, error) {
	if m.ctx == nil {
		return nil, errors.New("SSPI context is not established")
	}
	// EncryptMessage works in place; keep the caller's buffer intact.
	buf := append([]byte(nil), payload...)
	// SSPI keeps the sequence numbers itself; the argument is ignored for
	// Kerberos.
	return m.ctx.EncryptMessage(buf, kerbWrapNoEncrypt, 0)
}

func (m *sspiMechanism) unwrap(token []byte) ([]byte, error) {
	if m.ctx == nil {
		return nil, errors.New("SSPI context is not established")
	}
	qop, payload, err := m.ctx.DecryptMessage(append([]byte(nil), token...), 0)
	if err != nil {
		return nil, fmt.Errorf("SSPI could not verify the DC's message: %w", err)
	}
	// SSPI reports a signed-only token with the KERB_WRAP_NO_ENCRYPT bits
	// in the quality of protection; without them the token was sealed.
	if qop&kerbWrapNoEncrypt == 0 {
		return nil, errors.New("the DC sealed a message, but only integrity was negotiated")
	}
	return payload, nil
}

func (m *sspiMechanism) overhead() int {
	if m.ctx == nil {
		return wrapHeaderLen + 24
	}
	_, maxSignature, blockSize, trailer, err := m.ctx.Sizes()
	if err != nil {
		return wrapHeaderLen + 24
	}
	return int(maxSignature + blockSize + trailer)
}

func (m *sspiMechanism) close() error {
	var errs []error
	if m.ctx != nil {
		errs = append(errs, m.ctx.Release())
		m.ctx = nil
	}
	if m.creds != nil {
		errs = append(errs, m.creds.Release())
		m.creds = nil
	}
	return errors.Join(errs...)
}

// explainSSPI adds what to do to the SSPI failures an administrator meets.
func explainSSPI(err error) error {
	var status syscall.Errno // SSPI returns SECURITY_STATUS values as Errno
	if !errors.As(err, &status) {
		return err
	}
	switch uint32(status) {
	case 0x80090311: // SEC_E_NO_AUTHENTICATING_AUTHORITY
		return fmt.Errorf("%w: no domain controller answered for the logged-on user's domain", err)
	case 0x8009030E: // SEC_E_NO_CREDENTIALS
		return newConfigError(ProblemSSPINoCredentials, "", err, "%v: the logged-on user has no domain Kerberos credentials (a local account?)", err)
	case 0x80090303: // SEC_E_TARGET_UNKNOWN
		return newConfigError(ProblemSSPINoSPN, "", err, "%v: the domain has no such service principal", err)
	case 0x80090324: // SEC_E_TIME_SKEW
		return fmt.Errorf("%w: this computer's clock differs too much from the DC's", err)
	}
	return err
}
