package secdesc

// GUIDKind says what an object type GUID in an object ACE stands for
// ([MS-ADTS] 5.1.3.2.1 and 5.1.3.2.2).
type GUIDKind uint8

// Kinds of object type GUIDs.
const (
	KindUnknown GUIDKind = iota
	// KindExtendedRight: a controlAccessRight checked with CR.
	KindExtendedRight
	// KindValidatedWrite: a controlAccessRight checked with SW.
	KindValidatedWrite
	// KindPropertySet: a controlAccessRight grouping attributes, checked
	// with RP/WP.
	KindPropertySet
	// KindAttribute: an attributeSchema's schemaIDGUID, checked with RP/WP.
	KindAttribute
	// KindClass: a classSchema's schemaIDGUID, checked with CC/DC and used
	// as InheritedObjectType.
	KindClass
)

// String names the kind.
func (k GUIDKind) String() string {
	switch k {
	case KindExtendedRight:
		return "extended right"
	case KindValidatedWrite:
		return "validated write"
	case KindPropertySet:
		return "property set"
	case KindAttribute:
		return "attribute"
	case KindClass:
		return "class"
	}
	return "unknown"
}

// Object type GUIDs the console checks for.
const (
	// GUIDApplyGroupPolicy is the Apply-Group-Policy extended right
	// ([MS-ADTS] 5.1.3.2.1); security filtering grants it with CR.
	GUIDApplyGroupPolicy = "edacfd8f-ffb3-11d1-b41d-00a0c968f939"
	// GUIDClassGroupPolicyContainer is the groupPolicyContainer class.
	GUIDClassGroupPolicyContainer = "f30e3bc2-9ff0-11d1-b603-0000f80367c1"
	// GUIDClassComputer is the computer class.
	GUIDClassComputer = "bf967a86-0de6-11d0-a285-00aa003049e2"
	// GUIDClassUser is the user class.
	GUIDClassUser = "bf967aba-0de6-11d0-a285-00aa003049e2"
	// GUIDClassGroup is the group class.
	GUIDClassGroup = "bf967a9c-0de6-11d0-a285-00aa003049e2"
	// GUIDClassOrganizationalUnit is the organizationalUnit class.
	GUIDClassOrganizationalUnit = "bf967aa5-0de6-11d0-a285-00aa003049e2"
	// GUIDAttrGPLink is the gPLink attribute.
	GUIDAttrGPLink = "f30e3bbe-9ff0-11d1-b603-0000f80367c1"
	// GUIDAttrGPOptions is the gPOptions attribute.
	GUIDAttrGPOptions = "f30e3bbf-9ff0-11d1-b603-0000f80367c1"
)

// knownGUID is one row of the table of named object type GUIDs.
type knownGUID struct {
	guid string
	kind GUIDKind
	name string
}

// knownGUIDs lists object type GUIDs by name: controlAccessRight rightsGuid
// values ([MS-ADTS] 5.1.3.2.1, 5.1.3.2.2) and schemaIDGUIDs from the AD
// schema ([MS-ADA1..3], [MS-ADSC]). Some GUIDs are both a right and an
// attribute; both rows are listed.
func knownGUIDs() []knownGUID {
	return []knownGUID{
		{GUIDApplyGroupPolicy, KindExtendedRight, "Apply Group Policy"},
		{"00299570-246d-11d0-a768-00aa006e0529", KindExtendedRight, "Reset Password"},
		{"ab721a53-1e2f-11d0-9819-00aa0040529b", KindExtendedRight, "Change Password"},
		{"ab721a54-1e2f-11d0-9819-00aa0040529b", KindExtendedRight, "Send As"},
		{"ab721a55-1e2f-11d0-9819-00aa0040529b", KindExtendedRight, "Send To"},
		{"ab721a56-1e2f-11d0-9819-00aa0040529b", KindExtendedRight, "Receive As"},
		{"1131f6aa-9c07-11d1-f79f-00c04fc2dcd2", KindExtendedRight, "Replicating Directory Changes"},
		{"1131f6ab-9c07-11d1-f79f-00c04fc2dcd2", KindExtendedRight, "Replication Synchronization"},
		{"1131f6ac-9c07-11d1-f79f-00c04fc2dcd2", KindExtendedRight, "Manage Replication Topology"},
		{"1131f6ad-9c07-11d1-f79f-00c04fc2dcd2", KindExtendedRight, "Replicating Directory Changes All"},
		{"1131f6ae-9c07-11d1-f79f-00c04fc2dcd2", KindExtendedRight, "Read Only Replication Secret Synchronization"},
		{"89e95b76-444d-4c62-991a-0facbeda640c", KindExtendedRight, "Replicating Directory Changes In Filtered Set"},
		{"b7b1b3dd-ab09-4242-9e30-9980e5d322f7", KindExtendedRight, "Generate Resultant Set of Policy (Planning)"},
		{"b7b1b3de-ab09-4242-9e30-9980e5d322f7", KindExtendedRight, "Generate Resultant Set of Policy (Logging)"},
		{"68b1d179-0d15-4d4f-ab71-46152e79a7bc", KindExtendedRight, "Allowed To Authenticate"},
		{"e2a36dc9-ae17-47c3-b58b-be34c55ba633", KindExtendedRight, "Create Inbound Forest Trust"},
		{"280f369c-67c7-438e-ae98-1d46f3c6f541", KindExtendedRight, "Update Password Not Required Bit"},
		{"ccc2dc7d-a6ad-4a7a-8846-c04e3cc53501", KindExtendedRight, "Unexpire Password"},
		{"05c74c5e-4deb-43b4-bd9f-86664c2a7fd5", KindExtendedRight, "Enable Per User Reversibly Encrypted Password"},
		{"0e10c968-78fb-11d2-90d4-00c04f79dc55", KindExtendedRight, "Enroll"},
		{"bf9679c0-0de6-11d0-a285-00aa003049e2", KindValidatedWrite, "Add/Remove self as member"},
		{"72e39547-7b18-11d1-adef-00c04fd8d5cd", KindValidatedWrite, "Validated write to DNS host name"},
		{"f3a64788-5306-11d1-a9c5-0000f80367c1", KindValidatedWrite, "Validated write to service principal name"},
		{"9b026da6-0d3c-465c-8bee-5199d7165cba", KindValidatedWrite, "Validated write to computer attributes"},
		{"e48d0154-bcf8-11d1-8702-00c04fb96050", KindPropertySet, "Public Information"},
		{"037088f8-0ae1-11d2-b422-00a0c968f939", KindPropertySet, "Remote Access Information"},
		{"72e39547-7b18-11d1-adef-00c04fd8d5cd", KindPropertySet, "DNS Host Name Attributes"},
		{"b8119fd0-04f6-4762-ab7a-4986c76b3f9a", KindPropertySet, "Other Domain Parameters"},
		{"91e647de-d96f-4b70-9557-d63ff4f3ccd8", KindPropertySet, "Private Information"},
		{"5805bc62-bdc9-4428-a5e2-856a0f4c185e", KindPropertySet, "Terminal Server License Server"},
		{"c7407360-20bf-11d0-a768-00aa006e0529", KindPropertySet, "Domain Password & Lockout Policies"},
		{"59ba2f42-79a2-11d0-9020-00c04fc2d3cf", KindPropertySet, "General Information"},
		{"4c164200-20c0-11d0-a768-00aa006e0529", KindPropertySet, "Account Restrictions"},
		{"5f202010-79a5-11d0-9020-00c04fc2d4cf", KindPropertySet, "Logon Information"},
		{"bc0ac240-79a9-11d0-9020-00c04fc2d4cf", KindPropertySet, "Group Membership"},
		{"77b5b886-944a-11d1-aebd-0000f80367c1", KindPropertySet, "Personal Information"},
		{"e45795b2-9455-11d1-aebd-0000f80367c1", KindPropertySet, "Phone and Mail Options"},
		{"e45795b3-9455-11d1-aebd-0000f80367c1", KindPropertySet, "Web Information"},
		{GUIDAttrGPLink, KindAttribute, "gPLink"},
		{GUIDAttrGPOptions, KindAttribute, "gPOptions"},
		{"f30e3bc1-9ff0-11d1-b603-0000f80367c1", KindAttribute, "gPCFileSysPath"},
		{"32ff8ecc-783f-11d2-9916-0000f87a57d4", KindAttribute, "gPCMachineExtensionNames"},
		{"42a75fc6-783f-11d2-9916-0000f87a57d4", KindAttribute, "gPCUserExtensionNames"},
		{"7bd4c7a6-1add-4436-8c04-3999a880154c", KindAttribute, "gPCWQLFilter"},
		{"bf967a76-0de6-11d0-a285-00aa003049e2", KindAttribute, "versionNumber"},
		{"bf967976-0de6-11d0-a285-00aa003049e2", KindAttribute, "flags"},
		{"bf967953-0de6-11d0-a285-00aa003049e2", KindAttribute, "displayName"},
		{"bf9679c0-0de6-11d0-a285-00aa003049e2", KindAttribute, "member"},
		{"72e39547-7b18-11d1-adef-00c04fd8d5cd", KindAttribute, "dNSHostName"},
		{"f3a64788-5306-11d1-a9c5-0000f80367c1", KindAttribute, "servicePrincipalName"},
		{"bf967a68-0de6-11d0-a285-00aa003049e2", KindAttribute, "userAccountControl"},
		{"bf9679e3-0de6-11d0-a285-00aa003049e2", KindAttribute, "nTSecurityDescriptor"},
		{"3f78c3e5-f79a-46bd-a0b8-9d18116ddc79", KindAttribute, "msDS-AllowedToActOnBehalfOfOtherIdentity"},
		{"5b47d60f-6090-40b2-9f37-2a4de88f3063", KindAttribute, "msDS-KeyCredentialLink"},
		{GUIDClassComputer, KindClass, "computer"},
		{GUIDClassUser, KindClass, "user"},
		{GUIDClassGroup, KindClass, "group"},
		{GUIDClassOrganizationalUnit, KindClass, "organizationalUnit"},
		{"5cb41ed0-0e4c-11d0-a286-00aa003049e2", KindClass, "contact"},
		{"4828cc14-1437-45bc-9b07-ad6f015e5f28", KindClass, "inetOrgPerson"},
		{"bf967a8b-0de6-11d0-a285-00aa003049e2", KindClass, "container"},
		{"19195a5b-6da0-11d0-afd3-00c04fd930c9", KindClass, "domainDNS"},
		{GUIDClassGroupPolicyContainer, KindClass, "groupPolicyContainer"},
		{"bf967a84-0de6-11d0-a285-00aa003049e2", KindClass, "classStore"},
		{"bf967aa6-0de6-11d0-a285-00aa003049e2", KindClass, "packageRegistration"},
		{"ab857078-0142-4406-945b-34c9b6b13372", KindClass, "msWMI-Som"},
		{"ce206244-5827-4a86-ba1c-1c0c386c1b64", KindClass, "msDS-ManagedServiceAccount"},
		{"7b8b558a-93a5-4af7-adca-c017e67f1057", KindClass, "msDS-GroupManagedServiceAccount"},
	}
}

// GUIDName names an object type GUID. The access mask of the ACE picks
// between meanings when one GUID is several things (dNSHostName is both an
// attribute and a validated write): CR prefers an extended right, SW a
// validated write, RP/WP a property set or attribute, CC/DC a class. Pass 0
// to take the first meaning. ok is false for GUIDs not in the table.
func GUIDName(g GUID, mask AccessMask) (name string, kind GUIDKind, ok bool) {
	s := g.String()
	for _, k := range preferredKinds(mask) {
		for _, row := range knownGUIDs() {
			if row.guid == s && (k == KindUnknown || row.kind == k) {
				return row.name, row.kind, true
			}
		}
	}
	return "", KindUnknown, false
}

// preferredKinds orders the kinds to look for given an ACE's mask, ending
// with KindUnknown, which matches any row.
func preferredKinds(mask AccessMask) []GUIDKind {
	var kinds []GUIDKind
	if mask&DSControlAccess != 0 {
		kinds = append(kinds, KindExtendedRight)
	}
	if mask&DSSelf != 0 {
		kinds = append(kinds, KindValidatedWrite)
	}
	if mask&(DSReadProp|DSWriteProp) != 0 {
		kinds = append(kinds, KindPropertySet, KindAttribute)
	}
	if mask&(DSCreateChild|DSDeleteChild) != 0 {
		kinds = append(kinds, KindClass)
	}
	return append(kinds, KindUnknown)
}
