//go:build linux

package si

import (
	"encoding/binary"
	"fmt"
	"unicode/utf16"
)

// A second reader of advertise scripts, written in this test from the text
// of [MS-GPSI] 2.2.4 and 2.2.4.1 and sharing no code with gpo/aas: a record
// is a little-endian word (opcode low byte, argument count high byte)
// followed by its arguments; each argument is a type word whose top two
// bits are the type (00 ASCII, 01 integer, 10 binary, 11 Unicode) and whose
// low 14 bits are the length, 0x0000 and 0x8000 alone being the null
// string and the null argument; a type word of exactly 0xC000 is followed
// by a 32-bit word carrying the type in its top two bits and a 30-bit
// length. Data follows its type word directly, with no pad byte after an
// odd length: the layout of every Windows-made script (gpo/aas
// testdata/fidelity); this reader has no option for padding.

type aasArg struct {
	kind string // "null", "nullarg", "int", "ascii", "bin", "uni"
	n    int32
	s    string
	b    []byte
}

type aasRecord struct {
	op   int
	args []aasArg
}

func readScript(data []byte) ([]aasRecord, error) {
	var recs []aasRecord
	for off := 0; off < len(data); {
		if len(data)-off < 2 {
			return nil, fmt.Errorf("offset %d: half a record header", off)
		}
		h := binary.LittleEndian.Uint16(data[off:])
		off += 2
		r := aasRecord{op: int(h & 0xff)}
		for i := 0; i < int(h>>8); i++ {
			if len(data)-off < 2 {
				return nil, fmt.Errorf("opcode %d argument %d: truncated", r.op, i)
			}
			tw := binary.LittleEndian.Uint16(data[off:])
			off += 2
			if tw == 0x0000 {
				r.args = append(r.args, aasArg{kind: "null"})
				continue
			}
			if tw == 0x8000 {
				r.args = append(r.args, aasArg{kind: "nullarg"})
				continue
			}
			typ, length := tw>>14, int(tw&0x3fff)
			if tw == 0xC000 {
				if len(data)-off < 4 {
					return nil, fmt.Errorf("opcode %d argument %d: truncated extended size", r.op, i)
				}
				ext := binary.LittleEndian.Uint32(data[off:])
				off += 4
				typ, length = uint16(ext>>30), int(ext&0x3fffffff)
			}
			need := length
			switch typ {
			case 1:
				need = 4
			case 3:
				need = 2 * length
			}
			if need > len(data)-off {
				return nil, fmt.Errorf("opcode %d argument %d: %d bytes announced, %d left", r.op, i, need, len(data)-off)
			}
			body := data[off : off+need]
			off += need
			switch typ {
			case 0:
				r.args = append(r.args, aasArg{kind: "ascii", s: string(body[:length])})
			case 1:
				r.args = append(r.args, aasArg{kind: "int", n: int32(binary.LittleEndian.Uint32(body))})
			case 2:
				r.args = append(r.args, aasArg{kind: "bin", b: body[:length]})
			case 3:
				u := make([]uint16, length)
				for j := range u {
					u[j] = binary.LittleEndian.Uint16(body[2*j:])
				}
				r.args = append(r.args, aasArg{kind: "uni", s: string(utf16.Decode(u))})
			}
		}
		recs = append(recs, r)
	}
	return recs, nil
}

func (a aasArg) text() string {
	switch a.kind {
	case "ascii", "uni":
		return a.s
	case "int":
		return fmt.Sprint(a.n)
	}
	return ""
}
