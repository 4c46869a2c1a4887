package msi

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/richardlehane/msoleps"
	"github.com/richardlehane/msoleps/types"
)

// summaryStream is the name of the summary information property set. The
// leading 0x05 marks an OLE property set stream ([MS-OLEPS] 2.23).
const summaryStream = "\x05SummaryInformation"

// maxSummaryBytes: [MS-OLEPS] 2.21 says readers SHOULD accept property sets
// of up to 2 MB and msoleps rejects larger ones anyway.
const maxSummaryBytes = 2 << 20

// Summary is the summary information stream of a package. The meaning of
// each property for installer packages is given in the Windows Installer
// SDK, "Summary Information Stream Property Set"; the field comments quote
// the property identifier (PID).
type Summary struct {
	Codepage    int    `json:"Codepage"`    // PID 1: code page of the strings below
	Title       string `json:"Title"`       // PID 2
	Subject     string `json:"Subject"`     // PID 3: usually the product name
	Author      string `json:"Author"`      // PID 4: usually the manufacturer
	Keywords    string `json:"Keywords"`    // PID 5
	Comments    string `json:"Comments"`    // PID 6
	Template    string `json:"Template"`    // PID 7: "platform;lang,lang"
	LastSavedBy string `json:"LastSavedBy"` // PID 8 (in transforms: "platform;lang")
	// PackageCode is PID 9, Revision Number: the GUID that identifies this
	// exact package file. Windows Installer treats two files with the same
	// PackageCode as the same package.
	PackageCode string    `json:"PackageCode"`
	Created     time.Time `json:"Created"`   // PID 12
	LastSaved   time.Time `json:"LastSaved"` // PID 13
	// PageCount is PID 14: the minimum Windows Installer version times 100.
	PageCount int `json:"PageCount"`
	// WordCount is PID 15: source image flags, see the methods below.
	WordCount int    `json:"WordCount"`
	CharCount int    `json:"CharCount"` // PID 16 (transforms only)
	AppName   string `json:"AppName"`   // PID 18: tool that created the package
	Security  int    `json:"Security"`  // PID 19: 2 = read-only recommended
}

// Word Count bits (SDK, "Word Count Summary"): 1 short file names,
// 2 compressed, 4 administrative image, 8 elevated privileges not required.
func (s Summary) ShortFileNames() bool { return s.WordCount&1 != 0 }
func (s Summary) Compressed() bool     { return s.WordCount&2 != 0 }
func (s Summary) AdminImage() bool     { return s.WordCount&4 != 0 }
func (s Summary) NoElevation() bool    { return s.WordCount&8 != 0 }

// Platform is the platform part of Template: "Intel", "x64", "Arm64",
// "Intel64" or "Arm" (SDK, "Template Summary"). Empty means Intel.
func (s Summary) Platform() string {
	p, _, _ := strings.Cut(s.Template, ";")
	return strings.TrimSpace(p)
}

// Languages are the language ids listed in Template after the semicolon.
// 0 means language neutral. Entries that are not numbers are skipped; the
// pre-flight checks report them.
func (s Summary) Languages() []int {
	_, l, ok := strings.Cut(s.Template, ";")
	if !ok || strings.TrimSpace(l) == "" {
		return nil
	}
	var out []int
	for _, f := range strings.Split(l, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(f)); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// summaryFMTID is FMTID_SummaryInformation, F29F85E0-4FF9-1068-AB91-08002B27B3D9
// ([MS-OLEPS] 1.9), as it is stored (little-endian GUID fields).
const summaryFMTID = "\xE0\x85\x9F\xF2\xF9\x4F\x68\x10\xAB\x91\x08\x00\x2B\x27\xB3\xD9"

// parseSummary decodes the summary information property set. The layout is
// checked here first ([MS-OLEPS] 2.20-2.21: header, property set offsets,
// identifier/offset pairs), because msoleps indexes the buffer with these
// offsets without checking them; msoleps then decodes the typed values.
func parseSummary(b []byte) (Summary, error) {
	if err := checkPropertySet(b); err != nil {
		return Summary{}, fmt.Errorf("summary information: %w", err)
	}
	r, err := guard(func() (*msoleps.Reader, error) { return msoleps.NewFrom(bytes.NewReader(b)) })
	if err != nil {
		return Summary{}, fmt.Errorf("summary information: %w", err)
	}
	var s Summary
	var texts []func(cp int)
	for _, p := range r.Property {
		if p == nil || p.T == nil {
			continue
		}
		setText := func(dst *string) {
			if cs, ok := p.T.(*types.CodeString); ok {
				raw := bytes.TrimRight(cs.Chars, "\x00")
				texts = append(texts, func(cp int) { *dst = decodeSummaryText(raw, cp) })
			}
		}
		switch p.Name {
		case "CodePage":
			s.Codepage = intValue(p.T)
			if s.Codepage < 0 {
				// VT_I2 is signed; code pages above 32767 (65001) wrap
				s.Codepage &= 0xffff
			}
		case "Title":
			setText(&s.Title)
		case "Subject":
			setText(&s.Subject)
		case "Author":
			setText(&s.Author)
		case "Keywords":
			setText(&s.Keywords)
		case "Comments":
			setText(&s.Comments)
		case "Template":
			setText(&s.Template)
		case "LastAuthor":
			setText(&s.LastSavedBy)
		case "RevNumber":
			setText(&s.PackageCode)
		case "AppName":
			setText(&s.AppName)
		case "CreateTime":
			s.Created = timeValue(p.T)
		case "LastSaveTime":
			s.LastSaved = timeValue(p.T)
		case "PageCount":
			s.PageCount = intValue(p.T)
		case "WordCount":
			s.WordCount = intValue(p.T)
		case "CharCount":
			s.CharCount = intValue(p.T)
		case "DocSecurity":
			s.Security = intValue(p.T)
		}
	}
	// strings can only be decoded once the code page is known, and PID 1
	// need not come first
	for _, f := range texts {
		f(s.Codepage)
	}
	return s, nil
}

func intValue(t types.Type) int {
	switch v := t.(type) {
	case types.I2:
		return int(v)
	case types.I4:
		return int(v)
	case types.UI2:
		return int(v)
	case types.UI4:
		return int(v)
	}
	return 0
}

func timeValue(t types.Type) time.Time {
	if ft, ok := t.(types.FileTime); ok {
		return ft.Time().UTC()
	}
	return time.Time{}
}

// summaryValueType accepts the scalar types installer summary properties
// use (SDK, "Summary Information Stream Property Set": VT_I2, VT_I4,
// VT_LPSTR, VT_FILETIME), the other fixed-size integers and strings, and
// VT_EMPTY/VT_NULL. Vectors and arrays (0x1000, 0x2000) are refused.
func summaryValueType(vt uint16) bool {
	switch vt {
	case 0x00, 0x01, 0x02, 0x03, 0x12, 0x13, 0x1e, 0x1f, 0x40:
		return true
	}
	return false
}

// checkPropertySet validates the offsets of a property set stream so that
// every read msoleps makes stays inside b.
func checkPropertySet(b []byte) error {
	const hdr = 28 // byte order, version, system id, clsid, number of sets
	if len(b) < hdr+20 {
		return fmt.Errorf("property set stream is only %d bytes", len(b))
	}
	if binary.LittleEndian.Uint16(b) != 0xFFFE {
		return fmt.Errorf("bad byte order mark %#04x", binary.LittleEndian.Uint16(b))
	}
	n := binary.LittleEndian.Uint32(b[24:])
	if n < 1 || n > 2 {
		return fmt.Errorf("%d property sets, want 1 or 2", n)
	}
	if len(b) < hdr+int(n)*20 {
		return fmt.Errorf("property set stream is only %d bytes", len(b))
	}
	if string(b[hdr:hdr+16]) != summaryFMTID {
		return fmt.Errorf("first property set is not FMTID_SummaryInformation")
	}
	for i := range int(n) {
		off := uint64(binary.LittleEndian.Uint32(b[hdr+i*20+16:]))
		if off+8 > uint64(len(b)) {
			return fmt.Errorf("property set %d starts at %d, past the end (%d bytes)", i, off, len(b))
		}
		count := uint64(binary.LittleEndian.Uint32(b[off+4:]))
		if off+8+count*8 > uint64(len(b)) {
			return fmt.Errorf("property set %d lists %d properties, more than fit in %d bytes", i, count, len(b))
		}
		for j := range count {
			e := off + 8 + j*8
			id := binary.LittleEndian.Uint32(b[e:])
			vo := off + uint64(binary.LittleEndian.Uint32(b[e+4:]))
			if vo+8 > uint64(len(b)) {
				return fmt.Errorf("property %d of set %d is at %d, past the end (%d bytes)", id, i, vo, len(b))
			}
			// msoleps sizes vectors and arrays by a count read from the file
			// before checking it against the data (found by FuzzSummary: a
			// 30 GB allocation). It takes the word after the type, which
			// [MS-OLEPS] 2.15 says is zero padding, as the vector/array
			// marker, so both words are checked.
			if vt := binary.LittleEndian.Uint16(b[vo:]); !summaryValueType(vt) {
				return fmt.Errorf("property %d has value type %#x; installer summary properties are plain numbers, strings and times", id, vt)
			}
			if pad := binary.LittleEndian.Uint16(b[vo+2:]); pad != 0 {
				return fmt.Errorf("property %d: padding after the value type is %#x, not 0", id, pad)
			}
			if id == 0 {
				// msoleps does not bound-check dictionary entries, and
				// installer packages never have one
				return fmt.Errorf("property set %d has a property name dictionary, which installer packages do not use", i)
			}
		}
	}
	return nil
}
