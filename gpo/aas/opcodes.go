package aas

import "fmt"

// Opcodes this package knows by name. Sources:
//   - [MS-GPSI] 2.2.4.2 "Opcode List": Header, End, ProductInfo, DialogInfo,
//     SourceListPublish, ProductPublish, UserRegister;
//   - the Windows-made advertise scripts of ../shared/fidelity (Windows
//     Installer 5.0, written by a Windows Server's Group Policy Management
//     Editor) for the opcode numbers of the other records they carry, named
//     after the operations Windows Installer's verbose logs print in the
//     same place of an advertisement ("Executing op: ..."):
//     RollbackInfo (6), ActionStart (8), FeaturePublish (0x41), IconCreate
//     (0x43), UpgradeCodePublish (0x62), CleanupConfigData (0x8A) and
//     SourceListRegisterLastUsed (0x12 with two arguments). The numbers are
//     what the files show; the names are inferences from the logs' order of
//     operations (ActionStart CreateShortcuts, then "IconCreate(Icon=...,
//     Data=BinaryData)"; ActionStart PublishProduct, then a 0-argument
//     operation, then ProductPublish; SourceListPublish, then
//     "SourceListRegisterLastUsed(SourceProduct=...,LastUsedSource=...)"),
//     not from a specification.
//
// Opcode 0x12 is UserRegister with three arguments in [MS-GPSI] 2.2.4.2.7,
// but every Windows-made script carries it with two null arguments right
// after SourceListPublish, where the logs show SourceListRegisterLastUsed;
// the name of a record with this opcode therefore depends on its argument
// count (RecordName).
//
// Argument names follow [MS-GPSI] 2.2.4.2.x and, for the other opcodes,
// the names Windows Installer prints in its verbose logs ("Executing op:
// FeaturePublish(Feature=...,,Absent=2,Component=...)").
const (
	OpHeader                     uint8 = 2
	OpEnd                        uint8 = 3
	OpProductInfo                uint8 = 4
	OpDialogInfo                 uint8 = 5
	OpRollbackInfo               uint8 = 6
	OpActionStart                uint8 = 8
	OpSourceListPublish          uint8 = 9
	OpProductPublish             uint8 = 16
	OpUserRegister               uint8 = 18
	OpSourceListRegisterLastUsed uint8 = 18 // with two arguments, see above
	OpFeaturePublish             uint8 = 0x41
	OpIconCreate                 uint8 = 0x43
	OpUpgradeCodePublish         uint8 = 0x62
	OpCleanupConfigData          uint8 = 0x8A
)

// OpName returns the name of an opcode, or "Opcode<n>" for one this
// package does not know. Opcode 18 is named as [MS-GPSI] 2.2.4.2.7 names
// it; RecordName names a record by its opcode and argument count.
func OpName(op uint8) string {
	switch op {
	case OpHeader:
		return "Header"
	case OpEnd:
		return "End"
	case OpProductInfo:
		return "ProductInfo"
	case OpDialogInfo:
		return "DialogInfo"
	case OpRollbackInfo:
		return "RollbackInfo"
	case OpActionStart:
		return "ActionStart"
	case OpSourceListPublish:
		return "SourceListPublish"
	case OpProductPublish:
		return "ProductPublish"
	case OpUserRegister:
		return "UserRegister"
	case OpFeaturePublish:
		return "FeaturePublish"
	case OpIconCreate:
		return "IconCreate"
	case OpUpgradeCodePublish:
		return "UpgradeCodePublish"
	case OpCleanupConfigData:
		return "CleanupConfigData"
	}
	return fmt.Sprintf("Opcode%d", op)
}

// sourceListLastUsedArgs is the argument count of opcode 18 in the
// Windows-made scripts (SourceListRegisterLastUsed); [MS-GPSI] 2.2.4.2.7's
// UserRegister has three.
const sourceListLastUsedArgs = 2

// opName names a record with opcode op and count arguments.
func opName(op uint8, count int) string {
	if op == OpSourceListRegisterLastUsed && count == sourceListLastUsedArgs {
		return "SourceListRegisterLastUsed"
	}
	return OpName(op)
}

// RecordName returns the name of a record: OpName, except that opcode 18
// with two arguments is SourceListRegisterLastUsed (see the opcode list).
func RecordName(r Record) string { return opName(r.Opcode, len(r.Args)) }

// argNames lists the names the friendly representation prints for the
// arguments of a record with opcode op and count arguments, in order. An
// empty name prints the value alone, as [MS-GPSI] 4.2 does for the null
// arguments of ProductInfo and for the per-disk arguments and LaunchPath
// of SourceListPublish.
func argNames(op uint8, count int) []string {
	if op == OpSourceListRegisterLastUsed && count == sourceListLastUsedArgs {
		// Windows Installer logs: "SourceListRegisterLastUsed(SourceProduct=
		// {...},LastUsedSource=...)".
		return []string{"SourceProduct", "LastUsedSource"}
	}
	switch op {
	case OpHeader: // [MS-GPSI] 2.2.4.2.1
		return []string{"Signature", "Version", "Timestamp", "LangId", "Platform",
			"ScriptType", "ScriptMajorVersion", "ScriptMinorVersion", "ScriptAttributes"}
	case OpEnd: // [MS-GPSI] 2.2.4.2.5
		return []string{"Checksum", "ProgressTotalHDWord", "ProgressTotalLDWord"}
	case OpProductInfo: // [MS-GPSI] 2.2.4.2.2
		return []string{"ProductKey", "ProductName", "PackageName", "Language", "Version",
			"Assignment", "ObsoleteArg", "ProductIcon", "PackageMediaPath", "PackageCode",
			"", "", "InstanceType", "LUASetting", "RemoteURTInstalls", "ProductDeploymentFlags"}
	case OpDialogInfo: // [MS-GPSI] 2.2.4.2.6
		return []string{"Type", "Argument"}
	case OpRollbackInfo:
		return []string{"", "RollbackAction", "RollbackDescription", "RollbackTemplate",
			"CleanupAction", "CleanupDescription", "CleanupTemplate"}
	case OpActionStart:
		return []string{"Name", "Description", "Template"}
	case OpSourceListPublish: // [MS-GPSI] 2.2.4.2.3, names as printed in 4.2
		return []string{"PatchCode", "PatchPackageName", "DiskPromptTemplate", "PackagePath", "NumberOfDisks"}
	case OpProductPublish: // [MS-GPSI] 2.2.4.2.4
		return []string{"PackageKey"}
	case OpUserRegister: // [MS-GPSI] 2.2.4.2.7
		return []string{"Owner", "Company", "ProductId"}
	case OpFeaturePublish:
		return []string{"Feature", "Parent", "Absent", "Component"}
	case OpUpgradeCodePublish:
		return []string{"UpgradeCode"}
	case OpIconCreate: // Windows Installer logs: "IconCreate(Icon=...,Data=BinaryData)"
		return []string{"Icon", "Data"}
	}
	return nil
}

// ArgName returns the friendly name of argument i (0-based) of a record
// with opcode op and count arguments, or "" when the friendly
// representation prints it without a name.
func ArgName(op uint8, i, count int) string {
	names := argNames(op, count)
	if op == OpDialogInfo && i >= len(names) {
		return "Argument" // [MS-GPSI] 2.2.4.2.6: arguments depend on the dialog type
	}
	if i < 0 || i >= len(names) {
		return ""
	}
	return names[i]
}

// ArgLabel returns a descriptive label for argument i of a record with
// count arguments, used by the JSON view: the friendly name where there
// is one, otherwise the role the specification gives the argument (for
// example "DiskId[1]" or "LaunchPath" in SourceListPublish, [MS-GPSI]
// 2.2.4.2.3), otherwise "".
func ArgLabel(op uint8, i, count int) string {
	if name := ArgName(op, i, count); name != "" {
		return name
	}
	switch op {
	case OpProductInfo:
		if i == 10 || i == 11 {
			return fmt.Sprintf("NullArgument%d", i-9)
		}
	case OpRollbackInfo:
		if i == 0 {
			return "Reserved"
		}
	case OpSourceListPublish:
		if i >= 5 && i == count-1 {
			return "LaunchPath"
		}
		if i >= 5 {
			disk := (i-5)/3 + 1
			return fmt.Sprintf("%s[%d]", []string{"DiskId", "VolumeName", "DiskPrompt"}[(i-5)%3], disk)
		}
	}
	return ""
}
