package si

import (
	"context"
	"fmt"

	"github.com/ctitui/ctitui/domain/secdesc"
	"github.com/ctitui/ctitui/domain/smb"
)

// MSISecurity reads the security descriptor of a package's MSI file, so a
// caller (the doctor) can evaluate whether a given computer may read it.
func (st *Store) MSISecurity(ctx context.Context, p Package) (*secdesc.SecurityDescriptor, error) {
	var sd *secdesc.SecurityDescriptor
	err := st.onMSIShare(ctx, p, func(_ *smb.Client, sh *smb.Share, path smb.Path) (err error) {
		if sd, err = sh.Security(ctx, path.Rel()); err != nil {
			return fmt.Errorf("permissions of %s: %w", p.MSIPath, err)
		}
		return nil
	})
	return sd, err
}

// MSIShareSecurity reads the share-level permissions of the share a
// package's MSI is on: a client is checked against them at tree connect,
// before the file's own permissions. nil with no error means the share has
// none (everyone may connect).
func (st *Store) MSIShareSecurity(ctx context.Context, p Package) (*secdesc.SecurityDescriptor, error) {
	var sd *secdesc.SecurityDescriptor
	err := st.onMSIShare(ctx, p, func(c *smb.Client, _ *smb.Share, path smb.Path) (err error) {
		sd, err = c.ShareSecurity(ctx, path.Share)
		return err
	})
	return sd, err
}

// onMSIShare connects to the share of a package's MSI for fn.
func (st *Store) onMSIShare(ctx context.Context, p Package, fn func(*smb.Client, *smb.Share, smb.Path) error) error {
	path, err := ParseSourcePath(p.MSIPath, ".msi")
	if err != nil {
		return err
	}
	c, sh, err := st.openShare(ctx, path)
	if err != nil {
		return err
	}
	defer c.Close()
	defer sh.Close()
	return fn(c, sh, path)
}

// Script reads a package's advertise script from this domain's SYSVOL.
func (st *Store) Script(ctx context.Context, p Package) ([]byte, error) {
	rel := st.scriptRel(p.ScriptPath)
	if rel == "" {
		return nil, fmt.Errorf("msiScriptPath %q is not on this domain's SYSVOL", p.ScriptPath)
	}
	sh, err := st.s.SysVol(ctx)
	if err != nil {
		return nil, err
	}
	return sh.ReadFile(ctx, rel)
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
