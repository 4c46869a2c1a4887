//go:build linux

package smb

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"

	"github.com/ctitui/ctitui/domain/secdesc"
	"github.com/ctitui/ctitui/internal/testdomain"
)

// sharesec runs Samba's own share-ACL tool on the fixture's configuration.
func sharesec(t *testing.T, d *testdomain.Domain, args ...string) string {
	t.Helper()
	cmd := exec.Command("sharesec", append([]string{"-s", d.SmbConf}, args...)...)
	cmd.Env = d.ToolEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("sharesec %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestShareSecurity reads share-level permissions over srvsvc and checks
// them against what sharesec (Samba's tool, not ours) wrote: first the
// default, then an admins-only share ACL that shuts computers out at tree
// connect even though the files let them read.
func TestShareSecurity(t *testing.T) {
	d := testdomain.Require(t, dom)
	ctx := testCtx(t)
	c := dialNTLM(t, d)
	sid := domainSID(t, d)
	computers := secdesc.NetworkLogonToken(mustRID(t, sid, secdesc.RIDDomainComputers))

	sd, err := c.ShareSecurity(ctx, testdomain.DistribShare)
	if err != nil {
		t.Fatal(err)
	}
	// No share ACL stored: the server's default lets everyone in.
	if sd != nil {
		t.Logf("default share permissions: %s", sd.SDDL(sid))
		if dec := secdesc.Evaluate(sd, computers, secdesc.FileReadRequest()); !dec.Granted {
			t.Fatalf("default share permissions refuse Domain Computers: %s", sd.SDDL(sid))
		}
	}

	admins := mustRID(t, sid, secdesc.RIDDomainAdmins)
	sharesec(t, d, testdomain.DistribShare, "--replace", admins.String()+":ALLOWED/0/FULL")
	restored := false
	t.Cleanup(func() {
		if !restored {
			sharesec(t, d, testdomain.DistribShare, "--delete")
		}
	})
	view := sharesec(t, d, testdomain.DistribShare, "--view")

	sd, err = c.ShareSecurity(ctx, testdomain.DistribShare)
	if err != nil {
		t.Fatal(err)
	}
	if sd == nil || sd.DACL == nil || len(sd.DACL.ACEs) != 1 || sd.DACL.ACEs[0].SID != admins || !sd.DACL.ACEs[0].Type.IsAllow() {
		t.Fatalf("share permissions read back as %v; sharesec shows:\n%s", sd, view)
	}
	if dec := secdesc.Evaluate(sd, computers, secdesc.FileReadRequest()); dec.Granted {
		t.Errorf("admins-only share permissions grant Domain Computers read")
	}
	if dec := secdesc.Evaluate(sd, secdesc.NetworkLogonToken(admins), secdesc.FileReadRequest()); !dec.Granted {
		t.Errorf("admins-only share permissions refuse Domain Admins")
	}

	// The read-access check of the distribution folder sees the share
	// refuse computers even though the file would let them read.
	sh := mount(t, dialNTLM(t, d), testdomain.DistribShare)
	dir := testFolder(t, "share closed")
	if err := sh.MkdirAll(ctx, dir); err != nil {
		t.Fatal(err)
	}
	if err := sh.WriteFile(ctx, dir+`\app.msi`, []byte("msi")); err != nil {
		t.Fatal(err)
	}
	if err := sh.ApplyDistributionACL(ctx, dir, sid, "app.msi"); err != nil {
		t.Fatal(err)
	}
	_, err = sh.ComputersCanRead(ctx, dir+`\app.msi`, sid)
	if !errors.Is(err, ErrShareRefusesComputers) || !strings.Contains(err.Error(), `\`+testdomain.DistribShare) {
		t.Errorf("ComputersCanRead through an admins-only share: err = %v", err)
	}
	sharesec(t, d, testdomain.DistribShare, "--delete")
	restored = true
	sh = mount(t, dialNTLM(t, d), testdomain.DistribShare)
	if dec, err := sh.ComputersCanRead(ctx, dir+`\app.msi`, sid); err != nil || !dec.Granted {
		t.Errorf("ComputersCanRead with the default share permissions: %+v, %v", dec, err)
	}

	_, err = c.ShareSecurity(context.Background(), "NoSuchShare")
	if err == nil || !strings.Contains(err.Error(), "NoSuchShare") {
		t.Errorf("missing share: err = %v", err)
	}
}

func TestParseShareInfo502Short(t *testing.T) {
	stub := netrShareGetInfoRequest("x", 502) // not an answer: must not panic
	if _, _, err := parseShareInfo502(stub[:7]); err == nil {
		t.Error("a truncated answer decoded without error")
	}
}
