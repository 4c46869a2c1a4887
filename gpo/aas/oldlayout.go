package aas

import "fmt"

// EncodeOldLayout returns recs in the old layout: a pad byte after every
// odd-length ASCII string and binary stream, as the [MS-GPSI] 2.2.4
// sentence reads and as ctitui wrote before it matched the scripts Windows
// writes. Nothing in ctitui writes this layout to SYSVOL any more; it
// exists so that tests can put such a script where an earlier version
// would have, and prove that it is found (OldLayout) and rewritten.
func EncodeOldLayout(recs []Record) ([]byte, error) {
	var buf []byte
	for _, r := range recs {
		if len(r.Args) > maxArgs {
			return nil, fmt.Errorf("aas: %s record has %d arguments, at most %d fit", RecordName(r), len(r.Args), maxArgs)
		}
		buf = appendU16(buf, uint16(r.Opcode)|uint16(len(r.Args))<<8)
		for _, a := range r.Args {
			var err error
			if buf, err = appendArg(buf, a); err != nil {
				return nil, fmt.Errorf("aas: %s record: %w", RecordName(r), err)
			}
			odd := a.Kind == KindASCII && len(a.Str)%2 == 1 || a.Kind == KindBinary && len(a.Bytes)%2 == 1
			if odd {
				buf = append(buf, 0)
			}
		}
	}
	return buf, nil
}
