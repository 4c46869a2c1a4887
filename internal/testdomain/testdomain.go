//go:build linux

// Package testdomain runs a throwaway Samba Active Directory domain controller
// for integration tests and demos: provisioned in a temporary directory, on its
// own loopback address, with its own CA-signed TLS certificate and a seeded,
// realistic directory. Every test package that talks to a domain starts one
// from TestMain (see Run).
//
// The fixture deliberately uses go-ldap and Samba's own tools directly, not
// ctitui's domain package: it is an independent party that the product is
// checked against.
package testdomain

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Names of the test domain. They are fixed so tests read naturally; fixtures
// never collide because each has its own address and directories.
const (
	Realm        = "CTI.TEST"
	DNSDomain    = "cti.test"
	NetBIOS      = "CTITEST"
	DCHost       = "dc1"
	DCFQDN       = "dc1.cti.test"
	BaseDN       = "DC=cti,DC=test"
	AdminUser    = "Administrator"
	AdminUPN     = "Administrator@cti.test"
	DistribShare = "Distrib"
	// DFSRootShare is a DFS namespace root; its link DFSLink refers to
	// \\<dc address>\Distrib.
	DFSRootShare = "DFSRoot"
	DFSLink      = "Apps"
)

// Domain is a running test domain controller.
type Domain struct {
	// Dir holds everything of this fixture: config, databases, SYSVOL, the
	// distribution share, logs, TLS material.
	Dir string
	// IP is the loopback address the DC listens on (127.0.0.N).
	IP string
	// CAFile is the PEM certificate of the CA that signed the DC's certificate.
	CAFile string
	// PasswordFile holds the Administrator password (mode 0600).
	PasswordFile string
	// AuthFile is an smbclient/smbcacls credentials file (-A) (mode 0600).
	AuthFile string
	// KRB5Config is a krb5.conf pointing at this DC's KDC.
	KRB5Config string
	// SmbConf is the DC's smb.conf.
	SmbConf string
	// DistribDir is the directory behind the \\dc\Distrib share.
	DistribDir string
	// Timings records how long each phase of Start took.
	Timings Timings

	password     string
	extraGlobals [][2]string
	// host is the DC's short name; empty means DCHost (the first DC).
	// A DC added by JoinDC has its own (join.go).
	host string
	// hostsFile, when set, is bind-mounted over /etc/hosts in samba's
	// mount namespace, and krb5Env names the krb5.conf samba itself
	// uses: how DCs find each other without DNS (join.go).
	hostsFile string
	krb5Env   string
	// readyWait, when set, replaces readyTimeout (join.go).
	readyWait time.Duration
	samba     *exec.Cmd
	exited    chan struct{}
	stopped   bool
	// stopMu serializes Stop and abort (a test may stop a DC while the
	// timeout guard tears everything down).
	stopMu sync.Mutex
}

// Timings of Start, for the closing notes and for noticing regressions.
type Timings struct {
	Provision time.Duration
	Boot      time.Duration // process start until every service is ready
	Seed      time.Duration
	Total     time.Duration
}

func (t Timings) String() string {
	return fmt.Sprintf("provision %.1fs, boot %.1fs, seed %.1fs, total %.1fs",
		t.Provision.Seconds(), t.Boot.Seconds(), t.Seed.Seconds(), t.Total.Seconds())
}

// HostName is the DC's short name (dc1 for the first DC).
func (d *Domain) HostName() string {
	if d.host == "" {
		return DCHost
	}
	return d.host
}

// FQDN is the DC's DNS name, e.g. dc1.cti.test.
func (d *Domain) FQDN() string { return d.HostName() + "." + DNSDomain }

// Password returns the Administrator password. It is random per fixture;
// never print it.
func (d *Domain) Password() string { return d.password }

// LDAPSAddr is host:port of LDAPS.
func (d *Domain) LDAPSAddr() string { return net.JoinHostPort(d.IP, "636") }

// Options tune Start.
type Options struct {
	// Seed fills the directory with the standard test data (default true via Start).
	NoSeed bool
	// Log receives progress lines (may be nil).
	Log func(format string, args ...any)
	// ExtraGlobals are smb.conf [global] options for a DC that must differ
	// from the default one (e.g. "ldap server require strong auth").
	ExtraGlobals [][2]string
}

// Start provisions, boots and seeds a domain controller. On failure nothing of
// it is left behind.
func Start(ctx context.Context, opts Options) (d *Domain, err error) {
	logf := opts.Log
	if logf == nil {
		logf = func(string, ...any) {}
	}
	if err := CheckPrerequisites(); err != nil {
		return nil, err
	}
	cleanupStale(logf)

	begin := time.Now()
	dir, err := os.MkdirTemp("", dirPrefix)
	if err != nil {
		return nil, fmt.Errorf("create fixture dir: %w", err)
	}
	d = &Domain{Dir: dir, extraGlobals: opts.ExtraGlobals}
	defer func() {
		if err != nil {
			if stopErr := d.Stop(); stopErr != nil {
				logf("testdomain: cleanup after failed start: %v", stopErr)
			}
			d = nil
		}
	}()
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		return nil, fmt.Errorf("record fixture owner: %w", err)
	}
	if d.IP, err = claimLoopbackAddress(dir); err != nil {
		return nil, err
	}
	if d.password, err = randomPassword(); err != nil {
		return nil, err
	}
	if err := d.writeSecrets(); err != nil {
		return nil, err
	}
	if err := d.makeTLS(ctx); err != nil {
		return nil, err
	}

	t0 := time.Now()
	if err := d.provision(ctx); err != nil {
		return nil, err
	}
	d.Timings.Provision = time.Since(t0)
	logf("testdomain: provisioned %s on %s in %.1fs", DNSDomain, d.IP, d.Timings.Provision.Seconds())

	t0 = time.Now()
	if err := d.boot(ctx); err != nil {
		return nil, err
	}
	d.Timings.Boot = time.Since(t0)
	logf("testdomain: DC ready in %.1fs", d.Timings.Boot.Seconds())

	if !opts.NoSeed {
		t0 = time.Now()
		if err := d.seed(ctx); err != nil {
			return nil, fmt.Errorf("seed test directory: %w", err)
		}
		d.Timings.Seed = time.Since(t0)
	}
	d.Timings.Total = time.Since(begin)
	logf("testdomain: %s", d.Timings)
	return d, nil
}

func (d *Domain) writeSecrets() error {
	d.PasswordFile = filepath.Join(d.Dir, "admin.password")
	if err := os.WriteFile(d.PasswordFile, []byte(d.password), 0o600); err != nil {
		return fmt.Errorf("write password file: %w", err)
	}
	d.AuthFile = filepath.Join(d.Dir, "admin.auth")
	auth := fmt.Sprintf("username = %s\npassword = %s\ndomain = %s\n", AdminUser, d.password, NetBIOS)
	if err := os.WriteFile(d.AuthFile, []byte(auth), 0o600); err != nil {
		return fmt.Errorf("write auth file: %w", err)
	}
	return nil
}

// randomPassword meets AD's complexity rules (upper, lower, digit, symbol).
func randomPassword() (string, error) {
	b := make([]byte, 15)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random password: %w", err)
	}
	return "Ct1!" + strings.ToLower(base32.StdEncoding.EncodeToString(b)), nil
}

// Stop ends every process of the fixture, removes its loopback address and
// deletes its directory. It is safe to call more than once.
func (d *Domain) Stop() error {
	if d == nil {
		return nil
	}
	d.stopMu.Lock()
	defer d.stopMu.Unlock()
	if d.stopped {
		return nil
	}
	d.stopped = true
	var errs []error
	if err := d.stopSamba(); err != nil {
		errs = append(errs, err)
	}
	if d.IP != "" {
		if err := releaseLoopbackAddress(d.IP); err != nil {
			errs = append(errs, err)
		}
	}
	if d.Dir != "" {
		if err := os.RemoveAll(d.Dir); err != nil {
			errs = append(errs, fmt.Errorf("remove fixture dir: %w", err))
		}
	}
	return errors.Join(errs...)
}

// stopSamba terminates the process group started for samba, then kills
// anything of this fixture that is left (matched by its config path).
func (d *Domain) stopSamba() error {
	if d.samba != nil && d.samba.Process != nil {
		pgid := d.samba.Process.Pid
		_ = syscall.Kill(-pgid, syscall.SIGTERM)
		select {
		case <-d.exited:
		case <-time.After(10 * time.Second):
		}
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-d.exited
	}
	if d.Dir == "" {
		return nil
	}
	smbConf := filepath.Join(d.Dir, "etc", "smb.conf")
	if err := killByConfig(smbConf, d.sambaPGID()); err != nil {
		return err
	}
	// Whatever program it is: a process that still names the fixture's
	// config is one teardown does not know how to end (a new Samba helper).
	if left := processesNaming(smbConf); len(left) > 0 {
		return fmt.Errorf("processes still running with %s after teardown: %s", smbConf, strings.Join(left, ", "))
	}
	return nil
}

func (d *Domain) sambaPGID() int {
	if d.samba != nil && d.samba.Process != nil {
		return d.samba.Process.Pid
	}
	return 0
}

// CtituiEnv is the environment that points ctitui at this domain. The
// password stays in a file; only its path is passed.
func (d *Domain) CtituiEnv() []string {
	return []string{
		"CTITUI_DOMAIN=" + DNSDomain,
		"CTITUI_DC=" + d.IP,
		"CTITUI_USER=" + AdminUPN,
		"CTITUI_CA_FILE=" + d.CAFile,
		"CTITUI_PASSWORD_FILE=" + d.PasswordFile,
		"KRB5_CONFIG=" + d.KRB5Config,
	}
}
