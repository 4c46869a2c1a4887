package aas

// Op is a typed script operation; Record returns its encoding as a record.
// Strings that the specification types as "ASCII character string" (GUIDs)
// are written as ASCII; names and paths, which may be "either ASCII
// characters or Unicode characters", are written with Text. Empty strings
// are written as the null argument (see textField).
type Op interface {
	Record() Record
}

// textField encodes a name or path field of a typed operation: the null
// argument (0x8000) when empty, otherwise Text. [MS-GPSI] 2.2.4.1 allows
// both the null string (0x0000) and the null argument ("Absent"); the
// public evidence on Windows-made scripts points to 0x8000: the ice2k
// project's writer, built by comparison with Windows-made scripts, writes
// every empty field that way, and an independent open-source Go reader of
// SYSVOL scripts finds SourceListPublish by its three leading 0x8000
// arguments (PatchCode, PatchPackageName, DiskPromptTemplate).
func textField(s string) Arg {
	if s == "" {
		return NullArg()
	}
	return Text(s)
}

// asciiField is textField for fields typed "ASCII character string".
func asciiField(s string) Arg {
	if s == "" {
		return NullArg()
	}
	return ASCII(s)
}

// Header is opcode 2 ([MS-GPSI] 2.2.4.2.1).
type Header struct {
	Signature          int32 // MUST be HeaderSignature
	Version            int32
	Timestamp          int32 // (DOSDate << 16) | DOSTime, local time
	LangID             int32
	Platform           int32
	ScriptType         int32 // MUST be 3
	ScriptMajorVersion int32 // MUST be 21
	ScriptMinorVersion int32 // MUST be 4
	ScriptAttributes   int32 // MUST be 0
}

// Values fixed by [MS-GPSI] 2.2.4.2.1.
const (
	HeaderSignature    int32 = 1397708873
	ScriptType         int32 = 3
	ScriptMajorVersion int32 = 21
	ScriptMinorVersion int32 = 4
)

func (h Header) Record() Record {
	return Record{Opcode: OpHeader, Args: []Arg{
		Int(h.Signature), Int(h.Version), Int(h.Timestamp), Int(h.LangID), Int(h.Platform),
		Int(h.ScriptType), Int(h.ScriptMajorVersion), Int(h.ScriptMinorVersion), Int(h.ScriptAttributes),
	}}
}

// ProductInfo is opcode 4 ([MS-GPSI] 2.2.4.2.2). Its 11th and 12th
// arguments are always null arguments.
type ProductInfo struct {
	ProductKey             string // product code GUID, upper case
	ProductName            string
	PackageName            string
	Language               int32
	Version                int32 // (A << 24) | (B << 16) | C
	Assignment             int32 // 0 per-user, 1 per-machine
	ObsoleteArg            int32 // MUST be 0
	ProductIcon            string
	PackageMediaPath       string
	PackageCode            string
	InstanceType           int32
	LUASetting             int32
	RemoteURTInstalls      int32 // MUST be 0
	ProductDeploymentFlags int32
}

// Values of ProductInfo fields ([MS-GPSI] 2.2.4.2.2).
const (
	AssignmentUser    int32 = 0
	AssignmentMachine int32 = 1
	DeployGPDeploy    int32 = 1 // MSIDEPLOYFLAGS_GPDEPLOY
	// DeployWindows is the ProductDeploymentFlags value of every
	// Windows-made script read (../shared/fidelity). [MS-GPSI] 2.2.4.2.2
	// lists 3 as MSIDEPLOYFLAGS_INSTALLER_DETECTED ("Installer detected
	// or indeterminate"); the table reads like flags (5 = 4|1, 6 = 4|2),
	// which makes 3 GPDEPLOY (1) | UAC (2). Nothing in the MSI was seen to
	// change it: the value is copied from the files, not derived.
	DeployWindows int32 = 3
)

func (p ProductInfo) Record() Record {
	return Record{Opcode: OpProductInfo, Args: []Arg{
		asciiField(p.ProductKey), textField(p.ProductName), textField(p.PackageName),
		Int(p.Language), Int(p.Version), Int(p.Assignment), Int(p.ObsoleteArg),
		textField(p.ProductIcon), textField(p.PackageMediaPath), asciiField(p.PackageCode),
		NullArg(), NullArg(),
		Int(p.InstanceType), Int(p.LUASetting), Int(p.RemoteURTInstalls), Int(p.ProductDeploymentFlags),
	}}
}

// DialogInfo is opcode 5 ([MS-GPSI] 2.2.4.2.6): a dialog type and
// arguments that depend on it. Windows Installer logs show type 0 with the
// language and type 1 with the product name.
type DialogInfo struct {
	Type      int32
	Arguments []Arg
}

func (d DialogInfo) Record() Record {
	args := append([]Arg{Int(d.Type)}, d.Arguments...)
	return Record{Opcode: OpDialogInfo, Args: args}
}

// RollbackInfo is opcode 6: the texts Windows Installer shows while rolling
// back. Its first argument is always a null argument.
type RollbackInfo struct {
	RollbackAction      string
	RollbackDescription string
	RollbackTemplate    string
	CleanupAction       string
	CleanupDescription  string
	CleanupTemplate     string
}

func (r RollbackInfo) Record() Record {
	return Record{Opcode: OpRollbackInfo, Args: []Arg{
		NullArg(), textField(r.RollbackAction), textField(r.RollbackDescription), textField(r.RollbackTemplate),
		textField(r.CleanupAction), textField(r.CleanupDescription), textField(r.CleanupTemplate),
	}}
}

// ActionStart is opcode 8: the start of a named action, with the text
// shown for it and the template of its progress messages.
type ActionStart struct {
	Name        string
	Description string
	Template    string
}

func (a ActionStart) Record() Record {
	return Record{Opcode: OpActionStart, Args: []Arg{textField(a.Name), textField(a.Description), textField(a.Template)}}
}

// Disk is one media entry of SourceListPublish ([MS-GPSI] 2.2.4.2.3).
type Disk struct {
	DiskID     int32
	VolumeName string
	DiskPrompt string
}

// SourceListPublish is opcode 9 ([MS-GPSI] 2.2.4.2.3): 5 + 3*len(Disks) + 1
// arguments. NumberOfDisks is written as len(Disks).
type SourceListPublish struct {
	PatchCode          string // MUST be null
	PatchPackageName   string // MUST be null
	DiskPromptTemplate string
	PackagePath        string
	Disks              []Disk
	LaunchPath         string
}

func (s SourceListPublish) Record() Record {
	args := []Arg{asciiField(s.PatchCode), asciiField(s.PatchPackageName), textField(s.DiskPromptTemplate),
		textField(s.PackagePath), Int(int32(len(s.Disks)))}
	for _, d := range s.Disks {
		args = append(args, Int(d.DiskID), textField(d.VolumeName), textField(d.DiskPrompt))
	}
	args = append(args, textField(s.LaunchPath))
	return Record{Opcode: OpSourceListPublish, Args: args}
}

// ProductPublish is opcode 16 ([MS-GPSI] 2.2.4.2.4).
type ProductPublish struct {
	PackageKey string // package code GUID
}

func (p ProductPublish) Record() Record {
	return Record{Opcode: OpProductPublish, Args: []Arg{asciiField(p.PackageKey)}}
}

// IconCreate is opcode 0x43: one row of the MSI's Icon table, its name and
// its bytes, as the Windows-made scripts carry them after ActionStart
// "CreateShortcuts" (name from Windows Installer logs, "IconCreate(Icon=
// InstallerIcon.exe,Data=BinaryData)"; see opcodes.go).
type IconCreate struct {
	Icon string
	Data []byte
}

func (c IconCreate) Record() Record {
	return Record{Opcode: OpIconCreate, Args: []Arg{textField(c.Icon), Binary(c.Data)}}
}

// CleanupConfigData is opcode 0x8A, a record without arguments that every
// Windows-made script carries right after ActionStart "PublishProduct"
// (name inferred from Windows Installer 5.0 logs; see opcodes.go).
type CleanupConfigData struct{}

func (CleanupConfigData) Record() Record { return Record{Opcode: OpCleanupConfigData, Args: []Arg{}} }

// SourceListRegisterLastUsed is opcode 0x12 with two arguments, as every
// Windows-made script carries it right after SourceListPublish, both null
// (name and argument names inferred from Windows Installer logs; see
// opcodes.go).
type SourceListRegisterLastUsed struct {
	SourceProduct  string
	LastUsedSource string
}

func (s SourceListRegisterLastUsed) Record() Record {
	return Record{Opcode: OpSourceListRegisterLastUsed, Args: []Arg{textField(s.SourceProduct), textField(s.LastUsedSource)}}
}

// UserRegister is opcode 18 with three arguments ([MS-GPSI] 2.2.4.2.7).
type UserRegister struct {
	Owner     string
	Company   string
	ProductID string
}

func (u UserRegister) Record() Record {
	return Record{Opcode: OpUserRegister, Args: []Arg{textField(u.Owner), textField(u.Company), textField(u.ProductID)}}
}

// FeaturePublish publishes one feature of the product, as in the
// Windows-made scripts described by the ice2k project: the feature name,
// its parent (null for a top-level feature) and an integer.
// Windows Installer logs name the integer "Absent" and may show a fourth
// argument, the feature's component list; a record read with four
// arguments stays a plain Record.
type FeaturePublish struct {
	Feature string
	Parent  string
	Absent  int32
}

func (f FeaturePublish) Record() Record {
	return Record{Opcode: OpFeaturePublish, Args: []Arg{textField(f.Feature), textField(f.Parent), Int(f.Absent)}}
}

// UpgradeCodePublish publishes the product's UpgradeCode.
type UpgradeCodePublish struct {
	UpgradeCode string
}

func (u UpgradeCodePublish) Record() Record {
	return Record{Opcode: OpUpgradeCodePublish, Args: []Arg{asciiField(u.UpgradeCode)}}
}

// End is opcode 3 ([MS-GPSI] 2.2.4.2.5); all three values MUST be 0 in an
// advertise script.
type End struct {
	Checksum            int32
	ProgressTotalHDWord int32
	ProgressTotalLDWord int32
}

func (e End) Record() Record {
	return Record{Opcode: OpEnd, Args: []Arg{Int(e.Checksum), Int(e.ProgressTotalHDWord), Int(e.ProgressTotalLDWord)}}
}

// Unknown is a record this package does not model as a typed operation:
// an opcode it does not know, or a known opcode whose arguments do not
// have the shape of the typed operation.
type Unknown struct {
	Rec Record
}

func (u Unknown) Record() Record { return u.Rec }

// Encode returns the bytes of a script made of ops, in order.
func Encode(ops ...Op) ([]byte, error) {
	recs := make([]Record, len(ops))
	for i, op := range ops {
		recs[i] = op.Record()
	}
	return EncodeRecords(recs)
}
