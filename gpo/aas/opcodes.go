package aas

import "fmt"

// Opcodes this package knows by name. Sources:
//   - [MS-GPSI] 2.2.4.2 "Opcode List": Header, End, ProductInfo, DialogInfo,
//     SourceListPublish, ProductPublish, UserRegister;
//   - RollbackInfo and ActionStart: present in advertise scripts written by
//     Windows, as published by the ice2k project (aas.cpp, comparing with
//     scripts made by a Windows server) and recorded in
//     shared/docs/gpo-notes.md;
//   - FeaturePublish and UpgradeCodePublish: numbers as published by the
//     ice2k project from Windows-made scripts. Not confirmed by any
//     specification.
//
// Argument names follow [MS-GPSI] 2.2.4.2.x and, for the other opcodes,
// the names Windows Installer prints in its verbose logs ("Executing op:
// FeaturePublish(Feature=...,,Absent=2,Component=...)").
const (
	OpHeader             uint8 = 2
	OpEnd                uint8 = 3
	OpProductInfo        uint8 = 4
	OpDialogInfo         uint8 = 5
	OpRollbackInfo       uint8 = 6
	OpActionStart        uint8 = 8
	OpSourceListPublish  uint8 = 9
	OpProductPublish     uint8 = 16
	OpUserRegister       uint8 = 18
	OpFeaturePublish     uint8 = 0x41
	OpUpgradeCodePublish uint8 = 0x62
)

// OpName returns the name of an opcode, or "Opcode<n>" for one this
// package does not know.
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
	case OpUpgradeCodePublish:
		return "UpgradeCodePublish"
	}
	return fmt.Sprintf("Opcode%d", op)
}

// argNames lists the names the friendly representation prints for the
// arguments of op, in order. An empty name prints the value alone, as
// [MS-GPSI] 4.2 does for the null arguments of ProductInfo and for the
// per-disk arguments and LaunchPath of SourceListPublish.
func argNames(op uint8) []string {
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
	}
	return nil
}

// ArgName returns the friendly name of argument i (0-based) of op, or ""
// when the friendly representation prints it without a name.
func ArgName(op uint8, i int) string {
	names := argNames(op)
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
	if name := ArgName(op, i); name != "" {
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
