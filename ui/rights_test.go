package ui

import (
	"strings"
	"testing"
)

// Every answer is in words, never colour alone, in both languages; a
// reason is cut to the line.
func TestRightsTextSaysEachStateInWords(t *testing.T) {
	st := NewStyles(asciiRenderer(), true)
	rs := []Right{{Key: "create_gpo", State: "yes"}, {Key: "link_ou", State: "no", Detail: "no write right on gPLink"},
		{Key: "sysvol_write", State: "partly", Detail: strings.Repeat("long reason ", 20)}, {Key: "create_gpo", State: "unknown"}}
	for lang, want := range map[Lang][]string{
		English: {"create GPOs: yes", "link GPOs on OUs: NO, ask a Domain Admin (no write right", "write GPO folders on SYSVOL: partly (long", "create GPOs: cannot tell"},
		Russian: {"создавать GPO: да", "связывать GPO с OU: НЕТ", "писать папки GPO в SYSVOL: частично", "создавать GPO: не удалось проверить"},
	} {
		got := rightsText(NewText(lang), st, rs, 57)
		lines := strings.Split(got, "\n")
		if len(lines) != len(rs) {
			t.Fatalf("%s: %d lines:\n%s", lang, len(lines), got)
		}
		for i, w := range want {
			if !strings.HasPrefix(lines[i], w) {
				t.Errorf("%s: line %d = %q, want %q...", lang, i, lines[i], w)
			}
		}
		if len([]rune(lines[2])) > 57 || !strings.HasSuffix(lines[2], "~") {
			t.Errorf("%s: the long reason is not cut: %q", lang, lines[2])
		}
	}
}
