package secdesc

// sddlToken pairs an SDDL token with the bits it stands for.
type sddlToken[T ~uint8 | ~uint32] struct {
	token string
	bits  T
}

// aceTypeTokens maps ACE types to their SDDL ace-type strings ([MS-DTYP]
// 2.5.1.1). Types missing here have no SDDL form.
func aceTypeTokens() []sddlToken[ACEType] {
	return []sddlToken[ACEType]{
		{"A", AccessAllowed},
		{"D", AccessDenied},
		{"AU", SystemAudit},
		{"AL", SystemAlarm},
		{"OA", AccessAllowedObject},
		{"OD", AccessDeniedObject},
		{"OU", SystemAuditObject},
		{"OL", SystemAlarmObject},
		{"XA", AccessAllowedCallback},
		{"XD", AccessDeniedCallback},
		{"ZA", AccessAllowedCallbackObject},
		{"XU", SystemAuditCallback},
		{"ML", SystemMandatoryLabel},
		{"RA", SystemResourceAttribute},
		{"SP", SystemScopedPolicyID},
	}
}

// aceFlagTokens maps ACE flags to their SDDL ace-flag strings ([MS-DTYP]
// 2.5.1.1), in the order they are rendered.
func aceFlagTokens() []sddlToken[ACEFlags] {
	return []sddlToken[ACEFlags]{
		{"OI", ObjectInherit},
		{"CI", ContainerInherit},
		{"NP", NoPropagateInherit},
		{"IO", InheritOnly},
		{"ID", Inherited},
		{"SA", SuccessfulAccess},
		{"FA", FailedAccess},
	}
}

// rightTokens maps single rights to their SDDL strings ([MS-DTYP]
// 2.5.1.1), in the order they are rendered (ascending bit, as Windows
// does).
func rightTokens() []sddlToken[AccessMask] {
	return []sddlToken[AccessMask]{
		{"CC", DSCreateChild},
		{"DC", DSDeleteChild},
		{"LC", DSList},
		{"SW", DSSelf},
		{"RP", DSReadProp},
		{"WP", DSWriteProp},
		{"DT", DSDeleteTree},
		{"LO", DSListObject},
		{"CR", DSControlAccess},
		{"SD", Delete},
		{"RC", ReadControl},
		{"WD", WriteDAC},
		{"WO", WriteOwner},
		{"GA", GenericAll},
		{"GX", GenericExecute},
		{"GW", GenericWrite},
		{"GR", GenericRead},
	}
}

// fileRightTokens maps the SDDL strings for composite file rights
// ([MS-DTYP] 2.5.1.1). Rendering uses one only for an exact match.
func fileRightTokens() []sddlToken[AccessMask] {
	return []sddlToken[AccessMask]{
		{"FA", FileAllAccess},
		{"FR", FileGenericRead},
		{"FW", FileGenericWrite},
		{"FX", FileGenericExecute},
	}
}

// registryRightTokens maps the SDDL strings for composite registry rights
// ([MS-DTYP] 2.5.1.1); they are parsed, never rendered.
func registryRightTokens() []sddlToken[AccessMask] {
	return []sddlToken[AccessMask]{
		{"KA", 0x000F003F},
		{"KR", 0x00020019},
		{"KW", 0x00020006},
		{"KX", 0x00020019},
	}
}

// Mandatory label policy bits of a SYSTEM_MANDATORY_LABEL ACE ([MS-DTYP]
// 2.4.4.13).
const (
	LabelNoWriteUp   AccessMask = 0x1 // NW
	LabelNoReadUp    AccessMask = 0x2 // NR
	LabelNoExecuteUp AccessMask = 0x4 // NX
)

// labelRightTokens maps the mandatory label policy bits to SDDL strings.
func labelRightTokens() []sddlToken[AccessMask] {
	return []sddlToken[AccessMask]{
		{"NW", LabelNoWriteUp},
		{"NR", LabelNoReadUp},
		{"NX", LabelNoExecuteUp},
	}
}

// sddlNoAccessControl is the acl text of a NULL ACL ([MS-DTYP] 2.5.1.1).
const sddlNoAccessControl = "NO_ACCESS_CONTROL"
