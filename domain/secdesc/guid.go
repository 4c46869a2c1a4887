package secdesc

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
)

// GUID is a globally unique identifier as Windows defines it ([MS-DTYP]
// 2.3.4): the first three fields are integers, so in binary they are
// little-endian while the string form prints them big-endian.
type GUID struct {
	Data1 uint32
	Data2 uint16
	Data3 uint16
	Data4 [8]byte
}

// guidLen is the size of the binary GUID ([MS-DTYP] 2.3.4.2).
const guidLen = 16

// ParseGUID parses xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, with or without
// braces, in either case ([MS-DTYP] 2.3.4.3).
func ParseGUID(s string) (GUID, error) {
	t := s
	if strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}") {
		t = t[1 : len(t)-1]
	}
	if len(t) != 36 || t[8] != '-' || t[13] != '-' || t[18] != '-' || t[23] != '-' {
		return GUID{}, fmt.Errorf("secdesc: GUID %q: want xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx: %w", s, ErrMalformed)
	}
	raw, err := hex.DecodeString(t[0:8] + t[9:13] + t[14:18] + t[19:23] + t[24:36])
	if err != nil {
		return GUID{}, fmt.Errorf("secdesc: GUID %q: %w", s, ErrMalformed)
	}
	var g GUID
	g.Data1 = binary.BigEndian.Uint32(raw[0:4])
	g.Data2 = binary.BigEndian.Uint16(raw[4:6])
	g.Data3 = binary.BigEndian.Uint16(raw[6:8])
	copy(g.Data4[:], raw[8:16])
	return g, nil
}

// MustGUID parses a GUID string and panics if it is invalid; for constants
// written in code.
func MustGUID(s string) GUID {
	g, err := ParseGUID(s)
	if err != nil {
		panic(err)
	}
	return g
}

// String renders the GUID in lower case without braces, as SDDL does.
func (g GUID) String() string {
	return fmt.Sprintf("%08x-%04x-%04x-%x-%x", g.Data1, g.Data2, g.Data3, g.Data4[0:2], g.Data4[2:8])
}

// appendBinary appends the packet representation ([MS-DTYP] 2.3.4.2):
// Data1, Data2 and Data3 little-endian, Data4 as is.
func (g GUID) appendBinary(b []byte) []byte {
	b = binary.LittleEndian.AppendUint32(b, g.Data1)
	b = binary.LittleEndian.AppendUint16(b, g.Data2)
	b = binary.LittleEndian.AppendUint16(b, g.Data3)
	return append(b, g.Data4[:]...)
}

// MarshalBinary returns the 16-byte packet representation, the form AD
// stores in attributes such as objectGUID and schemaIDGUID.
func (g GUID) MarshalBinary() ([]byte, error) {
	return g.appendBinary(make([]byte, 0, guidLen)), nil
}

// DecodeGUID decodes the 16-byte packet representation ([MS-DTYP] 2.3.4.2).
func DecodeGUID(b []byte) (GUID, error) {
	g, err := decodeGUID(b)
	if err != nil {
		return GUID{}, fmt.Errorf("secdesc: %w", err)
	}
	return g, nil
}

// decodeGUID is DecodeGUID without the package prefix on errors.
func decodeGUID(b []byte) (GUID, error) {
	if len(b) < guidLen {
		return GUID{}, fmt.Errorf("GUID needs %d bytes, have %d: %w", guidLen, len(b), ErrTruncated)
	}
	var g GUID
	g.Data1 = binary.LittleEndian.Uint32(b[0:4])
	g.Data2 = binary.LittleEndian.Uint16(b[4:6])
	g.Data3 = binary.LittleEndian.Uint16(b[6:8])
	copy(g.Data4[:], b[8:16])
	return g, nil
}
