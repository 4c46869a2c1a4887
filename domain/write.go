package domain

import (
	"context"
	"fmt"

	"github.com/go-ldap/ldap/v3"
)

// Add creates an object. The error names the DN and, for LDAP 50, the right
// that is missing.
func (c *Conn) Add(ctx context.Context, req *ldap.AddRequest) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := c.ldap.Add(req); err != nil {
		return fmt.Errorf("add %q: %w", req.DN, explainRights(err, "Create child objects"))
	}
	return nil
}

// Modify changes attributes of an object. A modify that deletes an old value
// and adds a new one fails with noSuchAttribute when someone else changed the
// value first, which is how callers make optimistic updates.
func (c *Conn) Modify(ctx context.Context, req *ldap.ModifyRequest) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := c.ldap.Modify(req); err != nil {
		return fmt.Errorf("modify %q: %w", req.DN, explainRights(err, "Write property"))
	}
	return nil
}

// Delete removes one object (it must have no children).
func (c *Conn) Delete(ctx context.Context, dn string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := c.ldap.Del(ldap.NewDelRequest(dn, nil)); err != nil {
		return fmt.Errorf("delete %q: %w", dn, explainRights(err, "Delete"))
	}
	return nil
}

// DeleteTree removes an object and everything under it in one request (the
// tree delete control, [MS-ADTS] 3.1.1.3.4.1.15).
func (c *Conn) DeleteTree(ctx context.Context, dn string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := c.ldap.Del(ldap.NewDelRequest(dn, []ldap.Control{ldap.NewControlSubtreeDelete()})); err != nil {
		return fmt.Errorf("delete %q and its children: %w", dn, explainRights(err, "Delete subtree"))
	}
	return nil
}

// Read returns one object's attributes, or an error naming the DN when it
// does not exist.
func (c *Conn) Read(ctx context.Context, dn string, attrs []string) (*ldap.Entry, error) {
	res, err := c.search(ctx, ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", attrs, nil))
	if err != nil {
		if ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
			return nil, fmt.Errorf("%q does not exist: %w", dn, err)
		}
		return nil, fmt.Errorf("read %q: %w", dn, err)
	}
	if len(res.Entries) != 1 {
		return nil, fmt.Errorf("read %q: got %d entries", dn, len(res.Entries))
	}
	return res.Entries[0], nil
}

// IsNoSuchObject reports whether err says the object does not exist.
func IsNoSuchObject(err error) bool { return ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) }

// IsAlreadyExists reports whether err says the object already exists.
func IsAlreadyExists(err error) bool {
	return ldap.IsErrorWithCode(err, ldap.LDAPResultEntryAlreadyExists)
}

// IsConflict reports whether an optimistic modify lost a race: the value it
// meant to delete was no longer there.
func IsConflict(err error) bool { return ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchAttribute) }
