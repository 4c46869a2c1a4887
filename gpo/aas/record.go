package aas

import "fmt"

// Record is one operation of a script: an opcode and its arguments
// ([MS-GPSI] 2.2.4.1). Offset is where the record starts in the file it
// was read from; the writer ignores it.
type Record struct {
	Opcode uint8
	Args   []Arg
	Offset int
}

// maxArgs is the largest argument count the record word can carry: the
// count is the high byte ([MS-GPSI] 2.2.4.1).
const maxArgs = 0xFF

// AppendRecord appends the encoding of r to buf: the 16-bit word with the
// opcode in the low byte and the argument count in the high byte, then each
// argument ([MS-GPSI] 2.2.4.1).
func AppendRecord(buf []byte, r Record) ([]byte, error) {
	if len(r.Args) > maxArgs {
		return nil, fmt.Errorf("aas: %s record has %d arguments, at most %d fit", RecordName(r), len(r.Args), maxArgs)
	}
	start := len(buf)
	buf = appendU16(buf, uint16(r.Opcode)|uint16(len(r.Args))<<8)
	for i, a := range r.Args {
		argOff := len(buf)
		var err error
		buf, err = appendArg(buf, a)
		if err != nil {
			return nil, fmt.Errorf("aas: %s record at offset %#x, argument %d (%s) at offset %#x: %w",
				RecordName(r), start, i+1, ArgLabel(r.Opcode, i, len(r.Args)), argOff, err)
		}
	}
	return buf, nil
}

// EncodeRecords returns the bytes of a script made of recs, in order.
func EncodeRecords(recs []Record) ([]byte, error) {
	var buf []byte
	for _, r := range recs {
		var err error
		if buf, err = AppendRecord(buf, r); err != nil {
			return nil, err
		}
	}
	return buf, nil
}

// ReadRecords decodes every record of a script written in the layout
// Windows writes: no pad byte after odd-length ASCII strings and binary
// streams (see appendData). It knows no opcode in particular: any opcode is
// read with its raw arguments. On malformed input it returns the records
// decoded before the fault together with an error naming the offset of the
// record and of the argument.
func ReadRecords(data []byte) ([]Record, error) {
	return readRecords(&cursor{data: data})
}

// ReadScript decodes a script as ReadRecords does and, when that fails,
// tries again in the old layout: a pad byte after every odd-length ASCII
// string and binary stream, the reading of [MS-GPSI] 2.2.4 that ctitui
// wrote before it was compared with Windows-made scripts. oldLayout
// reports that only the padded reading succeeded: such a script may be
// misread by Windows clients and is to be rewritten. When both readings
// fail, the records and error are those of the Windows layout.
//
// A script without any odd-length string reads the same both ways and is
// reported in the Windows layout. Every script ctitui wrote in the old
// layout has one: RollbackInfo's "[1]".
func ReadScript(data []byte) (recs []Record, oldLayout bool, err error) {
	recs, err = ReadRecords(data)
	if err == nil && endsWithEnd(recs) {
		return recs, false, nil
	}
	if old, oldErr := readRecords(&cursor{data: data, padded: true}); oldErr == nil && endsWithEnd(old) {
		return old, true, nil
	}
	return recs, false, err
}

// OldLayout reports whether data is a script in the old, padded layout
// (see ReadScript).
func OldLayout(data []byte) bool {
	_, old, err := ReadScript(data)
	return err == nil && old
}

// endsWithEnd reports whether the last record is End ([MS-GPSI] 2.2.4:
// a script ends with the End opcode). A misreading of the other layout
// that happens to consume the whole input is unlikely to land on it.
func endsWithEnd(recs []Record) bool {
	return len(recs) > 0 && recs[len(recs)-1].Opcode == OpEnd
}

func readRecords(c *cursor) ([]Record, error) {
	var recs []Record
	for c.remaining() > 0 {
		start := c.off
		word, err := c.u16()
		if err != nil {
			return recs, fmt.Errorf("aas: record at offset %#x: %w", start, err)
		}
		r := Record{Opcode: uint8(word), Offset: start}
		count := int(word >> 8)
		// Each argument takes at least its 2-byte type word.
		if c.remaining() < 2*count {
			return recs, fmt.Errorf("aas: %s record at offset %#x announces %d arguments, only %d bytes left",
				opName(r.Opcode, count), start, count, c.remaining())
		}
		r.Args = make([]Arg, 0, count)
		for i := 0; i < count; i++ {
			argOff := c.off
			a, err := c.readArg()
			if err != nil {
				return recs, fmt.Errorf("aas: %s record at offset %#x, argument %d (%s) at offset %#x: %w",
					opName(r.Opcode, count), start, i+1, ArgLabel(r.Opcode, i, count), argOff, err)
			}
			r.Args = append(r.Args, a)
		}
		recs = append(recs, r)
	}
	return recs, nil
}
