package si

import (
	"context"

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
