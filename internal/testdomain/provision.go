//go:build linux

package testdomain

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
)

// provision runs samba-tool domain provision into d.Dir, then replaces the
// generated smb.conf with ours.
func (d *Domain) provision(ctx context.Context) error {
	// Only what Samba does not create itself: it insists on its own modes for
	// the rest (ntp_signd 0750, for one) and refuses to start otherwise.
	for _, sub := range []string{"etc", "cache", "lock", "run", "runsamba", "log", "distrib", "dfsroot"} {
		if err := os.MkdirAll(filepath.Join(d.Dir, sub), 0o755); err != nil {
			return fmt.Errorf("create %s: %w", sub, err)
		}
	}
	d.SmbConf = filepath.Join(d.Dir, "etc", "smb.conf")
	d.DistribDir = filepath.Join(d.Dir, "distrib")
	// Samba stores a DFS link as a symlink whose target is "msdfs:host\share".
	if err := os.Symlink(`msdfs:`+d.IP+`\`+DistribShare, filepath.Join(d.Dir, "dfsroot", DFSLink)); err != nil {
		return fmt.Errorf("create DFS link: %w", err)
	}

	args := []string{"domain", "provision",
		"--realm=" + Realm, "--domain=" + NetBIOS, "--server-role=dc",
		"--dns-backend=NONE", "--host-name=" + DCHost, "--host-ip=" + d.IP,
		"--use-rfc2307", "--targetdir=" + d.Dir,
		"--option=interfaces=" + d.IP,
		"--option=bind interfaces only=yes",
	}
	for _, o := range d.pathOptions() {
		args = append(args, "--option="+o[0]+"="+o[1])
	}
	cmd := exec.CommandContext(ctx, "samba-tool", args...)
	// No --adminpass: it would put the password in argv. Provision makes up a
	// password, and setAdminPassword replaces it with ours through stdin.
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.Env = append(os.Environ(), "TMPDIR="+d.Dir)
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("samba-tool domain provision: %w\n%s", err, tail(out.String(), 20))
	}
	if err := os.WriteFile(filepath.Join(d.Dir, "provision.log"), out.Bytes(), 0o600); err != nil {
		return fmt.Errorf("write provision log: %w", err)
	}
	if err := os.WriteFile(d.SmbConf, []byte(d.smbConf()), 0o644); err != nil {
		return fmt.Errorf("write smb.conf: %w", err)
	}
	if err := d.setAdminPassword(ctx); err != nil {
		return err
	}
	d.KRB5Config = filepath.Join(d.Dir, "etc", "krb5.conf")
	if err := os.WriteFile(d.KRB5Config, []byte(d.krb5Conf()), 0o644); err != nil {
		return fmt.Errorf("write krb5.conf: %w", err)
	}
	return nil
}

// setAdminPassword sets the fixture's random password offline (samba not yet
// running), feeding it on stdin so it never appears in a process list.
func (d *Domain) setAdminPassword(ctx context.Context) error {
	cmd := exec.CommandContext(ctx, "samba-tool", "user", "setpassword", AdminUser,
		"-s", d.SmbConf, "-H", filepath.Join(d.Dir, "private", "sam.ldb"))
	cmd.Stdin = strings.NewReader(d.password + "\n" + d.password + "\n")
	// Python's getpass prefers /dev/tty; a new session has no controlling
	// terminal, so it reads stdin instead (also when run from a terminal).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("set Administrator password: %w\n%s", err, tail(string(out), 10))
	}
	return nil
}

// pathOptions keeps every file Samba writes inside the fixture directory, so
// two fixtures never share a pid file, lock, socket or database.
func (d *Domain) pathOptions() [][2]string {
	p := func(s string) string { return filepath.Join(d.Dir, s) }
	return [][2]string{
		{"private dir", p("private")},
		{"state directory", p("state")},
		{"cache directory", p("cache")},
		{"lock directory", p("lock")},
		{"pid directory", p("run")},
		{"ncalrpc dir", p("ncalrpc")},
		{"ntp signd socket directory", p("ntp_signd")},
		{"binddns dir", p("bind-dns")},
		// libwbclient (used by smbd to map SIDs) ignores this option and always
		// connects to the compiled-in /run/samba/winbindd, so samba runs in its
		// own mount namespace with a private /run/samba (see boot). Naming the
		// default here keeps winbindd and its clients in agreement.
		{"winbindd socket directory", "/run/samba/winbindd"},
		{"log file", p("log") + "/log.%m"},
	}
}

func (d *Domain) smbConf() string {
	var b strings.Builder
	w := func(k, v string) { fmt.Fprintf(&b, "\t%s = %s\n", k, v) }
	b.WriteString("# Written by ctitui's test fixture (internal/testdomain).\n[global]\n")
	w("netbios name", strings.ToUpper(d.HostName()))
	w("realm", Realm)
	w("workgroup", NetBIOS)
	w("server role", "active directory domain controller")
	// No internal DNS: it would want port 53 and is not needed; tests use the
	// DC's address directly.
	w("server services", "-dns")
	w("dns update command", "/bin/true")
	w("interfaces", d.IP)
	w("bind interfaces only", "yes")
	for _, o := range d.pathOptions() {
		w(o[0], o[1])
	}
	w("logging", "file")
	w("max log size", "10000")
	w("idmap_ldb:use rfc2307", "yes")
	w("tls enabled", "yes")
	w("tls keyfile", filepath.Join(d.Dir, "tls", "server.key"))
	w("tls certfile", filepath.Join(d.Dir, "tls", "server.pem"))
	w("tls cafile", filepath.Join(d.Dir, "tls", "ca.pem"))
	// Fewer worker processes: the test DC serves one client at a time.
	w("prefork children", "2")
	w("load printers", "no")
	w("printing", "bsd")
	w("printcap name", "/dev/null")
	w("disable spoolss", "yes")
	for _, o := range d.extraGlobals {
		w(o[0], o[1])
	}
	share := func(name, path string) {
		fmt.Fprintf(&b, "\n[%s]\n", name)
		w("path", path)
		w("read only", "no")
	}
	share("sysvol", filepath.Join(d.Dir, "state", "sysvol"))
	share("netlogon", filepath.Join(d.Dir, "state", "sysvol", DNSDomain, "scripts"))
	share(DistribShare, d.DistribDir)
	// A DFS namespace root whose link points at the Distrib share, for
	// \\server\DFSRoot\Apps\... paths ("DFS or an SMB share", the guide says).
	share(DFSRootShare, filepath.Join(d.Dir, "dfsroot"))
	w("msdfs root", "yes")
	return b.String()
}

func (d *Domain) krb5Conf() string {
	return fmt.Sprintf(`[libdefaults]
	default_realm = %[1]s
	dns_lookup_realm = false
	dns_lookup_kdc = false
	rdns = false

[realms]
	%[1]s = {
		kdc = %[2]s
		admin_server = %[2]s
	}

[domain_realm]
	.%[3]s = %[1]s
	%[3]s = %[1]s
`, Realm, d.IP, DNSDomain)
}

// boot starts samba in the foreground, in its own process group and its own
// mount namespace (for a private /run/samba), and waits until it is ready.
func (d *Domain) boot(ctx context.Context) error {
	logFile, err := os.Create(filepath.Join(d.Dir, "log", "samba.stdout"))
	if err != nil {
		return fmt.Errorf("create samba log: %w", err)
	}
	defer logFile.Close()
	// unshare execs sh, which execs samba: the PID we start is samba's.
	// A joined DC also gets a private /etc/hosts ($3, see join.go).
	script := `mount --bind "$1" /run/samba && { [ -z "$3" ] || mount --bind "$3" /etc/hosts; } && exec samba -s "$2" --foreground --no-process-group`
	cmd := exec.Command("unshare", "--mount", "--propagation", "private",
		"sh", "-c", script, "sh", filepath.Join(d.Dir, "runsamba"), d.SmbConf, d.hostsFile)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if d.krb5Env != "" {
		cmd.Env = append(os.Environ(), "KRB5_CONFIG="+d.krb5Env)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := os.MkdirAll("/run/samba", 0o755); err != nil {
		return fmt.Errorf("create /run/samba mount point: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start samba: %w", err)
	}
	d.samba = cmd
	d.exited = make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(d.exited)
	}()
	if err := os.WriteFile(filepath.Join(d.Dir, sambaPIDFile), []byte(fmt.Sprint(cmd.Process.Pid)), 0o644); err != nil {
		return fmt.Errorf("record samba pid: %w", err)
	}
	return d.waitReady(ctx)
}

// tail returns the last n lines of s, for error messages.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
