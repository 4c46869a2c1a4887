// Package faultproxy is a loopback TCP proxy for tests that cuts a
// connection at a chosen point: after the k-th chunk the client sends. It
// stands in front of an LDAP or SMB server to prove that a multi-step
// operation leaves nothing half-done whichever message is the last one to
// get through.
//
// A chunk is what one read from the client socket returns; clients that
// wait for a reply before sending the next request (LDAP, SMB) send one
// message per chunk, TLS records included. Only one connection is cut per
// arming: the connections made afterwards (a reconnect to clean up, a
// retry) pass untouched, like a network that failed once.
package faultproxy

import (
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
)

// Proxy forwards connections from its listener to a target address.
type Proxy struct {
	ln     net.Listener
	target string

	// cutAt is the chunk number (1-based, counted over all connections
	// since Arm) after which the connection carrying it is closed; 0
	// disables cutting.
	cutAt  atomic.Int64
	chunks atomic.Int64
	cuts   atomic.Int64

	mu    sync.Mutex
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

// Start listens on listenHost (an address of this machine; port chosen by
// the system) and forwards every connection to target (host:port).
func Start(listenHost, target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort(listenHost, "0"))
	if err != nil {
		return nil, fmt.Errorf("faultproxy: listen on %s: %w", listenHost, err)
	}
	p := &Proxy{ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr is the host:port clients connect to.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Port is the port clients connect to.
func (p *Proxy) Port() string {
	_, port, _ := net.SplitHostPort(p.Addr())
	return port
}

// Arm resets the chunk count and cuts the connection that carries chunk k
// (after forwarding it). k <= 0 disarms: everything passes.
func (p *Proxy) Arm(k int) {
	p.chunks.Store(0)
	p.cuts.Store(0)
	p.cutAt.Store(int64(k))
}

// Chunks is how many client chunks were forwarded since Arm.
func (p *Proxy) Chunks() int { return int(p.chunks.Load()) }

// Cuts is how many connections were cut since Arm (0 or 1).
func (p *Proxy) Cuts() int { return int(p.cuts.Load()) }

// Close stops listening and closes every open connection.
func (p *Proxy) Close() error {
	err := p.ln.Close()
	p.mu.Lock()
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
	return err
}

func (p *Proxy) track(c net.Conn, add bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if add {
		p.conns[c] = struct{}{}
	} else {
		delete(p.conns, c)
	}
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.wg.Add(1)
		go p.serve(client)
	}
}

func (p *Proxy) serve(client net.Conn) {
	defer p.wg.Done()
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		client.Close()
		return
	}
	p.track(client, true)
	p.track(server, true)
	closeBoth := func() {
		client.Close()
		server.Close()
	}
	defer func() {
		closeBoth()
		p.track(client, false)
		p.track(server, false)
	}()

	done := make(chan struct{}, 2)
	go func() {
		io.Copy(client, server)
		closeBoth()
		done <- struct{}{}
	}()
	go func() {
		p.upstream(client, server)
		closeBoth()
		done <- struct{}{}
	}()
	<-done
	<-done
}

// upstream copies client to server chunk by chunk, cutting after the armed
// chunk.
func (p *Proxy) upstream(client, server net.Conn) {
	buf := make([]byte, 64<<10)
	for {
		n, err := client.Read(buf)
		if n > 0 {
			if _, werr := server.Write(buf[:n]); werr != nil {
				return
			}
			k := p.chunks.Add(1)
			if cut := p.cutAt.Load(); cut > 0 && k == cut {
				p.cuts.Add(1)
				return
			}
		}
		if err != nil {
			return
		}
	}
}
