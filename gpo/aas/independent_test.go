package aas

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"unicode/utf16"
)

// This file holds a second decoder for advertise scripts, written from the
// text of [MS-GPSI] 2.2.4 and 2.2.4.1 alone and sharing no code with the
// package: it checks that the reader (and so the writer) agree with an
// independent reading of the spec.

type specArg struct {
	Type string // "null-string", "null-argument", "int", "ascii", "binary", "unicode"
	Int  int64
	Text string
	Data []byte
}

type specRecord struct {
	Opcode int
	Args   []specArg
}

// specDecode decodes a whole script. Per [MS-GPSI] 2.2.4.1: a record starts
// with a 16-bit word, opcode in the low byte and argument count in the
// high byte; each argument starts with a 16-bit word giving type and
// length. Everything is little-endian ([MS-GPSI] 2.2.4). Data follows its
// type word directly, with no pad byte after an odd-length ASCII string or
// binary stream: the layout of every Windows-made script (fidelity/); the
// decoder has no option for the padding of the [MS-GPSI] 2.2.4 sentence.
func specDecode(b []byte) ([]specRecord, error) {
	var out []specRecord
	p := 0
	word := func() (int, error) {
		if p+2 > len(b) {
			return 0, errors.New("short word")
		}
		v := int(b[p]) | int(b[p+1])<<8
		p += 2
		return v, nil
	}
	dword := func() (uint32, error) {
		if p+4 > len(b) {
			return 0, errors.New("short dword")
		}
		v := uint32(b[p]) | uint32(b[p+1])<<8 | uint32(b[p+2])<<16 | uint32(b[p+3])<<24
		p += 4
		return v, nil
	}
	take := func(n int) ([]byte, error) {
		if n < 0 || p+n > len(b) {
			return nil, errors.New("short data")
		}
		d := b[p : p+n]
		p += n
		return d, nil
	}
	for p < len(b) {
		w, err := word()
		if err != nil {
			return nil, err
		}
		rec := specRecord{Opcode: w & 0xFF}
		for n := w >> 8; n > 0; n-- {
			t, err := word()
			if err != nil {
				return nil, err
			}
			var arg specArg
			var dataType, length int
			switch {
			case t == 0x0000:
				arg.Type = "null-string"
			case t == 0x8000:
				arg.Type = "null-argument"
			case t == 0x4000:
				v, err := dword()
				if err != nil {
					return nil, err
				}
				arg = specArg{Type: "int", Int: int64(int32(v))}
			case t == 0xC000:
				// extended size: (length + DataType<<16), type in the top 2 bits
				v, err := dword()
				if err != nil {
					return nil, err
				}
				dataType, length = int(v>>30)<<14, int(v&0x3FFFFFFF)
			case t >= 0x4001 && t <= 0x7FFF:
				return nil, fmt.Errorf("undefined type word %#x", t)
			default:
				dataType, length = t&0xC000, t&0x3FFF
			}
			if arg.Type == "" {
				switch dataType {
				case 0x0000:
					d, err := take(length)
					if err != nil {
						return nil, err
					}
					arg = specArg{Type: "ascii", Text: string(d)}
				case 0x8000:
					d, err := take(length)
					if err != nil {
						return nil, err
					}
					arg = specArg{Type: "binary", Data: append([]byte(nil), d...)}
				case 0xC000:
					d, err := take(2 * length)
					if err != nil {
						return nil, err
					}
					u := make([]uint16, length)
					for i := range u {
						u[i] = uint16(d[2*i]) | uint16(d[2*i+1])<<8
					}
					arg = specArg{Type: "unicode", Text: string(utf16.Decode(u))}
				default:
					return nil, fmt.Errorf("extended size with data type %#x", dataType)
				}
			}
			rec.Args = append(rec.Args, arg)
		}
		out = append(out, rec)
	}
	return out, nil
}

// asSpecRecords restates the package reader's output in specDecode's terms.
func asSpecRecords(recs []Record) []specRecord {
	var out []specRecord
	for _, r := range recs {
		sr := specRecord{Opcode: int(r.Opcode)}
		for _, a := range r.Args {
			var sa specArg
			switch a.Kind {
			case KindNullString:
				sa.Type = "null-string"
			case KindNullArg:
				sa.Type = "null-argument"
			case KindInt:
				sa = specArg{Type: "int", Int: int64(a.Int)}
			case KindASCII:
				sa = specArg{Type: "ascii", Text: a.Str}
			case KindUnicode:
				sa = specArg{Type: "unicode", Text: a.Str}
			case KindBinary:
				sa = specArg{Type: "binary", Data: a.Bytes}
			}
			sr.Args = append(sr.Args, sa)
		}
		out = append(out, sr)
	}
	return out
}

func TestIndependentDecoderAgrees(t *testing.T) {
	type input struct {
		name string
		data func(t *testing.T) []byte
	}
	build := func(change func(*Product)) func(t *testing.T) []byte {
		return func(t *testing.T) []byte {
			p := testProduct()
			change(&p)
			b, err := BuildAdvertiseScript(p)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
	inputs := []input{
		{"spec 4.2 sample", func(t *testing.T) []byte { return loadHex(t, "spec-4.2-sample.hex") }},
		{"builder, computer", build(func(*Product) {})},
		{"builder, user, cyrillic, odd names", build(func(p *Product) {
			p.Scope = ScopeUser
			p.ProductName = "Клиент МИКО 3"
			p.Features = []Feature{{Name: "Odd"}, {Name: "Функции", Parent: "Odd"}, {Name: "Ab", Parent: "Функции"}}
			p.PackagePath = `\\srv\Дистрибутив\odd\x.msi`
		})},
		{"builder, no features, no upgrade code", build(func(p *Product) { p.Features, p.UpgradeCode = nil, "" })},
		{"every argument form", func(t *testing.T) []byte {
			b, err := EncodeRecords([]Record{{Opcode: 0xEE, Args: []Arg{
				NullString(), NullArg(), Int(-5), ASCII("odd"), ASCII("even"), Binary([]byte{9}),
				Unicode("Юникод"), ASCII(string(bytes.Repeat([]byte("x"), 0x4001))),
				Binary(bytes.Repeat([]byte{1}, 0x4000)), Unicode(string(bytes.Repeat([]byte("й"), 0x4002))),
			}}, {Opcode: 3, Args: []Arg{Int(0), Int(0), Int(0)}}})
			if err != nil {
				t.Fatal(err)
			}
			return b
		}},
	}
	for _, in := range inputs {
		t.Run(in.name, func(t *testing.T) {
			data := in.data(t)
			want, err := specDecode(data)
			if err != nil {
				t.Fatalf("independent decoder: %v", err)
			}
			recs, err := ReadRecords(data)
			if err != nil {
				t.Fatal(err)
			}
			if got := asSpecRecords(recs); !reflect.DeepEqual(got, want) {
				t.Fatalf("readers disagree:\n package %+v\n spec    %+v", got, want)
			}
		})
	}
}
