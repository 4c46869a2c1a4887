package aas

import (
	"encoding/binary"
	"fmt"
	"unicode/utf16"
)

// cursor walks the script bytes. Every length read from the input is
// checked against what remains before anything is allocated, so the work
// done is bounded by the size of the input.
type cursor struct {
	data   []byte
	off    int
	padded bool // skip a pad byte after odd-length ASCII and binary data: the old layout (see ReadScript)
}

func (c *cursor) remaining() int { return len(c.data) - c.off }

func (c *cursor) u16() (uint16, error) {
	if c.remaining() < 2 {
		return 0, fmt.Errorf("offset %#x: need 2 bytes, %d left", c.off, c.remaining())
	}
	v := binary.LittleEndian.Uint16(c.data[c.off:])
	c.off += 2
	return v, nil
}

func (c *cursor) u32() (uint32, error) {
	if c.remaining() < 4 {
		return 0, fmt.Errorf("offset %#x: need 4 bytes, %d left", c.off, c.remaining())
	}
	v := binary.LittleEndian.Uint32(c.data[c.off:])
	c.off += 4
	return v, nil
}

// bytes returns the next n bytes (a copy). When the cursor reads the old
// layout and pad is set, it also skips the pad byte after an odd number of
// ASCII or binary bytes ([MS-GPSI] 2.2.4: "padded to a 16-bit boundary"),
// which earlier ctitui versions wrote and Windows does not.
func (c *cursor) bytes(n int, pad bool) ([]byte, error) {
	need := n
	if pad && c.padded && n%2 == 1 {
		need++
	}
	if n < 0 || c.remaining() < need {
		return nil, fmt.Errorf("offset %#x: need %d bytes of data, %d left", c.off, need, c.remaining())
	}
	out := make([]byte, n)
	copy(out, c.data[c.off:c.off+n])
	c.off += need
	return out, nil
}

// readArg decodes one argument ([MS-GPSI] 2.2.4.1).
func (c *cursor) readArg() (Arg, error) {
	start := c.off
	word, err := c.u16()
	if err != nil {
		return Arg{}, fmt.Errorf("argument type word: %w", err)
	}
	switch {
	case word == typeNullString:
		return NullString(), nil
	case word == typeNullArg:
		return NullArg(), nil
	case word == typeInt:
		v, err := c.u32()
		if err != nil {
			return Arg{}, fmt.Errorf("integer argument at offset %#x: %w", start, err)
		}
		return Int(int32(v)), nil
	case word == typeExtended:
		// [MS-GPSI] 2.2.4.1 "Extended size": a 32-bit (length + DataType<<16)
		// follows, the data type in its high-order 2 bits.
		long, err := c.u32()
		if err != nil {
			return Arg{}, fmt.Errorf("extended size argument at offset %#x: %w", start, err)
		}
		typ := uint16(long>>16) & typeMask
		return c.readData(start, typ, int(long&maxLongLength))
	case word&typeMask == typeInt:
		return Arg{}, fmt.Errorf("offset %#x: type word %#04x is not a defined argument type", start, word)
	default:
		return c.readData(start, word&typeMask, int(word&maxShortLength))
	}
}

// readData reads the data of a string or stream argument whose type and
// length are known.
func (c *cursor) readData(start int, typ uint16, length int) (Arg, error) {
	switch typ {
	case typeASCII:
		if length == 0 {
			return NullString(), nil
		}
		b, err := c.bytes(length, true)
		if err != nil {
			return Arg{}, fmt.Errorf("ASCII string argument at offset %#x: %w", start, err)
		}
		return Arg{Kind: KindASCII, Str: string(b)}, nil
	case typeBinary:
		if length == 0 {
			return NullArg(), nil
		}
		b, err := c.bytes(length, true)
		if err != nil {
			return Arg{}, fmt.Errorf("binary argument at offset %#x: %w", start, err)
		}
		return Arg{Kind: KindBinary, Bytes: b}, nil
	case typeUnicode:
		if length == 0 {
			return NullString(), nil
		}
		if c.remaining()/2 < length {
			return Arg{}, fmt.Errorf("Unicode string argument at offset %#x: need %d characters, %d bytes left", start, length, c.remaining())
		}
		b, err := c.bytes(2*length, false)
		if err != nil {
			return Arg{}, fmt.Errorf("Unicode string argument at offset %#x: %w", start, err)
		}
		units := make([]uint16, length)
		for i := range units {
			units[i] = binary.LittleEndian.Uint16(b[2*i:])
		}
		return Arg{Kind: KindUnicode, Str: string(utf16.Decode(units))}, nil
	}
	return Arg{}, fmt.Errorf("offset %#x: extended size type %#04x is not a string or stream type", start, typ)
}
