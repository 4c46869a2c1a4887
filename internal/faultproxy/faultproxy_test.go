package faultproxy

import (
	"bufio"
	"io"
	"net"
	"testing"
)

// echoServer answers every line with the same line.
func echoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				io.Copy(c, c)
			}()
		}
	}()
	return ln.Addr().String()
}

// roundTrip sends one line and reads the echo; it reports whether the
// connection still worked.
func roundTrip(c net.Conn, r *bufio.Reader, line string) bool {
	if _, err := io.WriteString(c, line+"\n"); err != nil {
		return false
	}
	got, err := r.ReadString('\n')
	return err == nil && got == line+"\n"
}

func TestCutAfterKthChunkThenPass(t *testing.T) {
	p, err := Start("127.0.0.1", echoServer(t))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	p.Arm(2)

	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := bufio.NewReader(c)
	if !roundTrip(c, r, "one") {
		t.Fatal("first message did not pass")
	}
	// The second chunk reaches the server, but the connection is cut
	// before the reply comes back: the hard case for a client.
	if roundTrip(c, r, "two") {
		t.Fatal("second message got an answer; the cut did not happen")
	}
	if p.Cuts() != 1 || p.Chunks() != 2 {
		t.Fatalf("cuts %d chunks %d", p.Cuts(), p.Chunks())
	}

	// The next connection passes: the network failed once.
	c2, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	r2 := bufio.NewReader(c2)
	for _, line := range []string{"a", "b", "c"} {
		if !roundTrip(c2, r2, line) {
			t.Fatalf("%q after the cut did not pass", line)
		}
	}
	if p.Cuts() != 1 {
		t.Fatalf("cut again: %d", p.Cuts())
	}
}

// dialAndSend connects, sends b, and waits for its echo, so the proxy has
// forwarded and recorded it.
func (p *Proxy) dialAndSend(b []byte) (net.Conn, error) {
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		return nil, err
	}
	if _, err := c.Write(b); err != nil {
		c.Close()
		return nil, err
	}
	if _, err := io.ReadFull(c, make([]byte, len(b))); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}
