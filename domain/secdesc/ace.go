package secdesc

import (
	"encoding/binary"
	"fmt"
)

// aceHeaderLen is the size of ACE_HEADER ([MS-DTYP] 2.4.4.1).
const aceHeaderLen = 4

// ACE is one access control entry ([MS-DTYP] 2.4.4).
//
// Which fields are meaningful depends on Type: every type this package
// interprets has Mask and SID; object types (ACEType.IsObject) also have
// ObjectFlags and the two optional GUIDs; a type it does not interpret keeps
// everything after the header in Body.
type ACE struct {
	Type  ACEType
	Flags ACEFlags
	Mask  AccessMask
	// ObjectFlags keeps the Flags field of an object ACE ([MS-DTYP]
	// 2.4.4.3). On encode its presence bits are set from ObjectType and
	// InheritedObjectType; any other bits are written as they are.
	ObjectFlags ObjectFlags
	// ObjectType is the property, property set, extended right, validated
	// write or child class the ACE is about; nil for the whole object.
	ObjectType *GUID
	// InheritedObjectType limits inheritance to objects of this class; nil
	// for every class.
	InheritedObjectType *GUID
	// SID is the trustee.
	SID SID
	// ExtraData holds the bytes between the end of the SID and AceSize: the
	// ApplicationData of callback ACEs (a conditional expression,
	// [MS-DTYP] 2.4.4.17), the attribute of a resource attribute ACE, or
	// filler.
	ExtraData []byte
	// Body is everything after the header of an ACE whose type this
	// package does not interpret; empty otherwise.
	Body []byte
}

// IsInherited reports whether the ACE was inherited from a parent (ID).
func (a ACE) IsInherited() bool { return a.Flags&Inherited != 0 }

// IsInheritOnly reports whether the ACE applies to children only (IO).
func (a ACE) IsInheritOnly() bool { return a.Flags&InheritOnly != 0 }

// objectFlagsOnWire returns the Flags field to write: the kept bits with
// the presence bits following the GUID fields.
func (a ACE) objectFlagsOnWire() ObjectFlags {
	f := a.ObjectFlags &^ (ObjectTypePresent | InheritedObjectTypePresent)
	if a.ObjectType != nil {
		f |= ObjectTypePresent
	}
	if a.InheritedObjectType != nil {
		f |= InheritedObjectTypePresent
	}
	return f
}

// binaryLen is the AceSize the ACE encodes to.
func (a ACE) binaryLen() int {
	switch a.Type.shape() {
	case shapeBasic:
		return aceHeaderLen + 4 + a.SID.binaryLen() + len(a.ExtraData)
	case shapeObject:
		n := aceHeaderLen + 8 + a.SID.binaryLen() + len(a.ExtraData)
		if a.ObjectType != nil {
			n += guidLen
		}
		if a.InheritedObjectType != nil {
			n += guidLen
		}
		return n
	default:
		return aceHeaderLen + len(a.Body)
	}
}

// appendBinary appends the ACE in its binary form ([MS-DTYP] 2.4.4).
func (a ACE) appendBinary(b []byte) ([]byte, error) {
	size := a.binaryLen()
	if size > 0xFFFF {
		return b, fmt.Errorf("%s ACE is %d bytes, AceSize holds at most 65535: %w", a.Type, size, ErrMalformed)
	}
	b = append(b, byte(a.Type), byte(a.Flags))
	b = binary.LittleEndian.AppendUint16(b, uint16(size))
	switch a.Type.shape() {
	case shapeBasic:
		b = binary.LittleEndian.AppendUint32(b, uint32(a.Mask))
		b = a.SID.appendBinary(b)
		b = append(b, a.ExtraData...)
	case shapeObject:
		b = binary.LittleEndian.AppendUint32(b, uint32(a.Mask))
		b = binary.LittleEndian.AppendUint32(b, uint32(a.objectFlagsOnWire()))
		if a.ObjectType != nil {
			b = a.ObjectType.appendBinary(b)
		}
		if a.InheritedObjectType != nil {
			b = a.InheritedObjectType.appendBinary(b)
		}
		b = a.SID.appendBinary(b)
		b = append(b, a.ExtraData...)
	default:
		b = append(b, a.Body...)
	}
	return b, nil
}

// body returns the encoded ACE without its header.
func (a ACE) body() []byte {
	b, err := a.appendBinary(nil)
	if err != nil {
		// Too large for AceSize; render what the fields hold anyway.
		return a.Body
	}
	return b[aceHeaderLen:]
}

// decodeACE decodes one ACE at the start of b and returns it with its
// AceSize. Offsets in errors are relative to the start of the ACE.
func decodeACE(b []byte) (ACE, int, error) {
	if len(b) < aceHeaderLen {
		return ACE{}, 0, fmt.Errorf("ACE header needs %d bytes, have %d: %w", aceHeaderLen, len(b), ErrTruncated)
	}
	a := ACE{Type: ACEType(b[0]), Flags: ACEFlags(b[1])}
	size := int(binary.LittleEndian.Uint16(b[2:4]))
	if size < aceHeaderLen {
		return ACE{}, 0, fmt.Errorf("AceSize %d at offset 2 is smaller than the %d-byte header: %w", size, aceHeaderLen, ErrMalformed)
	}
	if size > len(b) {
		return ACE{}, 0, fmt.Errorf("AceSize %d at offset 2 runs past the ACL (%d bytes left): %w", size, len(b), ErrTruncated)
	}
	body := b[aceHeaderLen:size]
	switch a.Type.shape() {
	case shapeBasic:
		if err := a.decodeBasic(body); err != nil {
			return ACE{}, 0, fmt.Errorf("%s ACE: %w", a.Type, err)
		}
	case shapeObject:
		if err := a.decodeObject(body); err != nil {
			return ACE{}, 0, fmt.Errorf("%s ACE: %w", a.Type, err)
		}
	default:
		a.Body = append([]byte(nil), body...)
	}
	return a, size, nil
}

// decodeBasic decodes Mask, Sid and trailing data ([MS-DTYP] 2.4.4.2).
// body starts right after the header, at ACE offset 4.
func (a *ACE) decodeBasic(body []byte) error {
	if len(body) < 4 {
		return fmt.Errorf("Mask at offset %d: %w", aceHeaderLen, ErrTruncated)
	}
	a.Mask = AccessMask(binary.LittleEndian.Uint32(body))
	sid, n, err := decodeSID(body[4:])
	if err != nil {
		return fmt.Errorf("SID at offset %d: %w", aceHeaderLen+4, err)
	}
	a.SID = sid
	a.ExtraData = copyNonEmpty(body[4+n:])
	return nil
}

// decodeObject decodes Mask, Flags, the optional GUIDs, Sid and trailing
// data ([MS-DTYP] 2.4.4.3). body starts at ACE offset 4.
func (a *ACE) decodeObject(body []byte) error {
	if len(body) < 8 {
		return fmt.Errorf("Mask and Flags at offset %d: %w", aceHeaderLen, ErrTruncated)
	}
	a.Mask = AccessMask(binary.LittleEndian.Uint32(body))
	a.ObjectFlags = ObjectFlags(binary.LittleEndian.Uint32(body[4:]))
	off := 8
	if a.ObjectFlags&ObjectTypePresent != 0 {
		g, err := decodeGUID(body[off:])
		if err != nil {
			return fmt.Errorf("ObjectType at offset %d: %w", aceHeaderLen+off, err)
		}
		a.ObjectType = &g
		off += guidLen
	}
	if a.ObjectFlags&InheritedObjectTypePresent != 0 {
		g, err := decodeGUID(body[off:])
		if err != nil {
			return fmt.Errorf("InheritedObjectType at offset %d: %w", aceHeaderLen+off, err)
		}
		a.InheritedObjectType = &g
		off += guidLen
	}
	sid, n, err := decodeSID(body[off:])
	if err != nil {
		return fmt.Errorf("SID at offset %d: %w", aceHeaderLen+off, err)
	}
	a.SID = sid
	a.ExtraData = copyNonEmpty(body[off+n:])
	return nil
}

// copyNonEmpty copies b, returning nil for an empty slice so that decoded
// and freshly built ACEs compare alike.
func copyNonEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return append([]byte(nil), b...)
}
