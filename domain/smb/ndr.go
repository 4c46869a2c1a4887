package smb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf16"
)

// ndrReader decodes the NDR 2.0 subset the DFS calls need ([C706] chapter
// 14): aligned little-endian integers, pointer referents and conformant
// varying UTF-16 strings.
type ndrReader struct {
	b   []byte
	at  int
	err error
}

var errNDRShort = errors.New("NDR data ends early")

func (r *ndrReader) u32() uint32 {
	r.at = (r.at + 3) &^ 3
	if r.err != nil || r.at+4 > len(r.b) {
		r.err = errNDRShort
		return 0
	}
	v := binary.LittleEndian.Uint32(r.b[r.at:])
	r.at += 4
	return v
}

// str reads a [string] wchar_t* pointee: max count, offset, actual count,
// then the characters including the terminating NUL.
func (r *ndrReader) str() string {
	r.u32() // maximum count
	offset := r.u32()
	count := r.u32()
	if r.err != nil {
		return ""
	}
	if offset != 0 || count > uint32(len(r.b)-r.at)/2 {
		r.err = fmt.Errorf("NDR string at %d: offset %d, %d characters in %d bytes", r.at, offset, count, len(r.b)-r.at)
		return ""
	}
	u := make([]uint16, count)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(r.b[r.at+2*i:])
	}
	r.at += 2 * int(count)
	if len(u) > 0 && u[len(u)-1] == 0 {
		u = u[:len(u)-1]
	}
	return string(utf16.Decode(u))
}

// ndrWriter encodes the same subset for requests.
type ndrWriter struct {
	b      []byte
	nextID uint32
}

func (w *ndrWriter) u32(v uint32) {
	for len(w.b)%4 != 0 {
		w.b = append(w.b, 0)
	}
	w.b = binary.LittleEndian.AppendUint32(w.b, v)
}

// ptr writes a non-null unique pointer's referent ID.
func (w *ndrWriter) ptr() {
	w.nextID += 4
	w.u32(0x00020000 + w.nextID)
}
