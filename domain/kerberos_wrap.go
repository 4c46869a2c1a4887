package domain

import (
	"crypto/hmac"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/jcmturner/gokrb5/v8/crypto"
	"github.com/jcmturner/gokrb5/v8/iana/etypeID"
	"github.com/jcmturner/gokrb5/v8/iana/keyusage"
	"github.com/jcmturner/gokrb5/v8/types"
)

// Wrap tokens of the Kerberos GSS-API mechanism ([RFC 4121] 4.2.6.2), used
// here only without confidentiality: the payload travels in clear and is
// followed by a keyed checksum. This is what the SASL integrity layer of
// [RFC 4752] puts around every LDAP message once the bind has chosen it.

const (
	wrapHeaderLen = 16
	// wrapTokenID is TOK_ID of a Wrap token ([RFC 4121] 4.2.6.2).
	wrapTokenID = 0x0504
	// Flags of the token header ([RFC 4121] 4.2.2).
	wrapFlagSentByAcceptor = 0x01
	wrapFlagSealed         = 0x02
	wrapFlagAcceptorSubkey = 0x04
)

// krb5Protection is the per-message state of an established Kerberos
// security context: the key both sides protect tokens with and each
// direction's sequence number.
type krb5Protection struct {
	// key is the acceptor's subkey if its AP-REP carried one, else the
	// initiator's subkey, else the ticket's session key ([RFC 4121] 2).
	key types.EncryptionKey
	// acceptorSubkey records that key came from the acceptor; tokens then
	// carry the AcceptorSubkey flag in both directions ([RFC 4121] 4.2.2).
	acceptorSubkey bool
	// sendSeq is the next sequence number to send: the initiator's
	// seq-number from the Authenticator, then +1 per token ([RFC 4121] 4.2.3).
	sendSeq uint64
	// recvSeq is the sequence number the next acceptor token must carry:
	// the acceptor's seq-number from the AP-REP, then +1 per token.
	recvSeq uint64
}

// newKrb5Protection checks that the key's encryption type uses the token
// format of [RFC 4121]; the older types (DES, RC4) use the [RFC 1964] /
// [RFC 4757] formats, which ctitui does not speak.
func newKrb5Protection(key types.EncryptionKey, acceptorSubkey bool, sendSeq, recvSeq uint64) (*krb5Protection, error) {
	switch key.KeyType {
	case etypeID.AES128_CTS_HMAC_SHA1_96, etypeID.AES256_CTS_HMAC_SHA1_96,
		etypeID.AES128_CTS_HMAC_SHA256_128, etypeID.AES256_CTS_HMAC_SHA384_192:
	default:
		return nil, fmt.Errorf("the Kerberos session key has encryption type %d (%s), whose GSS-API token format (RFC 1964/4757) ctitui does not support: enable AES for the DC's and the user's accounts (msDS-SupportedEncryptionTypes)",
			key.KeyType, etypeName(key.KeyType))
	}
	if _, err := crypto.GetEtype(key.KeyType); err != nil {
		return nil, fmt.Errorf("Kerberos session key: %w", err)
	}
	return &krb5Protection{key: key, acceptorSubkey: acceptorSubkey, sendSeq: sendSeq, recvSeq: recvSeq}, nil
}

func etypeName(id int32) string {
	switch id {
	case etypeID.RC4_HMAC:
		return "rc4-hmac"
	case etypeID.DES3_CBC_SHA1_KD:
		return "des3-cbc-sha1"
	case etypeID.DES_CBC_CRC, etypeID.DES_CBC_MD5:
		return "des"
	}
	return "not supported"
}

// checksumLen is the length of the key's checksum, the token's EC field.
func (p *krb5Protection) checksumLen() int {
	et, err := crypto.GetEtype(p.key.KeyType)
	if err != nil {
		return 0
	}
	return et.GetHMACBitLength() / 8
}

// overhead is how many bytes wrap adds to a payload.
func (p *krb5Protection) overhead() int { return wrapHeaderLen + p.checksumLen() }

// header builds a token header; ec and rrc are zero when the header is
// input to the checksum ([RFC 4121] 4.2.4).
func (p *krb5Protection) header(flags byte, ec, rrc uint16, seq uint64) []byte {
	h := make([]byte, wrapHeaderLen)
	binary.BigEndian.PutUint16(h[0:2], wrapTokenID)
	h[2] = flags
	h[3] = 0xFF // Filler
	binary.BigEndian.PutUint16(h[4:6], ec)
	binary.BigEndian.PutUint16(h[6:8], rrc)
	binary.BigEndian.PutUint64(h[8:16], seq)
	return h
}

// checksum is computed over the plaintext followed by the header with EC
// and RRC zeroed ([RFC 4121] 4.2.4). Wrap tokens use the *-SEAL key usages
// whether or not they are sealed ([RFC 4121] 2).
func (p *krb5Protection) checksum(payload, zeroedHeader []byte, usage uint32) ([]byte, error) {
	et, err := crypto.GetEtype(p.key.KeyType)
	if err != nil {
		return nil, err
	}
	data := make([]byte, 0, len(payload)+len(zeroedHeader))
	data = append(append(data, payload...), zeroedHeader...)
	sum, err := et.GetChecksumHash(p.key.KeyValue, data, usage)
	if err != nil {
		return nil, fmt.Errorf("compute wrap token checksum: %w", err)
	}
	return sum, nil
}

// wrap protects payload as the initiator: header | payload | checksum, with
// RRC 0 (no rotation).
func (p *krb5Protection) wrap(payload []byte) ([]byte, error) {
	var flags byte
	if p.acceptorSubkey {
		flags |= wrapFlagAcceptorSubkey
	}
	sum, err := p.checksum(payload, p.header(flags, 0, 0, p.sendSeq), keyusage.GSSAPI_INITIATOR_SEAL)
	if err != nil {
		return nil, err
	}
	tok := p.header(flags, uint16(len(sum)), 0, p.sendSeq)
	tok = append(tok, payload...)
	tok = append(tok, sum...)
	p.sendSeq++
	return tok, nil
}

// Errors of unwrap, for tests and callers that react to tampering.
var (
	errWrapChecksum = errors.New("wrap token checksum does not verify: the message was altered or the keys differ")
	errWrapSequence = errors.New("wrap token out of sequence: a message was replayed, lost or reordered")
)

// unwrap verifies a token from the acceptor and returns its payload. It
// checks the token ID and filler, that the acceptor sent it, that it is
// not sealed (only integrity was negotiated), that it says the same as we
// do about the acceptor subkey, its sequence number, and its checksum.
func (p *krb5Protection) unwrap(tok []byte) ([]byte, error) {
	if len(tok) < wrapHeaderLen {
		return nil, fmt.Errorf("wrap token too short (%d bytes)", len(tok))
	}
	if id := binary.BigEndian.Uint16(tok[0:2]); id != wrapTokenID {
		return nil, fmt.Errorf("not a wrap token (TOK_ID %04x)", id)
	}
	flags := tok[2]
	if tok[3] != 0xFF {
		return nil, fmt.Errorf("wrap token filler is %02x, not ff", tok[3])
	}
	if flags&wrapFlagSentByAcceptor == 0 {
		return nil, errors.New("wrap token was not sent by the acceptor (a reflected message?)")
	}
	if flags&wrapFlagSealed != 0 {
		return nil, errors.New("wrap token is sealed, but only integrity was negotiated")
	}
	if got := flags&wrapFlagAcceptorSubkey != 0; got != p.acceptorSubkey {
		return nil, fmt.Errorf("wrap token AcceptorSubkey flag is %v, but the context uses the acceptor subkey: %v", got, p.acceptorSubkey)
	}
	ec := int(binary.BigEndian.Uint16(tok[4:6]))
	rrc := int(binary.BigEndian.Uint16(tok[6:8]))
	seq := binary.BigEndian.Uint64(tok[8:16])
	if want := p.checksumLen(); ec != want {
		return nil, fmt.Errorf("wrap token EC is %d, want the %d-byte checksum", ec, want)
	}
	body := unrotate(tok[wrapHeaderLen:], rrc)
	if len(body) < ec {
		return nil, fmt.Errorf("wrap token too short for its %d-byte checksum", ec)
	}
	payload, sum := body[:len(body)-ec], body[len(body)-ec:]
	want, err := p.checksum(payload, p.header(flags, 0, 0, seq), keyusage.GSSAPI_ACCEPTOR_SEAL)
	if err != nil {
		return nil, err
	}
	if !hmac.Equal(sum, want) {
		return nil, errWrapChecksum
	}
	// Checked after the checksum so that a forged number is reported as a
	// forgery rather than as a sequence problem.
	if seq != p.recvSeq {
		return nil, fmt.Errorf("%w: got %d, want %d", errWrapSequence, seq, p.recvSeq)
	}
	p.recvSeq++
	return payload, nil
}

// unrotate undoes the right rotation by rrc bytes that a sender may apply
// to everything after the header ([RFC 4121] 4.2.5); Windows rotates the
// checksum to the front. It returns a new slice.
func unrotate(b []byte, rrc int) []byte {
	out := make([]byte, len(b))
	if len(b) == 0 {
		return out
	}
	rrc %= len(b)
	copy(out, b[rrc:])
	copy(out[len(b)-rrc:], b[:rrc])
	return out
}
