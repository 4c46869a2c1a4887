package msi

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// cfbStreamsFrom turns fuzz input into a set of streams: each record is a
// 1-byte name length, the name's characters, a 2-byte size and that many
// bytes (repeated from the input when it runs short, so large streams that
// leave the mini stream are reached).
func cfbStreamsFrom(data []byte) []cfbStream {
	var out []cfbStream
	seen := map[string]bool{}
	for len(data) >= 3 && len(out) < 16 {
		n := int(data[0]%31) + 1
		data = data[1:]
		var name []rune
		for i := 0; i < n && len(data) > 0; i++ {
			// printable names, and MSI packed characters
			c := rune(data[0])
			if c < 0x20 || c == '/' || c == '\\' || c == ':' || c == '!' || c >= 0x7f {
				c = 0x3800 + rune(data[0])
			}
			name = append(name, c)
			data = data[1:]
		}
		if len(data) < 2 {
			break
		}
		size := int(binary.LittleEndian.Uint16(data)) % 20000 // past the 4096-byte mini stream cutoff
		data = data[2:]
		body := make([]byte, size)
		for i := range body {
			if len(data) > 0 {
				body[i] = data[i%len(data)]
			} else {
				body[i] = byte(i)
			}
		}
		// unique as the directory compares names, and as the reader indexes
		// them (decoded: "00" and the packed pair U+3800 are one name)
		k, d := cfbUpperKey(string(name)), "decoded:"+decodeStreamName(string(name))
		if seen[k] || seen[d] {
			continue
		}
		seen[k], seen[d] = true, true
		out = append(out, cfbStream{Name: string(name), Data: body})
	}
	return out
}

// FuzzCFBRoundTrip writes compound files with writeCompoundFile and reads
// them back with mscfb (the reader the package uses): every stream must come
// back with its name and bytes, and the root with its class id.
func FuzzCFBRoundTrip(f *testing.F) {
	f.Add([]byte("\x08Property\x10\x00hello world"))
	f.Add([]byte("\x04_big\xff\x05xyz\x03abc\x00\x00"))
	f.Add(bytes.Repeat([]byte("\x02ab\x00\x02k"), 40))
	f.Fuzz(func(t *testing.T, data []byte) {
		streams := cfbStreamsFrom(data)
		var buf bytes.Buffer
		if err := writeCompoundFile(&buf, transformCLSID, streams); err != nil {
			t.Fatalf("write %d streams: %v", len(streams), err)
		}
		if buf.Len()%cfbSectorSize != 0 {
			t.Fatalf("file is %d bytes, not whole sectors", buf.Len())
		}
		c, err := openContainer(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatalf("mscfb cannot read what was written: %v", err)
		}
		if c.clsid != transformCLSIDString {
			t.Errorf("root class %q, want %q", c.clsid, transformCLSIDString)
		}
		if len(c.streams) != len(streams) {
			t.Fatalf("read %d streams, wrote %d", len(c.streams), len(streams))
		}
		for _, s := range streams {
			name := decodeStreamName(s.Name)
			got, err := c.read(name, 1<<30)
			if err != nil {
				t.Fatalf("stream %q: %v", s.Name, err)
			}
			if !bytes.Equal(got, s.Data) {
				t.Fatalf("stream %q: read %d bytes, wrote %d (or content differs)", s.Name, len(got), len(s.Data))
			}
		}
	})
}
