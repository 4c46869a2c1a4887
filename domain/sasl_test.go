package domain

import (
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/jcmturner/gokrb5/v8/iana/etypeID"
	"github.com/jcmturner/gokrb5/v8/iana/keyusage"
	"github.com/jcmturner/gokrb5/v8/types"
)

func TestChooseSASLLayer(t *testing.T) {
	cases := []struct {
		name      string
		offer     []byte
		integrity bool
		layer     byte
		max       uint32
		err       string
	}{
		{"plain, all offered", []byte{7, 0x98, 0x96, 0x80}, true, saslLayerIntegrity, 0x989680, ""},
		{"plain, integrity only", []byte{2, 0, 0x10, 0}, true, saslLayerIntegrity, 0x1000, ""},
		{"plain, no integrity", []byte{5, 0, 0x10, 0}, true, 0, 0, "does not offer the SASL integrity layer"},
		{"TLS, none offered", []byte{7, 0xff, 0xff, 0xff}, false, saslLayerNone, 0xffffff, ""},
		{"TLS, layer required", []byte{6, 0, 0x10, 0}, false, 0, 0, "insists on a SASL security layer"},
		{"short offer", []byte{7, 0, 0}, true, 0, 0, "want 4"},
		{"none with a buffer", []byte{1, 0, 0, 1}, false, 0, 0, "non-zero buffer"},
		{"integrity, zero buffer", []byte{2, 0, 0, 0}, true, 0, 0, "zero buffer"},
	}
	for _, tc := range cases {
		layer, max, err := chooseSASLLayer(tc.offer, tc.integrity, false)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: %v, want error %q", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil || layer != tc.layer || max != tc.max {
			t.Errorf("%s: layer %d max %#x err %v; want layer %d max %#x", tc.name, layer, max, err, tc.layer, tc.max)
		}
	}
}

// peerMech is the DC's end of a context with the same key, for driving a
// saslConn over a pipe: it verifies what the client signs (initiator
// usage) and signs what it sends (acceptor usage).
type peerMech struct {
	p       *krb5Protection
	sendSeq uint64
	recvSeq uint64
}

func (m *peerMech) sign(t *testing.T, payload []byte) []byte {
	t.Helper()
	flags := byte(wrapFlagSentByAcceptor)
	sum, err := m.p.checksum(payload, m.p.header(flags, 0, 0, m.sendSeq), keyusage.GSSAPI_ACCEPTOR_SEAL)
	if err != nil {
		t.Fatal(err)
	}
	tok := append(append(m.p.header(flags, uint16(len(sum)), 0, m.sendSeq), payload...), sum...)
	m.sendSeq++
	frame := binary.BigEndian.AppendUint32(nil, uint32(len(tok)))
	return append(frame, tok...)
}

func (m *peerMech) verify(t *testing.T, tok []byte) []byte {
	t.Helper()
	if tok[2]&wrapFlagSentByAcceptor != 0 || binary.BigEndian.Uint64(tok[8:16]) != m.recvSeq {
		t.Fatalf("client token flags %#x seq %d, want initiator flags and seq %d", tok[2], binary.BigEndian.Uint64(tok[8:16]), m.recvSeq)
	}
	payload, sum := tok[wrapHeaderLen:len(tok)-12], tok[len(tok)-12:]
	want, err := m.p.checksum(payload, m.p.header(tok[2], 0, 0, m.recvSeq), keyusage.GSSAPI_INITIATOR_SEAL)
	if err != nil || !bytes.Equal(sum, want) {
		t.Fatalf("client token checksum does not verify (%v)", err)
	}
	m.recvSeq++
	return payload
}

// TestSASLConnFraming: clear bytes until the layer starts, then
// length-prefixed signed tokens both ways, large writes split to the
// server's buffer size, and a tampered token ends the stream.
func TestSASLConnFraming(t *testing.T) {
	key := types.EncryptionKey{KeyType: etypeID.AES128_CTS_HMAC_SHA1_96, KeyValue: bytes.Repeat([]byte{3}, 16)}
	client, server := net.Pipe()
	defer client.Close()
	defer server.Close()
	sc := newSASLConn(client)
	prot, err := newKrb5Protection(key, false, 10, 20)
	if err != nil {
		t.Fatal(err)
	}
	peer := &peerMech{p: &krb5Protection{key: key}, sendSeq: 20, recvSeq: 10}

	// Before the layer: bytes pass unchanged.
	go func() { sc.Write([]byte("bind")) }()
	buf := make([]byte, 4)
	if _, err := io.ReadFull(server, buf); err != nil || string(buf) != "bind" {
		t.Fatalf("clear write: %q, %v", buf, err)
	}

	// A read waiting when the layer starts still decodes the first token.
	got := make(chan string, 1)
	go func() {
		b := make([]byte, 64)
		n, err := sc.Read(b)
		if err != nil {
			got <- "error: " + err.Error()
			return
		}
		got <- string(b[:n])
	}()
	const serverMax = 16 + 12 + 10 // room for 10 payload bytes per token
	if err := sc.startLayer(&krb5Initiator{prot: prot}, serverMax); err != nil {
		t.Fatal(err)
	}
	if _, err := server.Write(peer.sign(t, []byte("response"))); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "response" {
		t.Fatalf("first signed read: %q", s)
	}

	// A 25-byte write becomes three tokens of at most 10 bytes.
	msg := []byte("search request, 25 bytes!")
	done := make(chan error, 1)
	go func() { _, err := sc.Write(msg); done <- err }()
	var reassembled []byte
	for len(reassembled) < len(msg) {
		var hdr [4]byte
		if _, err := io.ReadFull(server, hdr[:]); err != nil {
			t.Fatal(err)
		}
		tok := make([]byte, binary.BigEndian.Uint32(hdr[:]))
		if _, err := io.ReadFull(server, tok); err != nil {
			t.Fatal(err)
		}
		part := peer.verify(t, tok)
		if len(part) > 10 {
			t.Fatalf("token carries %d bytes, more than the server's buffer allows", len(part))
		}
		reassembled = append(reassembled, part...)
	}
	if err := <-done; err != nil || !bytes.Equal(reassembled, msg) {
		t.Fatalf("signed write: %q, %v", reassembled, err)
	}

	// A tampered token is an error, and stays one.
	bad := peer.sign(t, []byte("entry"))
	bad[len(bad)-1] ^= 1
	go server.Write(bad)
	if _, err := sc.Read(make([]byte, 64)); err == nil || !strings.Contains(err.Error(), "checksum does not verify") {
		t.Fatalf("tampered token: %v", err)
	}
	if _, err := sc.Read(make([]byte, 64)); err == nil {
		t.Fatal("stream went on after a tampered token")
	}
}
