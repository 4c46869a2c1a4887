package domain

import (
	"context"
	"encoding/binary"
	"errors"
	"net"
	"slices"
	"strings"
	"testing"
)

// dnsResponder is a tiny UDP DNS server answering SRV queries from a table:
// enough to exercise LocateDCs through Go's real resolver code path.
type dnsResponder struct {
	conn    net.PacketConn
	records map[string][]srvRecord // by lower-case query name
	hosts   map[string]net.IP      // A records, by lower-case name
}

type srvRecord struct {
	priority, weight, port uint16
	target                 string
}

// startDNS serves records and hosts (A records); both are fixed before the
// server goroutine starts.
func startDNS(t *testing.T, records map[string][]srvRecord, hosts map[string]net.IP) *dnsResponder {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if hosts == nil {
		hosts = map[string]net.IP{}
	}
	r := &dnsResponder{conn: pc, records: records, hosts: hosts}
	t.Cleanup(func() { pc.Close() })
	go r.serve()
	return r
}

func (r *dnsResponder) resolver() *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "udp", r.conn.LocalAddr().String())
	}}
}

func (r *dnsResponder) serve() {
	buf := make([]byte, 1500)
	for {
		n, addr, err := r.conn.ReadFrom(buf)
		if err != nil {
			return
		}
		if resp := r.answer(buf[:n]); resp != nil {
			_, _ = r.conn.WriteTo(resp, addr)
		}
	}
}

// answer builds a response per RFC 1035 4.1: header, the question echoed,
// then SRV answers (RFC 2782) or NXDOMAIN.
func (r *dnsResponder) answer(q []byte) []byte {
	if len(q) < 12 {
		return nil
	}
	name, end := readName(q, 12)
	if end < 0 || end+4 > len(q) {
		return nil
	}
	question := q[12 : end+4]
	recs, ok := r.records[strings.ToLower(name)]
	qtype := binary.BigEndian.Uint16(q[end:])
	ip, isHost := r.hosts[strings.ToLower(name)]
	resp := make([]byte, 12, 512)
	copy(resp, q[:2])
	flags := uint16(0x8180) // response, recursion desired+available
	if !ok && !isHost {
		flags |= 3 // NXDOMAIN
	}
	if qtype != 33 { // not SRV: no SRV answers
		recs = nil
	}
	answerA := isHost && qtype == 1 && ip.To4() != nil
	count := len(recs)
	if answerA {
		count++
	}
	binary.BigEndian.PutUint16(resp[2:], flags)
	binary.BigEndian.PutUint16(resp[4:], 1)
	binary.BigEndian.PutUint16(resp[6:], uint16(count))
	resp = append(resp, question...)
	if answerA {
		resp = append(resp, 0xc0, 12)
		resp = binary.BigEndian.AppendUint16(resp, 1) // A
		resp = binary.BigEndian.AppendUint16(resp, 1)
		resp = binary.BigEndian.AppendUint32(resp, 60)
		resp = binary.BigEndian.AppendUint16(resp, 4)
		resp = append(resp, ip.To4()...)
	}
	for _, rec := range recs {
		resp = append(resp, 0xc0, 12) // pointer to the question name
		resp = binary.BigEndian.AppendUint16(resp, 33)
		resp = binary.BigEndian.AppendUint16(resp, 1)
		resp = binary.BigEndian.AppendUint32(resp, 60)
		rdata := binary.BigEndian.AppendUint16(nil, rec.priority)
		rdata = binary.BigEndian.AppendUint16(rdata, rec.weight)
		rdata = binary.BigEndian.AppendUint16(rdata, rec.port)
		rdata = append(rdata, encodeName(rec.target)...)
		resp = binary.BigEndian.AppendUint16(resp, uint16(len(rdata)))
		resp = append(resp, rdata...)
	}
	return resp
}

func readName(b []byte, off int) (string, int) {
	var labels []string
	for off < len(b) {
		l := int(b[off])
		if l == 0 {
			return strings.Join(labels, ".") + ".", off + 1
		}
		if l&0xc0 != 0 || off+1+l > len(b) {
			return "", -1
		}
		labels = append(labels, string(b[off+1:off+1+l]))
		off += 1 + l
	}
	return "", -1
}

func encodeName(name string) []byte {
	var out []byte
	for _, l := range strings.Split(strings.TrimSuffix(name, "."), ".") {
		out = append(out, byte(len(l)))
		out = append(out, l...)
	}
	return append(out, 0)
}

func TestLocateDCs(t *testing.T) {
	dns := startDNS(t, map[string][]srvRecord{
		"_ldap._tcp.dc._msdcs.corp.example.": {
			{priority: 10, weight: 100, port: 389, target: "dc2.corp.example."},
			{priority: 0, weight: 100, port: 389, target: "dc1.corp.example."},
		},
		"_ldap._tcp.dc._msdcs.dead.example.": {{target: "."}},
	}, nil)
	ctx := context.Background()
	got, err := LocateDCs(ctx, dns.resolver(), "corp.example")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"dc1.corp.example", "dc2.corp.example"}; !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v (priority order)", got, want)
	}
	var ce *ConfigError
	if _, err := LocateDCs(ctx, dns.resolver(), "nowhere.example"); !errors.As(err, &ce) || ce.Problem != ProblemLocateNoSRV || ce.Name != "nowhere.example" {
		t.Fatalf("unknown domain: %v, want a ConfigError %s", err, ProblemLocateNoSRV)
	}
	if _, err := LocateDCs(ctx, dns.resolver(), "dead.example"); !errors.As(err, &ce) || ce.Problem != ProblemLocateNoDC || !strings.Contains(err.Error(), "no domain controller") {
		t.Fatalf("'.' target: %v", err)
	}
	if _, err := LocateDCs(ctx, dns.resolver(), ""); !errors.As(err, &ce) || ce.Problem != ProblemLocateNoDomain {
		t.Fatalf("empty domain: %v", err)
	}
}
