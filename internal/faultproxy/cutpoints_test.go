package faultproxy

import (
	"bytes"
	"encoding/binary"
	"slices"
	"testing"
)

// smb2Msg builds one direct-TCP framed SMB2 request: header with the
// command, and a body whose FileId (offset 16) is fid, padded to size.
func smb2Msg(cmd uint16, fid byte, size int) []byte {
	m := make([]byte, 64+48+size)
	copy(m, "\xfeSMB")
	binary.LittleEndian.PutUint16(m[4:], 64)
	binary.LittleEndian.PutUint16(m[12:], cmd)
	for i := 0; i < 16; i++ {
		m[64+16+i] = fid
	}
	framed := make([]byte, 4, 4+len(m))
	binary.BigEndian.PutUint32(framed, uint32(len(m)))
	return append(framed, m...)
}

func TestSMB2ClassifierFollowsMessagesAcrossChunks(t *testing.T) {
	c := NewSMB2Classifier()
	create := smb2Msg(5, 0, 0)
	write := smb2Msg(9, 0xaa, 100<<10) // spans two 64 KiB reads
	closeMsg := smb2Msg(6, 0xaa, 0)
	stream := slices.Concat(create, write, closeMsg)
	var kinds []string
	// Cut the stream as a socket might: the create alone, the write in
	// two pieces, the close with the write's tail.
	cuts := []int{len(create), len(create) + 64<<10, len(create) + len(write) - 10, len(stream)}
	prev := 0
	for _, end := range cuts {
		kinds = append(kinds, c.Kind(stream[prev:end]))
		prev = end
	}
	want := []string{"create", "write " + string(bytes.Repeat([]byte("aa"), 16)), "write " + string(bytes.Repeat([]byte("aa"), 16)), "write " + string(bytes.Repeat([]byte("aa"), 16))}
	if !slices.Equal(kinds, want) {
		t.Fatalf("kinds %q, want %q", kinds, want)
	}
	if k := NewSMB2Classifier().Kind(slices.Concat([]byte{0, 0, 0, 70}, []byte("\xfdSMB"), make([]byte, 66))); k != "encrypted" {
		t.Fatalf("transform header: %q", k)
	}
}

func TestCutPointsKeepBoundariesAndSampleInside(t *testing.T) {
	var trace []Chunk
	add := func(conn int, kind string, n int) {
		for i := 0; i < n; i++ {
			trace = append(trace, Chunk{Conn: conn, Size: 1, Kind: kind})
		}
	}
	add(1, "create", 1)    // 1
	add(1, "write f1", 40) // 2..41
	add(2, "", 3)          // 42..44: unknown kind, each its own class
	add(1, "close", 1)     // 45
	add(1, "write f1", 5)  // 46..50: a new class after the close
	classes := Classes(trace)
	if len(classes) != 7 {
		t.Fatalf("classes %d: %+v", len(classes), classes)
	}
	s := Sample{Seed: 7, PerClass: 2}
	points := s.CutPoints(trace)
	for _, must := range []int{1, 2, 41, 42, 43, 44, 45, 46, 50} {
		if !slices.Contains(points, must) {
			t.Errorf("boundary %d missing from %v", must, points)
		}
	}
	// 9 boundaries, 2 inside each of the two write classes.
	if len(points) != 9+4 {
		t.Errorf("%d cut points %v, want 13", len(points), points)
	}
	if again := s.CutPoints(trace); !slices.Equal(again, points) {
		t.Errorf("same seed, other points: %v vs %v", again, points)
	}
	if other := (Sample{Seed: 8, PerClass: 2}).CutPoints(trace); slices.Equal(other, points) {
		t.Logf("seeds 7 and 8 happened to pick the same points %v", points)
	}
	all := Sample{Exhaustive: true}.CutPoints(trace)
	if len(all) != len(trace) || all[0] != 1 || all[len(all)-1] != len(trace) {
		t.Errorf("exhaustive: %v", all)
	}
}

func TestTraceRecordsConnectionsAndKinds(t *testing.T) {
	p, err := StartClassified("127.0.0.1", echoServer(t), NewSMB2Classifier)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	p.Arm(0)
	for conn := 1; conn <= 2; conn++ {
		c, err := p.dialAndSend(smb2Msg(uint16(conn+4), 0, 0))
		if err != nil {
			t.Fatal(err)
		}
		c.Close()
	}
	tr := p.Trace()
	if len(tr) != 2 || tr[0] != (Chunk{Conn: 1, Size: len(smb2Msg(5, 0, 0)), Kind: "create"}) || tr[1].Conn != 2 || tr[1].Kind != "close" {
		t.Fatalf("trace %+v", tr)
	}
}

func TestRetriesKeepEndsAndAQuarter(t *testing.T) {
	points := make([]int, 0, 41)
	for k := 1; k <= 81; k += 2 {
		points = append(points, k)
	}
	s := Sample{Seed: 11, PerClass: 2}
	retry := s.Retries(points)
	if !retry[1] || !retry[81] {
		t.Fatalf("first or last point not retried: %v", retry)
	}
	// 2 ends + a quarter of the 39 inside (9).
	if len(retry) != 2+39/4 {
		t.Fatalf("%d retries, want %d: %v", len(retry), 2+39/4, retry)
	}
	for k := range retry {
		if !slices.Contains(points, k) {
			t.Fatalf("retry after %d, which is not a cut point", k)
		}
	}
	if again := s.Retries(points); len(again) != len(retry) {
		t.Fatalf("same seed, other retries")
	} else {
		for k := range retry {
			if !again[k] {
				t.Fatalf("same seed, other retries: %v vs %v", again, retry)
			}
		}
	}
	if all := (Sample{Exhaustive: true}).Retries(points); len(all) != len(points) {
		t.Fatalf("exhaustive retries %d of %d", len(all), len(points))
	}
	if few := s.Retries([]int{3, 5, 9}); len(few) != 3 {
		t.Fatalf("three points, %d retries", len(few))
	}
	if none := s.Retries(nil); len(none) != 0 {
		t.Fatalf("no points, retries %v", none)
	}
}
