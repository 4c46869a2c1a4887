package si

import (
	"context"
	"fmt"

	"github.com/ctitui/ctitui/domain/secdesc"
)

// MSISecurity reads the security descriptor of a package's MSI file, so a
// caller (the doctor) can evaluate whether a given computer may read it.
func (st *Store) MSISecurity(ctx context.Context, p Package) (*secdesc.SecurityDescriptor, error) {
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
	sd, err := sh.Security(ctx, path.Rel())
	if err != nil {
		return nil, fmt.Errorf("permissions of %s: %w", p.MSIPath, err)
	}
	return sd, nil
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
