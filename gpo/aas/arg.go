package aas

import (
	"fmt"
	"unicode/utf16"
)

// Kind is the data type of one record argument ([MS-GPSI] 2.2.4.1).
type Kind uint8

// Argument kinds. The zero-length ASCII string and the null string share
// the type word 0x0000, and the zero-length binary stream and the null
// argument share 0x8000; the reader reports them as KindNullString and
// KindNullArg.
const (
	KindNullString Kind = iota // type word 0x0000, no data
	KindInt                    // type word 0x4000, 32-bit signed integer
	KindNullArg                // type word 0x8000, no data
	KindASCII                  // 0x0000 + length, character array
	KindBinary                 // 0x8000 + byte count, byte array
	KindUnicode                // 0xC000 + length, UTF-16LE character array
)

// String returns the kind's name as used in dumps and JSON.
func (k Kind) String() string {
	switch k {
	case KindNullString:
		return "null-string"
	case KindInt:
		return "int"
	case KindNullArg:
		return "null-argument"
	case KindASCII:
		return "ascii"
	case KindBinary:
		return "binary"
	case KindUnicode:
		return "unicode"
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Type words and limits of [MS-GPSI] 2.2.4.1.
const (
	typeNullString = 0x0000 // "Null string (all types) 0x0 Absent."
	typeInt        = 0x4000 // "32-bit signed integer 0x4000"
	typeNullArg    = 0x8000 // "Null argument 0x8000 Absent."
	typeASCII      = 0x0000 // "ASCII char string 0x0 + length of string"
	typeBinary     = 0x8000 // "binary stream 0x8000 + byte count"
	typeUnicode    = 0xC000 // "Unicode string 0xC000 + length of Unicode string"
	typeExtended   = 0xC000 // "Extended size 0xC000", followed by a 32-bit word
	typeMask       = 0xC000 // the type is in the high-order 2 bits
	maxShortLength = 0x3FFF // longer data MUST use the extended size form
	maxLongLength  = 1<<30 - 1
)

// Arg is one argument of a record. Exactly one of Int, Str or Bytes is
// meaningful, chosen by Kind. Str holds the raw bytes of an ASCII argument
// (Windows writes the package's code page there) or the decoded text of a
// Unicode argument.
type Arg struct {
	Kind  Kind
	Int   int32
	Str   string
	Bytes []byte
}

// Int returns an integer argument.
func Int(v int32) Arg { return Arg{Kind: KindInt, Int: v} }

// NullString returns the null string argument (type word 0x0000).
func NullString() Arg { return Arg{Kind: KindNullString} }

// NullArg returns the null argument (type word 0x8000).
func NullArg() Arg { return Arg{Kind: KindNullArg} }

// ASCII returns an ASCII character string argument. An empty string is
// written as the null string, which has the same encoding.
func ASCII(s string) Arg {
	if s == "" {
		return NullString()
	}
	return Arg{Kind: KindASCII, Str: s}
}

// Unicode returns a Unicode (UTF-16LE) string argument. An empty string is
// written as the null string: a bare 0xC000 type word would announce the
// extended size form ([MS-GPSI] 2.2.4.1), not an empty Unicode string.
func Unicode(s string) Arg {
	if s == "" {
		return NullString()
	}
	return Arg{Kind: KindUnicode, Str: s}
}

// Text returns s as an ASCII argument when every character is 7-bit ASCII
// and as a Unicode argument otherwise. [MS-GPSI] 2.2.4.2.2 and 2.2.4.2.3
// allow "either ASCII characters or Unicode characters" for names and
// paths; Unicode keeps Cyrillic and other non-ASCII names intact whatever
// the client's code page.
func Text(s string) Arg {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return Unicode(s)
		}
	}
	return ASCII(s)
}

// Binary returns a binary stream argument. An empty stream is written as
// the null argument, which has the same encoding.
func Binary(b []byte) Arg {
	if len(b) == 0 {
		return NullArg()
	}
	return Arg{Kind: KindBinary, Bytes: b}
}

// IsNull reports whether the argument carries no data.
func (a Arg) IsNull() bool {
	return a.Kind == KindNullString || a.Kind == KindNullArg
}

// appendArg appends the encoding of a to buf ([MS-GPSI] 2.2.4.1).
func appendArg(buf []byte, a Arg) ([]byte, error) {
	switch a.Kind {
	case KindNullString:
		return appendU16(buf, typeNullString), nil
	case KindNullArg:
		return appendU16(buf, typeNullArg), nil
	case KindInt:
		buf = appendU16(buf, typeInt)
		return appendU32(buf, uint32(a.Int)), nil
	case KindASCII:
		return appendData(buf, typeASCII, len(a.Str), []byte(a.Str))
	case KindBinary:
		return appendData(buf, typeBinary, len(a.Bytes), a.Bytes)
	case KindUnicode:
		units := utf16.Encode([]rune(a.Str))
		data := make([]byte, 0, 2*len(units))
		for _, u := range units {
			data = appendU16(data, u)
		}
		return appendData(buf, typeUnicode, len(units), data)
	}
	return nil, fmt.Errorf("unknown argument kind %d", a.Kind)
}

// appendData writes the type/length word, or the extended size form when
// length is over 0x3FFF, then the data, with no pad byte after an odd
// number of bytes. [MS-GPSI] 2.2.4 says "non-Unicode strings and binary
// stream ... are padded to a 16-bit boundary", but no Windows-made script
// carries such a pad byte: in the two MySQL Installer scripts a Windows
// Server's Group Policy Management Editor wrote (../shared/fidelity, test
// oracles of fidelity_test.go) the 27-character ProductName, the
// 49-character PackageName and the 3-character "[1]" are each followed
// directly by the next type word, and Windows' own reader reads them so.
// Length counts characters for strings and bytes for streams ([MS-GPSI]
// 2.2.4.1); the extended form's "length of the data" is written in the same
// units (for a binary stream, 0x80000000|length, as the Windows-made
// scripts carry for a 48,514-byte icon), which the spec does not spell out
// for Unicode strings.
func appendData(buf []byte, typ uint16, length int, data []byte) ([]byte, error) {
	switch {
	case length == 0:
		return nil, fmt.Errorf("empty %s data has no encoding of its own; use the null forms", kindOfType(typ))
	case length <= maxShortLength:
		buf = appendU16(buf, typ|uint16(length))
	case length <= maxLongLength:
		// [MS-GPSI] 2.2.4.1 "Extended size": 0xC000, then
		// (length + DataType<<16), the type in the high-order 2 bits.
		buf = appendU16(buf, typeExtended)
		buf = appendU32(buf, uint32(length)+uint32(typ)<<16)
	default:
		return nil, fmt.Errorf("%s data of length %d exceeds the maximum %d", kindOfType(typ), length, maxLongLength)
	}
	return append(buf, data...), nil
}

// kindOfType names the data type of a string/stream type word.
func kindOfType(typ uint16) Kind {
	switch typ & typeMask {
	case typeBinary:
		return KindBinary
	case typeUnicode:
		return KindUnicode
	}
	return KindASCII
}

func appendU16(buf []byte, v uint16) []byte {
	return append(buf, byte(v), byte(v>>8))
}

func appendU32(buf []byte, v uint32) []byte {
	return append(buf, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
}
