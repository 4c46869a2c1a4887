//go:build linux

package testdomain

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/go-ldap/ldap/v3"
)

// BulkOUs makes sure OU=<name> under the domain root holds exactly count
// child OUs ("OU=Branch 00042"), adding what is missing, and returns its
// DN. It is for benchmarks of large containers: Samba serialises writes,
// so 10,000 OUs take a minute or two the first time; the adds go over four
// connections.
func (d *Domain) BulkOUs(ctx context.Context, name string, count int) (string, error) {
	parent := "OU=" + name + "," + BaseDN
	conn, err := d.DialLDAP(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	res, err := conn.SearchWithPaging(ldap.NewSearchRequest(parent, ldap.ScopeSingleLevel, ldap.NeverDerefAliases,
		0, 0, false, "(objectClass=organizationalUnit)", []string{"1.1"}, nil), 1000)
	switch {
	case err == nil && len(res.Entries) == count:
		return parent, nil
	case ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject):
		req := ldap.NewAddRequest(parent, nil)
		req.Attribute("objectClass", []string{"top", "organizationalUnit"})
		if err := conn.Add(req); err != nil {
			return "", fmt.Errorf("add %s: %w", parent, err)
		}
	case err != nil:
		return "", fmt.Errorf("count the OUs under %s: %w", parent, err)
	}
	const workers = 4
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := d.DialLDAP(ctx)
			if err != nil {
				errs[w] = err
				return
			}
			defer c.Close()
			for i := w; i < count; i += workers {
				req := ldap.NewAddRequest(fmt.Sprintf("OU=Branch %05d,%s", i, parent), nil)
				req.Attribute("objectClass", []string{"top", "organizationalUnit"})
				req.Attribute("description", []string{fmt.Sprintf("Branch office number %d", i)})
				if err := c.Add(req); err != nil && !ldap.IsErrorWithCode(err, ldap.LDAPResultEntryAlreadyExists) {
					errs[w] = fmt.Errorf("add OU %d under %s: %w", i, parent, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	return parent, errors.Join(errs...)
}
