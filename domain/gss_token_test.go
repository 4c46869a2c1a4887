package domain

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"testing"
)

func TestGSSFrameRoundTrip(t *testing.T) {
	for _, size := range []int{0, 100, 127 - 13, 300, 70000} {
		msg := bytes.Repeat([]byte{0xab}, size)
		tok := gssFrame(gssTokAPReq, msg)
		id, got, err := gssUnframe(tok)
		if err != nil || id != gssTokAPReq || !bytes.Equal(got, msg) {
			t.Fatalf("size %d: id %04x, %d bytes, %v", size, id, len(got), err)
		}
	}
	// Short and long DER lengths ([RFC 2743] 3.1 uses DER).
	if got := hex.EncodeToString(gssFrame(gssTokAPRep, nil)[:2]); got != "600d" {
		t.Fatalf("frame of an empty message starts %s, want 600d", got)
	}
	if got := hex.EncodeToString(gssFrame(gssTokAPRep, make([]byte, 300))[:4]); got != "60820139" {
		t.Fatalf("frame of 300 bytes starts %s, want 60820139 (313 = OID 11 + TOK_ID 2 + 300)", got)
	}
	for _, bad := range []string{"", "61030102", "600506092a864886f712010202", "600b06092a864886f712010201ff"} {
		if _, _, err := gssUnframe(unhex(t, bad)); err == nil {
			t.Errorf("gssUnframe(%s) accepted", bad)
		}
	}
}

func TestAuthenticatorChecksum(t *testing.T) {
	// Without channel bindings: Lgth 16, Bnd zero, Flags mutual|integ.
	got := hex.EncodeToString(gssAuthenticatorChecksum(gssMutualFlag|gssIntegFlag, nil))
	want := "10000000" + "00000000000000000000000000000000" + "22000000"
	if got != want {
		t.Fatalf("checksum = %s, want %s", got, want)
	}
	// With bindings: Bnd is MD5 of five little-endian lengths/types (four
	// zero, then the data length) followed by the data ([RFC 4121] 4.1.1.2).
	app := []byte("tls-server-end-point:0123456789abcdef0123456789abcdef")
	layout := append(append(make([]byte, 16), byte(len(app)), 0, 0, 0), app...)
	sum := md5.Sum(layout)
	if cs := gssAuthenticatorChecksum(0, app); !bytes.Equal(cs[4:20], sum[:]) {
		t.Fatalf("Bnd = %x, want %x", cs[4:20], sum)
	}
}

func TestSecChannelBindings(t *testing.T) {
	b := secChannelBindings([]byte("abc"))
	want := "00000000000000000000000000000000" + "0000000000000000" + "03000000" + "20000000" + hex.EncodeToString([]byte("abc"))
	if hex.EncodeToString(b) != want {
		t.Fatalf("SEC_CHANNEL_BINDINGS = %x, want %s", b, want)
	}
}
