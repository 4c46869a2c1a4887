package smb

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"time"

	smb2 "github.com/cloudsoda/go-smb2"
)

// DefaultTimeout bounds connecting and each request when Options.Timeout is
// zero.
const DefaultTimeout = 30 * time.Second

// maxCredits is how many SMB2 credits the client asks for. Each credit
// covers 64 KiB of a large read or write ([MS-SMB2] 3.1.5.2), so 512 let
// several 1 MiB writes be outstanding at once.
const maxCredits = 512

// Options tune Dial.
type Options struct {
	Auth Auth
	// Port is the SMB port; empty means 445.
	Port string
	// Timeout bounds connecting and each small request. Zero means
	// DefaultTimeout. Uploads use it as the longest time without progress.
	Timeout time.Duration
}

func (o Options) timeout() time.Duration {
	if o.Timeout > 0 {
		return o.Timeout
	}
	return DefaultTimeout
}

// Client is an authenticated, signed SMB session with one server.
type Client struct {
	server  string
	session *smb2.Session
	timeout time.Duration
	// closed is set by Close: after LOGOFF go-smb2 has closed the
	// connection, and a request on it would wait for its timeout.
	closed atomic.Bool
}

// Dial connects to server (a host name or address, as in the UNC path),
// negotiates SMB 2/3 with signing required and authenticates.
//
// Signing is required in the NEGOTIATE request ([MS-SMB2] 2.2.3
// SMB2_NEGOTIATE_SIGNING_REQUIRED) and enforced on every response after
// session setup; guest and anonymous sessions, which cannot sign, are
// refused ([MS-SMB2] 3.2.5.3.1).
func Dial(ctx context.Context, server string, opts Options) (*Client, error) {
	if server == "" {
		return nil, errors.New("connect to file server: no server name")
	}
	port := opts.Port
	if port == "" {
		port = "445"
	}
	init, err := initiator(server, opts.Auth)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, opts.timeout())
	defer cancel()
	addr := net.JoinHostPort(server, port)
	raw, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("connect to file server %s: %w (is the name right and TCP port %s reachable?)", addr, err, port)
	}
	d := &smb2.Dialer{
		MaxCreditBalance: maxCredits,
		Negotiator:       smb2.Negotiator{RequireMessageSigning: true},
		Initiator:        init,
	}
	s, err := d.DialConn(ctx, raw, server)
	if err != nil {
		raw.Close()
		return nil, fmt.Errorf("SMB session with %s as %s: %w", server, opts.Auth, explain(err))
	}
	return &Client{server: server, session: s, timeout: opts.timeout()}, nil
}

func initiator(server string, a Auth) (smb2.Initiator, error) {
	if a.Kerberos != nil {
		spn := a.SPN
		if spn == "" {
			if net.ParseIP(server) != nil {
				return nil, fmt.Errorf("Kerberos to %s: an address has no service principal; give the server's DNS name or the SPN (cifs/<fqdn>)", server)
			}
			spn = "cifs/" + server
		}
		return &smb2.Krb5Initiator{Client: a.Kerberos, TargetSPN: spn}, nil
	}
	if a.User == "" || a.Password == "" {
		return nil, errors.New("SMB authentication needs a user and password, or a Kerberos client")
	}
	return &smb2.NTLMInitiator{User: a.User, Password: a.Password, Domain: a.Domain}, nil
}

// Server is the name the client connected to.
func (c *Client) Server() string { return c.server }

// Close logs off and closes the connection. Shares of the client are gone
// with it; closing them afterwards does nothing.
func (c *Client) Close() error {
	if c.closed.Swap(true) {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	if err := c.session.WithContext(ctx).Logoff(); err != nil {
		return fmt.Errorf("log off from %s: %w", c.server, err)
	}
	return nil
}

// ShareInfo describes one share of a server.
type ShareInfo struct {
	Name    string `json:"name"`
	Comment string `json:"comment,omitempty"`
	// Type is "disk", "printer", "device" or "ipc" ([MS-SRVS] 2.2.2.4).
	Type string `json:"type"`
	// Special marks administrative shares such as IPC$ and ADMIN$.
	Special bool `json:"special,omitempty"`
}

// ListShares asks the server service for its shares (NetrShareEnum level 1,
// [MS-SRVS] 3.1.4.8).
func (c *Client) ListShares(ctx context.Context) ([]ShareInfo, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	list, err := c.session.WithContext(ctx).ListShares()
	if err != nil {
		return nil, fmt.Errorf("list shares of %s: %w", c.server, explain(err))
	}
	out := make([]ShareInfo, 0, len(list))
	for _, s := range list {
		info := ShareInfo{Name: s.Name, Comment: s.Comment, Special: s.IsSpecial()}
		switch s.Type() {
		case smb2.ShareTypeDiskTree:
			info.Type = "disk"
		case smb2.ShareTypePrintQueue:
			info.Type = "printer"
		case smb2.ShareTypeDevice:
			info.Type = "device"
		case smb2.ShareTypeIPC:
			info.Type = "ipc"
		default:
			info.Type = "unknown"
		}
		out = append(out, info)
	}
	return out, nil
}

// Mount connects to one share of the server ([MS-SMB2] 3.2.4.2 TREE_CONNECT).
func (c *Client) Mount(ctx context.Context, share string) (*Share, error) {
	if err := checkShare(share); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	fs, err := c.session.WithContext(ctx).Mount(`\\` + c.server + `\` + share)
	if err != nil {
		return nil, fmt.Errorf("open share \\\\%s\\%s: %w", c.server, share, explain(err))
	}
	return &Share{client: c, name: share, fs: fs, timeout: c.timeout}, nil
}

// sameServer compares server names the way Windows does: case-insensitively.
func sameServer(a, b string) bool { return strings.EqualFold(a, b) }
