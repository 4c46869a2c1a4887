//go:build linux

package smb

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/ctitui/ctitui/internal/testdomain"
)

// benchSize is 200 MB (the speed target) unless CTITUI_BENCH_MB
// says otherwise.
func benchSize(b *testing.B) int64 {
	mb := 200
	if s := os.Getenv("CTITUI_BENCH_MB"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			b.Fatalf("CTITUI_BENCH_MB=%q: want a positive number of MB", s)
		}
		mb = n
	}
	return int64(mb) * 1e6
}

// BenchmarkUploadVsSmbclient uploads the same file with ctitui (connect,
// write with every chunk read back and compared, rename) and with `smbclient put` (connect,
// write) to the same share, alternating, and reports both rates and their
// ratio. The issue asks for ours >= 0.9x smbclient. For reference it also
// times smbclient doing what ours does (put, then get back) over SMB 2.1,
// whose signing (HMAC-SHA256) ours uses, and over smbclient's default SMB
// 3.1.1, which signs with AES-GMAC (BenchmarkSigningMAC prices both).
func BenchmarkUploadVsSmbclient(b *testing.B) {
	d := testdomain.Require(b, dom)
	size := benchSize(b)
	local := randomLocalFile(b, size)
	ctx := context.Background()
	setup := mount(b, dialNTLM(b, d), testdomain.DistribShare)
	if err := setup.MkdirAll(ctx, "bench"); err != nil {
		b.Fatal(err)
	}

	var ours, theirs, sameWork, sameWorkGMAC time.Duration
	b.SetBytes(size)
	b.ResetTimer()
	for i := range b.N {
		name := fmt.Sprintf(`bench\ours-%d.msi`, i)
		t0 := time.Now()
		uploadOnce(b, d, local, name)
		ours += time.Since(t0)

		b.StopTimer()
		t0 = time.Now()
		smbclient(b, d, fmt.Sprintf(`put "%s" "bench\smbclient-%d.msi"`, local, i))
		theirs += time.Since(t0)
		// The same work as ours, for reference: write, then read back,
		// with the dialect ours uses.
		t0 = time.Now()
		smbclient(b, d, fmt.Sprintf(`put "%s" "bench\smbclient-%d.msi"; get "bench\smbclient-%d.msi" /dev/null`, local, i, i), "-m", "SMB2_10")
		sameWork += time.Since(t0)
		t0 = time.Now()
		smbclient(b, d, fmt.Sprintf(`put "%s" "bench\smbclient-%d.msi"; get "bench\smbclient-%d.msi" /dev/null`, local, i, i))
		sameWorkGMAC += time.Since(t0)
		for _, n := range []string{name, fmt.Sprintf(`bench\smbclient-%d.msi`, i)} {
			if err := os.Remove(distribPath(d, n)); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
	}
	mbps := func(total time.Duration) float64 { return float64(size) * float64(b.N) / 1e6 / total.Seconds() }
	b.ReportMetric(mbps(ours), "ours-MB/s")
	b.ReportMetric(mbps(theirs), "smbclient-MB/s")
	b.ReportMetric(mbps(ours)/mbps(theirs), "ratio")
	b.ReportMetric(mbps(sameWork), "smbclient-put+get-SMB2.1-MB/s")
	b.ReportMetric(mbps(sameWorkGMAC), "smbclient-put+get-SMB3.1.1-MB/s")
}

// BenchmarkUploadVsSmbclientOnGigabit is the same comparison through a
// shaped link of 1 Gbit/s each way (125 MB/s), where the network rather
// than the CPU limits both clients, as between an admin's machine and a
// file server. Reading back while writing then costs almost nothing, since
// the read-back uses the other direction of the link.
func BenchmarkUploadVsSmbclientOnGigabit(b *testing.B) {
	d := testdomain.Require(b, dom)
	size := benchSize(b)
	local := randomLocalFile(b, size)
	link := startLinkProxy(b, net.JoinHostPort(d.IP, "445"), 125e6)
	ctx := context.Background()
	setup := mount(b, dialNTLM(b, d), testdomain.DistribShare)
	if err := setup.MkdirAll(ctx, "bench"); err != nil {
		b.Fatal(err)
	}
	var ours, theirs time.Duration
	b.SetBytes(size)
	b.ResetTimer()
	for i := range b.N {
		name := fmt.Sprintf(`bench\link-ours-%d.msi`, i)
		t0 := time.Now()
		c, err := Dial(ctx, "127.0.0.1", Options{Auth: ntlmAuth(b, d), Port: link.port()})
		if err != nil {
			b.Fatal(err)
		}
		s, err := c.Mount(ctx, testdomain.DistribShare)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Upload(ctx, local, name, UploadOptions{}); err != nil {
			b.Fatal(err)
		}
		c.Close()
		ours += time.Since(t0)

		b.StopTimer()
		t0 = time.Now()
		cmd := exec.Command("smbclient", "-A", d.AuthFile, "-p", link.port(), "//127.0.0.1/"+testdomain.DistribShare,
			"-c", fmt.Sprintf(`put "%s" "bench\link-smbclient-%d.msi"`, local, i))
		cmd.Env = d.ToolEnv()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("smbclient put: %v\n%s", err, out)
		}
		theirs += time.Since(t0)
		for _, n := range []string{name, fmt.Sprintf(`bench\link-smbclient-%d.msi`, i)} {
			if err := os.Remove(distribPath(d, n)); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
	}
	mbps := func(total time.Duration) float64 { return float64(size) * float64(b.N) / 1e6 / total.Seconds() }
	b.ReportMetric(mbps(ours), "ours-MB/s")
	b.ReportMetric(mbps(theirs), "smbclient-MB/s")
	b.ReportMetric(mbps(ours)/mbps(theirs), "ratio")
}

// randomLocalFile writes size random bytes to a temporary file.
func randomLocalFile(b *testing.B, size int64) string {
	local := filepath.Join(b.TempDir(), "bench.msi")
	f, err := os.Create(local)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.CopyN(f, rand.Reader, size); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return local
}

// smbclient runs Samba's client on the Distrib share.
func smbclient(b *testing.B, d *testdomain.Domain, commands string, extra ...string) {
	args := append([]string{"-A", d.AuthFile, "//" + d.IP + "/" + testdomain.DistribShare, "-c", commands}, extra...)
	cmd := exec.Command("smbclient", args...)
	cmd.Env = d.ToolEnv()
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("smbclient %q: %v\n%s", commands, err, out)
	}
}

// uploadOnce connects, uploads and disconnects, as ctitui share upload does.
func uploadOnce(b *testing.B, d *testdomain.Domain, local, rel string) {
	ctx := context.Background()
	c, err := Dial(ctx, d.IP, Options{Auth: ntlmAuth(b, d)})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	s, err := c.Mount(ctx, testdomain.DistribShare)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.Upload(ctx, local, rel, UploadOptions{}); err != nil {
		b.Fatal(err)
	}
}
