package secdesc

// principal is one row of the table of known trustees: either a fixed SID
// or a RID relative to the domain, with its SDDL alias ([MS-DTYP] 2.5.1.1)
// if it has one and the name Windows shows for it ([MS-DTYP] 2.4.2.4).
type principal struct {
	alias string
	sid   string // fixed SID; empty for domain-relative principals
	rid   uint32 // domain-relative RID when sid is empty
	name  string
}

// principals lists the well-known and domain-relative trustees this package
// names. Aliases appear in the order SDDL rendering prefers them.
func principals() []principal {
	return []principal{
		{alias: "AA", sid: "S-1-5-32-579", name: "Access Control Assistance Operators"},
		{alias: "AC", sid: "S-1-15-2-1", name: "All Application Packages"},
		{alias: "AN", sid: "S-1-5-7", name: "Anonymous Logon"},
		{alias: "AO", sid: "S-1-5-32-548", name: "Account Operators"},
		{alias: "AP", rid: 525, name: "Protected Users"},
		{alias: "AS", sid: "S-1-18-1", name: "Authentication Authority Asserted Identity"},
		{alias: "AU", sid: "S-1-5-11", name: "Authenticated Users"},
		{alias: "BA", sid: "S-1-5-32-544", name: "Administrators"},
		{alias: "BG", sid: "S-1-5-32-546", name: "Guests"},
		{alias: "BO", sid: "S-1-5-32-551", name: "Backup Operators"},
		{alias: "BU", sid: "S-1-5-32-545", name: "Users"},
		{alias: "CA", rid: 517, name: "Cert Publishers"},
		{alias: "CD", sid: "S-1-5-32-574", name: "Certificate Service DCOM Access"},
		{alias: "CG", sid: "S-1-3-1", name: "CREATOR GROUP"},
		{alias: "CN", rid: 522, name: "Cloneable Domain Controllers"},
		{alias: "CO", sid: "S-1-3-0", name: "CREATOR OWNER"},
		{alias: "CY", sid: "S-1-5-32-569", name: "Cryptographic Operators"},
		{alias: "DA", rid: 512, name: "Domain Admins"},
		{alias: "DC", rid: 515, name: "Domain Computers"},
		{alias: "DD", rid: 516, name: "Domain Controllers"},
		{alias: "DG", rid: 514, name: "Domain Guests"},
		{alias: "DU", rid: 513, name: "Domain Users"},
		{alias: "EA", rid: 519, name: "Enterprise Admins"},
		{alias: "ED", sid: "S-1-5-9", name: "Enterprise Domain Controllers"},
		{alias: "EK", rid: 527, name: "Enterprise Key Admins"},
		{alias: "ER", sid: "S-1-5-32-573", name: "Event Log Readers"},
		{alias: "ES", sid: "S-1-5-32-576", name: "RDS Endpoint Servers"},
		{alias: "HA", sid: "S-1-5-32-578", name: "Hyper-V Administrators"},
		{alias: "HI", sid: "S-1-16-12288", name: "High Mandatory Level"},
		{alias: "IS", sid: "S-1-5-32-568", name: "IIS_IUSRS"},
		{alias: "IU", sid: "S-1-5-4", name: "INTERACTIVE"},
		{alias: "KA", rid: 526, name: "Key Admins"},
		{alias: "LA", rid: 500, name: "Administrator"},
		{alias: "LG", rid: 501, name: "Guest"},
		{alias: "LS", sid: "S-1-5-19", name: "LOCAL SERVICE"},
		{alias: "LU", sid: "S-1-5-32-559", name: "Performance Log Users"},
		{alias: "LW", sid: "S-1-16-4096", name: "Low Mandatory Level"},
		{alias: "ME", sid: "S-1-16-8192", name: "Medium Mandatory Level"},
		{alias: "MP", sid: "S-1-16-8448", name: "Medium Plus Mandatory Level"},
		{alias: "MU", sid: "S-1-5-32-558", name: "Performance Monitor Users"},
		{alias: "NO", sid: "S-1-5-32-556", name: "Network Configuration Operators"},
		{alias: "NS", sid: "S-1-5-20", name: "NETWORK SERVICE"},
		{alias: "NU", sid: "S-1-5-2", name: "NETWORK"},
		{alias: "OW", sid: "S-1-3-4", name: "OWNER RIGHTS"},
		{alias: "PA", rid: 520, name: "Group Policy Creator Owners"},
		{alias: "PO", sid: "S-1-5-32-550", name: "Print Operators"},
		{alias: "PS", sid: "S-1-5-10", name: "SELF"},
		{alias: "PU", sid: "S-1-5-32-547", name: "Power Users"},
		{alias: "RA", sid: "S-1-5-32-575", name: "RDS Remote Access Servers"},
		{alias: "RC", sid: "S-1-5-12", name: "RESTRICTED"},
		{alias: "RD", sid: "S-1-5-32-555", name: "Remote Desktop Users"},
		{alias: "RE", sid: "S-1-5-32-552", name: "Replicator"},
		{alias: "RM", sid: "S-1-5-32-580", name: "Remote Management Users"},
		{alias: "RO", rid: 498, name: "Enterprise Read-only Domain Controllers"},
		{alias: "RS", rid: 553, name: "RAS and IAS Servers"},
		{alias: "RU", sid: "S-1-5-32-554", name: "Pre-Windows 2000 Compatible Access"},
		{alias: "SA", rid: 518, name: "Schema Admins"},
		{alias: "SI", sid: "S-1-16-16384", name: "System Mandatory Level"},
		{alias: "SO", sid: "S-1-5-32-549", name: "Server Operators"},
		{alias: "SS", sid: "S-1-18-2", name: "Service Asserted Identity"},
		{alias: "SU", sid: "S-1-5-6", name: "SERVICE"},
		{alias: "SY", sid: "S-1-5-18", name: "SYSTEM"},
		{alias: "UD", sid: "S-1-5-84-0-0-0-0-0", name: "User Mode Drivers"},
		{alias: "WD", sid: "S-1-1-0", name: "Everyone"},
		{alias: "WR", sid: "S-1-5-33", name: "WRITE RESTRICTED"},
		{sid: "S-1-0-0", name: "NULL SID"},
		{sid: "S-1-2-0", name: "LOCAL"},
		{sid: "S-1-2-1", name: "CONSOLE LOGON"},
		{sid: "S-1-3-2", name: "CREATOR OWNER SERVER"},
		{sid: "S-1-3-3", name: "CREATOR GROUP SERVER"},
		{sid: "S-1-5-1", name: "DIALUP"},
		{sid: "S-1-5-3", name: "BATCH"},
		{sid: "S-1-5-8", name: "PROXY"},
		{sid: "S-1-5-13", name: "TERMINAL SERVER USER"},
		{sid: "S-1-5-14", name: "REMOTE INTERACTIVE LOGON"},
		{sid: "S-1-5-15", name: "This Organization"},
		{sid: "S-1-5-17", name: "IUSR"},
		{sid: "S-1-5-1000", name: "Other Organization"},
		{sid: "S-1-5-64-10", name: "NTLM Authentication"},
		{sid: "S-1-5-64-14", name: "SChannel Authentication"},
		{sid: "S-1-5-64-21", name: "Digest Authentication"},
		{sid: "S-1-5-113", name: "Local account"},
		{sid: "S-1-5-114", name: "Local account and member of Administrators group"},
		{sid: "S-1-5-32-557", name: "Incoming Forest Trust Builders"},
		{sid: "S-1-5-32-560", name: "Windows Authorization Access Group"},
		{sid: "S-1-5-32-561", name: "Terminal Server License Servers"},
		{sid: "S-1-5-32-562", name: "Distributed COM Users"},
		{sid: "S-1-5-32-583", name: "Device Owners"},
		{rid: 502, name: "krbtgt"},
		{rid: 521, name: "Read-only Domain Controllers"},
		{rid: 571, name: "Allowed RODC Password Replication Group"},
		{rid: 572, name: "Denied RODC Password Replication Group"},
	}
}

// Well-known SIDs the access check and GPO code refer to.
const (
	SIDEveryone                    = "S-1-1-0"
	SIDCreatorOwner                = "S-1-3-0"
	SIDOwnerRights                 = "S-1-3-4"
	SIDNetwork                     = "S-1-5-2"
	SIDEnterpriseDomainControllers = "S-1-5-9"
	SIDAuthenticatedUsers          = "S-1-5-11"
	SIDThisOrganization            = "S-1-5-15"
	SIDLocalSystem                 = "S-1-5-18"
	SIDBuiltinAdministrators       = "S-1-5-32-544"
)

// Domain-relative RIDs ([MS-DTYP] 2.4.2.4).
const (
	RIDAdministrator            uint32 = 500
	RIDDomainAdmins             uint32 = 512
	RIDDomainUsers              uint32 = 513
	RIDDomainGuests             uint32 = 514
	RIDDomainComputers          uint32 = 515
	RIDDomainControllers        uint32 = 516
	RIDCertPublishers           uint32 = 517
	RIDSchemaAdmins             uint32 = 518
	RIDEnterpriseAdmins         uint32 = 519
	RIDGroupPolicyCreatorOwners uint32 = 520
)

// PrincipalName returns the name Windows shows for a well-known SID, or
// for a domain-relative one of the given domain (pass a zero SID when the
// domain is unknown: any domain's RID 512 is then "Domain Admins"). ok is
// false for SIDs that need a directory lookup.
func PrincipalName(s SID, domain SID) (name string, ok bool) {
	dom, rid, rel := s.DomainRID()
	str := s.String()
	for _, p := range principals() {
		if p.sid != "" {
			if p.sid == str {
				return p.name, true
			}
			continue
		}
		if rel && p.rid == rid && (domain == SID{} || dom == domain) {
			return p.name, true
		}
	}
	return "", false
}

// PrincipalAlias returns the SDDL alias of s in domain, if it has one.
func PrincipalAlias(s SID, domain SID) (alias string, ok bool) {
	dom, rid, rel := s.DomainRID()
	str := s.String()
	for _, p := range principals() {
		if p.alias == "" {
			continue
		}
		if p.sid != "" && p.sid == str {
			return p.alias, true
		}
		if p.sid == "" && rel && dom == domain && p.rid == rid {
			return p.alias, true
		}
	}
	return "", false
}

// AliasSID resolves an SDDL alias; domain-relative aliases need the domain
// SID (a zero domain SID makes them fail).
func AliasSID(alias string, domain SID) (SID, bool) {
	for _, p := range principals() {
		if p.alias == "" || p.alias != alias {
			continue
		}
		if p.sid != "" {
			return MustSID(p.sid), true
		}
		if !domain.IsDomain() {
			return SID{}, false
		}
		s, err := domain.WithRID(p.rid)
		return s, err == nil
	}
	return SID{}, false
}
