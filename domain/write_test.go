//go:build linux

package domain

import (
	"context"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"

	"github.com/ctitui/ctitui/internal/testdomain"
)

func TestWritePrimitives(t *testing.T) {
	c, _ := dialAdmin(t)
	ctx := context.Background()
	dn := "OU=Write test," + testdomain.OUDN("Archive")
	add := ldap.NewAddRequest(dn, nil)
	add.Attribute("objectClass", []string{"top", "organizationalUnit"})
	add.Attribute("description", []string{"v1"})
	if err := c.Add(ctx, add); err != nil {
		t.Fatal(err)
	}
	if err := c.Add(ctx, add); !IsAlreadyExists(err) {
		t.Fatalf("second add: %v, want already exists", err)
	}
	child := ldap.NewAddRequest("OU=Child,"+dn, nil)
	child.Attribute("objectClass", []string{"top", "organizationalUnit"})
	if err := c.Add(ctx, child); err != nil {
		t.Fatal(err)
	}

	// Optimistic update: delete v1, add v2 succeeds once; the same again
	// conflicts because v1 is gone.
	mod := ldap.NewModifyRequest(dn, nil)
	mod.Delete("description", []string{"v1"})
	mod.Add("description", []string{"v2"})
	if err := c.Modify(ctx, mod); err != nil {
		t.Fatal(err)
	}
	if err := c.Modify(ctx, mod); !IsConflict(err) {
		t.Fatalf("stale optimistic modify: %v, want a conflict", err)
	}
	e, err := c.Read(ctx, dn, []string{"description"})
	if err != nil || e.GetAttributeValue("description") != "v2" {
		t.Fatalf("read back: %v %v", e, err)
	}

	if err := c.Delete(ctx, dn); err == nil {
		t.Fatal("plain delete of an OU with a child succeeded")
	}
	if err := c.DeleteTree(ctx, dn); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Read(ctx, dn, nil); !IsNoSuchObject(err) || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("read after tree delete: %v", err)
	}
}
