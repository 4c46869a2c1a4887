package smb

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"testing"
)

// BenchmarkSigningMAC prices the message signatures of one 1 MiB WRITE or
// READ with each algorithm SMB 2/3 signs with ([MS-SMB2] 3.1.4.1), on this
// CPU, client side only (the server pays the same again). It is what
// decides the upload's speed on a fast link: with signing required every
// byte is signed by the sender and checked by the receiver, and a verified
// upload moves every byte twice (write, then read back).
//
//   - hmac-sha256: SMB 2.0.2 and 2.1, what ctitui negotiates (crypto/sha256
//     uses the SHA extensions where the CPU has them).
//   - cmac-bytewise: AES-128-CMAC (SMB 3.0, 3.0.2, 3.1.1 without a signing
//     capability) computed one byte per loop turn, the way go-smb2's
//     internal/crypto/cmac does; why ctitui does not offer SMB 3 first.
//   - cmac-blockwise: the same MAC a block at a time (RFC 4493 section
//     2.4), what a fixed go-smb2 could reach; CBC-MAC is serial, so it is
//     bound by the latency of one AES round trip per 16 bytes.
//   - gmac: AES-128-GMAC (SMB 3.1.1 with the SMB2_SIGNING_CAPABILITIES
//     negotiate context, [MS-SMB2] 2.2.3.1.7), which smbclient and Windows
//     use against Samba 4.15+ and Windows Server 2022; GHASH runs on
//     PCLMULQDQ. go-smb2 does not offer it.
func BenchmarkSigningMAC(b *testing.B) {
	msg := make([]byte, 64+48+1<<20) // SMB2 header, WRITE request, 1 MiB
	key := make([]byte, 16)
	if _, err := rand.Read(msg); err != nil {
		b.Fatal(err)
	}
	if _, err := rand.Read(key); err != nil {
		b.Fatal(err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		b.Fatal(err)
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		b.Fatal(err)
	}
	sig := make([]byte, 0, 32)
	run := func(name string, sign func()) {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(msg)))
			for b.Loop() {
				sign()
			}
		})
	}
	mac := hmac.New(sha256.New, key)
	run("hmac-sha256", func() { mac.Reset(); mac.Write(msg); sig = mac.Sum(sig[:0]) })
	bytewise := newCMAC(block, false)
	run("cmac-bytewise", func() { bytewise.Reset(); bytewise.Write(msg); sig = bytewise.Sum(sig[:0]) })
	blockwise := newCMAC(block, true)
	run("cmac-blockwise", func() { blockwise.Reset(); blockwise.Write(msg); sig = blockwise.Sum(sig[:0]) })
	var nonce [12]byte
	run("gmac", func() {
		// [MS-SMB2] 3.1.4.1: the nonce is the MessageId and the
		// request/response and cancel bits; the message is all AAD.
		binary.LittleEndian.PutUint64(nonce[:], binary.LittleEndian.Uint64(nonce[:])+1)
		sig = gcm.Seal(sig[:0], nonce[:], nil, msg)
	})
}

// cmacDigest is AES-CMAC (RFC 4493) for the benchmark above, either fed a
// byte at a time like go-smb2's, or a block at a time.
type cmacDigest struct {
	c         cipher.Block
	k1, k2    [16]byte
	x         [16]byte // the CBC-MAC state
	buf       [16]byte // pending input, never a full block left unsent
	n         int      // bytes in buf
	blockwise bool
}

func newCMAC(c cipher.Block, blockwise bool) hash.Hash {
	d := &cmacDigest{c: c, blockwise: blockwise}
	// RFC 4493 section 2.3: L = AES(K, 0); K1 = L<<1 (^0x87), K2 = K1<<1 (^0x87).
	var l [16]byte
	c.Encrypt(l[:], l[:])
	d.k1 = dbl(l)
	d.k2 = dbl(d.k1)
	return d
}

func dbl(in [16]byte) [16]byte {
	var out [16]byte
	carry := in[0] >> 7
	for i := 0; i < 15; i++ {
		out[i] = in[i]<<1 | in[i+1]>>7
	}
	out[15] = in[15] << 1
	out[15] ^= 0x87 * carry
	return out
}

func (d *cmacDigest) Reset() { d.x, d.n = [16]byte{}, 0 }

func (d *cmacDigest) Write(p []byte) (int, error) {
	total := len(p)
	if !d.blockwise {
		for _, c := range p {
			if d.n == 16 {
				subtle.XORBytes(d.x[:], d.x[:], d.buf[:])
				d.c.Encrypt(d.x[:], d.x[:])
				d.n = 0
			}
			d.buf[d.n] = c
			d.n++
		}
		return total, nil
	}
	// Keep the last block back: it gets K1 or K2 in Sum.
	if d.n > 0 {
		k := copy(d.buf[d.n:], p)
		d.n += k
		p = p[k:]
		if len(p) == 0 {
			return total, nil
		}
		subtle.XORBytes(d.x[:], d.x[:], d.buf[:])
		d.c.Encrypt(d.x[:], d.x[:])
		d.n = 0
	}
	for len(p) > 16 {
		subtle.XORBytes(d.x[:], d.x[:], p[:16])
		d.c.Encrypt(d.x[:], d.x[:])
		p = p[16:]
	}
	d.n = copy(d.buf[:], p)
	return total, nil
}

func (d *cmacDigest) Sum(in []byte) []byte {
	last, k := d.buf, d.k1
	if d.n < 16 {
		clear(last[d.n:])
		last[d.n] = 0x80
		k = d.k2
	}
	var x [16]byte
	subtle.XORBytes(x[:], d.x[:], last[:])
	subtle.XORBytes(x[:], x[:], k[:])
	d.c.Encrypt(x[:], x[:])
	return append(in, x[:]...)
}

func (d *cmacDigest) Size() int      { return 16 }
func (d *cmacDigest) BlockSize() int { return 16 }

// TestCMACVectors checks the benchmark's CMAC against RFC 4493 section 4,
// fed whole and in odd pieces, so the timing above is of a correct MAC.
func TestCMACVectors(t *testing.T) {
	key := mustHex(t, "2b7e151628aed2a6abf7158809cf4f3c")
	msg := mustHex(t, "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"+
		"30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710")
	block, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []struct {
		n   int
		mac string
	}{
		{0, "bb1d6929e95937287fa37d129b756746"},
		{16, "070a16b46b4d4144f79bdd9dd04a287c"},
		{40, "dfa66747de9ae63030ca32611497c827"},
		{64, "51f0bebf7e3b9d92fc49741779363cfe"},
	} {
		for _, blockwise := range []bool{false, true} {
			for _, piece := range []int{1, 7, 16, 64} {
				d := newCMAC(block, blockwise)
				for p := msg[:v.n]; len(p) > 0; {
					k := min(piece, len(p))
					d.Write(p[:k])
					p = p[k:]
				}
				if got := hex.EncodeToString(d.Sum(nil)); got != v.mac {
					t.Errorf("%d bytes, blockwise %v, pieces of %d: %s, want %s", v.n, blockwise, piece, got, v.mac)
				}
			}
		}
	}
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
