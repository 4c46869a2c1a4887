package smb

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
)

// netdfsInterface is the DFS namespace management interface
// 4fc742e0-4a10-11cf-8273-00aa004ae673, version 3.0 ([MS-DFSNM] 1.9), in
// wire order, on the pipe \PIPE\netdfs ([MS-DFSNM] 2.1).
var netdfsInterface = [20]byte{0xe0, 0x42, 0xc7, 0x4f, 0x10, 0x4a, 0xcf, 0x11, 0x82, 0x73, 0x00, 0xaa, 0x00, 0x4a, 0xe6, 0x73, 3, 0, 0, 0}

// opNetrDfsEnum is NetrDfsEnum's opnum ([MS-DFSNM] 3.1.4.1.5).
const opNetrDfsEnum = 5

// dfsStorageOnline is DFS_STORAGE_STATE_ONLINE ([MS-DFSNM] 2.2.2.5).
const dfsStorageOnline = 0x2

// maxDFSHops bounds links that lead to other namespaces.
const maxDFSHops = 4

// ErrDFSUnresolved means a path is in a DFS namespace but cannot be
// followed to a share; nothing is written then.
var ErrDFSUnresolved = errors.New("the DFS path cannot be resolved to a share")

// DFSLink is a DFS root or link with the shares it refers to.
type DFSLink struct {
	// Path is the entry path as the server names it, \\server\root[\link].
	Path    string
	Targets []DFSTarget
}

// DFSTarget is one share a DFS link refers to.
type DFSTarget struct {
	Server string
	// Share is the share name, possibly followed by a folder path.
	Share  string
	Online bool
}

// DFSLinks lists the DFS roots and links the server hosts.
//
// ctitui follows DFS with the management interface (NetrDfsEnum level 3,
// [MS-DFSNM] 3.1.4.1.5) over \PIPE\netdfs rather than with referrals
// (FSCTL_DFS_GET_REFERRALS, [MS-DFSC] 2.2.2): go-smb2 has no public way to
// send an FSCTL, while named pipes are plain files to it. Both answer the
// same question, which share a link leads to. A server without the DFS
// service has no such pipe; DFSLinks then returns no links and no error.
func (c *Client) DFSLinks(ctx context.Context) ([]DFSLink, error) {
	stub, err := c.rpc(ctx, "netdfs", netdfsInterface, opNetrDfsEnum, netrDfsEnumRequest())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("DFS namespaces of %s: NetrDfsEnum: %w", c.server, err)
	}
	links, status, err := parseNetrDfsEnum(stub)
	if err != nil {
		return nil, fmt.Errorf("DFS namespaces of %s: NetrDfsEnum answer: %w", c.server, err)
	}
	// ERROR_NO_MORE_ITEMS (259) is the answer of a server with no roots.
	if status != 0 && status != 259 {
		return nil, fmt.Errorf("DFS namespaces of %s: NetrDfsEnum returned error %d", c.server, status)
	}
	return links, nil
}

// netrDfsEnumRequest asks for every entry at level 3 (DFS_INFO_3: path,
// state and storages), with no size limit and no resume handle.
func netrDfsEnumRequest() []byte {
	w := &ndrWriter{}
	w.u32(3)          // Level
	w.u32(0xFFFFFFFF) // PrefMaxLen: everything
	w.ptr()           // DfsEnum
	w.u32(3)          //   DFS_INFO_ENUM_STRUCT.Level
	w.u32(3)          //   union discriminant
	w.ptr()           //   DfsInfo3Container
	w.u32(0)          //     EntriesRead
	w.u32(0)          //     Buffer: null
	w.ptr()           // ResumeHandle
	w.u32(0)
	return w.b
}

// parseNetrDfsEnum decodes the response: DfsEnum, ResumeHandle and the
// NET_API_STATUS. Pointees follow their structures depth first ([C706]
// 14.3.12.3): each DFS_INFO_3's path, comment, storage array and the
// storages' strings come before the next entry's.
func parseNetrDfsEnum(stub []byte) ([]DFSLink, uint32, error) {
	r := &ndrReader{b: stub}
	var links []DFSLink
	if r.u32() != 0 { // DfsEnum
		r.u32()           // Level
		r.u32()           // union discriminant
		if r.u32() != 0 { // container
			r.u32()           // EntriesRead
			if r.u32() != 0 { // Buffer
				n := r.u32()
				if n > uint32(len(stub)/20) {
					return nil, 0, fmt.Errorf("%d entries cannot fit in %d bytes", n, len(stub))
				}
				type info3 struct{ path, comment, storage, count uint32 }
				entries := make([]info3, n)
				for i := range entries {
					entries[i].path = r.u32()
					entries[i].comment = r.u32()
					r.u32() // State
					entries[i].count = r.u32()
					entries[i].storage = r.u32()
				}
				for _, e := range entries {
					links = append(links, parseInfo3(r, e.path, e.comment, e.storage, len(stub)))
				}
			}
		}
	}
	if r.u32() != 0 { // ResumeHandle
		r.u32()
	}
	status := r.u32()
	if r.err != nil {
		return nil, 0, r.err
	}
	return links, status, nil
}

// parseInfo3 reads the pointees of one DFS_INFO_3.
func parseInfo3(r *ndrReader, path, comment, storage uint32, limit int) DFSLink {
	var l DFSLink
	if path != 0 {
		l.Path = r.str()
	}
	if comment != 0 {
		r.str()
	}
	if storage == 0 {
		return l
	}
	m := r.u32()
	if m > uint32(limit/12) {
		r.err = fmt.Errorf("%d storages cannot fit in %d bytes", m, limit)
		return l
	}
	type storageInfo struct{ state, server, share uint32 }
	st := make([]storageInfo, m)
	for i := range st {
		st[i] = storageInfo{state: r.u32(), server: r.u32(), share: r.u32()}
	}
	for _, s := range st {
		t := DFSTarget{Online: s.state&dfsStorageOnline != 0}
		if s.server != 0 {
			t.Server = r.str()
		}
		if s.share != 0 {
			t.Share = r.str()
		}
		l.Targets = append(l.Targets, t)
	}
	return l
}

// resolveOn maps p to the share its longest DFS link leads to, using the
// links of the server p names. ok is false when p is not in a namespace.
func resolveOn(p Path, links []DFSLink) (target Path, via string, ok bool, err error) {
	var root *DFSLink
	var best *DFSLink
	bestLen := -1
	for i := range links {
		parts := splitEntryPath(links[i].Path)
		if len(parts) < 2 || !strings.EqualFold(parts[1], p.Share) {
			continue
		}
		rest := parts[2:]
		if len(rest) == 0 {
			root = &links[i]
			continue
		}
		if len(rest) <= len(p.Parts) && equalFoldAll(rest, p.Parts[:len(rest)]) && len(rest) > bestLen {
			best, bestLen = &links[i], len(rest)
		}
	}
	if best == nil {
		if root == nil {
			return p, "", false, nil
		}
		return Path{}, "", true, fmt.Errorf("%s is in the DFS namespace %s but under none of its links; ctitui does not write into a namespace root: give a path under a link, or the target share (\\\\fileserver\\share\\folder): %w",
			p, root.Path, ErrDFSUnresolved)
	}
	t, err := pickTarget(*best)
	if err != nil {
		return Path{}, "", true, fmt.Errorf("%s: %w", p, err)
	}
	shareParts := strings.Split(strings.Trim(t.Share, `\`), `\`)
	target = Path{Server: t.Server, Share: shareParts[0]}
	target.Parts = append(append(target.Parts, shareParts[1:]...), p.Parts[bestLen:]...)
	for _, part := range target.Parts {
		if err := CheckName(part); err != nil {
			return Path{}, "", true, fmt.Errorf("%s: DFS link %s leads to an unusable path: %v: %w", p, best.Path, err, ErrDFSUnresolved)
		}
	}
	return target, best.Path, true, nil
}

// pickTarget takes the first online target, or the first one when the
// server reports no states (Samba does not).
func pickTarget(l DFSLink) (DFSTarget, error) {
	for _, t := range l.Targets {
		if t.Online && t.Server != "" && t.Share != "" {
			return t, nil
		}
	}
	for _, t := range l.Targets {
		if t.Server != "" && t.Share != "" {
			return t, nil
		}
	}
	return DFSTarget{}, fmt.Errorf("DFS link %s has no target share; give the target share (\\\\fileserver\\share\\folder) instead: %w", l.Path, ErrDFSUnresolved)
}

func splitEntryPath(s string) []string {
	return strings.Split(strings.TrimPrefix(s, `\\`), `\`)
}

func equalFoldAll(a, b []string) bool {
	for i := range a {
		if !strings.EqualFold(a[i], b[i]) {
			return false
		}
	}
	return true
}
