package msi

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// Writers for the parts of an installer database that a transform carries:
// packed stream names, a string pool and the summary information property
// set. Each is the inverse of the reader next to it (cfb.go, stringpool.go,
// summary.go) and is checked against it and against libmsi in the tests.

// packStreamName packs a stream name the way Windows Installer stores it
// (see decodeStreamName): pairs of characters of the 64-character alphabet
// share one code unit 0x3800+a+(b<<6), a lone one is 0x4800+a, and table
// streams start with 0x4840. Characters outside the alphabet are kept.
func packStreamName(name string, table bool) string {
	var out []rune
	if table {
		out = append(out, 0x4840)
	}
	for i := 0; i < len(name); i++ {
		a := mimeIndex(name[i])
		if a < 0 {
			r, n := utf8.DecodeRuneInString(name[i:])
			out = append(out, r)
			i += n - 1
			continue
		}
		if i+1 < len(name) {
			if b := mimeIndex(name[i+1]); b >= 0 {
				out = append(out, rune(0x3800+a+b<<6))
				i++
				continue
			}
		}
		out = append(out, rune(0x4800+a))
	}
	return string(out)
}

// mimeIndex is the inverse of mimeChar, -1 outside the alphabet.
func mimeIndex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 36
	case c == '.':
		return 62
	case c == '_':
		return 63
	}
	return -1
}

// ErrNotInCodepage is wrapped when a value cannot be stored in the
// database's code page.
var ErrNotInCodepage = errors.New("not representable in the database code page")

// encodeText converts UTF-8 to the bytes stored in a database of code page
// cp, the inverse of decodeText. ASCII is stored as is in every code page.
// For the neutral code page (0) Windows Installer does not say how non-ASCII
// text is to be read, so it is refused; UTF-8 (65001) is stored as UTF-8.
func encodeText(s string, cp int) ([]byte, error) {
	if isASCII([]byte(s)) {
		return []byte(s), nil
	}
	switch cp {
	case codepageUTF8:
		return []byte(s), nil
	case codepageNeutral, codepageASCII:
		return nil, fmt.Errorf("%w: %q has non-ASCII characters and the database code page is %d (neutral or ASCII)", ErrNotInCodepage, s, cp)
	}
	enc := codepageEncoding(cp)
	if enc == nil {
		return nil, fmt.Errorf("%w: %q has non-ASCII characters and code page %d is not one this writer knows", ErrNotInCodepage, s, cp)
	}
	b, err := enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("%w: %q in code page %d: %v", ErrNotInCodepage, s, cp, err)
	}
	return b, nil
}

// poolBuilder collects the strings of a new string pool. Id 0 is the null
// string; ids are given in order of first use, and each use counts as a
// reference, as in the pools Windows writes (Wine's test transform in
// dlls/msi/tests/db.c, test_try_transform, which passes on Windows: ids from
// 1, reference counts per use).
type poolBuilder struct {
	codepage int
	ids      map[string]uint32
	data     [][]byte
	refs     []uint16
}

func newPoolBuilder(codepage int) *poolBuilder {
	return &poolBuilder{codepage: codepage, ids: make(map[string]uint32)}
}

// id returns the id of s, adding it on first use. The empty string is null.
func (b *poolBuilder) id(s string) (uint32, error) {
	if s == "" {
		return 0, nil
	}
	if id, ok := b.ids[s]; ok {
		if b.refs[id-1] < 0xFFFF {
			b.refs[id-1]++
		}
		return id, nil
	}
	enc, err := encodeText(s, b.codepage)
	if err != nil {
		return 0, err
	}
	if len(enc) > 0xFFFFFFFF>>1 {
		return 0, fmt.Errorf("string of %d bytes is too long for a string pool", len(enc))
	}
	b.data = append(b.data, enc)
	b.refs = append(b.refs, 1)
	id := uint32(len(b.data))
	b.ids[s] = id
	return id, nil
}

// refSize is the width of a string reference in table streams: 3 bytes once
// ids no longer fit in 16 bits (see stringPool).
func (b *poolBuilder) refSize() int {
	if len(b.data) > 0xFFFF {
		return 3
	}
	return 2
}

// streams returns _StringPool and _StringData in the layout parseStringPool
// reads: the header (code page, bit 31 for 3-byte references), then per id
// (length, refcount), a string of 64 KB or more as the pair (0, high word),
// (low word, refcount).
func (b *poolBuilder) streams() (pool, data []byte) {
	hdr := uint32(b.codepage) &^ 0x80000000
	if b.refSize() == 3 {
		hdr |= 0x80000000
	}
	pool = binary.LittleEndian.AppendUint32(nil, hdr)
	var d bytes.Buffer
	for i, s := range b.data {
		n := len(s)
		if n > 0xFFFF {
			pool = binary.LittleEndian.AppendUint16(pool, 0)
			pool = binary.LittleEndian.AppendUint16(pool, uint16(n>>16))
		}
		pool = binary.LittleEndian.AppendUint16(pool, uint16(n))
		pool = binary.LittleEndian.AppendUint16(pool, b.refs[i])
		d.Write(s)
	}
	return pool, d.Bytes()
}

// Summary property identifiers ([MS-OLEPS] 2.25.1 PIDSI_*; SDK, "Summary
// Information Stream Property Set") and value types ([MS-OLEPS] 2.15).
const (
	pidCodepage    = 1
	pidTitle       = 2
	pidSubject     = 3
	pidAuthor      = 4
	pidKeywords    = 5
	pidComments    = 6
	pidTemplate    = 7
	pidLastAuthor  = 8
	pidRevNumber   = 9
	pidCreateTime  = 12
	pidLastSaved   = 13
	pidPageCount   = 14
	pidWordCount   = 15
	pidCharCount   = 16
	pidAppName     = 18
	pidDocSecurity = 19

	vtI2       = 0x0002
	vtI4       = 0x0003
	vtLPSTR    = 0x001E
	vtFILETIME = 0x0040
)

// summaryProp is one property to write. Exactly one of the value fields is
// used, chosen by vt.
type summaryProp struct {
	id uint32
	vt uint16
	n  int32
	s  []byte // already in the summary code page, without terminator
	ft time.Time
}

// writeSummary builds a summary information property set stream
// ([MS-OLEPS] 2.21 PropertySetStream with one PropertySet, 2.20): header,
// FMTID_SummaryInformation at offset 48, then the set: size, count,
// (id, offset) pairs and the typed values, each padded to 4 bytes.
func writeSummary(props []summaryProp) []byte {
	var vals [][]byte
	var ids []uint32
	for _, p := range props {
		var v []byte
		v = binary.LittleEndian.AppendUint16(v, p.vt)
		v = binary.LittleEndian.AppendUint16(v, 0) // padding (2.15)
		switch p.vt {
		case vtI2:
			v = binary.LittleEndian.AppendUint16(v, uint16(int16(p.n)))
			v = append(v, 0, 0)
		case vtI4:
			v = binary.LittleEndian.AppendUint32(v, uint32(p.n))
		case vtLPSTR:
			// CodePageString (2.5): size including the terminator, bytes,
			// padding to a multiple of 4
			v = binary.LittleEndian.AppendUint32(v, uint32(len(p.s)+1))
			v = append(v, p.s...)
			v = append(v, 0)
			for len(v)%4 != 0 {
				v = append(v, 0)
			}
		case vtFILETIME:
			// FILETIME (2.13): 100 ns intervals since 1601-01-01 UTC
			const epochDiff = 116444736000000000
			ft := uint64(p.ft.UnixNano()/100 + epochDiff)
			v = binary.LittleEndian.AppendUint64(v, ft)
		}
		vals = append(vals, v)
		ids = append(ids, p.id)
	}
	const setOffset = 48
	var set []byte
	size := 8 + 8*len(vals)
	for _, v := range vals {
		size += len(v)
	}
	set = binary.LittleEndian.AppendUint32(set, uint32(size))
	set = binary.LittleEndian.AppendUint32(set, uint32(len(vals)))
	off := 8 + 8*len(vals)
	for i, v := range vals {
		set = binary.LittleEndian.AppendUint32(set, ids[i])
		set = binary.LittleEndian.AppendUint32(set, uint32(off))
		off += len(v)
	}
	for _, v := range vals {
		set = append(set, v...)
	}
	var out []byte
	out = binary.LittleEndian.AppendUint16(out, 0xFFFE) // byte order
	out = binary.LittleEndian.AppendUint16(out, 0)      // version 0
	// system identifier: what libmsi writes (OS version 5, platform 2); the
	// field is informational (2.21)
	out = binary.LittleEndian.AppendUint32(out, 0x00020005)
	out = append(out, make([]byte, 16)...)         // CLSID: zero
	out = binary.LittleEndian.AppendUint32(out, 1) // one property set
	out = append(out, summaryFMTID...)             // FMTID0
	out = binary.LittleEndian.AppendUint32(out, setOffset)
	return append(out, set...)
}
