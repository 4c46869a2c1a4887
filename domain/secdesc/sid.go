package secdesc

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
)

// maxSubAuthorities is the largest SubAuthorityCount a SID may have
// ([MS-DTYP] 2.4.2.2).
const maxSubAuthorities = 15

// sidRevision is the only SID revision defined ([MS-DTYP] 2.4.2.2).
const sidRevision = 1

// SID is a security identifier ([MS-DTYP] 2.4.2). It is comparable, so it
// can be used as a map key and compared with ==.
type SID struct {
	authority uint64 // 48-bit IdentifierAuthority
	count     uint8
	sub       [maxSubAuthorities]uint32
}

// NewSID builds a SID from its identifier authority (a 48-bit value) and
// sub-authorities.
func NewSID(authority uint64, subAuthorities ...uint32) (SID, error) {
	if authority >= 1<<48 {
		return SID{}, fmt.Errorf("secdesc: SID identifier authority %#x does not fit in 48 bits: %w", authority, ErrMalformed)
	}
	if len(subAuthorities) > maxSubAuthorities {
		return SID{}, fmt.Errorf("secdesc: SID has %d sub-authorities, at most %d allowed: %w", len(subAuthorities), maxSubAuthorities, ErrMalformed)
	}
	s := SID{authority: authority, count: uint8(len(subAuthorities))}
	copy(s.sub[:], subAuthorities)
	return s, nil
}

// MustSID parses a SID string and panics if it is invalid; for constants
// written in code.
func MustSID(s string) SID {
	sid, err := ParseSID(s)
	if err != nil {
		panic(err)
	}
	return sid
}

// ParseSID parses the string form S-1-<authority>-<sub>... ([MS-DTYP]
// 2.4.2.1). The authority may be decimal or 0x-prefixed hexadecimal.
func ParseSID(s string) (SID, error) {
	parts := strings.Split(s, "-")
	if len(parts) < 3 || !strings.EqualFold(parts[0], "S") {
		return SID{}, fmt.Errorf("secdesc: SID %q: want S-1-<authority>[-<sub-authority>...]: %w", s, ErrMalformed)
	}
	if parts[1] != "1" {
		return SID{}, fmt.Errorf("secdesc: SID %q: revision %q, only 1 is defined: %w", s, parts[1], ErrMalformed)
	}
	var authority uint64
	var err error
	if strings.HasPrefix(parts[2], "0x") || strings.HasPrefix(parts[2], "0X") {
		authority, err = strconv.ParseUint(parts[2][2:], 16, 48)
	} else {
		authority, err = strconv.ParseUint(parts[2], 10, 48)
	}
	if err != nil {
		return SID{}, fmt.Errorf("secdesc: SID %q: identifier authority: %w", s, ErrMalformed)
	}
	subs := make([]uint32, 0, len(parts)-3)
	for i, p := range parts[3:] {
		v, err := strconv.ParseUint(p, 10, 32)
		if err != nil {
			return SID{}, fmt.Errorf("secdesc: SID %q: sub-authority %d %q: %w", s, i, p, ErrMalformed)
		}
		subs = append(subs, uint32(v))
	}
	sid, err := NewSID(authority, subs...)
	if err != nil {
		return SID{}, fmt.Errorf("secdesc: SID %q: %w", s, err)
	}
	return sid, nil
}

// String renders the SID as S-1-... ([MS-DTYP] 2.4.2.1): the authority in
// decimal below 2^32, in hexadecimal above.
func (s SID) String() string {
	var b strings.Builder
	b.WriteString("S-1-")
	if s.authority < 1<<32 {
		b.WriteString(strconv.FormatUint(s.authority, 10))
	} else {
		fmt.Fprintf(&b, "0x%012X", s.authority)
	}
	for _, v := range s.sub[:s.count] {
		b.WriteByte('-')
		b.WriteString(strconv.FormatUint(uint64(v), 10))
	}
	return b.String()
}

// Authority returns the 48-bit identifier authority.
func (s SID) Authority() uint64 { return s.authority }

// SubAuthorities returns a copy of the sub-authorities.
func (s SID) SubAuthorities() []uint32 {
	return append([]uint32(nil), s.sub[:s.count]...)
}

// IsDomain reports whether s is an account domain SID, S-1-5-21-x-y-z.
func (s SID) IsDomain() bool {
	return s.authority == 5 && s.count == 4 && s.sub[0] == 21
}

// DomainRID splits a domain-relative SID (S-1-5-21-x-y-z-RID) into its
// domain SID and RID; ok is false for any other SID.
func (s SID) DomainRID() (domain SID, rid uint32, ok bool) {
	if s.authority != 5 || s.count != 5 || s.sub[0] != 21 {
		return SID{}, 0, false
	}
	domain = s
	domain.count = 4
	domain.sub[4] = 0
	return domain, s.sub[4], true
}

// WithRID returns the SID with rid appended, e.g. a domain SID plus 512 for
// Domain Admins.
func (s SID) WithRID(rid uint32) (SID, error) {
	if s.count >= maxSubAuthorities {
		return SID{}, fmt.Errorf("secdesc: SID %s already has %d sub-authorities: %w", s, s.count, ErrMalformed)
	}
	s.sub[s.count] = rid
	s.count++
	return s, nil
}

// binaryLen is the size of the SID's binary form.
func (s SID) binaryLen() int { return 8 + 4*int(s.count) }

// appendBinary appends the binary form ([MS-DTYP] 2.4.2.2): Revision,
// SubAuthorityCount, 6-byte big-endian IdentifierAuthority, then
// little-endian sub-authorities.
func (s SID) appendBinary(b []byte) []byte {
	b = append(b, sidRevision, s.count)
	for shift := 40; shift >= 0; shift -= 8 {
		b = append(b, byte(s.authority>>shift))
	}
	for _, v := range s.sub[:s.count] {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	return b
}

// MarshalBinary returns the binary form of the SID ([MS-DTYP] 2.4.2.2).
func (s SID) MarshalBinary() ([]byte, error) {
	return s.appendBinary(make([]byte, 0, s.binaryLen())), nil
}

// DecodeSID decodes a binary SID at the start of b and returns it with the
// number of bytes it used ([MS-DTYP] 2.4.2.2).
func DecodeSID(b []byte) (SID, int, error) {
	s, n, err := decodeSID(b)
	if err != nil {
		return SID{}, 0, fmt.Errorf("secdesc: %w", err)
	}
	return s, n, nil
}

// decodeSID is DecodeSID with errors relative to the SID, for callers that
// add where it was.
func decodeSID(b []byte) (SID, int, error) {
	if len(b) < 8 {
		return SID{}, 0, fmt.Errorf("SID header needs 8 bytes, have %d: %w", len(b), ErrTruncated)
	}
	if b[0] != sidRevision {
		return SID{}, 0, fmt.Errorf("SID revision %d at offset 0, want %d: %w", b[0], sidRevision, ErrMalformed)
	}
	count := int(b[1])
	if count > maxSubAuthorities {
		return SID{}, 0, fmt.Errorf("SID SubAuthorityCount %d at offset 1 exceeds %d: %w", count, maxSubAuthorities, ErrMalformed)
	}
	n := 8 + 4*count
	if len(b) < n {
		return SID{}, 0, fmt.Errorf("SID with %d sub-authorities needs %d bytes, have %d: %w", count, n, len(b), ErrTruncated)
	}
	s := SID{count: uint8(count)}
	for _, v := range b[2:8] {
		s.authority = s.authority<<8 | uint64(v)
	}
	for i := range count {
		s.sub[i] = binary.LittleEndian.Uint32(b[8+4*i:])
	}
	return s, n, nil
}
