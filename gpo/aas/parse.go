package aas

import "bytes"

// args gives typed access to the arguments of a record being parsed; any
// mismatch sets ok to false and later reads return zero values.
type args struct {
	list []Arg
	ok   bool
}

func (a *args) at(i int) Arg {
	if i >= len(a.list) {
		a.ok = false
		return Arg{}
	}
	return a.list[i]
}

func (a *args) int(i int) int32 {
	v := a.at(i)
	if v.Kind != KindInt {
		a.ok = false
	}
	return v.Int
}

func (a *args) str(i int) string {
	v := a.at(i)
	switch v.Kind {
	case KindNullString, KindNullArg, KindASCII, KindUnicode:
		return v.Str
	}
	a.ok = false
	return ""
}

func (a *args) bin(i int) []byte {
	v := a.at(i)
	switch v.Kind {
	case KindNullArg:
		return nil
	case KindBinary:
		return v.Bytes
	}
	a.ok = false
	return nil
}

// ParseOp returns the typed operation for r when r has exactly the shape
// that operation writes (so that encoding it gives r's bytes back), and
// Unknown otherwise. It never fails: scripts written by other versions of
// Windows, with other argument counts or string types, come back as
// Unknown and are still printed with their argument names by Friendly.
func ParseOp(r Record) Op {
	op := parseTyped(r)
	if op == nil {
		return Unknown{Rec: r}
	}
	want, err1 := AppendRecord(nil, r)
	got, err2 := AppendRecord(nil, op.Record())
	if err1 != nil || err2 != nil || !bytes.Equal(want, got) {
		return Unknown{Rec: r}
	}
	return op
}

// ReadOps decodes a script into typed operations (see ParseOp). On
// malformed input it returns the operations decoded before the fault and
// the error of ReadRecords.
func ReadOps(data []byte) ([]Op, error) {
	recs, err := ReadRecords(data)
	ops := make([]Op, len(recs))
	for i, r := range recs {
		ops[i] = ParseOp(r)
	}
	return ops, err
}

func parseTyped(r Record) Op {
	a := &args{list: r.Args, ok: true}
	var op Op
	switch r.Opcode {
	case OpHeader:
		op = Header{Signature: a.int(0), Version: a.int(1), Timestamp: a.int(2), LangID: a.int(3),
			Platform: a.int(4), ScriptType: a.int(5), ScriptMajorVersion: a.int(6),
			ScriptMinorVersion: a.int(7), ScriptAttributes: a.int(8)}
	case OpProductInfo:
		op = ProductInfo{ProductKey: a.str(0), ProductName: a.str(1), PackageName: a.str(2),
			Language: a.int(3), Version: a.int(4), Assignment: a.int(5), ObsoleteArg: a.int(6),
			ProductIcon: a.str(7), PackageMediaPath: a.str(8), PackageCode: a.str(9),
			InstanceType: a.int(12), LUASetting: a.int(13), RemoteURTInstalls: a.int(14),
			ProductDeploymentFlags: a.int(15)}
	case OpDialogInfo:
		d := DialogInfo{Type: a.int(0)}
		if len(r.Args) > 1 {
			d.Arguments = append([]Arg(nil), r.Args[1:]...)
		}
		op = d
	case OpRollbackInfo:
		op = RollbackInfo{RollbackAction: a.str(1), RollbackDescription: a.str(2), RollbackTemplate: a.str(3),
			CleanupAction: a.str(4), CleanupDescription: a.str(5), CleanupTemplate: a.str(6)}
	case OpActionStart:
		op = ActionStart{Name: a.str(0), Description: a.str(1), Template: a.str(2)}
	case OpSourceListPublish:
		op = parseSourceList(a)
	case OpProductPublish:
		op = ProductPublish{PackageKey: a.str(0)}
	case OpUserRegister:
		if len(r.Args) == sourceListLastUsedArgs {
			op = SourceListRegisterLastUsed{SourceProduct: a.str(0), LastUsedSource: a.str(1)}
		} else {
			op = UserRegister{Owner: a.str(0), Company: a.str(1), ProductID: a.str(2)}
		}
	case OpIconCreate:
		op = IconCreate{Icon: a.str(0), Data: a.bin(1)}
	case OpCleanupConfigData:
		op = CleanupConfigData{}
	case OpFeaturePublish:
		op = FeaturePublish{Feature: a.str(0), Parent: a.str(1), Absent: a.int(2)}
	case OpUpgradeCodePublish:
		op = UpgradeCodePublish{UpgradeCode: a.str(0)}
	case OpEnd:
		op = End{Checksum: a.int(0), ProgressTotalHDWord: a.int(1), ProgressTotalLDWord: a.int(2)}
	default:
		return nil
	}
	if !a.ok {
		return nil
	}
	return op
}

// parseSourceList reads the variable-length SourceListPublish record
// ([MS-GPSI] 2.2.4.2.3: 5 + 3*NumberOfDisks + 1 arguments).
func parseSourceList(a *args) Op {
	s := SourceListPublish{PatchCode: a.str(0), PatchPackageName: a.str(1),
		DiskPromptTemplate: a.str(2), PackagePath: a.str(3)}
	n := a.int(4)
	if !a.ok || n < 0 || int(n) != (len(a.list)-6)/3 || len(a.list) != 6+3*int(n) {
		return nil
	}
	for i := 0; i < int(n); i++ {
		base := 5 + 3*i
		s.Disks = append(s.Disks, Disk{DiskID: a.int(base), VolumeName: a.str(base + 1), DiskPrompt: a.str(base + 2)})
	}
	s.LaunchPath = a.str(len(a.list) - 1)
	return s
}
