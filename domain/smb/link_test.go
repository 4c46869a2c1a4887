//go:build linux

package smb

import (
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// linkProxy relays TCP connections to target through a link of a given
// bandwidth per direction, like a switched full-duplex Ethernet port, so a
// benchmark can compare clients where the network, not the CPU, is the limit.
type linkProxy struct {
	ln          net.Listener
	target      string
	bytesPerSec float64
}

func startLinkProxy(tb testing.TB, target string, bytesPerSec float64) *linkProxy {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	p := &linkProxy{ln: ln, target: target, bytesPerSec: bytesPerSec}
	tb.Cleanup(func() { ln.Close() })
	go p.serve()
	return p
}

func (p *linkProxy) port() string {
	_, port, _ := net.SplitHostPort(p.ln.Addr().String())
	return port
}

func (p *linkProxy) serve() {
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", p.target)
		if err != nil {
			client.Close()
			continue
		}
		var once sync.Once
		closeBoth := func() { client.Close(); server.Close() }
		go func() { p.shape(server, client); once.Do(closeBoth) }()
		go func() { p.shape(client, server); once.Do(closeBoth) }()
	}
}

// shape copies src to dst no faster than the link allows: after each piece
// it waits until the time the link would have needed for everything so far.
func (p *linkProxy) shape(dst io.Writer, src io.Reader) {
	buf := make([]byte, 64<<10)
	start := time.Now()
	var sent float64
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
			sent += float64(n)
			due := start.Add(time.Duration(sent / p.bytesPerSec * float64(time.Second)))
			if wait := time.Until(due); wait > 0 {
				time.Sleep(wait)
			} else if wait < -100*time.Millisecond {
				// Idle time is not credit: a link does not save up bandwidth.
				start, sent = time.Now(), 0
			}
		}
		if err != nil {
			return
		}
	}
}
