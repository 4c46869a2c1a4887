package secdesc

// AccessMask is a set of access rights ([MS-DTYP] 2.4.3).
type AccessMask uint32

// Generic, standard and special rights common to every object type
// ([MS-DTYP] 2.4.3).
const (
	GenericRead          AccessMask = 0x80000000
	GenericWrite         AccessMask = 0x40000000
	GenericExecute       AccessMask = 0x20000000
	GenericAll           AccessMask = 0x10000000
	MaximumAllowed       AccessMask = 0x02000000
	AccessSystemSecurity AccessMask = 0x01000000
	Synchronize          AccessMask = 0x00100000
	WriteOwner           AccessMask = 0x00080000
	WriteDAC             AccessMask = 0x00040000
	ReadControl          AccessMask = 0x00020000
	Delete               AccessMask = 0x00010000
)

// Directory service rights, the object-specific bits of an AD object's
// access mask ([MS-ADTS] 5.1.3.2, [MS-DTYP] 2.4.4.3 Mask).
const (
	DSCreateChild AccessMask = 0x00000001
	DSDeleteChild AccessMask = 0x00000002
	DSList        AccessMask = 0x00000004
	DSSelf        AccessMask = 0x00000008
	DSReadProp    AccessMask = 0x00000010
	DSWriteProp   AccessMask = 0x00000020
	DSDeleteTree  AccessMask = 0x00000040
	DSListObject  AccessMask = 0x00000080
	// DSControlAccess is the control access (extended right) bit, the
	// "CR" of SDDL.
	DSControlAccess AccessMask = 0x00000100
)

// DS composite rights as GPMC and the AD schema use them.
const (
	// DSGenericRead is what GENERIC_READ maps to on an AD object
	// ([MS-ADTS] 5.1.3.3): READ_CONTROL, list children, read all
	// properties, list object.
	DSGenericRead = ReadControl | DSList | DSReadProp | DSListObject
	// DSGenericWrite is what GENERIC_WRITE maps to on an AD object.
	DSGenericWrite = ReadControl | DSSelf | DSWriteProp
	// DSGenericExecute is what GENERIC_EXECUTE maps to on an AD object.
	DSGenericExecute = ReadControl | DSList
	// DSGenericAll is what GENERIC_ALL maps to on an AD object: full
	// control.
	DSGenericAll AccessMask = 0x000F01FF
)

// File and directory rights ([MS-SMB2] 2.2.13.1.1, 2.2.13.1.2).
const (
	FileReadData        AccessMask = 0x00000001 // directory: list
	FileWriteData       AccessMask = 0x00000002 // directory: add file
	FileAppendData      AccessMask = 0x00000004 // directory: add subdirectory
	FileReadEA          AccessMask = 0x00000008
	FileWriteEA         AccessMask = 0x00000010
	FileExecute         AccessMask = 0x00000020 // directory: traverse
	FileDeleteChild     AccessMask = 0x00000040
	FileReadAttributes  AccessMask = 0x00000080
	FileWriteAttributes AccessMask = 0x00000100
)

// File composite rights as Windows Explorer names them.
const (
	// FileGenericRead is FILE_GENERIC_READ (SDDL "FR").
	FileGenericRead = ReadControl | FileReadData | FileReadAttributes | FileReadEA | Synchronize
	// FileGenericWrite is FILE_GENERIC_WRITE (SDDL "FW").
	FileGenericWrite = ReadControl | FileWriteData | FileWriteAttributes | FileWriteEA | FileAppendData | Synchronize
	// FileGenericExecute is FILE_GENERIC_EXECUTE (SDDL "FX").
	FileGenericExecute = ReadControl | FileReadAttributes | FileExecute | Synchronize
	// FileAllAccess is FILE_ALL_ACCESS, Explorer's "Full control" (SDDL
	// "FA").
	FileAllAccess AccessMask = 0x001F01FF
	// FileReadAndExecute is Explorer's "Read & execute" (0x1200A9).
	FileReadAndExecute = FileGenericRead | FileGenericExecute
	// FileModify is Explorer's "Modify" (0x1301BF).
	FileModify = FileGenericRead | FileGenericWrite | FileGenericExecute | Delete
)

// GenericMapping says what the four generic rights mean for one kind of
// object ([MS-DTYP] 2.5.3.2, MapGeneric).
type GenericMapping struct {
	Read, Write, Execute, All AccessMask
}

// DSMapping is the generic mapping of Active Directory objects ([MS-ADTS]
// 5.1.3.3).
func DSMapping() GenericMapping {
	return GenericMapping{Read: DSGenericRead, Write: DSGenericWrite, Execute: DSGenericExecute, All: DSGenericAll}
}

// FileMapping is the generic mapping of files and directories.
func FileMapping() GenericMapping {
	return GenericMapping{Read: FileGenericRead, Write: FileGenericWrite, Execute: FileGenericExecute, All: FileAllAccess}
}

// Map replaces the generic bits of m by the specific rights they stand for.
func (g GenericMapping) Map(m AccessMask) AccessMask {
	out := m &^ (GenericRead | GenericWrite | GenericExecute | GenericAll)
	if m&GenericRead != 0 {
		out |= g.Read
	}
	if m&GenericWrite != 0 {
		out |= g.Write
	}
	if m&GenericExecute != 0 {
		out |= g.Execute
	}
	if m&GenericAll != 0 {
		out |= g.All
	}
	return out
}
