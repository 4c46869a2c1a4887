//go:build linux

package testdomain

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	dirPrefix    = "ctitui-testdomain-"
	ownerFile    = "owner.pid"
	sambaPIDFile = "samba.pid"
	ipFile       = "ip"
)

// claimLoopbackAddress adds a free 127.0.0.N/8 to lo. "ip addr add" fails
// when the address exists, so the add itself is the atomic claim between
// concurrent fixtures.
func claimLoopbackAddress(dir string) (string, error) {
	const lo, hi = 100, 250
	start := lo + rand.IntN(hi-lo)
	for i := 0; i < hi-lo; i++ {
		ip := fmt.Sprintf("127.0.0.%d", lo+(start-lo+i)%(hi-lo))
		out, err := exec.Command("ip", "-4", "addr", "add", ip+"/8", "dev", "lo").CombinedOutput()
		if err == nil {
			if werr := os.WriteFile(filepath.Join(dir, ipFile), []byte(ip), 0o644); werr != nil {
				_ = releaseLoopbackAddress(ip)
				return "", fmt.Errorf("record address: %w", werr)
			}
			return ip, nil
		}
		// iproute2 says "File exists" or, in newer releases, "Address
		// already assigned": either way another fixture has it.
		if !strings.Contains(string(out), "File exists") && !strings.Contains(string(out), "already assigned") {
			return "", fmt.Errorf("add %s to lo: %v: %s", ip, err, strings.TrimSpace(string(out)))
		}
	}
	return "", errors.New("no free loopback address in 127.0.0.100-249")
}

func releaseLoopbackAddress(ip string) error {
	out, err := exec.Command("ip", "-4", "addr", "del", ip+"/8", "dev", "lo").CombinedOutput()
	if err != nil && !strings.Contains(string(out), "Cannot assign") {
		return fmt.Errorf("remove %s from lo: %v: %s", ip, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// killByConfig kills every process of process group pgid (if non-zero) and
// every process whose command line names the fixture's smb.conf, then waits
// until they are gone.
func killByConfig(smbConf string, pgid int) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		pids := fixtureProcesses(smbConf, pgid)
		if len(pids) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("samba processes %v of %s would not die", pids, smbConf)
		}
		for _, pid := range pids {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// fixtureProcesses finds the fixture's processes: the samba process group,
// anything naming its smb.conf (smbd and winbindd start their own sessions),
// and the groups those lead (their children retitle themselves, e.g.
// "winbindd: domain child").
func fixtureProcesses(smbConf string, pgid int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	type proc struct{ pid, pgid int }
	var all []proc
	leaders := map[int]bool{}
	if pgid > 0 {
		leaders[pgid] = true
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() || !isAlive(pid) {
			continue
		}
		g, err := syscall.Getpgid(pid)
		if err != nil {
			continue
		}
		all = append(all, proc{pid, g})
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && strings.Contains(string(cmdline), smbConf) {
			leaders[g] = true
		}
	}
	// A child whose group leader is gone and that retitled itself (an
	// orphaned "winbindd: domain child" after an interrupted teardown)
	// names neither: it still holds files of the fixture's directory open.
	dir := filepath.Dir(filepath.Dir(smbConf)) // <dir>/etc/smb.conf
	var pids []int
	for _, p := range all {
		if isSambaBinary(p.pid) && (leaders[p.pgid] || holdsFileUnder(p.pid, dir)) {
			pids = append(pids, p.pid)
		}
	}
	return pids
}

// holdsFileUnder says whether process pid has a file under dir open (a
// deleted one too: its link ends in " (deleted)").
func holdsFileUnder(pid int, dir string) bool {
	fdDir := fmt.Sprintf("/proc/%d/fd", pid)
	fds, err := os.ReadDir(fdDir)
	if err != nil {
		return false
	}
	for _, fd := range fds {
		if l, err := os.Readlink(filepath.Join(fdDir, fd.Name())); err == nil && strings.HasPrefix(l, dir+"/") {
			return true
		}
	}
	return false
}

// isSambaBinary guards against a recycled process group ID: only Samba's
// own programs (and the python helpers it spawns) are ever killed.
func isSambaBinary(pid int) bool {
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
	if err != nil {
		return false
	}
	return isSambaProgram(filepath.Base(exe))
}

// isSambaProgram says whether a program name (an executable's base name,
// or a process's comm) is one a fixture runs. Besides samba and the smbd
// and winbindd it starts, smbd starts samba-dcerpcd on demand (the first
// named-pipe RPC, e.g. srvsvc or winreg), in a session of its own, and
// samba-dcerpcd its rpcd_* workers: all of them name the fixture's smb.conf
// on their command lines, so killByConfig finds them like the others.
func isSambaProgram(name string) bool {
	switch name {
	case "samba", "smbd", "nmbd", "winbindd", "samba-dcerpcd":
		return true
	}
	return strings.HasPrefix(name, "rpcd_") || strings.HasPrefix(name, "python3")
}

// processesNaming lists "pid comm" of every live process whose command line
// contains s.
func processesNaming(s string) []string {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var found []string
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || !isAlive(pid) {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !strings.Contains(string(cmdline), s) {
			continue
		}
		comm, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "comm"))
		found = append(found, fmt.Sprintf("%d %s", pid, strings.TrimSpace(string(comm))))
	}
	return found
}

// isAlive is false for zombies, which are gone for our purposes.
func isAlive(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && s[i+2] != 'Z'
}

// cleanupStale removes fixtures whose owning process died without Stop
// (a test binary killed by a timeout, say): their samba, address and dir.
func cleanupStale(logf func(string, ...any)) {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), dirPrefix+"*"))
	for _, dir := range dirs {
		owner, err := readInt(filepath.Join(dir, ownerFile))
		if err == nil && isAlive(owner) {
			continue
		}
		pgid, _ := readInt(filepath.Join(dir, sambaPIDFile))
		if err := killByConfig(filepath.Join(dir, "etc", "smb.conf"), pgid); err != nil {
			logf("testdomain: stale fixture %s: %v", dir, err)
			continue
		}
		if ip, err := os.ReadFile(filepath.Join(dir, ipFile)); err == nil {
			_ = releaseLoopbackAddress(strings.TrimSpace(string(ip)))
		}
		_ = os.RemoveAll(dir)
		logf("testdomain: removed stale fixture %s", dir)
	}
}

func readInt(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(b)))
}
