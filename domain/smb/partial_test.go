package smb

import (
	"strings"
	"testing"
)

// PartialOf recognises exactly the temporary names tempName makes.
func TestPartialOf(t *testing.T) {
	for _, rel := range []string{`MikoCTI\MIKO_CTI_4.9.226.msi`, `a.b.msi`, `.hidden.msi`} {
		tmp, err := tempName(rel)
		if err != nil {
			t.Fatal(err)
		}
		name, want := tmp[strings.LastIndex(tmp, `\`)+1:], rel[strings.LastIndex(rel, `\`)+1:]
		if base, ok := PartialOf(name); !ok || base != want {
			t.Errorf("PartialOf(%q) = %q, %v; want %q", name, base, ok, want)
		}
	}
	for _, name := range []string{"MIKO.msi", ".MIKO.msi.partial", ".MIKO.msi.ctitui-12345.partial", ".MIKO.msi.ctitui-0123456789zz.partial",
		"MIKO.msi.ctitui-0123456789ab.partial", ".ctitui-0123456789ab.partial", ".MIKO.msi.ctitui-0123456789ab"} {
		if base, ok := PartialOf(name); ok {
			t.Errorf("PartialOf(%q) = %q, want not a temporary name", name, base)
		}
	}
}
