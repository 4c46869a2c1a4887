package smb

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Target is the share a UNC path leads to after following DFS links, with
// an open session.
type Target struct {
	Client *Client
	Share  *Share
	// Path is where the UNC path really is: equal to the path asked for
	// unless DFS links were followed.
	Path Path
	// Via lists the DFS links followed, outermost first.
	Via []string
}

// Close disconnects from the share and the server.
func (t *Target) Close() error {
	return errors.Join(t.Share.Close(), t.Client.Close())
}

// Connect opens the share p is on, following DFS links ("DFS or an SMB
// share", the guide says) to the share they refer to. A path that is in a
// DFS namespace but cannot be followed is an error wrapping
// ErrDFSUnresolved that asks for the target share: writing into the
// namespace root instead would put the package where no client looks.
func Connect(ctx context.Context, p Path, opts Options) (*Target, error) {
	var via []string
	for hop := 0; ; hop++ {
		c, err := Dial(ctx, p.Server, opts)
		if err != nil {
			return nil, err
		}
		links, err := c.DFSLinks(ctx)
		if err != nil {
			c.Close()
			return nil, fmt.Errorf("%s: cannot tell whether it is a DFS path (%w); give the target share (\\\\fileserver\\share\\folder) instead: %w", p, err, ErrDFSUnresolved)
		}
		next, link, inDFS, err := resolveOn(p, links)
		if err != nil {
			c.Close()
			return nil, err
		}
		if !inDFS {
			s, err := c.Mount(ctx, p.Share)
			if err != nil {
				c.Close()
				return nil, err
			}
			return &Target{Client: c, Share: s, Path: p, Via: via}, nil
		}
		c.Close()
		via = append(via, link)
		if hop+1 >= maxDFSHops {
			return nil, fmt.Errorf("%s: more than %d DFS links in a row (%s); give the target share instead: %w", p, maxDFSHops, strings.Join(via, " -> "), ErrDFSUnresolved)
		}
		if !strings.EqualFold(next.Server, p.Server) {
			// The SPN names the first server; another server has its own.
			opts.Auth.SPN = ""
		}
		p = next
	}
}
