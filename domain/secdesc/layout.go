package secdesc

// Part names one of the four variable-length parts of a security
// descriptor.
type Part uint8

// The parts of a security descriptor ([MS-DTYP] 2.4.6).
const (
	PartOwner Part = iota
	PartGroup
	PartSACL
	PartDACL
)

// String names the part as the header field that points at it.
func (p Part) String() string {
	switch p {
	case PartOwner:
		return "OffsetOwner"
	case PartGroup:
		return "OffsetGroup"
	case PartSACL:
		return "OffsetSacl"
	case PartDACL:
		return "OffsetDacl"
	}
	return "unknown part"
}

// label names the part itself: owner, group, SACL, DACL.
func (p Part) label() string {
	switch p {
	case PartOwner:
		return "owner"
	case PartGroup:
		return "group"
	case PartSACL:
		return "SACL"
	case PartDACL:
		return "DACL"
	}
	return "unknown part"
}

// Layout is the order in which the parts follow the header.
type Layout [4]Part

// WindowsLayout is the order Windows writes a self-relative descriptor in
// (MakeSelfRelativeSD, and AD's nTSecurityDescriptor as a Windows DC returns
// it): SACL, DACL, owner, group. New descriptors are encoded this way.
func WindowsLayout() Layout { return Layout{PartSACL, PartDACL, PartOwner, PartGroup} }

// SambaLayout is the order Samba's NDR marshalling writes: owner, group,
// SACL, DACL, the field order of its IDL.
func SambaLayout() Layout { return Layout{PartOwner, PartGroup, PartSACL, PartDACL} }

// foundLayout records how a decoded descriptor was laid out so that
// encoding writes the same bytes back.
type foundLayout struct {
	// order lists the present parts by increasing offset.
	order []Part
	// gaps[i] holds the bytes between the end of the previous part (or of
	// the header) and order[i].
	gaps [][]byte
	// tail holds the bytes after the last part.
	tail []byte
}
