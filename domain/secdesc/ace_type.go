package secdesc

import "fmt"

// ACEType is the AceType field of an ACE header ([MS-DTYP] 2.4.4.1).
type ACEType uint8

// ACE types ([MS-DTYP] 2.4.4.1).
const (
	AccessAllowed               ACEType = 0x00
	AccessDenied                ACEType = 0x01
	SystemAudit                 ACEType = 0x02
	SystemAlarm                 ACEType = 0x03
	AccessAllowedCompound       ACEType = 0x04
	AccessAllowedObject         ACEType = 0x05
	AccessDeniedObject          ACEType = 0x06
	SystemAuditObject           ACEType = 0x07
	SystemAlarmObject           ACEType = 0x08
	AccessAllowedCallback       ACEType = 0x09
	AccessDeniedCallback        ACEType = 0x0A
	AccessAllowedCallbackObject ACEType = 0x0B
	AccessDeniedCallbackObject  ACEType = 0x0C
	SystemAuditCallback         ACEType = 0x0D
	SystemAlarmCallback         ACEType = 0x0E
	SystemAuditCallbackObject   ACEType = 0x0F
	SystemAlarmCallbackObject   ACEType = 0x10
	SystemMandatoryLabel        ACEType = 0x11
	SystemResourceAttribute     ACEType = 0x12
	SystemScopedPolicyID        ACEType = 0x13
)

// aceShape says how the body of an ACE type is laid out.
type aceShape uint8

const (
	// shapeOpaque: a type this package does not interpret; the body is
	// kept as bytes.
	shapeOpaque aceShape = iota
	// shapeBasic: Mask, Sid, then optional data: ACCESS_ALLOWED_ACE
	// ([MS-DTYP] 2.4.4.2), ACCESS_DENIED_ACE (2.4.4.4), the callback
	// forms (2.4.4.6, 2.4.4.7, 2.4.4.12), SYSTEM_AUDIT_ACE (2.4.4.10),
	// SYSTEM_MANDATORY_LABEL_ACE (2.4.4.13), SYSTEM_RESOURCE_ATTRIBUTE_ACE
	// (2.4.4.15) and SYSTEM_SCOPED_POLICY_ID_ACE (2.4.4.16); the alarm
	// types share the layout.
	shapeBasic
	// shapeObject: Mask, Flags, ObjectType, InheritedObjectType, Sid,
	// then optional data: ACCESS_ALLOWED_OBJECT_ACE ([MS-DTYP] 2.4.4.3),
	// ACCESS_DENIED_OBJECT_ACE (2.4.4.5), the callback forms (2.4.4.8,
	// 2.4.4.9, 2.4.4.14) and SYSTEM_AUDIT_OBJECT_ACE (2.4.4.11).
	shapeObject
)

// shape returns the body layout of the type.
func (t ACEType) shape() aceShape {
	switch t {
	case AccessAllowed, AccessDenied, SystemAudit, SystemAlarm,
		AccessAllowedCallback, AccessDeniedCallback, SystemAuditCallback, SystemAlarmCallback,
		SystemMandatoryLabel, SystemResourceAttribute, SystemScopedPolicyID:
		return shapeBasic
	case AccessAllowedObject, AccessDeniedObject, SystemAuditObject, SystemAlarmObject,
		AccessAllowedCallbackObject, AccessDeniedCallbackObject, SystemAuditCallbackObject, SystemAlarmCallbackObject:
		return shapeObject
	default:
		return shapeOpaque
	}
}

// IsObject reports whether the type carries object type GUIDs.
func (t ACEType) IsObject() bool { return t.shape() == shapeObject }

// IsAllow reports whether the type grants access.
func (t ACEType) IsAllow() bool {
	switch t {
	case AccessAllowed, AccessAllowedObject, AccessAllowedCallback, AccessAllowedCallbackObject:
		return true
	}
	return false
}

// IsDeny reports whether the type denies access.
func (t ACEType) IsDeny() bool {
	switch t {
	case AccessDenied, AccessDeniedObject, AccessDeniedCallback, AccessDeniedCallbackObject:
		return true
	}
	return false
}

// IsCallback reports whether the type carries a conditional expression or
// other application data after the SID ([MS-DTYP] 2.4.4.17).
func (t ACEType) IsCallback() bool {
	switch t {
	case AccessAllowedCallback, AccessDeniedCallback, AccessAllowedCallbackObject, AccessDeniedCallbackObject,
		SystemAuditCallback, SystemAlarmCallback, SystemAuditCallbackObject, SystemAlarmCallbackObject:
		return true
	}
	return false
}

// String names the type as [MS-DTYP] does.
func (t ACEType) String() string {
	switch t {
	case AccessAllowed:
		return "ACCESS_ALLOWED"
	case AccessDenied:
		return "ACCESS_DENIED"
	case SystemAudit:
		return "SYSTEM_AUDIT"
	case SystemAlarm:
		return "SYSTEM_ALARM"
	case AccessAllowedCompound:
		return "ACCESS_ALLOWED_COMPOUND"
	case AccessAllowedObject:
		return "ACCESS_ALLOWED_OBJECT"
	case AccessDeniedObject:
		return "ACCESS_DENIED_OBJECT"
	case SystemAuditObject:
		return "SYSTEM_AUDIT_OBJECT"
	case SystemAlarmObject:
		return "SYSTEM_ALARM_OBJECT"
	case AccessAllowedCallback:
		return "ACCESS_ALLOWED_CALLBACK"
	case AccessDeniedCallback:
		return "ACCESS_DENIED_CALLBACK"
	case AccessAllowedCallbackObject:
		return "ACCESS_ALLOWED_CALLBACK_OBJECT"
	case AccessDeniedCallbackObject:
		return "ACCESS_DENIED_CALLBACK_OBJECT"
	case SystemAuditCallback:
		return "SYSTEM_AUDIT_CALLBACK"
	case SystemAlarmCallback:
		return "SYSTEM_ALARM_CALLBACK"
	case SystemAuditCallbackObject:
		return "SYSTEM_AUDIT_CALLBACK_OBJECT"
	case SystemAlarmCallbackObject:
		return "SYSTEM_ALARM_CALLBACK_OBJECT"
	case SystemMandatoryLabel:
		return "SYSTEM_MANDATORY_LABEL"
	case SystemResourceAttribute:
		return "SYSTEM_RESOURCE_ATTRIBUTE"
	case SystemScopedPolicyID:
		return "SYSTEM_SCOPED_POLICY_ID"
	}
	return fmt.Sprintf("ACE_TYPE_0x%02X", uint8(t))
}

// ACEFlags is the AceFlags field of an ACE header ([MS-DTYP] 2.4.4.1).
type ACEFlags uint8

// ACE flags ([MS-DTYP] 2.4.4.1).
const (
	ObjectInherit      ACEFlags = 0x01 // OI
	ContainerInherit   ACEFlags = 0x02 // CI
	NoPropagateInherit ACEFlags = 0x04 // NP
	InheritOnly        ACEFlags = 0x08 // IO
	Inherited          ACEFlags = 0x10 // ID
	SuccessfulAccess   ACEFlags = 0x40 // SA
	FailedAccess       ACEFlags = 0x80 // FA
)

// ObjectFlags is the Flags field of an object ACE ([MS-DTYP] 2.4.4.3).
type ObjectFlags uint32

// Object ACE flags ([MS-DTYP] 2.4.4.3).
const (
	ObjectTypePresent          ObjectFlags = 0x1
	InheritedObjectTypePresent ObjectFlags = 0x2
)
