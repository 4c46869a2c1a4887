package secdesc

// FileRightsFromDS translates the rights of a GPO's directory ACE into the
// rights the same trustee gets on the GPO's SYSVOL folder, the way Group
// Policy tools keep the two in step (samba's provisioning does the same):
// standard rights carry over; reading properties with listing (RP+LC)
// gives read & execute; writing properties (WP) gives write; creating
// children (CC) gives add file and add subdirectory; deleting children (DC)
// gives delete child. Generic rights are first mapped with DSMapping, so
// GENERIC_ALL becomes full control. Rights with no file meaning (CR, SW,
// DT, LO) are dropped.
//
// GPMC's "Read" (LCRPLORC) becomes 0x1200A9 (Read & Execute) and full
// control (0xF01FF) becomes 0x1F01FF (FILE_ALL_ACCESS).
func FileRightsFromDS(m AccessMask) AccessMask {
	m = DSMapping().Map(m)
	const standard = Delete | ReadControl | WriteDAC | WriteOwner | Synchronize
	f := m & standard
	if m&DSReadProp != 0 && m&DSList != 0 {
		f |= Synchronize | FileReadData | FileReadAttributes | FileReadEA | FileExecute
	}
	if m&DSWriteProp != 0 {
		f |= Synchronize | FileWriteData | FileAppendData | FileWriteEA | FileWriteAttributes
	}
	if m&DSCreateChild != 0 {
		f |= FileWriteData | FileAppendData // add file, add subdirectory
	}
	if m&DSDeleteChild != 0 {
		f |= FileDeleteChild
	}
	return f
}
