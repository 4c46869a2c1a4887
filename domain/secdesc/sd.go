package secdesc

import (
	"encoding/binary"
	"fmt"
	"slices"
)

// sdHeaderLen is the size of the self-relative header ([MS-DTYP] 2.4.6).
const sdHeaderLen = 20

// sdRevision is the only defined descriptor revision ([MS-DTYP] 2.4.6).
const sdRevision = 1

// SecurityDescriptor is a self-relative security descriptor ([MS-DTYP]
// 2.4.6). Owner, Group, SACL and DACL are nil when absent. A DACL that is
// absent while Control has DACLPresent is a NULL DACL, which grants
// everyone everything.
type SecurityDescriptor struct {
	Revision uint8
	// Sbz1 carries resource manager bits when Control has RMControlValid.
	Sbz1    uint8
	Control Control
	Owner   *SID
	Group   *SID
	SACL    *ACL
	DACL    *ACL
	// found is the layout read by Decode, nil for a descriptor built in
	// code.
	found *foundLayout
}

// New returns an empty self-relative descriptor.
func New() *SecurityDescriptor {
	return &SecurityDescriptor{Revision: sdRevision, Control: SelfRelative}
}

// SetDACL replaces the DACL and sets DACLPresent.
func (sd *SecurityDescriptor) SetDACL(acl *ACL) {
	sd.DACL = acl
	sd.Control |= DACLPresent
}

// SetSACL replaces the SACL and sets SACLPresent.
func (sd *SecurityDescriptor) SetSACL(acl *ACL) {
	sd.SACL = acl
	sd.Control |= SACLPresent
}

// HasNullDACL reports whether the descriptor has a NULL DACL: present but
// without an ACL, granting everyone everything ([MS-DTYP] 2.4.6 DP).
func (sd *SecurityDescriptor) HasNullDACL() bool {
	return sd.Control&DACLPresent != 0 && sd.DACL == nil
}

// Decode reads a self-relative security descriptor, such as an
// nTSecurityDescriptor value or an SMB security blob. Encode writes the
// same bytes back unless the descriptor is changed; parts that overlap
// each other are accepted and written back in WindowsLayout.
func Decode(b []byte) (*SecurityDescriptor, error) {
	if len(b) < sdHeaderLen {
		return nil, fmt.Errorf("secdesc: security descriptor header needs %d bytes, have %d: %w", sdHeaderLen, len(b), ErrTruncated)
	}
	if b[0] != sdRevision {
		return nil, fmt.Errorf("secdesc: security descriptor Revision %d at offset 0, want %d: %w", b[0], sdRevision, ErrMalformed)
	}
	sd := &SecurityDescriptor{Revision: b[0], Sbz1: b[1], Control: Control(binary.LittleEndian.Uint16(b[2:4]))}
	type span struct {
		part       Part
		start, end int
	}
	var spans []span
	for _, p := range []Part{PartOwner, PartGroup, PartSACL, PartDACL} {
		fieldAt := 4 + 4*int(p)
		off := binary.LittleEndian.Uint32(b[fieldAt:])
		if off == 0 {
			continue
		}
		if off < sdHeaderLen || uint64(off) >= uint64(len(b)) {
			return nil, fmt.Errorf("secdesc: %s %d at offset %d is outside %d..%d: %w", p, off, fieldAt, sdHeaderLen, len(b)-1, ErrMalformed)
		}
		n, err := sd.decodePart(p, b[off:])
		if err != nil {
			return nil, fmt.Errorf("secdesc: %s %d: %w", p, off, err)
		}
		spans = append(spans, span{part: p, start: int(off), end: int(off) + n})
	}
	slices.SortStableFunc(spans, func(x, y span) int { return x.start - y.start })
	found := &foundLayout{}
	at := sdHeaderLen
	for _, s := range spans {
		if s.start < at {
			// Overlapping parts: nothing sensible to preserve.
			return sd, nil
		}
		found.order = append(found.order, s.part)
		found.gaps = append(found.gaps, copyNonEmpty(b[at:s.start]))
		at = s.end
	}
	found.tail = copyNonEmpty(b[at:])
	sd.found = found
	return sd, nil
}

// decodePart decodes one part at the start of b into sd and returns its
// size.
func (sd *SecurityDescriptor) decodePart(p Part, b []byte) (int, error) {
	switch p {
	case PartOwner, PartGroup:
		sid, n, err := decodeSID(b)
		if err != nil {
			return 0, err
		}
		if p == PartOwner {
			sd.Owner = &sid
		} else {
			sd.Group = &sid
		}
		return n, nil
	default:
		acl, n, err := decodeACL(b)
		if err != nil {
			return 0, err
		}
		if p == PartSACL {
			sd.SACL = acl
		} else {
			sd.DACL = acl
		}
		return n, nil
	}
}

// present reports whether part p is set.
func (sd *SecurityDescriptor) present(p Part) bool {
	switch p {
	case PartOwner:
		return sd.Owner != nil
	case PartGroup:
		return sd.Group != nil
	case PartSACL:
		return sd.SACL != nil
	case PartDACL:
		return sd.DACL != nil
	}
	return false
}

// appendPart appends the binary form of part p.
func (sd *SecurityDescriptor) appendPart(b []byte, p Part) ([]byte, error) {
	switch p {
	case PartOwner:
		return sd.Owner.appendBinary(b), nil
	case PartGroup:
		return sd.Group.appendBinary(b), nil
	case PartSACL:
		return sd.SACL.appendBinary(b)
	default:
		return sd.DACL.appendBinary(b)
	}
}

// Encode writes the descriptor in self-relative form. A decoded descriptor
// keeps its layout (part order and any bytes between parts; a part added
// since goes after the others, in WindowsLayout order); a built one uses
// WindowsLayout.
func (sd *SecurityDescriptor) Encode() ([]byte, error) {
	if sd.found == nil {
		return sd.EncodeLayout(WindowsLayout())
	}
	var order []Part
	gaps := map[Part][]byte{}
	for i, p := range sd.found.order {
		if sd.present(p) {
			order = append(order, p)
			gaps[p] = sd.found.gaps[i]
		}
	}
	for _, p := range WindowsLayout() {
		if sd.present(p) && !slices.Contains(order, p) {
			order = append(order, p)
		}
	}
	return sd.encode(order, gaps, sd.found.tail)
}

// EncodeLayout writes the descriptor with its parts in the given order and
// nothing between them, ignoring the layout it was decoded with.
func (sd *SecurityDescriptor) EncodeLayout(l Layout) ([]byte, error) {
	var order []Part
	for _, p := range l {
		if sd.present(p) && !slices.Contains(order, p) {
			order = append(order, p)
		}
	}
	return sd.encode(order, nil, nil)
}

// encode writes the header and the parts in order, each preceded by its gap
// bytes, then tail.
func (sd *SecurityDescriptor) encode(order []Part, gaps map[Part][]byte, tail []byte) ([]byte, error) {
	b := make([]byte, sdHeaderLen, 256)
	b[0], b[1] = sd.Revision, sd.Sbz1
	binary.LittleEndian.PutUint16(b[2:], uint16(sd.Control))
	for _, p := range order {
		b = append(b, gaps[p]...)
		if uint64(len(b)) > 0xFFFFFFFF {
			return nil, fmt.Errorf("secdesc: %s does not fit in 32 bits: %w", p, ErrMalformed)
		}
		binary.LittleEndian.PutUint32(b[4+4*int(p):], uint32(len(b)))
		var err error
		if b, err = sd.appendPart(b, p); err != nil {
			return nil, fmt.Errorf("secdesc: encoding %s: %w", p.label(), err)
		}
	}
	return append(b, tail...), nil
}

// MarshalBinary is Encode, for encoding.BinaryMarshaler.
func (sd *SecurityDescriptor) MarshalBinary() ([]byte, error) { return sd.Encode() }

// UnmarshalBinary is Decode, for encoding.BinaryUnmarshaler.
func (sd *SecurityDescriptor) UnmarshalBinary(b []byte) error {
	d, err := Decode(b)
	if err != nil {
		return err
	}
	*sd = *d
	return nil
}
