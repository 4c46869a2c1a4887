package secdesc

import (
	"encoding/binary"
	"fmt"
)

// aclHeaderLen is the size of the ACL header ([MS-DTYP] 2.4.5).
const aclHeaderLen = 8

// ACL revisions ([MS-DTYP] 2.4.5).
const (
	// ACLRevision is ACL_REVISION, for ACLs without object ACEs.
	ACLRevision uint8 = 2
	// ACLRevisionDS is ACL_REVISION_DS, required once an ACL holds object
	// ACEs.
	ACLRevisionDS uint8 = 4
)

// ACL is an access control list ([MS-DTYP] 2.4.5).
type ACL struct {
	// Revision is AclRevision, kept as read; see NewACL and
	// FixRevision for built ACLs.
	Revision uint8
	// Sbz1 and Sbz2 are reserved fields, zero when built, kept as read.
	Sbz1 uint8
	Sbz2 uint16
	ACEs []ACE
	// Trailer holds bytes between the last ACE and AclSize, kept as read.
	Trailer []byte
}

// NewACL returns an ACL holding aces with the revision Windows would give
// it: ACL_REVISION_DS when any ACE is an object ACE, ACL_REVISION otherwise.
func NewACL(aces ...ACE) *ACL {
	acl := &ACL{ACEs: aces}
	acl.FixRevision()
	return acl
}

// FixRevision sets Revision to what the ACEs need, as Windows does when it
// builds an ACL: ACL_REVISION_DS with any object ACE, else ACL_REVISION. A
// revision above both (as read from the wire) is left alone.
func (acl *ACL) FixRevision() {
	if acl.Revision > ACLRevisionDS {
		return
	}
	acl.Revision = ACLRevision
	for _, a := range acl.ACEs {
		if a.Type.IsObject() {
			acl.Revision = ACLRevisionDS
			return
		}
	}
}

// binaryLen is the AclSize the ACL encodes to.
func (acl *ACL) binaryLen() int {
	n := aclHeaderLen + len(acl.Trailer)
	for _, a := range acl.ACEs {
		n += a.binaryLen()
	}
	return n
}

// appendBinary appends the ACL header followed by its ACEs ([MS-DTYP]
// 2.4.5).
func (acl *ACL) appendBinary(b []byte) ([]byte, error) {
	for i, a := range acl.ACEs {
		if n := a.binaryLen(); n > 0xFFFF {
			return b, fmt.Errorf("ACE #%d: %s ACE is %d bytes, AceSize holds at most 65535: %w", i, a.Type, n, ErrMalformed)
		}
	}
	size := acl.binaryLen()
	if size > 0xFFFF {
		return b, fmt.Errorf("ACL is %d bytes, AclSize holds at most 65535: %w", size, ErrMalformed)
	}
	if len(acl.ACEs) > 0xFFFF {
		return b, fmt.Errorf("ACL has %d ACEs, AceCount holds at most 65535: %w", len(acl.ACEs), ErrMalformed)
	}
	b = append(b, acl.Revision, acl.Sbz1)
	b = binary.LittleEndian.AppendUint16(b, uint16(size))
	b = binary.LittleEndian.AppendUint16(b, uint16(len(acl.ACEs)))
	b = binary.LittleEndian.AppendUint16(b, acl.Sbz2)
	for i, a := range acl.ACEs {
		var err error
		if b, err = a.appendBinary(b); err != nil {
			return b, fmt.Errorf("ACE #%d: %w", i, err)
		}
	}
	return append(b, acl.Trailer...), nil
}

// MarshalBinary returns the binary form of the ACL.
func (acl *ACL) MarshalBinary() ([]byte, error) {
	b, err := acl.appendBinary(make([]byte, 0, acl.binaryLen()))
	if err != nil {
		return nil, fmt.Errorf("secdesc: encoding ACL: %w", err)
	}
	return b, nil
}

// DecodeACL decodes an ACL at the start of b and returns it with its
// AclSize ([MS-DTYP] 2.4.5). Offsets in errors are relative to b.
func DecodeACL(b []byte) (*ACL, int, error) {
	acl, n, err := decodeACL(b)
	if err != nil {
		return nil, 0, fmt.Errorf("%w", err)
	}
	return acl, n, nil
}

// decodeACL is DecodeACL without the package prefix on errors.
func decodeACL(b []byte) (*ACL, int, error) {
	if len(b) < aclHeaderLen {
		return nil, 0, fmt.Errorf("ACL header needs %d bytes, have %d: %w", aclHeaderLen, len(b), ErrTruncated)
	}
	acl := &ACL{Revision: b[0], Sbz1: b[1], Sbz2: binary.LittleEndian.Uint16(b[6:8])}
	size := int(binary.LittleEndian.Uint16(b[2:4]))
	count := int(binary.LittleEndian.Uint16(b[4:6]))
	if size < aclHeaderLen {
		return nil, 0, fmt.Errorf("AclSize %d at offset 2 is smaller than the %d-byte header: %w", size, aclHeaderLen, ErrMalformed)
	}
	if size > len(b) {
		return nil, 0, fmt.Errorf("AclSize %d at offset 2 runs past the buffer (%d bytes): %w", size, len(b), ErrTruncated)
	}
	// Each ACE takes at least its header, which bounds a hostile AceCount.
	if count > (size-aclHeaderLen)/aceHeaderLen {
		return nil, 0, fmt.Errorf("AceCount %d at offset 4 cannot fit in AclSize %d: %w", count, size, ErrMalformed)
	}
	acl.ACEs = make([]ACE, 0, count)
	off := aclHeaderLen
	for i := range count {
		a, n, err := decodeACE(b[off:size])
		if err != nil {
			return nil, 0, fmt.Errorf("ACE #%d at offset %d: %w", i, off, err)
		}
		acl.ACEs = append(acl.ACEs, a)
		off += n
	}
	acl.Trailer = copyNonEmpty(b[off:size])
	return acl, size, nil
}
