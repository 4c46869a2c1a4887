package secdesc

import (
	"bytes"
	"slices"
	"testing"
)

func TestClone(t *testing.T) {
	raw := rawSD(0x8014, []rawPart{
		{part: PartOwner, bytes: unhex(hexSY)},
		{part: PartDACL, gap: "ffff", bytes: rawACL(4, -1, -1, [][]byte{
			rawACE(0x05, 0x02, 0, "00010000", "01000000", hexApplyGP, hexAU, "0000"),
		}, "aa")},
		{part: PartSACL, bytes: rawACL(2, -1, -1, nil, "")},
	}, "bb")
	sd, err := Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	c := sd.Clone()
	// Change everything reachable through the clone.
	c.Owner = new(MustSID("S-1-5-32-544"))
	c.DACL.ACEs[0].ObjectType.Data1 = 1
	c.DACL.ACEs[0].ExtraData[0] = 9
	c.DACL.Trailer[0] = 9
	c.DACL.ACEs = append(c.DACL.ACEs, AllowACE(MustSID(SIDEveryone), ReadControl, 0))
	c.found.gaps[0] = []byte{1}
	if enc, _ := sd.Encode(); !bytes.Equal(enc, raw) {
		t.Fatalf("editing the clone changed the original:\n got %x\nwant %x", enc, raw)
	}
	if sd.Clone().DACL == sd.DACL || New().Clone().DACL != nil {
		t.Error("Clone shares or invents a DACL")
	}
}

func TestDiffACL(t *testing.T) {
	tests := []struct {
		name, old, updated string
		removed, added     []int
	}{
		{"same", "D:(A;;GA;;;SY)(A;;GR;;;AU)", "D:(A;;GA;;;SY)(A;;GR;;;AU)", nil, nil},
		{"reordered only", "D:(A;;GA;;;SY)(D;;GR;;;AN)", "D:(D;;GR;;;AN)(A;;GA;;;SY)", nil, nil},
		{"security filtering", "D:(OA;CI;CR;edacfd8f-ffb3-11d1-b41d-00a0c968f939;;AU)(A;CI;LCRPLORC;;;AU)",
			"D:(A;CI;LCRPLORC;;;AU)(OA;CI;CR;edacfd8f-ffb3-11d1-b41d-00a0c968f939;;S-1-5-21-1-2-3-1107)(A;CI;LCRPLORC;;;S-1-5-21-1-2-3-1107)",
			[]int{0}, []int{1, 2}},
		{"duplicates count", "D:(A;;GR;;;AU)(A;;GR;;;AU)", "D:(A;;GR;;;AU)", []int{1}, nil},
		{"flags differ", "D:(A;;GR;;;AU)", "D:(A;CI;GR;;;AU)", []int{0}, []int{0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := DiffACL(parseDACL(t, tt.old), parseDACL(t, tt.updated))
			var removed, added []int
			for _, m := range d.Removed {
				removed = append(removed, m.Index)
			}
			for _, m := range d.Added {
				added = append(added, m.Index)
			}
			if !slices.Equal(removed, tt.removed) || !slices.Equal(added, tt.added) {
				t.Errorf("removed %v added %v, want %v %v", removed, added, tt.removed, tt.added)
			}
		})
	}
	if d := DiffACL(nil, parseDACL(t, "D:(A;;GR;;;AU)")); len(d.Added) != 1 || len(d.Removed) != 0 {
		t.Errorf("DiffACL(nil, one ACE) = %+v", d)
	}
}
