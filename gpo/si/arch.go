package si

import "fmt"

// [MS-GPSI] 2.2.2.4.1 (Software Installation Search Reply Attributes),
// machineArchitecture: "This integer identifies the hardware architecture
// requirement for a computer to run the software. This integer MUST be one
// of the following values: Value of "0" indicates that the software is for
// Intel x86 architecture. Value of "6" indicates that the software is for
// Itanium-based architecture. Value of "9" indicates that the software is
// for x64 architecture." These are the PROCESSOR_ARCHITECTURE_* values
// (INTEL 0, IA64 6, AMD64 9) as they are, in the low bits, with nothing in
// the other bits; the 4.1 example carries 0. A client applies a package
// only when this value matches its own platform (3.2.5.2), so a value
// outside the list matches no client.
const (
	archIntel = 0
	archARM   = 5
	archIA64  = 6
	archAMD64 = 9
	archARM64 = 12
)

// machineArchitecture is the machineArchitecture value of a package whose
// MSI targets the PROCESSOR_ARCHITECTURE arch (aas.ProcessorArchitecture):
// the value itself, [MS-GPSI] 2.2.2.4.1. Arm (5) and Arm64 (12) are not in
// the spec's list; they are written the same way, by extension of the
// same enumeration (archOutsideSpec says so to the admin).
func machineArchitecture(arch int32) int { return int(arch) }

// archOutsideSpec says, for a processor architecture the spec's list of
// machineArchitecture values does not have, what ctitui writes instead.
func archOutsideSpec(arch int32) string {
	switch arch {
	case archIntel, archIA64, archAMD64:
		return ""
	}
	return fmt.Sprintf("machineArchitecture %d (%s) is not among the values [MS-GPSI] 2.2.2.4.1 lists (0 x86, 6 Itanium, 9 x64): "+
		"Windows clients of that architecture may not apply the package", arch, archNames[int(arch)])
}

var archNames = map[int]string{archIntel: "x86", archARM: "arm", archIA64: "ia64", archAMD64: "x64", archARM64: "arm64"}

// ArchitectureName decodes one machineArchitecture value ([MS-GPSI]
// 2.2.2.4.1): "x86", "ia64", "x64", and "arm", "arm64" for the values
// ctitui writes by extension. oldForm reports the value earlier ctitui
// versions wrote, the processor architecture in the second byte (2304 for
// x64, 1536 for Itanium): not a value of the spec, so no Windows client's
// platform matches it (3.2.5.2); a redeploy rewrites it.
func ArchitectureName(v int) (name string, oldForm bool) {
	if n, ok := archNames[v]; ok {
		return n, false
	}
	if v&0xff == 0 {
		if n, ok := archNames[v>>8]; ok {
			return n, true
		}
	}
	return fmt.Sprintf("architecture %d", v), false
}
