package domain

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/jcmturner/gokrb5/v8/iana/etypeID"
	"github.com/jcmturner/gokrb5/v8/iana/keyusage"
	"github.com/jcmturner/gokrb5/v8/types"
)

// Known tokens of one SASL GSSAPI security layer negotiation with an
// aes128-cts-hmac-sha1-96 context key and no subkeys, as published with
// gokrb5's tests: the acceptor's offer and the initiator's reply, each
// carrying the 4-byte payload 01 01 00 00.
const (
	vectorKey       = "14f9bde6b50ec508201a97f74c4e5bd3"
	vectorFromDC    = "050401ff000c000000000000575e85d601010000853b728d5268525a1386c19f"
	vectorToDC      = "050400ff000c000000000000000000000101000079a033510b6f127212242b97"
	vectorDCSeq     = 0x575e85d6
	vectorInitSeq   = 0
	vectorPlaintext = "01010000"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func vectorProtection(t *testing.T) *krb5Protection {
	t.Helper()
	p, err := newKrb5Protection(types.EncryptionKey{KeyType: etypeID.AES128_CTS_HMAC_SHA1_96, KeyValue: unhex(t, vectorKey)},
		false, vectorInitSeq, vectorDCSeq)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestWrapMatchesKnownToken(t *testing.T) {
	p := vectorProtection(t)
	got, err := p.wrap(unhex(t, vectorPlaintext))
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(got) != vectorToDC {
		t.Fatalf("wrap =\n %x\nwant\n %s", got, vectorToDC)
	}
	if p.sendSeq != vectorInitSeq+1 {
		t.Fatalf("send sequence after one token = %d, want %d", p.sendSeq, vectorInitSeq+1)
	}
}

func TestUnwrapKnownToken(t *testing.T) {
	p := vectorProtection(t)
	got, err := p.unwrap(unhex(t, vectorFromDC))
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(got) != vectorPlaintext {
		t.Fatalf("unwrap = %x, want %s", got, vectorPlaintext)
	}
	// The same token again is a replay.
	if _, err := p.unwrap(unhex(t, vectorFromDC)); !errors.Is(err, errWrapSequence) {
		t.Fatalf("replayed token: %v, want a sequence error", err)
	}
}

// TestUnwrapRotated: the sender may rotate everything after the header
// right by RRC bytes ([RFC 4121] 4.2.5); RRC is not covered by the
// checksum, so the known token rotated by any amount must still verify.
func TestUnwrapRotated(t *testing.T) {
	tok := unhex(t, vectorFromDC)
	body := tok[wrapHeaderLen:]
	for _, rrc := range []int{1, 4, 12, 16, 28} {
		k := rrc % len(body)
		rotated := append(append([]byte{}, body[len(body)-k:]...), body[:len(body)-k]...)
		in := append(append([]byte{}, tok[:wrapHeaderLen]...), rotated...)
		binary.BigEndian.PutUint16(in[6:8], uint16(rrc))
		got, err := vectorProtection(t).unwrap(in)
		if err != nil {
			t.Fatalf("RRC %d: %v", rrc, err)
		}
		if hex.EncodeToString(got) != vectorPlaintext {
			t.Fatalf("RRC %d: payload %x", rrc, got)
		}
	}
}

func TestUnwrapRejects(t *testing.T) {
	mutate := func(f func(tok []byte) []byte) []byte { return f(unhex(t, vectorFromDC)) }
	cases := []struct {
		name string
		tok  []byte
		want string
	}{
		{"altered payload", mutate(func(b []byte) []byte { b[17] ^= 1; return b }), "checksum does not verify"},
		{"altered checksum", mutate(func(b []byte) []byte { b[len(b)-1] ^= 0x80; return b }), "checksum does not verify"},
		{"altered sequence number", mutate(func(b []byte) []byte { b[15]++; return b }), "checksum does not verify"},
		{"our own direction", unhex(t, vectorToDC), "not sent by the acceptor"},
		{"sealed", mutate(func(b []byte) []byte { b[2] |= wrapFlagSealed; return b }), "sealed"},
		{"acceptor subkey claimed", mutate(func(b []byte) []byte { b[2] |= wrapFlagAcceptorSubkey; return b }), "AcceptorSubkey"},
		{"bad filler", mutate(func(b []byte) []byte { b[3] = 0; return b }), "filler"},
		{"MIC token", mutate(func(b []byte) []byte { b[0], b[1] = 0x04, 0x04; return b }), "not a wrap token"},
		{"wrong EC", mutate(func(b []byte) []byte { b[5] = 16; return b }), "EC is 16"},
		{"truncated", unhex(t, vectorFromDC)[:20], "too short"},
		{"header only", unhex(t, vectorFromDC)[:10], "too short"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := vectorProtection(t).unwrap(tc.tok)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("unwrap: %v, want an error saying %q", err, tc.want)
			}
		})
	}
}

// acceptorWrap makes a token as the DC would, to test the receiving side
// with other keys and sequence numbers than the known vector's.
func acceptorWrap(t *testing.T, p *krb5Protection, seq uint64, payload []byte) []byte {
	t.Helper()
	flags := byte(wrapFlagSentByAcceptor)
	if p.acceptorSubkey {
		flags |= wrapFlagAcceptorSubkey
	}
	sum, err := p.checksum(payload, p.header(flags, 0, 0, seq), keyusage.GSSAPI_ACCEPTOR_SEAL)
	if err != nil {
		t.Fatal(err)
	}
	tok := p.header(flags, uint16(len(sum)), 0, seq)
	return append(append(tok, payload...), sum...)
}

func TestAcceptorSubkeyAES256(t *testing.T) {
	key := types.EncryptionKey{KeyType: etypeID.AES256_CTS_HMAC_SHA1_96, KeyValue: bytes.Repeat([]byte{7}, 32)}
	p, err := newKrb5Protection(key, true, 100, 5000)
	if err != nil {
		t.Fatal(err)
	}
	for i, msg := range []string{"first", "second", ""} {
		got, err := p.unwrap(acceptorWrap(t, p, uint64(5000+i), []byte(msg)))
		if err != nil {
			t.Fatalf("token %d: %v", i, err)
		}
		if string(got) != msg {
			t.Fatalf("token %d: %q, want %q", i, got, msg)
		}
	}
	tok, err := p.wrap([]byte("request"))
	if err != nil {
		t.Fatal(err)
	}
	if tok[2] != wrapFlagAcceptorSubkey {
		t.Fatalf("initiator token flags = %#x, want only AcceptorSubkey", tok[2])
	}
	if seq := binary.BigEndian.Uint64(tok[8:16]); seq != 100 {
		t.Fatalf("initiator token sequence = %d, want 100", seq)
	}
	if ec := binary.BigEndian.Uint16(tok[4:6]); ec != 12 || len(tok) != wrapHeaderLen+len("request")+12 {
		t.Fatalf("token EC %d, length %d: want a 12-byte checksum after the payload", ec, len(tok))
	}
	// A token skipping a number is refused.
	if _, err := p.unwrap(acceptorWrap(t, p, 5004, []byte("x"))); !errors.Is(err, errWrapSequence) {
		t.Fatalf("gap in sequence: %v", err)
	}
}

func TestOldEncryptionTypesRefused(t *testing.T) {
	_, err := newKrb5Protection(types.EncryptionKey{KeyType: etypeID.RC4_HMAC, KeyValue: make([]byte, 16)}, false, 0, 0)
	if err == nil || !strings.Contains(err.Error(), "rc4-hmac") || !strings.Contains(err.Error(), "enable AES") {
		t.Fatalf("RC4 session key: %v, want a refusal naming rc4-hmac and the fix", err)
	}
}

func FuzzUnwrap(f *testing.F) {
	f.Add(unhex(f, vectorFromDC))
	f.Add(unhex(f, vectorToDC))
	f.Add([]byte{0x05, 0x04, 0x01, 0xff, 0, 0x0c, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, tok []byte) {
		p, err := newKrb5Protection(types.EncryptionKey{KeyType: etypeID.AES128_CTS_HMAC_SHA1_96, KeyValue: unhex(t, vectorKey)}, false, 0, vectorDCSeq)
		if err != nil {
			t.Fatal(err)
		}
		payload, err := p.unwrap(tok)
		if err == nil && hex.EncodeToString(payload) != vectorPlaintext {
			// Only the DC's token (rotated or not) may verify; another one
			// would mean the checksum is not checked.
			t.Fatalf("forged token verified: %x", tok)
		}
	})
}
