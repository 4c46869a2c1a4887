//go:build linux

package main

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctitui/ctitui/internal/testdomain"
)

func TestShareUploadCommand(t *testing.T) {
	d := testdomain.Require(t, dom)
	bin := buildBinary(t)
	data := make([]byte, 3<<20+7)
	if _, err := rand.Read(data); err != nil {
		t.Fatal(err)
	}
	local := filepath.Join(t.TempDir(), "MIKO CTI 4.9.226.msi")
	if err := os.WriteFile(local, data, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	wantSHA := hex.EncodeToString(sum[:])
	dest := `\\` + d.IP + `\Distrib\CLI Программы\MikoCTI`
	onDisk := filepath.Join(d.DistribDir, "CLI Программы", "MikoCTI", "MIKO CTI 4.9.226.msi")

	type result struct {
		Path              string   `json:"path"`
		Size              int64    `json:"size"`
		SHA256            string   `json:"sha256"`
		Seconds           float64  `json:"seconds"`
		MBPerSecond       float64  `json:"mbPerSecond"`
		Unchanged         bool     `json:"unchanged"`
		ResolvedPath      string   `json:"resolvedPath"`
		DFSLinks          []string `json:"dfsLinks"`
		DryRun            bool     `json:"dryRun"`
		Plan              []string
		FolderPermissions *struct {
			SDDL             string `json:"sddl"`
			ComputersCanRead bool   `json:"computersCanRead"`
		} `json:"folderPermissions"`
	}
	run := func(args ...string) (result, string, int) {
		t.Helper()
		out, errOut, code := runCtitui(t, bin, d.CtituiEnv(), args...)
		var r result
		if code == 0 && strings.Contains(strings.Join(args, " "), "--json") {
			if err := json.Unmarshal([]byte(out), &r); err != nil {
				t.Fatalf("ctitui %v: bad JSON %v\n%s", args, err, out)
			}
		}
		return r, errOut, code
	}

	t.Run("dry run writes nothing", func(t *testing.T) {
		r, errOut, code := run("share", "upload", local, dest, "--dry-run", "--json")
		if code != 0 || !r.DryRun || len(r.Plan) == 0 || !strings.Contains(r.Plan[0], "create folder") {
			t.Fatalf("dry run: exit %d %+v %s", code, r, errOut)
		}
		if _, err := os.Stat(filepath.Dir(onDisk)); err == nil {
			t.Fatal("dry run created the folder")
		}
	})
	t.Run("upload with folder permissions", func(t *testing.T) {
		r, errOut, code := run("share", "upload", local, dest, "--json", "--set-acl", "--progress")
		if code != 0 {
			t.Fatalf("upload: exit %d: %s", code, errOut)
		}
		if r.Path != dest+`\MIKO CTI 4.9.226.msi` || r.Size != int64(len(data)) || r.SHA256 != wantSHA || r.MBPerSecond <= 0 {
			t.Errorf("result %+v", r)
		}
		if r.FolderPermissions == nil || !r.FolderPermissions.ComputersCanRead || !strings.Contains(r.FolderPermissions.SDDL, "D:PAI") {
			t.Errorf("folder permissions %+v", r.FolderPermissions)
		}
		if !strings.Contains(errOut, "upload") || !strings.Contains(errOut, "100.0%") {
			t.Errorf("--progress printed no progress lines:\n%s", errOut)
		}
		if got, err := os.ReadFile(onDisk); err != nil || sha256.Sum256(got) != sum {
			t.Fatalf("file on the server's disk: %v", err)
		}
	})
	t.Run("same file again is nothing to do", func(t *testing.T) {
		out, errOut, code := runCtitui(t, bin, d.CtituiEnv(), "share", "upload", local, dest)
		if code != 0 || !strings.Contains(out, "nothing to do") {
			t.Fatalf("second upload: exit %d\n%s%s", code, out, errOut)
		}
	})
	t.Run("different file is refused without --overwrite", func(t *testing.T) {
		other := filepath.Join(t.TempDir(), "MIKO CTI 4.9.226.msi")
		if err := os.WriteFile(other, []byte("another build"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, errOut, code := runCtitui(t, bin, d.CtituiEnv(), "share", "upload", other, dest)
		if code != 1 || !strings.Contains(errOut, "--overwrite") {
			t.Fatalf("upload over a different file: exit %d: %s", code, errOut)
		}
		if got, _ := os.ReadFile(onDisk); sha256.Sum256(got) != sum {
			t.Fatal("the refused upload changed the file")
		}
		r, errOut, code := run("share", "upload", other, dest, "--overwrite", "--json", "--smb3")
		if code != 0 || r.Size != int64(len("another build")) {
			t.Fatalf("--overwrite: exit %d %+v %s", code, r, errOut)
		}
	})
	t.Run("through the DFS link", func(t *testing.T) {
		dfsDest := `\\` + d.IP + `\DFSRoot\Apps\CLI через DFS`
		r, errOut, code := run("share", "upload", local, dfsDest, "--json")
		if code != 0 {
			t.Fatalf("upload through DFS: exit %d: %s", code, errOut)
		}
		if r.Path != dfsDest+`\MIKO CTI 4.9.226.msi` || r.ResolvedPath != `\\`+d.IP+`\Distrib\CLI через DFS\MIKO CTI 4.9.226.msi` || len(r.DFSLinks) != 1 {
			t.Errorf("DFS upload: path %q resolved %q via %v", r.Path, r.ResolvedPath, r.DFSLinks)
		}
		if got, err := os.ReadFile(filepath.Join(d.DistribDir, "CLI через DFS", "MIKO CTI 4.9.226.msi")); err != nil || sha256.Sum256(got) != sum {
			t.Fatalf("file behind the DFS link: %v", err)
		}
		_, errOut, code = runCtitui(t, bin, d.CtituiEnv(), "share", "upload", local, `\\`+d.IP+`\DFSRoot\NotALink`)
		if code != 1 || !strings.Contains(errOut, "target share") {
			t.Errorf("upload into the namespace root: exit %d: %s", code, errOut)
		}
	})
	t.Run("with Kerberos", func(t *testing.T) {
		env := append(d.CtituiEnv(), "CTITUI_KERBEROS=1")
		out, errOut, code := runCtitui(t, bin, env, "share", "upload", local, dest, "--overwrite", "--spn", "cifs/"+testdomain.DCFQDN)
		if code != 0 || !strings.Contains(out, "Replaced") {
			t.Fatalf("Kerberos upload: exit %d\n%s%s", code, out, errOut)
		}
		_, errOut, code = runCtitui(t, bin, env, "share", "upload", local, dest)
		if code != 1 || !strings.Contains(errOut, "SPN") {
			t.Errorf("Kerberos to an address without --spn: exit %d: %s", code, errOut)
		}
	})
	t.Run("local destinations are refused with the reason", func(t *testing.T) {
		for _, bad := range []string{`C:\Distrib\MikoCTI`, `/srv/distrib`, `Distrib\MikoCTI`} {
			_, errOut, code := runCtitui(t, bin, d.CtituiEnv(), "share", "upload", local, bad)
			if code != 2 || !strings.Contains(errOut, "UNC") {
				t.Errorf("destination %q: exit %d: %s", bad, code, errOut)
			}
		}
	})
}

func TestShareListCommand(t *testing.T) {
	d := testdomain.Require(t, dom)
	bin := buildBinary(t)
	out, errOut, code := runCtitui(t, bin, d.CtituiEnv(), "share", "list", `\\`+d.IP, "--json")
	if code != 0 {
		t.Fatalf("share list: exit %d: %s", code, errOut)
	}
	var shares []struct {
		Name     string   `json:"name"`
		Type     string   `json:"type"`
		Special  bool     `json:"special"`
		DFSRoot  bool     `json:"dfsRoot"`
		DFSLinks []string `json:"dfsLinks"`
	}
	if err := json.Unmarshal([]byte(out), &shares); err != nil {
		t.Fatalf("bad JSON: %v\n%s", err, out)
	}
	byName := map[string]int{}
	for i, s := range shares {
		byName[strings.ToLower(s.Name)] = i
		if s.Special || s.Type != "disk" {
			t.Errorf("without --all: %+v listed", s)
		}
	}
	for _, want := range []string{"distrib", "sysvol", "dfsroot"} {
		if _, ok := byName[want]; !ok {
			t.Errorf("share %s missing from %s", want, out)
		}
	}
	root := shares[byName["dfsroot"]]
	if !root.DFSRoot || len(root.DFSLinks) != 1 || root.DFSLinks[0] != `Apps -> \\`+d.IP+`\Distrib` {
		t.Errorf("DFSRoot: %+v", root)
	}
	if shares[byName["distrib"]].DFSRoot {
		t.Error("Distrib shown as a DFS root")
	}
	out, _, code = runCtitui(t, bin, d.CtituiEnv(), "share", "list", d.IP, "--all")
	if code != 0 || !strings.Contains(out, "IPC$") || !strings.Contains(out, "DFS namespace root") {
		t.Errorf("share list --all: exit %d\n%s", code, out)
	}
	for _, bad := range []string{`\\` + d.IP + `\Distrib`, `C:`, `//srv`} {
		if _, errOut, code := runCtitui(t, bin, d.CtituiEnv(), "share", "list", bad); code != 2 {
			t.Errorf("share list %q: exit %d: %s", bad, code, errOut)
		}
	}
}
