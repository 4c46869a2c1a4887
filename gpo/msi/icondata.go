package msi

import "fmt"

// maxIconBytes caps the Icon table data read into memory: an advertise
// script carries every icon, and Windows Installer icons are .ico/.exe
// files of kilobytes to a few megabytes.
const maxIconBytes = 64 << 20

// IconData returns the bytes of an Icon table row's Data stream (Icon.Stream),
// which advertise scripts carry whole ([MS-GPSI] 2.2.4; IconCreate in
// gpo/aas).
func (p *Package) IconData(ic Icon) ([]byte, error) {
	if ic.Stream == "" {
		return nil, fmt.Errorf("icon %q has no data stream", ic.Name)
	}
	b, err := p.c.read(ic.Stream, maxIconBytes)
	if err != nil {
		return nil, fmt.Errorf("icon %q: %w", ic.Name, err)
	}
	return b, nil
}
