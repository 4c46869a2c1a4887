package smb

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf16"

	"github.com/ctitui/ctitui/domain/secdesc"
)

// srvsvcInterface is the Server Service interface
// 4b324fc8-1670-01d3-1278-5a47bf6ee188 version 3.0 ([MS-SRVS] 1.9), in wire
// order.
var srvsvcInterface = [20]byte{0xc8, 0x4f, 0x32, 0x4b, 0x70, 0x16, 0xd3, 0x01, 0x12, 0x78, 0x5a, 0x47, 0xbf, 0x6e, 0xe1, 0x88, 3, 0, 0, 0}

// opNetrShareGetInfo is NetrShareGetInfo's opnum ([MS-SRVS] 3.1.4.10).
const opNetrShareGetInfo = 16

// errorAccessDenied is the NET_API_STATUS ERROR_ACCESS_DENIED.
const errorAccessDenied = 5

// ErrShareSecurityDenied is returned by ShareSecurity when the account may
// not read a share's permissions (level 502 needs an administrator).
var ErrShareSecurityDenied = errors.New("reading share permissions needs an administrator of the file server")

// ShareSecurity reads the share-level permissions of a share: the ACL the
// server checks on tree connect, before any file's own ACL ([MS-SRVS]
// 2.2.4.26 SHARE_INFO_502_I). A nil descriptor with no error means the share
// has none, which servers treat as full access for everyone.
//
// The file's ACL alone does not say whether a computer can read an MSI: a
// share whose permissions allow only administrators refuses the computer
// account at tree connect, and the client's install fails (error 1612).
func (c *Client) ShareSecurity(ctx context.Context, share string) (*secdesc.SecurityDescriptor, error) {
	stub, err := c.rpc(ctx, "srvsvc", srvsvcInterface, opNetrShareGetInfo, netrShareGetInfoRequest(share, 502))
	if err != nil {
		return nil, fmt.Errorf("permissions of share %s: NetrShareGetInfo: %w", share, err)
	}
	raw, status, err := parseShareInfo502(stub)
	if err != nil {
		return nil, fmt.Errorf("permissions of share %s: NetrShareGetInfo answer: %w", share, err)
	}
	switch status {
	case 0:
	case errorAccessDenied:
		return nil, fmt.Errorf("permissions of share %s: %w", share, ErrShareSecurityDenied)
	default:
		return nil, fmt.Errorf("permissions of share %s: NetrShareGetInfo returned error %d", share, status)
	}
	if len(raw) == 0 {
		return nil, nil
	}
	sd, err := secdesc.Decode(raw)
	if err != nil {
		return nil, fmt.Errorf("permissions of share %s: %w", share, err)
	}
	return sd, nil
}

// netrShareGetInfoRequest encodes NetrShareGetInfo's in-parameters: a null
// ServerName (the server the pipe is on), NetName as a conformant varying
// string (a [ref] pointer: no referent ID), and the level.
func netrShareGetInfoRequest(share string, level uint32) []byte {
	w := &ndrWriter{}
	w.u32(0) // ServerName: null unique pointer
	w.wstr(share)
	w.u32(level)
	return w.b
}

// wstr writes a conformant varying NUL-terminated UTF-16 string.
func (w *ndrWriter) wstr(s string) {
	u := append(utf16.Encode([]rune(s)), 0)
	w.u32(uint32(len(u))) // maximum count
	w.u32(0)              // offset
	w.u32(uint32(len(u))) // actual count
	for _, c := range u {
		w.b = binary.LittleEndian.AppendUint16(w.b, c)
	}
}

// bytes reads a conformant byte array's pointee: its count, then the bytes.
func (r *ndrReader) bytes(limit uint32) []byte {
	n := r.u32()
	if r.err != nil {
		return nil
	}
	if n > limit || int(n) > len(r.b)-r.at {
		r.err = fmt.Errorf("NDR array at %d: %d bytes, %d expected, %d left", r.at, n, limit, len(r.b)-r.at)
		return nil
	}
	out := append([]byte(nil), r.b[r.at:r.at+int(n)]...)
	r.at += int(n)
	return out
}

// parseShareInfo502 decodes the answer: the union (level, pointer to
// SHARE_INFO_502_I), the structure, its pointees in field order (netname,
// remark, path, passwd, security descriptor; [C706] 14.3.12.3), then the
// NET_API_STATUS.
func parseShareInfo502(stub []byte) ([]byte, uint32, error) {
	r := &ndrReader{b: stub}
	var sd []byte
	r.u32() // union discriminant: the level
	if r.u32() != 0 {
		netname := r.u32()
		r.u32() // shi502_type
		remark := r.u32()
		r.u32() // shi502_permissions
		r.u32() // shi502_max_uses
		r.u32() // shi502_current_uses
		path := r.u32()
		passwd := r.u32()
		size := r.u32() // shi502_reserved: the descriptor's length
		sdPtr := r.u32()
		for _, p := range []uint32{netname, remark, path, passwd} {
			if p != 0 {
				r.str()
			}
		}
		if sdPtr != 0 {
			sd = r.bytes(size)
		}
	}
	status := r.u32()
	if r.err != nil {
		return nil, 0, r.err
	}
	return sd, status, nil
}
