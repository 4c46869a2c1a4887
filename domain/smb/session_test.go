//go:build linux

package smb

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ctitui/ctitui/internal/testdomain"
)

func TestNTLMSessionListsShares(t *testing.T) {
	d := testdomain.Require(t, dom)
	c := dialNTLM(t, d)
	shares, err := c.ListShares(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]ShareInfo{}
	for _, s := range shares {
		byName[strings.ToLower(s.Name)] = s
	}
	for _, want := range []string{testdomain.DistribShare, "sysvol", "netlogon", testdomain.DFSRootShare} {
		if s, ok := byName[strings.ToLower(want)]; !ok || s.Type != "disk" || s.Special {
			t.Errorf("share %s: got %+v (present %v) in %v", want, s, ok, shares)
		}
	}
	if ipc, ok := byName["ipc$"]; !ok || ipc.Type != "ipc" || !ipc.Special {
		t.Errorf("IPC$: got %+v (present %v)", ipc, ok)
	}
}

func TestKerberosSession(t *testing.T) {
	d := testdomain.Require(t, dom)
	ctx := testCtx(t)
	c, err := Dial(ctx, d.IP, Options{Auth: Auth{Kerberos: kerberosClient(t, d), SPN: "cifs/" + testdomain.DCFQDN}})
	if err != nil {
		t.Fatalf("Kerberos session: %v", err)
	}
	defer c.Close()
	s := mount(t, c, testdomain.DistribShare)
	dir := testFolder(t, "krb")
	if err := s.MkdirAll(ctx, dir); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteFile(ctx, dir+`\hello.txt`, []byte("over kerberos")); err != nil {
		t.Fatal(err)
	}
	got, err := s.ReadFile(ctx, dir+`\hello.txt`)
	if err != nil || string(got) != "over kerberos" {
		t.Fatalf("read back: %q, %v", got, err)
	}
}

func TestKerberosNeedsAName(t *testing.T) {
	d := testdomain.Require(t, dom)
	_, err := Dial(testCtx(t), d.IP, Options{Auth: Auth{Kerberos: kerberosClient(t, d)}})
	if err == nil || !strings.Contains(err.Error(), "SPN") {
		t.Fatalf("Kerberos to a bare address without SPN: %v, want an error asking for the SPN", err)
	}
}

func TestWrongPasswordIsNamed(t *testing.T) {
	d := testdomain.Require(t, dom)
	a := ntlmAuth(t, d)
	a.Password += "x"
	_, err := Dial(testCtx(t), d.IP, Options{Auth: a})
	if err == nil || !strings.Contains(err.Error(), "wrong user name or password") {
		t.Fatalf("wrong password: %v", err)
	}
	if strings.Contains(err.Error(), a.Password) {
		t.Fatal("the error text holds the password")
	}
}

func TestUnknownShareIsNamed(t *testing.T) {
	d := testdomain.Require(t, dom)
	c := dialNTLM(t, d)
	_, err := c.Mount(context.Background(), "NoSuchShare")
	if !errors.Is(err, ErrNoSuchShare) || !strings.Contains(err.Error(), "no such share") {
		t.Fatalf("mount of a missing share: %v", err)
	}
}

func TestUnreachableServerIsBounded(t *testing.T) {
	// Port 9 (discard) on the fixture's address has no listener: refused at once.
	d := testdomain.Require(t, dom)
	_, err := Dial(testCtx(t), d.IP, Options{Auth: ntlmAuth(t, d), Port: "9"})
	if err == nil || !strings.Contains(err.Error(), "reachable") {
		t.Fatalf("dial to a closed port: %v", err)
	}
}
