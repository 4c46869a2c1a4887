//go:build linux

package smb

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/ctitui/ctitui/internal/testdomain"
)

// SMB2 header fields ([MS-SMB2] 2.2.1): protocol id, command at 12, status
// at 8, flags at 16; SMB2_FLAGS_SIGNED is 0x08. Transform headers (0xFD
// 'S' 'M' 'B') carry encrypted, and therefore authenticated, messages.
const (
	cmdNegotiate    = 0x0000
	cmdSessionSetup = 0x0001
	cmdRead         = 0x0008
	flagSigned      = 0x00000008
	statusPending   = 0x00000103
)

type smbFrame struct {
	toServer bool
	command  uint16
	status   uint32
	flags    uint32
	sealed   bool
	// dialect is DialectRevision of a NEGOTIATE response ([MS-SMB2] 2.2.4).
	dialect uint16
}

// signingProxy relays one TCP connection to the DC and records every SMB2
// message header; with tamper set it flips a byte in the payload of READ
// responses, as an attacker on the path would.
type signingProxy struct {
	ln     net.Listener
	target string
	tamper bool
	// refuse21 drops a connection whose NEGOTIATE offers only SMB 2.1, as
	// a server with a minimum dialect of SMB 3 would.
	refuse21 bool
	mu       sync.Mutex
	frames   []smbFrame
}

func startSigningProxy(t *testing.T, target string, tamper, refuse21 bool) *signingProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &signingProxy{ln: ln, target: target, tamper: tamper, refuse21: refuse21}
	t.Cleanup(func() { ln.Close() })
	go p.serve()
	return p
}

func (p *signingProxy) port() string {
	_, port, _ := net.SplitHostPort(p.ln.Addr().String())
	return port
}

func (p *signingProxy) serve() {
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", p.target)
		if err != nil {
			client.Close()
			return
		}
		go p.relay(server, client, true)
		go p.relay(client, server, false)
	}
}

// relay copies NetBIOS session frames ([MS-SMB2] 2.1: 4-byte length prefix).
func (p *signingProxy) relay(dst, src net.Conn, toServer bool) {
	defer dst.Close()
	defer src.Close()
	for {
		var hdr [4]byte
		if _, err := io.ReadFull(src, hdr[:]); err != nil {
			return
		}
		n := int(binary.BigEndian.Uint32(hdr[:]) & 0xFFFFFF)
		msg := make([]byte, n)
		if _, err := io.ReadFull(src, msg); err != nil {
			return
		}
		if p.refuse21 && toServer && offersOnlySMB21(msg) {
			return
		}
		p.record(msg, toServer)
		if _, err := dst.Write(append(hdr[:], msg...)); err != nil {
			return
		}
	}
}

func (p *signingProxy) record(msg []byte, toServer bool) {
	if len(msg) < 64 {
		return
	}
	f := smbFrame{toServer: toServer}
	switch string(msg[:4]) {
	case "\xfdSMB":
		f.sealed = true
	case "\xfeSMB":
		f.status = binary.LittleEndian.Uint32(msg[8:])
		f.command = binary.LittleEndian.Uint16(msg[12:])
		f.flags = binary.LittleEndian.Uint32(msg[16:])
		if !toServer && f.command == cmdNegotiate && f.status == 0 && len(msg) >= 70 {
			f.dialect = binary.LittleEndian.Uint16(msg[68:])
		}
		if p.tamper && !toServer && f.command == cmdRead && f.status == 0 && len(msg) > 80 {
			msg[len(msg)-1] ^= 0xFF
		}
	default:
		return
	}
	p.mu.Lock()
	p.frames = append(p.frames, f)
	p.mu.Unlock()
}

// offersOnlySMB21 recognises a NEGOTIATE request ([MS-SMB2] 2.2.3) whose
// only dialect is 2.1: DialectCount at 66, Dialects from 100.
func offersOnlySMB21(msg []byte) bool {
	return len(msg) >= 102 && string(msg[:4]) == "\xfeSMB" &&
		binary.LittleEndian.Uint16(msg[12:]) == cmdNegotiate &&
		binary.LittleEndian.Uint16(msg[66:]) == 1 && binary.LittleEndian.Uint16(msg[100:]) == 0x0210
}

func (p *signingProxy) recorded() []smbFrame {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]smbFrame(nil), p.frames...)
}

func TestEveryMessageAfterSessionSetupIsSigned(t *testing.T) {
	d := testdomain.Require(t, dom)
	for _, tt := range []struct {
		name    string
		dialect Dialect
		want    uint16
	}{
		{"auto is SMB 2.1", DialectAuto, 0x0210},
		{"SMB 3.1.1", DialectSMB3, 0x0311},
	} {
		t.Run(tt.name, func(t *testing.T) {
			proxy := startSigningProxy(t, net.JoinHostPort(d.IP, "445"), false, false)
			ctx := testCtx(t)
			c, err := Dial(ctx, "127.0.0.1", Options{Auth: ntlmAuth(t, d), Port: proxy.port(), Dialect: tt.dialect})
			if err != nil {
				t.Fatal(err)
			}
			s, err := c.Mount(ctx, testdomain.DistribShare)
			if err != nil {
				t.Fatal(err)
			}
			dir := testFolder(t, "signed")
			if err := s.MkdirAll(ctx, dir); err != nil {
				t.Fatal(err)
			}
			if err := s.WriteFile(ctx, dir+`\a.txt`, []byte("signed bytes")); err != nil {
				t.Fatal(err)
			}
			if _, err := s.ReadFile(ctx, dir+`\a.txt`); err != nil {
				t.Fatal(err)
			}
			s.Close()
			c.Close()
			checkSigned(t, proxy.recorded(), tt.want)
		})
	}
}

// checkSigned fails unless the negotiated dialect is want and every message
// after session setup is signed (or sealed).
func checkSigned(t *testing.T, frames []smbFrame, want uint16) {
	t.Helper()
	checked := 0
	for i, f := range frames {
		if f.dialect != 0 && f.dialect != want {
			t.Errorf("negotiated dialect %#x, want %#x", f.dialect, want)
		}
		if f.sealed {
			checked++
			continue
		}
		if f.command == cmdNegotiate || f.command == cmdSessionSetup || (!f.toServer && f.status == statusPending) {
			continue
		}
		checked++
		if f.flags&flagSigned == 0 {
			t.Errorf("message %d (command %#x, to server %v, status %#x) is not signed", i, f.command, f.toServer, f.status)
		}
	}
	if checked < 10 {
		t.Fatalf("only %d messages after session setup were seen; the proxy did not see the traffic", checked)
	}
}

func TestFallsBackToSMB3WhenTheServerRefuses21(t *testing.T) {
	d := testdomain.Require(t, dom)
	proxy := startSigningProxy(t, net.JoinHostPort(d.IP, "445"), false, true)
	c, err := Dial(testCtx(t), "127.0.0.1", Options{Auth: ntlmAuth(t, d), Port: proxy.port()})
	if err != nil {
		t.Fatalf("no fallback to SMB 3: %v", err)
	}
	defer c.Close()
	if _, err := c.ListShares(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	var dialects []uint16
	for _, f := range proxy.recorded() {
		if f.dialect != 0 {
			dialects = append(dialects, f.dialect)
		}
	}
	if len(dialects) != 1 || dialects[0] != 0x0311 {
		t.Fatalf("negotiated dialects %#x, want one SMB 3.1.1 session", dialects)
	}
}

func TestTamperedResponseIsRefused(t *testing.T) {
	d := testdomain.Require(t, dom)
	// Write through a direct session, then read through a tampering proxy.
	ctx := testCtx(t)
	direct := mount(t, dialNTLM(t, d), testdomain.DistribShare)
	dir := testFolder(t, "tamper")
	if err := direct.MkdirAll(ctx, dir); err != nil {
		t.Fatal(err)
	}
	if err := direct.WriteFile(ctx, dir+`\a.txt`, []byte(strings.Repeat("genuine ", 64))); err != nil {
		t.Fatal(err)
	}

	proxy := startSigningProxy(t, net.JoinHostPort(d.IP, "445"), true, false)
	c, err := Dial(ctx, "127.0.0.1", Options{Auth: ntlmAuth(t, d), Port: proxy.port(), Timeout: 5e9})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, err := c.Mount(ctx, testdomain.DistribShare)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.ReadFile(ctx, dir+`\a.txt`)
	if err == nil {
		t.Fatalf("a READ response changed on the way was accepted: %q", got)
	}
	if errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "signing check failed") {
		t.Fatalf("read failed, but not because of the signature: %v", err)
	}
}
