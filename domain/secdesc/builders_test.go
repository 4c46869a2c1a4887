package secdesc

import (
	"encoding/binary"
	"encoding/hex"
	"strings"
)

// Hand-rolled byte builders for codec tests, independent of the encoder.

// unhex decodes hex, ignoring spaces; it panics on bad input.
func unhex(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic(err)
	}
	return b
}

// Binary SIDs ([MS-DTYP] 2.4.2.2).
const (
	hexSY = "0101 000000000005 12000000"          // S-1-5-18
	hexAU = "0101 000000000005 0b000000"          // S-1-5-11
	hexWD = "0101 000000000001 00000000"          // S-1-1-0
	hexBA = "0102 000000000005 20000000 20020000" // S-1-5-32-544
)

// Binary GUID of Apply Group Policy, edacfd8f-ffb3-11d1-b41d-00a0c968f939,
// in the mixed-endian packet layout ([MS-DTYP] 2.3.4.2).
const hexApplyGP = "8ffdaced b3ff d111 b41d00a0c968f939"

// rawACE builds an ACE: header with the given size (0 means the real
// length) then body.
func rawACE(typ, flags byte, size int, body ...string) []byte {
	b := unhex(strings.Join(body, ""))
	if size == 0 {
		size = 4 + len(b)
	}
	out := []byte{typ, flags, 0, 0}
	binary.LittleEndian.PutUint16(out[2:], uint16(size))
	return append(out, b...)
}

// rawACL builds an ACL: header with the given size and count (negative
// means the real values) then the ACEs and trailer.
func rawACL(rev byte, size, count int, aces [][]byte, trailer string) []byte {
	var body []byte
	for _, a := range aces {
		body = append(body, a...)
	}
	body = append(body, unhex(trailer)...)
	if size < 0 {
		size = 8 + len(body)
	}
	if count < 0 {
		count = len(aces)
	}
	out := []byte{rev, 0, 0, 0, 0, 0, 0, 0}
	binary.LittleEndian.PutUint16(out[2:], uint16(size))
	binary.LittleEndian.PutUint16(out[4:], uint16(count))
	return append(out, body...)
}

// rawPart is one part of a hand-built descriptor: which header field
// points at it, bytes to put before it, and its bytes.
type rawPart struct {
	part  Part
	gap   string
	bytes []byte
}

// rawSD builds a self-relative descriptor with the parts in the given
// order, then tail.
func rawSD(control uint16, parts []rawPart, tail string) []byte {
	out := make([]byte, 20)
	out[0] = 1
	binary.LittleEndian.PutUint16(out[2:], control)
	for _, p := range parts {
		out = append(out, unhex(p.gap)...)
		binary.LittleEndian.PutUint32(out[4+4*int(p.part):], uint32(len(out)))
		out = append(out, p.bytes...)
	}
	return append(out, unhex(tail)...)
}
