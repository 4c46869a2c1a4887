package domain

import (
	"context"
	"crypto/md5"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/jcmturner/gokrb5/v8/client"
	"github.com/jcmturner/gokrb5/v8/crypto"
	"github.com/jcmturner/gokrb5/v8/iana/chksumtype"
	"github.com/jcmturner/gokrb5/v8/iana/flags"
	"github.com/jcmturner/gokrb5/v8/iana/keyusage"
	"github.com/jcmturner/gokrb5/v8/messages"
	"github.com/jcmturner/gokrb5/v8/types"
)

// gssMechanism is an initiator's GSS-API security context as the SASL
// GSSAPI mechanism ([RFC 4752]) needs it: context establishment
// (GSS_Init_sec_context, [RFC 2743] 2.2.1) and per-message protection
// without confidentiality (GSS_Wrap/GSS_Unwrap, [RFC 2743] 2.3.3-2.3.4).
// It is implemented with gokrb5 tickets everywhere and with SSPI on Windows.
type gssMechanism interface {
	// initSecContext takes the acceptor's last token (nil at first) and
	// returns the token to send and whether a reply is still needed.
	initSecContext(in []byte) (out []byte, needContinue bool, err error)
	// wrap signs payload for the acceptor.
	wrap(payload []byte) ([]byte, error)
	// unwrap verifies a token from the acceptor and returns its payload.
	unwrap(token []byte) ([]byte, error)
	// overhead is the most bytes wrap adds to a payload.
	overhead() int
	// close releases what the context holds.
	close() error
}

// GSS-API context flags carried in the authenticator checksum ([RFC 4121]
// 4.1.1.1; values from [RFC 2744] 3.9.1).
const (
	gssMutualFlag   = 2
	gssReplayFlag   = 4
	gssSequenceFlag = 8
	gssIntegFlag    = 32
)

// krb5Initiator is the initiator of the Kerberos V5 GSS-API mechanism
// ([RFC 4121]) on gokrb5 tickets: it sends one AP-REQ asking for mutual
// authentication and checks the acceptor's AP-REP.
type krb5Initiator struct {
	crealm     string
	cname      types.PrincipalName
	ticket     messages.Ticket
	sessionKey types.EncryptionKey
	// bindings is the channel bindings' application data ([RFC 5929]),
	// nil when the connection is not TLS.
	bindings []byte

	sent        types.Authenticator // set once the AP-REQ is made
	established bool
	prot        *krb5Protection
}

// newKrb5Initiator gets a service ticket for spn ("ldap/dc1.corp.example")
// from the client's KDC.
func newKrb5Initiator(ctx context.Context, cl *client.Client, spn string, bindings []byte) (*krb5Initiator, error) {
	var (
		tkt messages.Ticket
		key types.EncryptionKey
	)
	err := runWithContext(ctx, func() error {
		var err error
		tkt, key, err = cl.GetServiceTicket(spn)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("get a Kerberos ticket for %s: %w", spn, explainKerberos(err, kerberosHints{spn: spn}))
	}
	return &krb5Initiator{
		crealm:     cl.Credentials.Domain(),
		cname:      cl.Credentials.CName(),
		ticket:     tkt,
		sessionKey: key,
		bindings:   bindings,
	}, nil
}

func (k *krb5Initiator) initSecContext(in []byte) ([]byte, bool, error) {
	switch {
	case k.established:
		return nil, false, errors.New("Kerberos context is already established")
	case k.sent.CName.NameString == nil:
		if len(in) != 0 {
			return nil, false, errors.New("the DC sent a token before the AP-REQ")
		}
		out, err := k.apReq()
		return out, true, err
	default:
		if err := k.apRep(in); err != nil {
			return nil, false, err
		}
		k.established = true
		return nil, false, nil
	}
}

// apReq builds the initial context token: the GSS framing of [RFC 2743]
// 3.1 around TOK_ID 01 00 and a KRB_AP_REQ ([RFC 4121] 4.1) whose
// authenticator carries the 0x8003 checksum ([RFC 4121] 4.1.1), a fresh
// subkey and our initial sequence number.
func (k *krb5Initiator) apReq() ([]byte, error) {
	auth, err := types.NewAuthenticator(k.crealm, k.cname)
	if err != nil {
		return nil, fmt.Errorf("make Kerberos authenticator: %w", err)
	}
	et, err := crypto.GetEtype(k.sessionKey.KeyType)
	if err != nil {
		return nil, fmt.Errorf("Kerberos session key: %w", err)
	}
	if err := auth.GenerateSeqNumberAndSubKey(k.sessionKey.KeyType, et.GetKeyByteSize()); err != nil {
		return nil, fmt.Errorf("make Kerberos subkey: %w", err)
	}
	auth.Cksum = types.Checksum{
		CksumType: chksumtype.GSSAPI,
		Checksum:  gssAuthenticatorChecksum(gssMutualFlag|gssReplayFlag|gssSequenceFlag|gssIntegFlag, k.bindings),
	}
	req, err := messages.NewAPReq(k.ticket, k.sessionKey, auth)
	if err != nil {
		return nil, fmt.Errorf("make AP-REQ: %w", err)
	}
	types.SetFlag(&req.APOptions, flags.APOptionMutualRequired)
	der, err := req.Marshal()
	if err != nil {
		return nil, fmt.Errorf("encode AP-REQ: %w", err)
	}
	k.sent = auth
	return gssFrame(gssTokAPReq, der), nil
}

// apRep checks the acceptor's reply: a KRB_AP_REP whose encrypted part
// echoes our authenticator's time ([RFC 4120] 3.2.5, mutual authentication)
// and may carry the acceptor's subkey and initial sequence number. A
// KRB_ERROR in its place is decoded for the user.
func (k *krb5Initiator) apRep(in []byte) error {
	tokID, body, err := gssUnframe(in)
	if err != nil {
		return fmt.Errorf("DC's Kerberos reply: %w", err)
	}
	switch tokID {
	case gssTokError:
		var krbErr messages.KRBError
		if err := krbErr.Unmarshal(body); err != nil {
			return fmt.Errorf("DC's Kerberos error reply: %w", err)
		}
		return fmt.Errorf("the DC refused the Kerberos ticket: %w", explainKerberos(krbErr, kerberosHints{}))
	case gssTokAPRep:
	default:
		return fmt.Errorf("DC's Kerberos reply has TOK_ID %04x, want an AP-REP (0200)", tokID)
	}
	var rep messages.APRep
	if err := rep.Unmarshal(body); err != nil {
		return fmt.Errorf("decode AP-REP: %w", err)
	}
	plain, err := crypto.DecryptEncPart(rep.EncPart, k.sessionKey, keyusage.AP_REP_ENCPART)
	if err != nil {
		return fmt.Errorf("decrypt AP-REP (the DC does not hold the key of the ticket's service?): %w", err)
	}
	var part messages.EncAPRepPart
	if err := part.Unmarshal(plain); err != nil {
		return fmt.Errorf("decode AP-REP: %w", err)
	}
	// The authenticator's ctime travels as a GeneralizedTime in whole
	// seconds, so compare seconds.
	if part.CTime.Unix() != k.sent.CTime.Unix() || part.Cusec != k.sent.Cusec {
		return errors.New("the DC's AP-REP does not answer our authenticator: mutual authentication failed")
	}
	key, acceptorSubkey := k.sent.SubKey, false
	if part.Subkey.KeyType != 0 {
		key, acceptorSubkey = part.Subkey, true
	}
	// Sequence numbers are 32-bit on the wire of [RFC 4120] and widened to
	// the 64-bit SND_SEQ of [RFC 4121] 4.2.6.2.
	k.prot, err = newKrb5Protection(key, acceptorSubkey, uint64(uint32(k.sent.SeqNumber)), uint64(uint32(part.SequenceNumber)))
	return err
}

func (k *krb5Initiator) wrap(payload []byte) ([]byte, error) {
	if k.prot == nil {
		return nil, errors.New("Kerberos context is not established")
	}
	return k.prot.wrap(payload)
}

func (k *krb5Initiator) unwrap(token []byte) ([]byte, error) {
	if k.prot == nil {
		return nil, errors.New("Kerberos context is not established")
	}
	return k.prot.unwrap(token)
}

func (k *krb5Initiator) overhead() int {
	if k.prot == nil {
		return wrapHeaderLen + 24 // the longest checksum (RFC 8009 SHA-384)
	}
	return k.prot.overhead()
}

func (k *krb5Initiator) close() error { return nil }

// gssAuthenticatorChecksum is the value of the 0x8003 checksum ([RFC 4121]
// 4.1.1): Lgth (16), Bnd (MD5 of the channel bindings, or zeros), Flags,
// all little-endian.
func gssAuthenticatorChecksum(gssFlags uint32, bindings []byte) []byte {
	b := make([]byte, 24)
	binary.LittleEndian.PutUint32(b[0:4], 16)
	if bindings != nil {
		sum := channelBindingsHash(bindings)
		copy(b[4:20], sum[:])
	}
	binary.LittleEndian.PutUint32(b[20:24], gssFlags)
	return b
}

// channelBindingsHash is Bnd of [RFC 4121] 4.1.1.2: MD5 over the
// gss_channel_bindings_struct with no addresses (address types and lengths
// 0) and appData as application data, integers 4-byte little-endian.
func channelBindingsHash(appData []byte) [16]byte {
	b := make([]byte, 20, 20+len(appData))
	binary.LittleEndian.PutUint32(b[16:20], uint32(len(appData)))
	return md5.Sum(append(b, appData...))
}
