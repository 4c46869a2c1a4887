package msi

import (
	"encoding/binary"
	"fmt"
)

// Limits for the string pool. The largest real packages have a few hundred
// thousand strings and a few megabytes of text; the limits leave a wide margin
// while keeping a hostile file from making us allocate gigabytes.
const (
	maxPoolBytes       = 16 << 20 // _StringPool: 4 bytes per string id
	maxStringDataBytes = 64 << 20 // _StringData: the concatenated strings
)

// stringPool is the shared string table of an MSI database. Table cells that
// hold strings store an index into it; 0 means null.
//
// Layout (as written by Windows Installer and by libmsi's
// msi_save_string_table, libmsi/string.c):
//
//   - _StringPool starts with a 32-bit header: the database code page in the
//     low 31 bits, and bit 31 set when string references in tables are 3
//     bytes wide instead of 2 (needed once there are more than 65535 ids).
//   - Then one 4-byte entry per string id from 1 upwards: 16-bit length in
//     bytes, 16-bit reference count. An all-zero entry is an unused id.
//   - A string of 64 KB or more takes two entries: first (0, high 16 bits of
//     the length), then (low 16 bits, reference count); the pair is one id.
//   - _StringData holds the bytes of all strings back to back, in id order,
//     in the database code page, without terminators.
type stringPool struct {
	codepage int
	refSize  int    // bytes per string reference in table streams: 2 or 3
	spans    []span // index = string id; spans[0] is the null string
	data     []byte
	// decoded caches converted strings by id, so that a table whose cells
	// all point at one huge string shares a single copy of it instead of
	// allocating one per cell.
	decoded []string
	done    []bool
}

type span struct{ off, n uint32 }

// parseStringPool decodes the _StringPool and _StringData streams. Both may
// be absent in an empty database, which gives an empty pool.
func parseStringPool(pool, data []byte) (*stringPool, error) {
	sp := &stringPool{refSize: 2, data: data}
	if len(pool) < 4 {
		sp.spans = []span{{}}
		return sp, nil
	}
	hdr := binary.LittleEndian.Uint32(pool)
	sp.codepage = int(hdr &^ 0x80000000)
	if hdr&0x80000000 != 0 {
		sp.refSize = 3
	}
	count := len(pool) / 4 // a trailing partial entry is ignored, as libmsi does
	sp.spans = make([]span, 1, count)
	var off uint64
	for i := 1; i < count; {
		n := uint64(binary.LittleEndian.Uint16(pool[i*4:]))
		refs := binary.LittleEndian.Uint16(pool[i*4+2:])
		i++
		if n == 0 && refs != 0 {
			// long string: refs holds the high word of the length and the
			// next entry the low word
			if i >= count {
				return nil, fmt.Errorf("string pool: string %d is marked as longer than 64 KB but its length entry is missing", len(sp.spans))
			}
			n = uint64(refs)<<16 | uint64(binary.LittleEndian.Uint16(pool[i*4:]))
			i++
		}
		if off+n > uint64(len(data)) {
			return nil, fmt.Errorf("string pool: string %d (%d bytes at offset %d) runs past the end of the %d bytes of string data", len(sp.spans), n, off, len(data))
		}
		sp.spans = append(sp.spans, span{off: uint32(off), n: uint32(n)})
		off += n
	}
	return sp, nil
}

// count is the number of string ids, including the null id 0.
func (sp *stringPool) count() int { return len(sp.spans) }

// get returns string id as UTF-8. Id 0 is the empty (null) string.
func (sp *stringPool) get(id uint32) (string, error) {
	if int64(id) >= int64(len(sp.spans)) {
		return "", fmt.Errorf("string id %d is outside the string pool (%d ids)", id, len(sp.spans))
	}
	if sp.done == nil {
		sp.decoded = make([]string, len(sp.spans))
		sp.done = make([]bool, len(sp.spans))
	}
	if !sp.done[id] {
		s := sp.spans[id]
		sp.decoded[id] = decodeText(sp.data[s.off:s.off+s.n], sp.codepage)
		sp.done[id] = true
	}
	return sp.decoded[id], nil
}
