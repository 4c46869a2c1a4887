//go:build linux

package si

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ctitui/ctitui/domain/smb"
	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/internal/testdomain"
	"github.com/ctitui/ctitui/internal/testmsi"
)

// largeMSISize is past the 64 MiB that Share.ReadFile accepts, which the
// package commands used to read MSIs with.
const largeMSISize = 72 << 20

// allocatedDuring is how many bytes the Go heap allocated while f ran.
func allocatedDuring(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// An MSI over 64 MiB on the share is added, redeployed and upgraded from
// with no local copy: the MSI is read in place over SMB, and each
// operation allocates a small fraction of its size.
func TestLargeMSIReadInPlaceOnTheShare(t *testing.T) {
	st, d := openStore(t)
	ctx := testCtx(t)
	g := newGPO(t, st, "SI large MSI")
	// Built once and cached by testmsi: the 4.9.226 fixture with a
	// 72 MiB stream standing in for an embedded cabinet.
	big := testmsi.BuildLarge(t, "MIKO CTI 4.9.226", largeMSISize)
	unc := publishFile(t, d, st, big, "Large", "MIKO CTI large.msi")
	unc241, local241 := publishMSI(t, d, st, "MIKO CTI 4.9.241", "Large")

	// The whole-file read the commands used before refuses it.
	p, err := ParseSourcePath(unc, ".msi")
	if err != nil {
		t.Fatal(err)
	}
	c, sh, err := st.openShare(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := sh.Stat(ctx, p.Rel())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sh.ReadFile(ctx, p.Rel()); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("ReadFile of the %d-byte MSI: %v, want the size limit", fi.Size(), err)
	}
	sh.Close()
	c.Close()
	if fi.Size() <= 64<<20 {
		t.Fatalf("test MSI is only %d bytes", fi.Size())
	}
	// Allocating less than a quarter of the file per operation rules out
	// holding it whole (io.ReadAll alone would allocate about twice it).
	limit := uint64(fi.Size() / 4)

	var added *Added
	start := time.Now()
	alloc := allocatedDuring(func() {
		pl, a, err := st.AddPlan(ctx, AddRequest{GPO: g.GUID, Half: gpo.Computer, MSIPath: unc, Options: DefaultOptions(false)})
		mustApply(t, pl, err)
		added = a
	})
	t.Logf("add from a %d MiB MSI on the share: %v, %d KiB allocated", fi.Size()>>20, time.Since(start).Round(time.Millisecond), alloc>>10)
	if alloc > limit {
		t.Errorf("add allocated %d bytes for a %d-byte MSI: it was read whole", alloc, fi.Size())
	}
	obj := one(t, ldb(t, d, added.DN, "base", "(objectClass=*)", "msiFileList", "versionNumberHi", "versionNumberLo", "revision"), "large package")
	if got := obj["msifilelist"]; len(got) != 1 || got[0] != "0:"+unc {
		t.Fatalf("msiFileList = %q, want 0:%s", got, unc)
	}
	if obj["versionnumberhi"][0] != "4" || obj["versionnumberlo"][0] != "9" {
		t.Fatalf("version %v.%v, want 4.9 from the MSI", obj["versionnumberhi"], obj["versionnumberlo"])
	}

	start = time.Now()
	alloc = allocatedDuring(func() {
		pl, _, err := st.RedeployPlan(ctx, g.GUID, added.Name)
		mustApply(t, pl, err)
	})
	t.Logf("redeploy: %v, %d KiB allocated", time.Since(start).Round(time.Millisecond), alloc>>10)
	if alloc > limit {
		t.Errorf("redeploy allocated %d bytes for a %d-byte MSI", alloc, fi.Size())
	}
	if r := one(t, ldb(t, d, added.DN, "base", "(objectClass=*)", "revision"), "redeployed")["revision"]; r[0] != "1" {
		t.Fatalf("revision after redeploy = %v, want 1", r)
	}

	// Upgrading from it reads the old (large) MSI from the share for the
	// ProductCode/UpgradeCode checks.
	start = time.Now()
	var upgraded *Added
	alloc = allocatedDuring(func() {
		pl, a, err := st.UpgradePlan(ctx, AddRequest{GPO: g.GUID, Half: gpo.Computer, MSIPath: unc241, LocalMSI: local241, Options: DefaultOptions(false)},
			UpgradeOf{Package: added.Name})
		mustApply(t, pl, err)
		upgraded = a
	})
	t.Logf("upgrade from it: %v, %d KiB allocated", time.Since(start).Round(time.Millisecond), alloc>>10)
	if alloc > limit {
		t.Errorf("upgrade allocated %d bytes with a %d-byte old MSI", alloc, fi.Size())
	}
	if cu := one(t, ldb(t, d, upgraded.DN, "base", "(objectClass=*)", "canUpgradeScript"), "upgrade")["canupgradescript"]; len(cu) != 1 {
		t.Fatalf("upgrade canUpgradeScript = %q", cu)
	}

	pl, _, err := st.s.DeletePlan(ctx, g.GUID)
	mustApply(t, pl, err)
	removeShareFolder(t, d, "Large")
}

// removeShareFolder removes a test folder and its files from the Distrib
// share, so that large files do not stay on the fixture's disk.
func removeShareFolder(t *testing.T, d *testdomain.Domain, folder string) {
	t.Helper()
	ctx := testCtx(t)
	auth, err := smb.PasswordAuth(testdomain.AdminUPN, "", d.Password())
	if err != nil {
		t.Fatal(err)
	}
	c, err := smb.Dial(ctx, d.IP, smb.Options{Auth: auth})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sh, err := c.Mount(ctx, testdomain.DistribShare)
	if err != nil {
		t.Fatal(err)
	}
	defer sh.Close()
	list, err := sh.ReadDir(ctx, folder)
	if err != nil {
		t.Fatal(err)
	}
	for _, fi := range list {
		if err := sh.Remove(ctx, folder+`\`+fi.Name()); err != nil {
			t.Fatal(err)
		}
	}
	if err := sh.Remove(ctx, folder); err != nil {
		t.Fatal(err)
	}
}
