package msi

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"unicode"

	"github.com/richardlehane/mscfb"
)

// ErrNotOLE is returned when a file does not start with the compound file
// signature D0 CF 11 E0 A1 B1 1A E1 ([MS-CFB] 2.2), i.e. it is not an MSI at
// all (a renamed .exe or .zip, a truncated download, an HTML error page).
var ErrNotOLE = errors.New("not an OLE compound file")

// cfbSignature is the first 8 bytes of every compound file ([MS-CFB] 2.2).
const cfbSignature uint64 = 0xE11AB1A1E011CFD0

// readChunk bounds each read handed to mscfb. mscfb builds a list of sector
// runs per Read call and merges it in quadratic time, so a single read of a
// large fragmented stream could take minutes; 64 KiB keeps every call cheap.
const readChunk = 64 << 10

// container is the root storage of an OLE compound file with its streams
// indexed by decoded name. Only root-level streams matter for an MSI: nested
// storages hold embedded transforms and sub-packages, which the checks do
// not need.
type container struct {
	size    int64
	streams map[string]*mscfb.File
	// clsid is the root storage's class id as mscfb formats it
	// ("{000C1084-0000-0000-C000-000000000046}" for a database, ...1082 for
	// a transform); empty when the directory has no root entry.
	clsid string
}

// openContainer parses the compound file header and directory. It reads no
// stream data.
func openContainer(r io.ReaderAt, size int64) (*container, error) {
	var sig [8]byte
	if _, err := r.ReadAt(sig[:], 0); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("%w: file is only %d bytes", ErrNotOLE, size)
		}
		return nil, fmt.Errorf("read compound file header: %w", err)
	}
	if binary.LittleEndian.Uint64(sig[:]) != cfbSignature {
		return nil, fmt.Errorf("%w: signature is % X", ErrNotOLE, sig)
	}
	doc, err := guard(func() (*mscfb.Reader, error) { return mscfb.New(r) })
	if err != nil {
		return nil, fmt.Errorf("damaged compound file: %w", err)
	}
	c := &container{size: size, streams: make(map[string]*mscfb.File)}
	if len(doc.File) > 0 {
		c.clsid = doc.ID()
	}
	for _, f := range doc.File {
		if len(f.Path) != 0 || f.FileInfo().IsDir() {
			continue
		}
		c.streams[decodeStreamName(rawEntryName(f))] = f
	}
	return c, nil
}

// rawEntryName undoes mscfb's habit of moving a non-printable first character
// (such as the 0x05 of "\x05SummaryInformation") out of Name into Initial.
func rawEntryName(f *mscfb.File) string {
	if f.Initial != 0 && !unicode.IsPrint(rune(f.Initial)) {
		return string(rune(f.Initial)) + f.Name
	}
	return f.Name
}

// has reports whether a stream with the decoded name exists.
func (c *container) has(name string) bool {
	_, ok := c.streams[name]
	return ok
}

// streamSize returns the declared size of a stream without reading it.
func (c *container) streamSize(name string) (int64, bool) {
	f, ok := c.streams[name]
	if !ok {
		return 0, false
	}
	return f.Size, true
}

// read returns the whole content of a stream. limit caps what the caller is
// willing to hold in memory; a declared size larger than the file itself is
// a lie told by a damaged directory entry and is rejected before allocating.
func (c *container) read(name string, limit int64) ([]byte, error) {
	f, ok := c.streams[name]
	if !ok {
		return nil, fmt.Errorf("no stream %q", name)
	}
	if f.Size > c.size {
		return nil, fmt.Errorf("stream %q declares %d bytes but the file has only %d", name, f.Size, c.size)
	}
	if f.Size > limit {
		return nil, fmt.Errorf("stream %q is %d bytes, more than the %d bytes accepted for it", name, f.Size, limit)
	}
	buf := make([]byte, f.Size)
	if len(buf) == 0 {
		return buf, nil
	}
	// Sequential reads from the start: mscfb's ReadAt walks the sector chain
	// from the beginning on every call, which would make chunked reads
	// quadratic.
	if _, err := guard(func() (int64, error) { return f.Seek(0, io.SeekStart) }); err != nil {
		return nil, fmt.Errorf("read stream %q: %w", name, err)
	}
	for off := 0; off < len(buf); {
		end := min(off+readChunk, len(buf))
		n, err := guard(func() (int, error) { return f.Read(buf[off:end]) })
		if n < end-off {
			if err == nil {
				err = io.ErrUnexpectedEOF
			}
			return nil, fmt.Errorf("read stream %q at byte %d: %w", name, off+n, err)
		}
		off = end
	}
	return buf, nil
}

// guard runs a call into a third-party decoder and turns a panic into an
// error. mscfb and msoleps index slices with offsets taken from the file; we
// validate what we can before calling them, and this is the backstop that
// keeps the promise that hostile input never crashes the console.
func guard[T any](fn func() (T, error)) (v T, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("malformed data: %v", p)
		}
	}()
	return fn()
}

// decodeStreamName turns a stored stream name into the name msiinfo shows.
//
// Windows Installer packs stream names to fit the 31-character limit of
// compound file names: two characters from the 64-character alphabet
// [0-9A-Za-z._] share one UTF-16 code unit 0x3800+a+(b<<6), a lone one is
// stored as 0x4800+a, and table streams get the prefix 0x4840. Anything else
// is stored as is. This is the scheme libmsi implements (decode_streamname in
// libmsi/table.c) and that msiinfo streams/tables output confirms: the table
// prefix is dropped, so "\x4840" + "Property" decodes to "Property", and
// tables and plain streams share one namespace, as in Windows Installer.
func decodeStreamName(raw string) string {
	out := make([]rune, 0, len(raw)*2)
	for i, r := range raw {
		switch {
		case i == 0 && r == 0x4840:
			// table marker
		case r >= 0x3800 && r < 0x4800:
			v := int(r - 0x3800)
			out = append(out, mimeChar(v&0x3f), mimeChar(v>>6))
		case r >= 0x4800 && r < 0x4840:
			out = append(out, mimeChar(int(r-0x4800)))
		default:
			out = append(out, r)
		}
	}
	return string(out)
}

// mimeChar maps 0..63 to the stream-name alphabet 0-9, A-Z, a-z, '.', '_'.
func mimeChar(v int) rune {
	switch {
	case v < 10:
		return rune('0' + v)
	case v < 36:
		return rune('A' + v - 10)
	case v < 62:
		return rune('a' + v - 36)
	case v == 62:
		return '.'
	default:
		return '_'
	}
}
