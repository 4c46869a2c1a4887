package aas

import (
	"encoding/hex"
	"strconv"
	"strings"
)

// friendlyIndent is the indentation of continuation lines in the
// multi-line friendly representation of [MS-GPSI] 4.2.
const friendlyIndent = "       "

// Friendly returns the friendly representation of recs as [MS-GPSI] 4.2
// prints it: one record per group of lines, one argument per line, the
// continuation lines indented. Null arguments print as nothing, arguments
// without a name print their value alone.
func Friendly(recs []Record) string {
	var b strings.Builder
	for _, r := range recs {
		b.WriteString(RecordName(r))
		b.WriteByte('(')
		for i, a := range r.Args {
			if i > 0 {
				b.WriteString(",\n")
				b.WriteString(friendlyIndent)
			}
			b.WriteString(friendlyArg(r.Opcode, i, len(r.Args), a))
		}
		b.WriteString(")\n")
	}
	return b.String()
}

// FriendlyLine returns one record on one line, the way Windows Installer
// logs print script operations ("ProductPublish(PackageKey={...})").
func FriendlyLine(r Record) string {
	parts := make([]string, len(r.Args))
	for i, a := range r.Args {
		parts[i] = friendlyArg(r.Opcode, i, len(r.Args), a)
	}
	return RecordName(r) + "(" + strings.Join(parts, ",") + ")"
}

// friendlyArg renders "Name=value", the value alone when the argument has
// no name, and nothing for a null argument.
func friendlyArg(op uint8, i, count int, a Arg) string {
	if a.IsNull() {
		return ""
	}
	v := ArgValueString(a)
	if name := ArgName(op, i, count); name != "" {
		return name + "=" + v
	}
	return v
}

// ArgValueString renders the value of an argument as text: decimal for
// integers, the characters of strings (bytes of an ASCII argument above
// 0x7F are shown as the Latin-1 characters of the same code), "BinaryData"
// for streams as Windows Installer logs print them, and "" for nulls.
func ArgValueString(a Arg) string {
	switch a.Kind {
	case KindInt:
		return strconv.FormatInt(int64(a.Int), 10)
	case KindASCII:
		return latin1(a.Str)
	case KindUnicode:
		return a.Str
	case KindBinary:
		return "BinaryData"
	}
	return ""
}

func latin1(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	r := make([]rune, len(s))
	for i := 0; i < len(s); i++ {
		r[i] = rune(s[i])
	}
	return string(r)
}

// JSONRecord is the JSON view of one record.
type JSONRecord struct {
	Offset int       `json:"offset"`
	Opcode uint8     `json:"opcode"`
	Name   string    `json:"name"`
	Args   []JSONArg `json:"args"`
	Line   string    `json:"friendly"`
}

// JSONArg is the JSON view of one argument. Value is a number for
// integers, a string for strings and hexadecimal for binary streams; it is
// absent for nulls.
type JSONArg struct {
	Name  string `json:"name,omitempty"`
	Type  string `json:"type"`
	Value any    `json:"value,omitempty"`
}

// JSONView returns the JSON view of recs.
func JSONView(recs []Record) []JSONRecord {
	out := make([]JSONRecord, 0, len(recs))
	for _, r := range recs {
		jr := JSONRecord{Offset: r.Offset, Opcode: r.Opcode, Name: RecordName(r),
			Args: make([]JSONArg, 0, len(r.Args)), Line: FriendlyLine(r)}
		for i, a := range r.Args {
			ja := JSONArg{Name: ArgLabel(r.Opcode, i, len(r.Args)), Type: a.Kind.String()}
			switch a.Kind {
			case KindInt:
				ja.Value = a.Int
			case KindASCII:
				ja.Value = latin1(a.Str)
			case KindUnicode:
				ja.Value = a.Str
			case KindBinary:
				ja.Value = hex.EncodeToString(a.Bytes)
			}
			jr.Args = append(jr.Args, ja)
		}
		out = append(out, jr)
	}
	return out
}
