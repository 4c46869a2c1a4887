//go:build linux

package testdomain

import (
	"encoding/binary"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// DNS is a tiny DNS server on a fixture's loopback address (UDP port 53)
// that answers what a client of the test domain asks DNS: the DC locator's
// SRV record _ldap._tcp.dc._msdcs.<domain> ([MS-ADTS] 6.3.2.3) with the DCs
// in a chosen order, and the DCs' A records. Tests use it to make DNS name
// a DC other than the PDC emulator first. Programs use it through Command,
// which runs them with a private /etc/resolv.conf naming this server; the
// host's resolver configuration is never touched.
type DNS struct {
	conn       net.PacketConn
	resolvConf string
	mu         sync.Mutex
	srv        []string          // SRV targets in answer order
	hosts      map[string]net.IP // A records by lower-case name
}

// StartDNS serves the DCs' names on ip:53, SRV targets in the order given.
// dir receives the resolv.conf. Close stops it.
func StartDNS(ip, dir string, dcs ...*Domain) (*DNS, error) {
	pc, err := net.ListenPacket("udp", net.JoinHostPort(ip, "53"))
	if err != nil {
		return nil, fmt.Errorf("test DNS on %s: %w", ip, err)
	}
	s := &DNS{conn: pc, resolvConf: filepath.Join(dir, "resolv.conf"), hosts: map[string]net.IP{}}
	for _, d := range dcs {
		s.srv = append(s.srv, d.FQDN())
		s.hosts[d.FQDN()] = net.ParseIP(d.IP)
	}
	if err := os.WriteFile(s.resolvConf, []byte("nameserver "+ip+"\noptions attempts:1 timeout:2\n"), 0o644); err != nil {
		pc.Close()
		return nil, fmt.Errorf("write resolv.conf: %w", err)
	}
	go s.serve()
	return s, nil
}

// Close stops the server.
func (s *DNS) Close() error { return s.conn.Close() }

// Command is exec.Command of name args run with /etc/resolv.conf naming
// this server (bind-mounted in a private mount namespace).
func (s *DNS) Command(name string, args ...string) *exec.Cmd {
	return exec.Command("unshare", append([]string{"--mount", "--propagation", "private",
		"sh", "-c", `r="$1"; shift; mount --bind "$r" /etc/resolv.conf && exec "$@"`, "sh", s.resolvConf, name}, args...)...)
}

func (s *DNS) serve() {
	buf := make([]byte, 1500)
	for {
		n, addr, err := s.conn.ReadFrom(buf)
		if err != nil {
			return
		}
		if resp := s.answer(buf[:n]); resp != nil {
			_, _ = s.conn.WriteTo(resp, addr)
		}
	}
}

// answer builds a response (RFC 1035 4.1): the question echoed, then SRV
// (RFC 2782) or A answers, else NXDOMAIN. Priorities rise in list order,
// so a client tries the DCs in that order.
func (s *DNS) answer(q []byte) []byte {
	if len(q) < 12 {
		return nil
	}
	name, end := dnsName(q, 12)
	if end < 0 || end+4 > len(q) {
		return nil
	}
	qtype := binary.BigEndian.Uint16(q[end:])
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	s.mu.Lock()
	defer s.mu.Unlock()
	type rr struct {
		typ  uint16
		data []byte
	}
	var answers []rr
	known := false
	if name == "_ldap._tcp.dc._msdcs."+DNSDomain {
		known = true
		if qtype == 33 {
			for i, t := range s.srv {
				rd := binary.BigEndian.AppendUint16(nil, uint16(10*(i+1)))
				rd = binary.BigEndian.AppendUint16(rd, 100)
				rd = binary.BigEndian.AppendUint16(rd, 389)
				answers = append(answers, rr{33, append(rd, dnsEncode(t)...)})
			}
		}
	}
	if ip, ok := s.hosts[name]; ok {
		known = true
		if qtype == 1 {
			answers = append(answers, rr{1, ip.To4()})
		}
	}
	resp := make([]byte, 12, 512)
	copy(resp, q[:2])
	flags := uint16(0x8580) // response, authoritative, recursion desired+available
	if !known {
		flags |= 3 // NXDOMAIN
	}
	binary.BigEndian.PutUint16(resp[2:], flags)
	binary.BigEndian.PutUint16(resp[4:], 1)
	binary.BigEndian.PutUint16(resp[6:], uint16(len(answers)))
	resp = append(resp, q[12:end+4]...)
	for _, a := range answers {
		resp = append(resp, 0xc0, 12) // the question's name
		resp = binary.BigEndian.AppendUint16(resp, a.typ)
		resp = binary.BigEndian.AppendUint16(resp, 1)
		resp = binary.BigEndian.AppendUint32(resp, 30)
		resp = binary.BigEndian.AppendUint16(resp, uint16(len(a.data)))
		resp = append(resp, a.data...)
	}
	return resp
}

func dnsName(b []byte, off int) (string, int) {
	var labels []string
	for off < len(b) {
		l := int(b[off])
		if l == 0 {
			return strings.Join(labels, "."), off + 1
		}
		if l&0xc0 != 0 || off+1+l > len(b) {
			return "", -1
		}
		labels = append(labels, string(b[off+1:off+1+l]))
		off += 1 + l
	}
	return "", -1
}

func dnsEncode(name string) []byte {
	var b []byte
	for _, l := range strings.Split(strings.TrimSuffix(name, "."), ".") {
		b = append(b, byte(len(l)))
		b = append(b, l...)
	}
	return append(b, 0)
}

// SetHost makes the server answer name (a DC's DNS name) with ip, e.g. an
// address nothing listens on, to make that DC unreachable by name.
func (s *DNS) SetHost(name, ip string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hosts[strings.ToLower(name)] = net.ParseIP(ip)
}
