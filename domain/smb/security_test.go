//go:build linux

package smb

import (
	"strings"
	"testing"

	"github.com/ctitui/ctitui/domain/secdesc"
	"github.com/ctitui/ctitui/internal/testdomain"
)

// aclLines returns the "ACL:" lines of smbcacls output.
func aclLines(out string) []string {
	var acl []string
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "ACL:") {
			acl = append(acl, strings.TrimSpace(line))
		}
	}
	return acl
}

func controlLine(out string) string {
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "CONTROL:") {
			return strings.TrimSpace(line)
		}
	}
	return ""
}

func TestDistributionFolderPermissions(t *testing.T) {
	d := testdomain.Require(t, dom)
	ctx := testCtx(t)
	s := mount(t, dialNTLM(t, d), testdomain.DistribShare)
	sid := domainSID(t, d)
	dir := testFolder(t, `Программы\MikoCTI`)
	if err := s.MkdirAll(ctx, dir); err != nil {
		t.Fatal(err)
	}
	// A file that exists before the permissions change, as after an upload.
	local, _ := localFile(t, "app.msi", 100<<10)
	if _, err := s.Upload(ctx, local, dir+`\MIKO CTI.msi`, UploadOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := s.ApplyDistributionACL(ctx, dir, sid, "MIKO CTI.msi"); err != nil {
		t.Fatal(err)
	}

	// Samba's own reader, independent of secdesc.
	folderOut := smbcacls(t, d, testdomain.DistribShare, dir)
	fileOut := smbcacls(t, d, testdomain.DistribShare, dir+`\MIKO CTI.msi`)
	t.Logf("smbcacls folder:\n%s\nsmbcacls file:\n%s", folderOut, fileOut)
	wantFolder := []string{
		`ACL:NT AUTHORITY\SYSTEM:ALLOWED/OI|CI/FULL`,
		`ACL:CTITEST\Domain Admins:ALLOWED/OI|CI/FULL`,
		`ACL:CTITEST\Domain Computers:ALLOWED/OI|CI/READ`,
	}
	if got := aclLines(folderOut); strings.Join(got, "\n") != strings.Join(wantFolder, "\n") {
		t.Errorf("folder ACL per smbcacls:\n%s\nwant exactly:\n%s", strings.Join(got, "\n"), strings.Join(wantFolder, "\n"))
	}
	if c := controlLine(folderOut); !strings.Contains(c, "PD") {
		t.Errorf("folder DACL not protected: %s", c)
	}
	wantFile := []string{
		`ACL:NT AUTHORITY\SYSTEM:ALLOWED/I/FULL`,
		`ACL:CTITEST\Domain Admins:ALLOWED/I/FULL`,
		`ACL:CTITEST\Domain Computers:ALLOWED/I/READ`,
	}
	if got := aclLines(fileOut); strings.Join(got, "\n") != strings.Join(wantFile, "\n") {
		t.Errorf("file ACL per smbcacls:\n%s\nwant exactly:\n%s", strings.Join(got, "\n"), strings.Join(wantFile, "\n"))
	}

	// Our reader agrees, and the access check says computers can read.
	dec, err := s.ComputersCanRead(ctx, dir+`\MIKO CTI.msi`, sid)
	if err != nil {
		t.Fatal(err)
	}
	if !dec.Granted || len(dec.Allowed) != 1 || dec.Allowed[0].ACE.SID != mustRID(t, sid, secdesc.RIDDomainComputers) {
		t.Errorf("Domain Computers read the MSI: %+v", dec)
	}

	// A file uploaded after the change inherits the same permissions.
	if _, err := s.Upload(ctx, local, dir+`\later.msi`, UploadOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := aclLines(smbcacls(t, d, testdomain.DistribShare, dir+`\later.msi`)); strings.Join(got, "\n") != strings.Join(wantFile, "\n") {
		t.Errorf("file uploaded later, ACL per smbcacls:\n%s", strings.Join(got, "\n"))
	}
}

func TestComputersCannotReadWithoutTheACE(t *testing.T) {
	d := testdomain.Require(t, dom)
	ctx := testCtx(t)
	s := mount(t, dialNTLM(t, d), testdomain.DistribShare)
	sid := domainSID(t, d)
	dir := testFolder(t, "admins only")
	if err := s.MkdirAll(ctx, dir); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteFile(ctx, dir+`\app.msi`, []byte("msi")); err != nil {
		t.Fatal(err)
	}
	admins := mustRID(t, sid, secdesc.RIDDomainAdmins)
	sd := secdesc.New()
	sd.SetDACL(secdesc.NewACL(secdesc.AllowACE(admins, secdesc.FileAllAccess, 0)))
	sd.Control |= secdesc.DACLProtected
	if err := s.SetSecurity(ctx, dir+`\app.msi`, sd, DACLPart); err != nil {
		t.Fatal(err)
	}
	out := smbcacls(t, d, testdomain.DistribShare, dir+`\app.msi`)
	if got := aclLines(out); len(got) != 1 || got[0] != `ACL:CTITEST\Domain Admins:ALLOWED/0x0/FULL` {
		t.Fatalf("smbcacls after setting an admins-only DACL:\n%s", out)
	}
	dec, err := s.ComputersCanRead(ctx, dir+`\app.msi`, sid)
	if err != nil {
		t.Fatal(err)
	}
	if dec.Granted || dec.Missing == 0 {
		t.Errorf("Domain Computers read an admins-only file: %+v", dec)
	}
}

func TestSecurityRoundTrip(t *testing.T) {
	d := testdomain.Require(t, dom)
	ctx := testCtx(t)
	s := mount(t, dialNTLM(t, d), testdomain.DistribShare)
	dir := testFolder(t, "rt")
	if err := s.MkdirAll(ctx, dir); err != nil {
		t.Fatal(err)
	}
	sd, err := s.Security(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if sd.Owner == nil || sd.DACL == nil || len(sd.DACL.ACEs) == 0 {
		t.Fatalf("folder security: %s", sd)
	}
	// Writing back what was read changes nothing smbcacls can see.
	before := smbcacls(t, d, testdomain.DistribShare, dir)
	if err := s.SetSecurity(ctx, dir, sd, DACLPart); err != nil {
		t.Fatal(err)
	}
	if after := smbcacls(t, d, testdomain.DistribShare, dir); strings.Join(aclLines(after), "\n") != strings.Join(aclLines(before), "\n") {
		t.Errorf("ACL changed by writing back what was read:\nbefore\n%s\nafter\n%s", before, after)
	}
}

func mustRID(t *testing.T, domain secdesc.SID, rid uint32) secdesc.SID {
	t.Helper()
	s, err := domain.WithRID(rid)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
