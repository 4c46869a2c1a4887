package msi

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"unicode"
	"unicode/utf16"
)

// A small writer of compound files ([MS-CFB]), enough for the files this
// package makes (transforms): one root storage holding streams, no nested
// storages. mscfb, which the reader uses, only reads.
//
// Choices, all allowed by [MS-CFB]:
//   - version 3 (2.2 Major Version 0x0003), 512-byte sectors (Sector Shift
//     0x0009), 64-byte mini sectors (Mini Sector Shift 0x0006), mini stream
//     cutoff 4096 (2.2);
//   - the file is laid out in one pass: header, FAT sectors, directory
//     sectors, miniFAT sectors, the mini stream, then each large stream, each
//     as one contiguous chain;
//   - the directory's red-black tree is a balanced binary search tree whose
//     nodes are all black, which 2.6.4 names as a valid tree ("the simplest
//     implementation ... mark every node as black");
//   - no DIFAT sectors: the 109 FAT sector slots of the header are enough for
//     files up to about 6.8 MB, far more than a transform needs; a larger
//     file is refused.

const (
	cfbSectorSize     = 512
	cfbMiniSectorSize = 64
	cfbMiniCutoff     = 4096
	cfbDirEntrySize   = 128
	cfbHeaderDIFAT    = 109 // FAT sector locations held by the header (2.2)

	// special sector numbers (2.1)
	cfbFreeSect   uint32 = 0xFFFFFFFF
	cfbEndOfChain uint32 = 0xFFFFFFFE
	cfbFATSect    uint32 = 0xFFFFFFFD
	cfbNoStream   uint32 = 0xFFFFFFFF

	cfbMaxNameUnits = 31 // 2.6.1: 32 UTF-16 code units including the terminator
)

// cfbStream is one stream of the root storage. Name is the stored name (for
// an MSI, already packed by packStreamName).
type cfbStream struct {
	Name string
	Data []byte
}

// errCFBTooLarge is returned for content that would need DIFAT sectors.
var errCFBTooLarge = errors.New("compound file too large for this writer (more than 109 FAT sectors)")

// writeCompoundFile writes a version 3 compound file whose root storage has
// the class id clsid and holds streams.
func writeCompoundFile(w io.Writer, clsid [16]byte, streams []cfbStream) error {
	// 2.6.1: names are unique within a storage (compared case-insensitively,
	// as the tree order of 2.6.4 is) and at most 31 code units long.
	seen := make(map[string]bool, len(streams))
	for _, s := range streams {
		u := utf16.Encode([]rune(s.Name))
		if len(u) == 0 || len(u) > cfbMaxNameUnits {
			return fmt.Errorf("compound file: stream name %q is %d UTF-16 code units, want 1..%d", s.Name, len(u), cfbMaxNameUnits)
		}
		for _, c := range u {
			// 2.6.1: '/', '\', ':' and '!' are not allowed in names
			if c == '/' || c == '\\' || c == ':' || c == '!' || c == 0 {
				return fmt.Errorf("compound file: stream name %q contains %q", s.Name, rune(c))
			}
		}
		k := cfbUpperKey(s.Name)
		if seen[k] {
			return fmt.Errorf("compound file: two streams named %q", s.Name)
		}
		seen[k] = true
	}

	// Mini stream: streams below the cutoff, each in whole 64-byte mini
	// sectors, chained in the miniFAT (2.4, 2.5).
	var miniFAT []uint32
	var mini []byte
	startOf := make([]uint32, len(streams))
	var large []int
	for i, s := range streams {
		switch {
		case len(s.Data) == 0:
			startOf[i] = cfbEndOfChain
		case len(s.Data) < cfbMiniCutoff:
			n := (len(s.Data) + cfbMiniSectorSize - 1) / cfbMiniSectorSize
			first := uint32(len(miniFAT))
			startOf[i] = first
			for j := range n {
				next := first + uint32(j) + 1
				if j == n-1 {
					next = cfbEndOfChain
				}
				miniFAT = append(miniFAT, next)
			}
			mini = append(mini, s.Data...)
			mini = append(mini, make([]byte, n*cfbMiniSectorSize-len(s.Data))...)
		default:
			large = append(large, i)
		}
	}

	sectors := func(n int, size int) int { return (n + size - 1) / size }
	nDir := sectors((1+len(streams))*cfbDirEntrySize, cfbSectorSize)
	nMiniFAT := sectors(len(miniFAT)*4, cfbSectorSize)
	nMini := sectors(len(mini), cfbSectorSize)
	nLarge := 0
	for _, i := range large {
		nLarge += sectors(len(streams[i].Data), cfbSectorSize)
	}
	other := nDir + nMiniFAT + nMini + nLarge
	// The FAT describes every sector, its own included (2.3): grow it until
	// it covers itself.
	nFAT := 1
	for nFAT*(cfbSectorSize/4) < nFAT+other {
		nFAT++
	}
	if nFAT > cfbHeaderDIFAT {
		return errCFBTooLarge
	}

	fat := make([]uint32, nFAT*(cfbSectorSize/4))
	for i := range fat {
		fat[i] = cfbFreeSect
	}
	next := uint32(0)
	chain := func(n int) uint32 {
		if n == 0 {
			return cfbEndOfChain
		}
		first := next
		for j := range n {
			if j == n-1 {
				fat[next] = cfbEndOfChain
			} else {
				fat[next] = next + 1
			}
			next++
		}
		return first
	}
	for range nFAT {
		fat[next] = cfbFATSect
		next++
	}
	dirStart := chain(nDir)
	miniFATStart := chain(nMiniFAT)
	miniStart := chain(nMini)
	for _, i := range large {
		startOf[i] = chain(sectors(len(streams[i].Data), cfbSectorSize))
	}

	// Directory: entry 0 is the root storage; its child is the root of the
	// tree of its streams (2.6).
	entries := make([]byte, nDir*cfbSectorSize)
	for i := 0; i < len(entries)/cfbDirEntrySize; i++ {
		// unused entries: empty name, type 0, no siblings or child (2.6.3)
		e := entries[i*cfbDirEntrySize:]
		binary.LittleEndian.PutUint32(e[68:], cfbNoStream)
		binary.LittleEndian.PutUint32(e[72:], cfbNoStream)
		binary.LittleEndian.PutUint32(e[76:], cfbNoStream)
	}
	order := make([]int, len(streams))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cfbCompareNames(streams[a].Name, streams[b].Name) })
	left := make([]uint32, len(streams))
	right := make([]uint32, len(streams))
	// build a balanced tree over the sorted order; entry id = stream index+1
	var build func(lo, hi int) uint32
	build = func(lo, hi int) uint32 {
		if lo >= hi {
			return cfbNoStream
		}
		mid := (lo + hi) / 2
		s := order[mid]
		left[s] = build(lo, mid)
		right[s] = build(mid+1, hi)
		return uint32(s + 1)
	}
	rootChild := build(0, len(order))
	miniSize := uint64(len(mini))
	if len(mini) == 0 {
		miniStart = cfbEndOfChain
	}
	putDirEntry(entries[0:], "Root Entry", 5, cfbNoStream, cfbNoStream, rootChild, clsid, miniStart, miniSize)
	for i, s := range streams {
		putDirEntry(entries[(i+1)*cfbDirEntrySize:], s.Name, 2, left[i], right[i], cfbNoStream, [16]byte{}, startOf[i], uint64(len(s.Data)))
	}

	// Header (2.2).
	hdr := make([]byte, cfbSectorSize)
	binary.LittleEndian.PutUint64(hdr[0:], cfbSignature)
	// 8..24: header CLSID, all zero
	binary.LittleEndian.PutUint16(hdr[24:], 0x003E) // minor version
	binary.LittleEndian.PutUint16(hdr[26:], 0x0003) // major version 3
	binary.LittleEndian.PutUint16(hdr[28:], 0xFFFE) // byte order: little-endian
	binary.LittleEndian.PutUint16(hdr[30:], 9)      // sector shift: 512
	binary.LittleEndian.PutUint16(hdr[32:], 6)      // mini sector shift: 64
	// 34..40 reserved; 40: number of directory sectors, 0 in version 3
	binary.LittleEndian.PutUint32(hdr[44:], uint32(nFAT))
	binary.LittleEndian.PutUint32(hdr[48:], dirStart)
	// 52: transaction signature 0
	binary.LittleEndian.PutUint32(hdr[56:], cfbMiniCutoff)
	if nMiniFAT == 0 {
		miniFATStart = cfbEndOfChain
	}
	binary.LittleEndian.PutUint32(hdr[60:], miniFATStart)
	binary.LittleEndian.PutUint32(hdr[64:], uint32(nMiniFAT))
	binary.LittleEndian.PutUint32(hdr[68:], cfbEndOfChain) // first DIFAT sector: none
	binary.LittleEndian.PutUint32(hdr[72:], 0)             // number of DIFAT sectors
	for i := range cfbHeaderDIFAT {
		v := cfbFreeSect
		if i < nFAT {
			v = uint32(i) // the FAT sectors are sectors 0..nFAT-1
		}
		binary.LittleEndian.PutUint32(hdr[76+4*i:], v)
	}

	bw := &cfbSectorWriter{w: w}
	bw.write(hdr)
	fatBytes := make([]byte, len(fat)*4)
	for i, v := range fat {
		binary.LittleEndian.PutUint32(fatBytes[i*4:], v)
	}
	bw.write(fatBytes)
	bw.write(entries)
	if nMiniFAT > 0 {
		mf := make([]byte, nMiniFAT*cfbSectorSize)
		for i := range mf[len(miniFAT)*4:] {
			mf[len(miniFAT)*4+i] = 0xFF // the rest of the last sector is FREESECT
		}
		for i, v := range miniFAT {
			binary.LittleEndian.PutUint32(mf[i*4:], v)
		}
		bw.write(mf)
	}
	bw.padded(mini)
	for _, i := range large {
		bw.padded(streams[i].Data)
	}
	return bw.err
}

// putDirEntry fills one 128-byte directory entry (2.6.1). Times stay zero:
// 2.6.1 requires it for streams and allows it for the root.
func putDirEntry(e []byte, name string, typ byte, left, right, child uint32, clsid [16]byte, start uint32, size uint64) {
	u := utf16.Encode([]rune(name))
	for i, c := range u {
		binary.LittleEndian.PutUint16(e[2*i:], c)
	}
	binary.LittleEndian.PutUint16(e[64:], uint16(2*(len(u)+1))) // bytes, terminator included
	e[66] = typ
	e[67] = 1 // black
	binary.LittleEndian.PutUint32(e[68:], left)
	binary.LittleEndian.PutUint32(e[72:], right)
	binary.LittleEndian.PutUint32(e[76:], child)
	copy(e[80:96], clsid[:])
	binary.LittleEndian.PutUint32(e[116:], start)
	binary.LittleEndian.PutUint64(e[120:], size)
}

// cfbCompareNames is the order of the directory tree (2.6.4): shorter names
// first, then code unit by code unit after upper-casing.
func cfbCompareNames(a, b string) int {
	ua, ub := utf16.Encode([]rune(a)), utf16.Encode([]rune(b))
	if len(ua) != len(ub) {
		return len(ua) - len(ub)
	}
	return slices.Compare(upperUnits(ua), upperUnits(ub))
}

// cfbUpperKey is the name as the directory compares it, for uniqueness.
func cfbUpperKey(name string) string {
	return string(utf16.Decode(upperUnits(utf16.Encode([]rune(name)))))
}

// upperUnits upper-cases UTF-16 code units one by one. [MS-CFB] 2.6.4 asks
// for the simple upper-case mapping of each character; surrogates and the
// MSI packed-name characters (0x3800..0x4840, CJK) map to themselves.
func upperUnits(u []uint16) []uint16 {
	out := make([]uint16, len(u))
	for i, c := range u {
		r := unicode.ToUpper(rune(c))
		if r > 0xFFFF {
			r = rune(c)
		}
		out[i] = uint16(r)
	}
	return out
}

// cfbSectorWriter writes whole sectors and keeps the first error.
type cfbSectorWriter struct {
	w   io.Writer
	err error
}

func (s *cfbSectorWriter) write(b []byte) {
	if s.err == nil {
		_, s.err = s.w.Write(b)
	}
}

// padded writes b and zeros up to the next sector boundary.
func (s *cfbSectorWriter) padded(b []byte) {
	s.write(b)
	if r := len(b) % cfbSectorSize; r != 0 {
		s.write(make([]byte, cfbSectorSize-r))
	}
}
