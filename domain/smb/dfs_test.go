//go:build linux

package smb

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctitui/ctitui/internal/testdomain"
)

func TestDFSLinksOfTheFixture(t *testing.T) {
	d := testdomain.Require(t, dom)
	links, err := dialNTLM(t, d).DFSLinks(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, l := range links {
		if strings.HasSuffix(strings.ToLower(l.Path), `\dfsroot\apps`) {
			found = true
			if len(l.Targets) != 1 || l.Targets[0].Server != d.IP || l.Targets[0].Share != testdomain.DistribShare {
				t.Errorf("link %s targets %+v, want %s\\Distrib", l.Path, l.Targets, d.IP)
			}
		}
	}
	if !found {
		t.Fatalf("no DFSRoot\\Apps link in %+v", links)
	}
}

func TestConnectFollowsDFSLink(t *testing.T) {
	d := testdomain.Require(t, dom)
	ctx := testCtx(t)
	folder := testFolder(t, "через DFS")
	p, err := ParsePath(`\\` + d.IP + `\` + testdomain.DFSRootShare + `\` + testdomain.DFSLink + `\` + folder)
	if err != nil {
		t.Fatal(err)
	}
	tg, err := Connect(ctx, p, Options{Auth: ntlmAuth(t, d)})
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	if want := `\\` + d.IP + `\Distrib\` + folder; tg.Path.String() != want {
		t.Errorf("resolved to %s, want %s", tg.Path, want)
	}
	if len(tg.Via) != 1 || !strings.HasSuffix(strings.ToLower(tg.Via[0]), `\dfsroot\apps`) {
		t.Errorf("followed %v", tg.Via)
	}
	if err := tg.Share.MkdirAll(ctx, tg.Path.Rel()); err != nil {
		t.Fatal(err)
	}
	local, data := localFile(t, "app.msi", 1<<20)
	if _, err := tg.Share.Upload(ctx, local, tg.Path.Rel()+`\app.msi`, UploadOptions{}); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(filepath.Join(d.DistribDir, folder, "app.msi")); err != nil || sha(got) != sha(data) {
		t.Fatalf("file behind the DFS link: %v", err)
	}
	// smbclient, following the referral itself, sees the file through the link.
	cmd := exec.Command("smbclient", "-A", d.AuthFile, "//"+d.IP+"/"+testdomain.DFSRootShare, "-c", `ls "`+testdomain.DFSLink+`\`+folder+`\*"`)
	cmd.Env = d.ToolEnv()
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "app.msi") {
		t.Fatalf("smbclient through the DFS link: %v\n%s", err, out)
	}
}

func TestConnectRefusesTheNamespaceRootItself(t *testing.T) {
	d := testdomain.Require(t, dom)
	p, err := ParsePath(`\\` + d.IP + `\` + testdomain.DFSRootShare + `\NotALink\MikoCTI`)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Connect(testCtx(t), p, Options{Auth: ntlmAuth(t, d)})
	if !errors.Is(err, ErrDFSUnresolved) || !strings.Contains(err.Error(), "target share") {
		t.Fatalf("path in the namespace root under no link: %v", err)
	}
	if _, statErr := os.Stat(filepath.Join(d.Dir, "dfsroot", "NotALink")); statErr == nil {
		t.Fatal("something was created in the namespace root")
	}
}

func TestConnectToAPlainShareIsDirect(t *testing.T) {
	d := testdomain.Require(t, dom)
	p, err := ParsePath(`\\` + d.IP + `\Distrib\MikoCTI`)
	if err != nil {
		t.Fatal(err)
	}
	tg, err := Connect(testCtx(t), p, Options{Auth: ntlmAuth(t, d)})
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	if tg.Path.String() != p.String() || len(tg.Via) != 0 || tg.Share.Name() != "Distrib" {
		t.Fatalf("plain share: resolved to %s via %v", tg.Path, tg.Via)
	}
}

func TestWritingIntoALinkWithoutFollowingItFails(t *testing.T) {
	d := testdomain.Require(t, dom)
	ctx := testCtx(t)
	s := mount(t, dialNTLM(t, d), testdomain.DFSRootShare)
	err := s.WriteFile(ctx, testdomain.DFSLink+`\stray.txt`, []byte("wrong place"))
	if !errors.Is(err, ErrPathNotCovered) || !strings.Contains(err.Error(), "target share") {
		t.Fatalf("writing through a DFS link without following it: %v, want ErrPathNotCovered asking for the target share", err)
	}
	for _, p := range []string{filepath.Join(d.DistribDir, "stray.txt"), filepath.Join(d.Dir, "dfsroot", "stray.txt")} {
		if _, statErr := os.Stat(p); statErr == nil {
			t.Errorf("%s was written", p)
		}
	}
}
