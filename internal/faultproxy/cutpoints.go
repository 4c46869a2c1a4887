package faultproxy

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"time"
)

// A fault sweep cuts a connection after each message of an operation in
// turn. Consecutive chunks of the same kind on the same connection (the
// chunks of one file write, the pages of one search) leave the server in the
// same kind of state, whichever of them is the last to arrive: they are one
// equivalence class of cut points. CutPoints keeps every class's first and
// last chunk (the boundaries, where the state changes kind) and a seeded
// sample inside it; chunks of unknown kind are each a class of their own.
//
// CTITUI_FAULT_EXHAUSTIVE=1 keeps every chunk (for a nightly or manual
// run); CTITUI_FAULT_SEED=N repeats a sample a failing run printed.

// Sample says how cut points are chosen.
type Sample struct {
	Seed       uint64
	PerClass   int  // chunks sampled inside each class, besides its boundaries
	Exhaustive bool // every chunk
}

// SampleFromEnv is the sample the environment asks for: a seed from
// CTITUI_FAULT_SEED or the clock, two chunks inside each class, or every
// chunk with CTITUI_FAULT_EXHAUSTIVE=1.
func SampleFromEnv() Sample {
	s := Sample{Seed: uint64(time.Now().UnixNano()), PerClass: 2}
	if v, err := strconv.ParseUint(os.Getenv("CTITUI_FAULT_SEED"), 10, 64); err == nil {
		s.Seed = v
	}
	s.Exhaustive = os.Getenv("CTITUI_FAULT_EXHAUSTIVE") == "1"
	return s
}

func (s Sample) String() string {
	if s.Exhaustive {
		return "every cut point (CTITUI_FAULT_EXHAUSTIVE=1)"
	}
	return fmt.Sprintf("class boundaries + %d sampled inside each class, seed %d (repeat with CTITUI_FAULT_SEED=%d; all with CTITUI_FAULT_EXHAUSTIVE=1)",
		s.PerClass, s.Seed, s.Seed)
}

// Class is a run of consecutive chunks of one kind on one connection.
type Class struct {
	Conn   int
	Kind   string
	Chunks []int // chunk numbers (1-based, as Arm counts them), in order
}

// Classes splits a trace into its equivalence classes. Chunks of other
// connections in between do not split a class: what a cut on one
// connection leaves depends on that connection's messages.
func Classes(trace []Chunk) []Class {
	var classes []Class
	open := map[int]int{} // connection -> index of its current class
	for i, c := range trace {
		k := i + 1
		if j, ok := open[c.Conn]; ok && c.Kind != "" && c.Kind != "unknown" && classes[j].Kind == c.Kind {
			classes[j].Chunks = append(classes[j].Chunks, k)
			continue
		}
		classes = append(classes, Class{Conn: c.Conn, Kind: c.Kind, Chunks: []int{k}})
		open[c.Conn] = len(classes) - 1
	}
	return classes
}

// CutPoints are the chunk numbers to cut after, in increasing order.
func (s Sample) CutPoints(trace []Chunk) []int {
	chosen := make([]bool, len(trace)+1)
	rng := rand.New(rand.NewPCG(s.Seed, 0x63746974756921)) // "ctitui!"
	for _, c := range Classes(trace) {
		m := c.Chunks
		if s.Exhaustive || len(m) <= 2+s.PerClass {
			for _, k := range m {
				chosen[k] = true
			}
			continue
		}
		chosen[m[0]], chosen[m[len(m)-1]] = true, true
		inner := m[1 : len(m)-1]
		for _, i := range rng.Perm(len(inner))[:s.PerClass] {
			chosen[inner[i]] = true
		}
	}
	var points []int
	for k, ok := range chosen {
		if ok {
			points = append(points, k)
		}
	}
	return points
}

// Retries chooses the cut points after which a sweep retries the operation
// once it has failed clean. A clean failure is one the sweep has checked to
// leave everything the operation may change exactly as it was, so a retry
// starts from a state the fault-free run already started from: its own
// evidence is only that nothing the state comparison cannot see (a journal,
// an open handle, a cached session, a temporary file elsewhere) stands in
// the way. A seeded quarter of the points (at least the first and the last
// of each protocol) keeps checking that, at about half the cost of a round
// each; the sweeps also run the next cut point on the object a clean
// failure left unchanged, so every later round checks the same thing again.
// CTITUI_FAULT_EXHAUSTIVE=1 retries after every point.
func (s Sample) Retries(points []int) map[int]bool {
	retry := make(map[int]bool, len(points))
	if len(points) == 0 {
		return retry
	}
	if s.Exhaustive || len(points) <= 4 {
		for _, k := range points {
			retry[k] = true
		}
		return retry
	}
	retry[points[0]], retry[points[len(points)-1]] = true, true
	inner := points[1 : len(points)-1]
	rng := rand.New(rand.NewPCG(s.Seed, 0x7265747279)) // "retry"
	for _, i := range rng.Perm(len(inner))[:max(1, len(inner)/4)] {
		retry[inner[i]] = true
	}
	return retry
}
