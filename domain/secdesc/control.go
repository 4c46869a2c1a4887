package secdesc

// Control is the Control field of a security descriptor ([MS-DTYP] 2.4.6).
type Control uint16

// Control bits ([MS-DTYP] 2.4.6; names as in the Windows SDK).
const (
	OwnerDefaulted       Control = 0x0001 // OD
	GroupDefaulted       Control = 0x0002 // GD
	DACLPresent          Control = 0x0004 // DP
	DACLDefaulted        Control = 0x0008 // DD
	SACLPresent          Control = 0x0010 // SP
	SACLDefaulted        Control = 0x0020 // SD
	DACLTrusted          Control = 0x0040 // DT
	ServerSecurity       Control = 0x0080 // SS
	DACLAutoInheritReq   Control = 0x0100 // DC: SDDL "AR" on D:
	SACLAutoInheritReq   Control = 0x0200 // SC: SDDL "AR" on S:
	DACLAutoInherited    Control = 0x0400 // DI: SDDL "AI" on D:
	SACLAutoInherited    Control = 0x0800 // SI: SDDL "AI" on S:
	DACLProtected        Control = 0x1000 // PD: SDDL "P" on D:
	SACLProtected        Control = 0x2000 // PS: SDDL "P" on S:
	RMControlValid       Control = 0x4000 // RM
	SelfRelative         Control = 0x8000 // SR
	dACLControlSDDLFlags         = DACLProtected | DACLAutoInheritReq | DACLAutoInherited
	sACLControlSDDLFlags         = SACLProtected | SACLAutoInheritReq | SACLAutoInherited
)
