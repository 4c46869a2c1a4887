package secdesc

// SecurityInformation selects parts of a security descriptor to read or
// write ([MS-DTYP] 2.4.7): the LDAP SD flags control ([MS-ADTS] 3.1.1.3.4.1.11)
// and SMB2 QUERY_INFO/SET_INFO ([MS-SMB2] 2.2.37) both take it.
type SecurityInformation uint32

// SECURITY_INFORMATION bits ([MS-DTYP] 2.4.7).
const (
	OwnerSecurityInformation SecurityInformation = 0x1
	GroupSecurityInformation SecurityInformation = 0x2
	DACLSecurityInformation  SecurityInformation = 0x4
	SACLSecurityInformation  SecurityInformation = 0x8
)

// SDFlagsControlOID is LDAP_SERVER_SD_FLAGS_OID ([MS-ADTS] 3.1.1.3.4.1.11).
const SDFlagsControlOID = "1.2.840.113556.1.4.801"

// SDFlagsControlValue returns the BER value of the SD flags control,
// SEQUENCE { Flags INTEGER } ([MS-ADTS] 3.1.1.3.4.1.11). Reading with
// DACLSecurityInformation needs no privilege beyond READ_CONTROL, and writing
// with it leaves the owner, group and SACL alone.
func SDFlagsControlValue(si SecurityInformation) []byte {
	// INTEGER: minimal big-endian two's complement ([X.690] 8.3).
	v := uint32(si)
	var n []byte
	for {
		n = append([]byte{byte(v)}, n...)
		v >>= 8
		if v == 0 {
			break
		}
	}
	if n[0]&0x80 != 0 {
		n = append([]byte{0}, n...)
	}
	integer := append([]byte{0x02, byte(len(n))}, n...)
	return append([]byte{0x30, byte(len(integer))}, integer...)
}

// Only returns a copy of the descriptor holding just the parts si selects,
// with the control bits of the dropped ACLs cleared: what to send with an
// SD flags control or an SMB2 SET_INFO of the same si. The copy is encoded in
// WindowsLayout; its ACLs are shared with sd.
func (sd *SecurityDescriptor) Only(si SecurityInformation) *SecurityDescriptor {
	c := &SecurityDescriptor{Revision: sd.Revision, Sbz1: sd.Sbz1, Control: sd.Control}
	if si&OwnerSecurityInformation != 0 {
		c.Owner = sd.Owner
	} else {
		c.Control &^= OwnerDefaulted
	}
	if si&GroupSecurityInformation != 0 {
		c.Group = sd.Group
	} else {
		c.Control &^= GroupDefaulted
	}
	if si&DACLSecurityInformation != 0 {
		c.DACL = sd.DACL
	} else {
		c.Control &^= DACLPresent | DACLDefaulted | DACLTrusted | dACLControlSDDLFlags
	}
	if si&SACLSecurityInformation != 0 {
		c.SACL = sd.SACL
	} else {
		c.Control &^= SACLPresent | SACLDefaulted | sACLControlSDDLFlags
	}
	return c
}
