// Package regpol reads Registry.pol, the registry policy file of a GPO's
// Administrative Templates settings ([MS-GPREG] 2.2.1, Registry Policy
// File Format), kept on SYSVOL as Machine\Registry.pol and
// User\Registry.pol.
//
// The file is a header, the signature "PReg" and version 1 (two 32-bit
// little-endian integers), followed by entries
// [key;value;type;size;data], where the brackets and semicolons are
// UTF-16LE characters, key and value are NUL-terminated UTF-16LE strings,
// type and size are 32-bit little-endian integers and data is size bytes.
// Value names starting with "**" are instructions to the client
// ("**del.NAME" deletes NAME, "**delvals." deletes every value of the
// key, [MS-GPREG] 2.2.4); Lookup skips them.
package regpol

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
)

// Registry value types ([MS-RRP] 3.1.1.5 / winnt.h REG_*).
const (
	RegNone     = 0
	RegSZ       = 1
	RegExpandSZ = 2
	RegBinary   = 3
	RegDWORD    = 4
	RegMultiSZ  = 7
	RegQWORD    = 11
)

// signature is "PReg" read as a little-endian uint32.
const signature = 0x67655250

// Entry is one setting.
type Entry struct {
	Key   string
	Value string
	Type  uint32
	Data  []byte
}

// DWORD is the entry's REG_DWORD value.
func (e Entry) DWORD() (uint32, bool) {
	if e.Type != RegDWORD || len(e.Data) != 4 {
		return 0, false
	}
	return binary.LittleEndian.Uint32(e.Data), true
}

// String is a REG_SZ or REG_EXPAND_SZ value without its terminating NUL.
func (e Entry) String() (string, bool) {
	if (e.Type != RegSZ && e.Type != RegExpandSZ) || len(e.Data)%2 != 0 {
		return "", false
	}
	return utf16String(e.Data), true
}

// ErrFormat is wrapped by every error about a malformed file.
var ErrFormat = errors.New("not a valid Registry.pol")

// Parse reads a whole Registry.pol.
func Parse(b []byte) ([]Entry, error) {
	if len(b) < 8 {
		return nil, fmt.Errorf("%w: %d bytes, shorter than the header", ErrFormat, len(b))
	}
	if sig := binary.LittleEndian.Uint32(b); sig != signature {
		return nil, fmt.Errorf("%w: signature %#x, want \"PReg\"", ErrFormat, sig)
	}
	if v := binary.LittleEndian.Uint32(b[4:]); v != 1 {
		return nil, fmt.Errorf("%w: version %d, want 1", ErrFormat, v)
	}
	var out []Entry
	p := b[8:]
	off := 8
	fail := func(what string) error { return fmt.Errorf("%w: entry at offset %d: %s", ErrFormat, off, what) }
	char := func(c rune) bool {
		if len(p) < 2 || binary.LittleEndian.Uint16(p) != uint16(c) {
			return false
		}
		p = p[2:]
		return true
	}
	str := func() (string, bool) {
		for i := 0; i+1 < len(p); i += 2 {
			if p[i] == 0 && p[i+1] == 0 {
				s := utf16String(p[:i])
				p = p[i+2:]
				return s, true
			}
		}
		return "", false
	}
	u32 := func() (uint32, bool) {
		if len(p) < 4 {
			return 0, false
		}
		v := binary.LittleEndian.Uint32(p)
		p = p[4:]
		return v, true
	}
	for len(p) > 0 {
		off = len(b) - len(p)
		var e Entry
		var ok bool
		if !char('[') {
			return nil, fail("no '['")
		}
		if e.Key, ok = str(); !ok || !char(';') {
			return nil, fail("bad key")
		}
		if e.Value, ok = str(); !ok || !char(';') {
			return nil, fail("bad value name")
		}
		if e.Type, ok = u32(); !ok || !char(';') {
			return nil, fail("bad type")
		}
		size, ok := u32()
		if !ok || !char(';') {
			return nil, fail("bad size")
		}
		if uint64(size) > uint64(len(p)) {
			return nil, fail(fmt.Sprintf("size %d beyond the end of the file", size))
		}
		e.Data = append([]byte(nil), p[:size]...)
		p = p[size:]
		if !char(']') {
			return nil, fail("no ']'")
		}
		out = append(out, e)
	}
	return out, nil
}

// Lookup returns the last entry that sets value under key (names compare
// without case, as the registry does); instructions ("**del." ...) do not
// count.
func Lookup(entries []Entry, key, value string) (Entry, bool) {
	var found Entry
	ok := false
	for _, e := range entries {
		if strings.HasPrefix(e.Value, "**") {
			continue
		}
		if strings.EqualFold(strings.Trim(e.Key, `\`), strings.Trim(key, `\`)) && strings.EqualFold(e.Value, value) {
			found, ok = e, true
		}
	}
	return found, ok
}

func utf16String(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	for len(u) > 0 && u[len(u)-1] == 0 {
		u = u[:len(u)-1]
	}
	return string(utf16.Decode(u))
}
