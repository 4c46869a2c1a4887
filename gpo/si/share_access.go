package si

import (
	"context"
	"fmt"

	"github.com/ctitui/ctitui/domain/secdesc"
)

// MSIShareSecurity reads the share-level permissions of the share a
// package's MSI is on: a client is checked against them at tree connect,
// before the file's own permissions. nil with no error means the share has
// none (everyone may connect).
func (st *Store) MSIShareSecurity(ctx context.Context, p Package) (*secdesc.SecurityDescriptor, error) {
	path, err := ParseSourcePath(p.MSIPath, ".msi")
	if err != nil {
		return nil, err
	}
	c, sh, err := st.openShare(ctx, path)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	defer sh.Close()
	return c.ShareSecurity(ctx, path.Share)
}

// ScriptSecurity reads the permissions of a package's advertise script on
// this domain's SYSVOL: the client reads the script with its own token, and
// a script it may not read fails the install.
func (st *Store) ScriptSecurity(ctx context.Context, p Package) (*secdesc.SecurityDescriptor, error) {
	rel := st.scriptRel(p.ScriptPath)
	if rel == "" {
		return nil, fmt.Errorf("msiScriptPath %q is not on this domain's SYSVOL", p.ScriptPath)
	}
	sh, err := st.s.SysVol(ctx)
	if err != nil {
		return nil, err
	}
	sd, err := sh.Security(ctx, rel)
	if err != nil {
		return nil, fmt.Errorf("permissions of %s: %w", p.ScriptPath, err)
	}
	return sd, nil
}
