//go:build linux

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ctitui/ctitui/internal/testdomain"
	"github.com/ctitui/ctitui/internal/testmsi"
)

// Temporary files of cut-off uploads that no journal knows of (an older
// ctitui, another machine) are listed wherever a folder is read for an
// upload (share upload, deploy) with the command that removes them, and
// removed only by share clean, a plan: a file written in the last two
// minutes (an upload may still be running) is kept. Checked with smbclient.
func TestStalePartialsAreListedAndCleaned(t *testing.T) {
	d := testdomain.Require(t, dom)
	bin := buildBinary(t)
	env := d.CtituiEnv()
	local := testmsi.Build(t, "MIKO CTI 4.9.226")
	const old, recent = ".MikoCTI.msi.ctitui-0123456789ab.partial", ".Other.msi.ctitui-ba9876543210.partial"
	folder := `\\` + d.IP + `\` + testdomain.DistribShare + `\partials`
	t.Cleanup(func() { os.RemoveAll(filepath.Join(d.DistribDir, "partials")) })
	// Planted over SMB as an upload would leave them; the old one last
	// written an hour ago.
	toolOutput(t, d, "smbclient", "-A", d.AuthFile, "//"+d.IP+"/"+testdomain.DistribShare, "-c",
		`mkdir partials; put `+local+` partials\`+old+`; put `+local+` partials\`+recent)
	hourAgo := time.Now().Add(-time.Hour)
	if err := os.Chtimes(filepath.Join(d.DistribDir, "partials", old), hourAgo, hourAgo); err != nil {
		t.Fatal(err)
	}
	ls := func() string {
		return toolOutput(t, d, "smbclient", "-A", d.AuthFile, "//"+d.IP+"/"+testdomain.DistribShare, "-c", `ls partials\*`)
	}

	out, errOut, code := runCtitui(t, bin, env, "share", "upload", local, folder, "--dry-run")
	if code != 0 || !strings.Contains(out, `temporary file of a cut-off upload: `+folder+`\`+old) ||
		!strings.Contains(out, `temporary file of a cut-off upload: `+folder+`\`+recent) || !strings.Contains(out, "ctitui share clean '"+folder+"'") {
		t.Errorf("share upload --dry-run: exit %d\n%s\n%s", code, out, errOut)
	}

	out, errOut, code = runCtitui(t, bin, env, "deploy", "--msi", local, "--share", folder, "--ou", testdomain.OUDN("Archive"),
		"--gpo", "partials", "--dry-run", "--json")
	var dep struct {
		Notes      []string `json:"notes"`
		Deployment struct {
			Partials []struct {
				Path   string
				For    string
				Size   int64
				Recent bool
			} `json:"partials"`
		} `json:"deployment"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &dep) != nil {
		t.Fatalf("deploy --dry-run: exit %d\n%s\n%s", code, out, errOut)
	}
	if ps := dep.Deployment.Partials; len(ps) != 2 || ps[0].For != "MikoCTI.msi" || ps[0].Recent || !ps[1].Recent || ps[0].Size == 0 {
		t.Errorf("deploy --dry-run partials: %+v", ps)
	}
	if notes := strings.Join(dep.Notes, "\n"); !strings.Contains(notes, "2 temporary upload file(s)") || !strings.Contains(notes, "ctitui share clean '"+folder+"'") {
		t.Errorf("deploy --dry-run notes:\n%s", notes)
	}
	if !strings.Contains(ls(), old) {
		t.Fatal("a dry run removed a temporary file")
	}

	out, errOut, code = runCtitui(t, bin, env, "share", "clean", folder, "--dry-run")
	if code != 0 || strings.Count(out, "smb remove") != 1 || !strings.Contains(out, "smb remove "+folder+`\`+old) || !strings.Contains(out, "kept, written in the last 2m0s") {
		t.Errorf("share clean --dry-run: exit %d\n%s\n%s", code, out, errOut)
	}
	out, errOut, code = runCtitui(t, bin, env, "share", "clean", folder)
	if code != 0 || !strings.Contains(out, "(1 change(s))") {
		t.Fatalf("share clean: exit %d\n%s\n%s", code, out, errOut)
	}
	if got := ls(); strings.Contains(got, old) || !strings.Contains(got, recent) {
		t.Errorf("after share clean, smbclient lists:\n%s", got)
	}
}
