//go:build linux

package testdomain

// A second domain controller for the tests of multi-DC behaviour (where
// writes go, replication status).
//
// JoinDC runs "samba-tool domain join <domain> DC" against a running
// Domain. The new DC gets what the first one has: its own loopback address,
// its own directory with every path option pointing inside it, its own
// /run/samba (private mount namespace) and the same config-path-based
// teardown, so Stop and the stale-fixture cleanup treat it like any other
// fixture. Only a package that calls JoinDC pays for it (about 15 s).
//
// Name resolution without DNS. The fixture runs Samba without its DNS
// server, and the join and replication need DC names: the join contacts the
// first DC by address (--server), but DRS replication reaches a partner by
// "<NTDS Settings objectGUID>._msdcs.<forest>" ([MS-DRSR] 5.1.1.3, the
// DSA's "GUID-based DNS name") and Kerberos needs the realm's KDCs. Each
// joined DC (and, after the join, the first one too) therefore sees a
// private /etc/hosts bind-mounted in its mount namespace, naming both DCs
// by host name and by GUID-based name, and samba runs with a KRB5_CONFIG
// listing the KDCs by address. Nothing of the host (its /etc/hosts, its
// resolver) is touched.
//
// SYSVOL is not replicated: Samba has no DFS-R (nor FRS). At the join the
// fixture copies the first DC's Policies folder once, with its NT ACLs (the
// "initial copy" an admin makes), so both DCs start equal; anything written
// to SYSVOL later exists only on the DC it was written to. That makes the
// pair a natural lab for divergent SYSVOL copies, which is exactly what the
// replication-status tests need. The directory replicates: the new DC pulls
// from the first DC (periodically, and at once with "samba-tool drs
// replicate"), and the first DC can pull from it likewise.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/go-ldap/ldap/v3"
)

// JoinTimings records how long JoinDC took.
type JoinTimings struct {
	Join  time.Duration // samba-tool domain join (includes the initial replication)
	Boot  time.Duration
	Total time.Duration
}

func (t JoinTimings) String() string {
	return fmt.Sprintf("join %.1fs, boot %.1fs, total %.1fs", t.Join.Seconds(), t.Boot.Seconds(), t.Total.Seconds())
}

// JoinDC joins a further domain controller named host (e.g. "dc2") to the
// running domain d and starts it. The new DC shares d's CA (its certificate
// is signed by it, so d.CAFile verifies both) and Administrator password.
// The caller stops it (Stop) before stopping d. logf may be nil.
func (d *Domain) JoinDC(ctx context.Context, host string, logf func(string, ...any)) (j *Domain, timings JoinTimings, err error) {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	if host == "" || strings.EqualFold(host, d.HostName()) {
		return nil, timings, fmt.Errorf("join DC: want a host name other than %q", d.HostName())
	}
	begin := time.Now()
	dir, err := os.MkdirTemp("", dirPrefix)
	if err != nil {
		return nil, timings, fmt.Errorf("create fixture dir: %w", err)
	}
	j = &Domain{Dir: dir, host: strings.ToLower(host), password: d.password, extraGlobals: d.extraGlobals}
	defer func() {
		if err != nil {
			if stopErr := j.Stop(); stopErr != nil {
				logf("testdomain: cleanup after failed join: %v", stopErr)
			}
			j = nil
		}
	}()
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		return nil, timings, fmt.Errorf("record fixture owner: %w", err)
	}
	if j.IP, err = claimLoopbackAddress(dir); err != nil {
		return nil, timings, err
	}
	if err := j.writeSecrets(); err != nil {
		return nil, timings, err
	}
	if err := j.signedBy(ctx, d); err != nil {
		return nil, timings, err
	}
	for _, sub := range []string{"etc", "cache", "lock", "run", "runsamba", "log", "distrib", "dfsroot"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return nil, timings, fmt.Errorf("create %s: %w", sub, err)
		}
	}
	j.SmbConf = filepath.Join(dir, "etc", "smb.conf")
	j.DistribDir = filepath.Join(dir, "distrib")
	if err := os.Symlink(`msdfs:`+j.IP+`\`+DistribShare, filepath.Join(dir, "dfsroot", DFSLink)); err != nil {
		return nil, timings, fmt.Errorf("create DFS link: %w", err)
	}
	// KDCs: this DC first, then the first DC (used by the join, which runs
	// before this DC's KDC exists, and by samba's own Kerberos client).
	j.KRB5Config = filepath.Join(dir, "etc", "krb5.conf")
	if err := os.WriteFile(j.KRB5Config, []byte(krb5ConfFor(j.IP, d.IP)), 0o644); err != nil {
		return nil, timings, fmt.Errorf("write krb5.conf: %w", err)
	}
	j.krb5Env = j.KRB5Config
	// A joined DC registers its ldap/ principal (samba_spnupdate) a while
	// after it starts; on a loaded machine (load average 24) that once took
	// longer than the first DC's 90 s.
	j.readyWait = 4 * time.Minute
	j.hostsFile = filepath.Join(dir, "etc", "hosts")
	if err := os.WriteFile(j.hostsFile, []byte(hostsLines(nil, d, j)), 0o644); err != nil {
		return nil, timings, fmt.Errorf("write hosts: %w", err)
	}

	t0 := time.Now()
	if err := j.join(ctx, d); err != nil {
		return nil, timings, err
	}
	timings.Join = time.Since(t0)
	logf("testdomain: joined %s as a DC on %s in %.1fs", j.FQDN(), j.IP, timings.Join.Seconds())
	if err := os.WriteFile(j.SmbConf, []byte(j.smbConf()), 0o644); err != nil {
		return nil, timings, fmt.Errorf("write smb.conf: %w", err)
	}
	if err := copySysvol(d, j); err != nil {
		return nil, timings, err
	}
	guids, err := d.dsaGUIDs(ctx)
	if err != nil {
		return nil, timings, err
	}
	hosts := hostsLines(guids, d, j)
	if err := os.WriteFile(j.hostsFile, []byte(hosts), 0o644); err != nil {
		return nil, timings, fmt.Errorf("write hosts: %w", err)
	}
	// The first DC learns the names too, so it can pull from the new one.
	if err := d.useHosts(hosts); err != nil {
		logf("testdomain: %s will not pull from %s: %v", d.FQDN(), j.FQDN(), err)
	}

	t0 = time.Now()
	if err := j.boot(ctx); err != nil {
		return nil, timings, err
	}
	timings.Boot = time.Since(t0)
	timings.Total = time.Since(begin)
	logf("testdomain: second DC %s", timings)
	return j, timings, nil
}

// join runs samba-tool domain join with every path inside j.Dir. The
// password comes from PASSWD_FILE (read by Samba's credentials code), never
// argv. The join runs in a mount namespace of its own with j's hosts file,
// like the DC it makes.
func (j *Domain) join(ctx context.Context, first *Domain) error {
	args := []string{j.hostsFile, "samba-tool", "domain", "join", DNSDomain, "DC",
		"--server=" + first.IP, "-U", AdminUser,
		"--dns-backend=NONE", "--targetdir=" + j.Dir,
		"--option=netbios name=" + strings.ToUpper(j.HostName()),
		"--option=interfaces=" + j.IP,
		"--option=bind interfaces only=yes",
	}
	for _, o := range j.pathOptions() {
		args = append(args, "--option="+o[0]+"="+o[1])
	}
	cmd := exec.CommandContext(ctx, "unshare", append([]string{"--mount", "--propagation", "private",
		"sh", "-c", `h="$1"; shift; mount --bind "$h" /etc/hosts && exec "$@"`, "sh"}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.Env = append(os.Environ(), "TMPDIR="+j.Dir, "PASSWD_FILE="+first.PasswordFile,
		"USER="+AdminUser, "KRB5_CONFIG="+j.KRB5Config)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("samba-tool domain join: %w\n%s", err, tail(out.String(), 20))
	}
	if err := os.WriteFile(filepath.Join(j.Dir, "join.log"), out.Bytes(), 0o600); err != nil {
		return fmt.Errorf("write join log: %w", err)
	}
	return nil
}

// signedBy gives j a server certificate from first's CA, so one CA file
// verifies every DC of the domain (as an enterprise CA would).
func (j *Domain) signedBy(ctx context.Context, first *Domain) error {
	dir := filepath.Join(j.Dir, "tls")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create tls dir: %w", err)
	}
	in := func(name string) string { return filepath.Join(dir, name) }
	caDir := filepath.Join(first.Dir, "tls")
	ext := fmt.Sprintf("subjectAltName=DNS:%s,DNS:%s,IP:%s\n"+
		"extendedKeyUsage=serverAuth,clientAuth\n"+
		"keyUsage=critical,digitalSignature,keyEncipherment\n"+
		"basicConstraints=critical,CA:FALSE\n", j.FQDN(), j.HostName(), j.IP)
	if err := os.WriteFile(in("server.ext"), []byte(ext), 0o600); err != nil {
		return fmt.Errorf("write certificate extensions: %w", err)
	}
	ca, err := os.ReadFile(first.CAFile)
	if err != nil {
		return fmt.Errorf("read CA: %w", err)
	}
	if err := os.WriteFile(in("ca.pem"), ca, 0o644); err != nil {
		return fmt.Errorf("copy CA: %w", err)
	}
	steps := [][]string{
		{"req", "-newkey", "rsa:2048", "-nodes", "-sha256",
			"-keyout", in("server.key"), "-out", in("server.csr"),
			"-subj", "/O=ctitui tests/CN=" + j.FQDN()},
		{"x509", "-req", "-sha256", "-days", "30", "-in", in("server.csr"),
			"-CA", filepath.Join(caDir, "ca.pem"), "-CAkey", filepath.Join(caDir, "ca.key"),
			"-set_serial", "0x" + strconv.FormatInt(time.Now().UnixNano()&0xffffffff, 16),
			"-extfile", in("server.ext"), "-out", in("server.pem")},
	}
	for _, args := range steps {
		out, err := exec.CommandContext(ctx, "openssl", args...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("openssl %s: %w\n%s", args[0], err, tail(string(out), 10))
		}
	}
	if err := os.Chmod(in("server.key"), 0o600); err != nil {
		return fmt.Errorf("protect server.key: %w", err)
	}
	j.CAFile = in("ca.pem")
	return nil
}

// copySysvol makes j's SYSVOL a copy of first's, NT ACLs (security.NTACL
// extended attributes) and all: the one-off copy an admin makes after a
// join, since Samba does not replicate SYSVOL.
func copySysvol(first, j *Domain) error {
	src := filepath.Join(first.Dir, "state", "sysvol", DNSDomain, "Policies")
	dst := filepath.Join(j.Dir, "state", "sysvol", DNSDomain)
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return fmt.Errorf("create sysvol: %w", err)
	}
	if out, err := exec.Command("cp", "-a", src, dst).CombinedOutput(); err != nil {
		return fmt.Errorf("copy SYSVOL Policies to %s: %v: %s", j.FQDN(), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// dsaGUIDs maps each DC's host name (lower case) to its NTDS Settings
// objectGUID, read from the configuration partition.
func (d *Domain) dsaGUIDs(ctx context.Context) (map[string]string, error) {
	conn, err := d.DialLDAP(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	res, err := conn.Search(ldap.NewSearchRequest("CN=Sites,CN=Configuration,"+BaseDN, ldap.ScopeWholeSubtree,
		ldap.NeverDerefAliases, 0, 0, false, "(objectClass=nTDSDSA)", []string{"objectGUID"}, nil))
	if err != nil {
		return nil, fmt.Errorf("read NTDS Settings: %w", err)
	}
	out := map[string]string{}
	for _, e := range res.Entries {
		dn, err := ldap.ParseDN(e.DN)
		if err != nil || len(dn.RDNs) < 2 {
			continue
		}
		server := strings.ToLower(dn.RDNs[1].Attributes[0].Value)
		out[server] = guidString(e.GetRawAttributeValue("objectGUID"))
	}
	return out, nil
}

// guidString formats a GUID in its string form ([MS-DTYP] 2.3.4.3): the
// first three fields little-endian.
func guidString(b []byte) string {
	if len(b) != 16 {
		return ""
	}
	return fmt.Sprintf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15])
}

func hostsLines(guids map[string]string, dcs ...*Domain) string {
	var b strings.Builder
	b.WriteString("# Written by ctitui's test fixture (internal/testdomain/join.go).\n127.0.0.1\tlocalhost\n")
	for _, dc := range dcs {
		fmt.Fprintf(&b, "%s\t%s %s", dc.IP, dc.FQDN(), dc.HostName())
		if g := guids[dc.HostName()]; g != "" {
			fmt.Fprintf(&b, " %s._msdcs.%s", g, DNSDomain)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func krb5ConfFor(kdcs ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "[libdefaults]\n\tdefault_realm = %s\n\tdns_lookup_realm = false\n\tdns_lookup_kdc = false\n\trdns = false\n\n[realms]\n\t%s = {\n", Realm, Realm)
	for _, k := range kdcs {
		fmt.Fprintf(&b, "\t\tkdc = %s\n", k)
	}
	fmt.Fprintf(&b, "\t}\n\n[domain_realm]\n\t.%[1]s = %[2]s\n\t%[1]s = %[2]s\n", DNSDomain, Realm)
	return b.String()
}

// useHosts gives a running DC the hosts file: bind-mounted over /etc/hosts
// inside its mount namespace (entered by nsenter through samba's PID), so
// the host's /etc/hosts stays as it is.
func (d *Domain) useHosts(hosts string) error {
	if d.samba == nil || d.samba.Process == nil {
		return fmt.Errorf("%s is not running", d.FQDN())
	}
	d.hostsFile = filepath.Join(d.Dir, "etc", "hosts")
	if err := os.WriteFile(d.hostsFile, []byte(hosts), 0o644); err != nil {
		return fmt.Errorf("write hosts: %w", err)
	}
	out, err := exec.Command("nsenter", "--target", strconv.Itoa(d.samba.Process.Pid), "--mount",
		"mount", "--bind", d.hostsFile, "/etc/hosts").CombinedOutput()
	if err != nil {
		return fmt.Errorf("nsenter mount: %v: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}

// Replicate asks DC "to" to pull the domain partition from DC "from" now,
// with samba-tool drs replicate (the fix an admin runs), and waits for it.
func Replicate(ctx context.Context, to, from *Domain) error {
	cmd := exec.CommandContext(ctx, "samba-tool", "drs", "replicate", to.IP, strings.ToUpper(from.HostName()), BaseDN,
		"-U", AdminUser)
	cmd.Env = append(os.Environ(), "PASSWD_FILE="+to.PasswordFile, "KRB5_CONFIG="+to.KRB5Config)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("samba-tool drs replicate %s %s: %v\n%s", to.FQDN(), from.FQDN(), err, tail(string(out), 10))
	}
	return nil
}

// Freeze stops every process of the DC (SIGSTOP) without closing its
// sockets: the kernel still accepts connections, nothing answers. It is the
// "DC that hangs" of timeout tests; Thaw resumes it.
func (d *Domain) Freeze() error { return d.signalAll(syscall.SIGSTOP) }

// Thaw resumes a frozen DC.
func (d *Domain) Thaw() error { return d.signalAll(syscall.SIGCONT) }

func (d *Domain) signalAll(sig syscall.Signal) error {
	pids := fixtureProcesses(filepath.Join(d.Dir, "etc", "smb.conf"), d.sambaPGID())
	if len(pids) == 0 {
		return fmt.Errorf("%s has no running processes", d.FQDN())
	}
	for _, pid := range pids {
		if err := syscall.Kill(pid, sig); err != nil {
			return fmt.Errorf("signal %d: %w", pid, err)
		}
	}
	return nil
}
