package smb

import (
	"errors"
	"testing"
	"unicode/utf16"
)

// ndrString appends a conformant varying string with its NUL, as a server
// does.
func ndrString(w *ndrWriter, s string) {
	u := append(utf16.Encode([]rune(s)), 0)
	w.u32(uint32(len(u)))
	w.u32(0)
	w.u32(uint32(len(u)))
	for _, c := range u {
		w.b = append(w.b, byte(c), byte(c>>8))
	}
}

// enumResponse builds a NetrDfsEnum level 3 answer the way NDR lays it out.
func enumResponse(links []DFSLink) []byte {
	w := &ndrWriter{}
	w.ptr()
	w.u32(3)
	w.u32(3)
	w.ptr()
	w.u32(uint32(len(links)))
	w.ptr()
	w.u32(uint32(len(links)))
	for _, l := range links {
		w.ptr() // path
		w.ptr() // comment
		w.u32(1)
		w.u32(uint32(len(l.Targets)))
		w.ptr() // storage
	}
	for _, l := range links {
		ndrString(w, l.Path)
		ndrString(w, "")
		w.u32(uint32(len(l.Targets)))
		for _, t := range l.Targets {
			state := uint32(1) // offline
			if t.Online {
				state = dfsStorageOnline
			}
			w.u32(state)
			w.ptr()
			w.ptr()
		}
		for _, t := range l.Targets {
			ndrString(w, t.Server)
			ndrString(w, t.Share)
		}
	}
	w.ptr() // resume handle
	w.u32(0)
	w.u32(0) // status
	return w.b
}

var fixtureLinks = []DFSLink{
	{Path: `\\DC1\DFSRoot`, Targets: []DFSTarget{{Server: "DC1", Share: "DFSRoot", Online: true}}},
	{Path: `\\DC1\DFSRoot\Apps`, Targets: []DFSTarget{{Server: "fs1", Share: "Distrib", Online: true}}},
	{Path: `\\DC1\DFSRoot\Apps\Телефония`, Targets: []DFSTarget{
		{Server: "fs2", Share: `Soft\Tel`, Online: false},
		{Server: "fs3", Share: `Soft\Tel`, Online: true},
	}},
	{Path: `\\DC1\DFSRoot\Empty`},
}

func TestParseNetrDfsEnum(t *testing.T) {
	links, status, err := parseNetrDfsEnum(enumResponse(fixtureLinks))
	if err != nil || status != 0 {
		t.Fatalf("parse: %v, status %d", err, status)
	}
	if len(links) != len(fixtureLinks) {
		t.Fatalf("got %d links, want %d", len(links), len(fixtureLinks))
	}
	for i, l := range links {
		want := fixtureLinks[i]
		if l.Path != want.Path || len(l.Targets) != len(want.Targets) {
			t.Errorf("link %d: %+v, want %+v", i, l, want)
			continue
		}
		for j := range l.Targets {
			if l.Targets[j] != want.Targets[j] {
				t.Errorf("link %d target %d: %+v, want %+v", i, j, l.Targets[j], want.Targets[j])
			}
		}
	}
}

func TestParseNetrDfsEnumRejectsTruncation(t *testing.T) {
	full := enumResponse(fixtureLinks)
	for _, n := range []int{0, 4, 30, len(full) / 2, len(full) - 3} {
		if _, _, err := parseNetrDfsEnum(full[:n]); err == nil {
			t.Errorf("%d of %d bytes parsed without error", n, len(full))
		}
	}
}

func TestResolveOn(t *testing.T) {
	tests := []struct {
		in, want string
		inDFS    bool
		err      bool
	}{
		{`\\dc1\Distrib\MikoCTI`, `\\dc1\Distrib\MikoCTI`, false, false},
		{`\\dc1\DFSRoot\Apps`, `\\fs1\Distrib`, true, false},
		{`\\dc1\dfsroot\APPS\MikoCTI\x.msi`, `\\fs1\Distrib\MikoCTI\x.msi`, true, false},
		// The longest link wins; an online target is preferred.
		{`\\dc1\DFSRoot\Apps\телефония\4.9`, `\\fs3\Soft\Tel\4.9`, true, false},
		{`\\dc1\DFSRoot`, ``, true, true},
		{`\\dc1\DFSRoot\Other\x`, ``, true, true},
		{`\\dc1\DFSRoot\Empty\x`, ``, true, true},
	}
	for _, tt := range tests {
		p, err := ParsePath(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		got, _, inDFS, err := resolveOn(p, fixtureLinks)
		if inDFS != tt.inDFS || (err != nil) != tt.err {
			t.Errorf("resolveOn(%s): inDFS %v err %v, want %v %v", tt.in, inDFS, err, tt.inDFS, tt.err)
			continue
		}
		if err != nil {
			if !errors.Is(err, ErrDFSUnresolved) {
				t.Errorf("resolveOn(%s): %v does not wrap ErrDFSUnresolved", tt.in, err)
			}
			continue
		}
		if got.String() != tt.want {
			t.Errorf("resolveOn(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestCheckBindAck(t *testing.T) {
	ack := func(result uint16, secAddr string) []byte {
		b := make([]byte, rpcHeaderLen+8)
		b[0], b[2] = 5, rpcBindAck
		b = append(b, byte(len(secAddr)), 0)
		b = append(b, secAddr...)
		for len(b)%4 != 0 {
			b = append(b, 0)
		}
		b = append(b, 1, 0, 0, 0, byte(result), byte(result>>8), 0, 0)
		return b
	}
	if err := checkBindAck(ack(0, `\PIPE\netdfs`+"\x00")); err != nil {
		t.Errorf("accepted bind: %v", err)
	}
	if err := checkBindAck(ack(2, "\x00")); err == nil {
		t.Error("rejected context taken as accepted")
	}
	nak := make([]byte, rpcHeaderLen+4)
	nak[0], nak[2] = 5, rpcBindNak
	if err := checkBindAck(nak); err == nil {
		t.Error("bind_nak taken as accepted")
	}
}
