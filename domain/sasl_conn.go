package domain

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
)

// saslConn sits between go-ldap and the TCP connection. Until the bind
// succeeds it passes bytes through; from then on every write goes out as
// wrapped tokens and every read comes from verified tokens, each token
// preceded by its length as a 4-byte big-endian integer ([RFC 4422] 3.7,
// [RFC 4752] 3.3). The security layer "takes effect immediately following
// the last response of the authentication exchange" ([RFC 4422] 3.7): the
// bind response itself is clear, the next request is the first wrapped one.
type saslConn struct {
	net.Conn

	mu    sync.Mutex // guards layer
	layer *saslLayer

	wmu sync.Mutex // one token (and sequence number) at a time on the wire

	// Read side; go-ldap reads from one goroutine only.
	raw   rawReader
	plain []byte // unwrapped bytes not yet returned
	err   error  // a broken token ends the stream for good
}

// saslLayer is an established integrity layer.
type saslLayer struct {
	mech     gssMechanism
	maxChunk int // payload bytes per token so the token fits the server's buffer
}

func newSASLConn(c net.Conn) *saslConn {
	return &saslConn{Conn: c, raw: rawReader{r: c}}
}

// startLayer switches to wrapped messages. It must be called after the
// successful bind response arrived and before the next request is sent.
func (c *saslConn) startLayer(mech gssMechanism, serverMax uint32) error {
	chunk := int(serverMax) - mech.overhead()
	if chunk <= 0 {
		return fmt.Errorf("the DC's SASL buffer (%d bytes) cannot hold a wrapped token", serverMax)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.layer = &saslLayer{mech: mech, maxChunk: chunk}
	return nil
}

func (c *saslConn) currentLayer() *saslLayer {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.layer
}

// Write wraps p in as many tokens as the server's buffer size requires.
// It reports len(p) only when all of them were written.
func (c *saslConn) Write(p []byte) (int, error) {
	layer := c.currentLayer()
	if layer == nil {
		return c.Conn.Write(p)
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	for rest := p; len(rest) > 0; {
		n := min(len(rest), layer.maxChunk)
		tok, err := layer.mech.wrap(rest[:n])
		if err != nil {
			return 0, fmt.Errorf("sign LDAP message: %w", err)
		}
		frame := make([]byte, 4, 4+len(tok))
		binary.BigEndian.PutUint32(frame, uint32(len(tok)))
		if _, err := c.Conn.Write(append(frame, tok...)); err != nil {
			return 0, err
		}
		rest = rest[n:]
	}
	return len(p), nil
}

// Read returns verified plaintext. A read that was already waiting on the
// socket when the layer started delivers wrapped bytes: they are kept and
// decoded as the start of the wrapped stream.
func (c *saslConn) Read(p []byte) (int, error) {
	if len(c.plain) > 0 {
		n := copy(p, c.plain)
		c.plain = c.plain[n:]
		return n, nil
	}
	if c.err != nil {
		return 0, c.err
	}
	layer := c.currentLayer()
	if layer == nil {
		n, err := c.raw.Read(p)
		if layer = c.currentLayer(); layer == nil || n == 0 {
			return n, err
		}
		c.raw.pending = append(c.raw.pending, p[:n]...)
	}
	payload, err := c.readToken(layer)
	if err != nil {
		c.err = err
		return 0, err
	}
	n := copy(p, payload)
	c.plain = payload[n:]
	return n, nil
}

// readToken reads one length-prefixed token and unwraps it. Empty tokens
// and tokens larger than we said we accept are protocol errors.
func (c *saslConn) readToken(layer *saslLayer) ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(&c.raw, hdr[:]); err != nil {
		return nil, err
	}
	size := binary.BigEndian.Uint32(hdr[:])
	if size == 0 || size > saslMaxBuffer {
		return nil, fmt.Errorf("SASL frame of %d bytes from the DC (limit %d): the stream is not signed LDAP", size, saslMaxBuffer)
	}
	tok := make([]byte, size)
	if _, err := io.ReadFull(&c.raw, tok); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	payload, err := layer.mech.unwrap(tok)
	if err != nil {
		return nil, fmt.Errorf("verify signed LDAP message from the DC: %w", err)
	}
	return payload, nil
}

// Close releases the security context with the connection.
func (c *saslConn) Close() error {
	err := c.Conn.Close()
	if layer := c.currentLayer(); layer != nil {
		err = errors.Join(err, layer.mech.close())
	}
	return err
}

// rawReader reads bytes kept back by Read before reading the socket.
type rawReader struct {
	pending []byte
	r       io.Reader
}

func (r *rawReader) Read(p []byte) (int, error) {
	if len(r.pending) > 0 {
		n := copy(p, r.pending)
		r.pending = r.pending[n:]
		return n, nil
	}
	return r.r.Read(p)
}
