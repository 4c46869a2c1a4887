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
	"crypto/tls"
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
	// kinds reads what a client chunk is (nil: nothing is known).
	kinds func() Classifier
	// tls, when set, terminates the client's TLS with serverTLS and
	// speaks TLS to the target with upstreamTLS, so chunks are the
	// plaintext the client sends (one read of one TLS record, as before).
	serverTLS, upstreamTLS *tls.Config

	// cutAt is the chunk number (1-based, counted over all connections
	// since Arm) after which the connection carrying it is closed; 0
	// disables cutting.
	cutAt  atomic.Int64
	chunks atomic.Int64
	cuts   atomic.Int64

	mu    sync.Mutex
	conns map[net.Conn]struct{}
	nconn int     // connections accepted since Arm
	trace []Chunk // chunks forwarded since Arm
	wg    sync.WaitGroup
}

// Classifier names what each chunk of one client connection carries; it is
// given the chunks in order, so it can follow messages across chunks.
type Classifier interface {
	Kind(chunk []byte) string
}

// Chunk is one client chunk the proxy forwarded.
type Chunk struct {
	Conn int    // which connection since Arm, from 1
	Size int    // bytes
	Kind string // what it carries, "" when not known
}

// Start listens on listenHost (an address of this machine; port chosen by
// the system) and forwards every connection to target (host:port).
func Start(listenHost, target string) (*Proxy, error) {
	return StartClassified(listenHost, target, nil)
}

// StartClassified is Start with a classifier for every client connection
// (e.g. NewSMB2Classifier), so that Trace can say what each chunk carried.
func StartClassified(listenHost, target string, newClassifier func() Classifier) (*Proxy, error) {
	return start(&Proxy{target: target, kinds: newClassifier}, listenHost)
}

// start listens and serves p, configured before its first connection.
func start(p *Proxy, listenHost string) (*Proxy, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort(listenHost, "0"))
	if err != nil {
		return nil, fmt.Errorf("faultproxy: listen on %s: %w", listenHost, err)
	}
	p.ln, p.conns = ln, map[net.Conn]struct{}{}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// StartTLS is StartClassified for a TLS service (LDAPS): the proxy shows the
// client serverTLS's certificate (the real server's, so the client's
// verification is unchanged) and connects to the target with upstreamTLS.
// The classifier then sees the messages instead of encrypted records.
func StartTLS(listenHost, target string, serverTLS, upstreamTLS *tls.Config, newClassifier func() Classifier) (*Proxy, error) {
	return start(&Proxy{target: target, kinds: newClassifier, serverTLS: serverTLS, upstreamTLS: upstreamTLS}, listenHost)
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
	p.mu.Lock()
	p.trace, p.nconn = nil, 0
	p.mu.Unlock()
	p.chunks.Store(0)
	p.cuts.Store(0)
	p.cutAt.Store(int64(k))
}

// Trace is every chunk forwarded since Arm, in order.
func (p *Proxy) Trace() []Chunk {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Chunk(nil), p.trace...)
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

func (p *Proxy) serve(rawClient net.Conn) {
	defer p.wg.Done()
	rawServer, err := net.Dial("tcp", p.target)
	if err != nil {
		rawClient.Close()
		return
	}
	client, server := rawClient, rawServer
	if p.serverTLS != nil {
		client = tls.Server(rawClient, p.serverTLS)
		server = tls.Client(rawServer, p.upstreamTLS)
	}
	p.track(rawClient, true)
	p.track(rawServer, true)
	p.mu.Lock()
	p.nconn++
	connNo := p.nconn
	p.mu.Unlock()
	var classify Classifier
	if p.kinds != nil {
		classify = p.kinds()
	}
	// Closing the sockets, not the TLS layers: a cut sends no
	// close_notify, like a network that fails.
	closeBoth := func() {
		rawClient.Close()
		rawServer.Close()
	}
	defer func() {
		closeBoth()
		p.track(rawClient, false)
		p.track(rawServer, false)
	}()

	done := make(chan struct{}, 2)
	go func() {
		io.Copy(client, server)
		closeBoth()
		done <- struct{}{}
	}()
	go func() {
		p.upstream(client, server, connNo, classify)
		closeBoth()
		done <- struct{}{}
	}()
	<-done
	<-done
}

// upstream copies client to server chunk by chunk, cutting after the armed
// chunk.
func (p *Proxy) upstream(client, server net.Conn, connNo int, classify Classifier) {
	buf := make([]byte, 64<<10)
	for {
		n, err := client.Read(buf)
		if n > 0 {
			c := Chunk{Conn: connNo, Size: n}
			if classify != nil {
				c.Kind = classify.Kind(buf[:n])
			}
			// Count and record under one lock, so the trace is in the
			// order of the chunk numbers Arm counts, and before the server
			// can answer it.
			p.mu.Lock()
			k := p.chunks.Add(1)
			p.trace = append(p.trace, c)
			p.mu.Unlock()
			if _, werr := server.Write(buf[:n]); werr != nil {
				return
			}
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
