package smb

import (
	"sync/atomic"
	"time"
)

// Phase names what an upload is doing.
type Phase string

// Phases of an upload, in order.
const (
	// PhaseCompare reads an existing file at the destination to find out
	// whether it already has the same content.
	PhaseCompare Phase = "compare"
	// PhaseUpload writes the temporary file and reads every chunk back;
	// Done counts bytes written and found equal on the server.
	PhaseUpload Phase = "upload"
)

// Progress is one progress event of an upload.
type Progress struct {
	Phase Phase
	// Done and Total are bytes of the current phase.
	Done, Total int64
	// Elapsed is the time since the phase began.
	Elapsed time.Duration
	// BytesPerSecond is the average rate of the phase so far.
	BytesPerSecond float64
	// ETA is the estimated time left in this phase (0 when unknown).
	ETA time.Duration
}

// Fraction is Done/Total in 0..1, handy for a progress bar.
func (p Progress) Fraction() float64 {
	if p.Total <= 0 {
		return 1
	}
	return float64(p.Done) / float64(p.Total)
}

// progressInterval is how often a running phase reports; often enough for
// a smooth bar, rarely enough not to flood a UI.
const progressInterval = 200 * time.Millisecond

// meter counts bytes from many goroutines and reports them from one: fn is
// never called concurrently, so a bubbletea program can p.Send from it.
type meter struct {
	phase Phase
	total int64
	start time.Time
	done  atomic.Int64
	fn    func(Progress)
	stop  chan struct{}
	ended chan struct{}
	// onAdvance is called on every added chunk (the stall watchdog).
	onAdvance func()
}

// startMeter begins a phase; end must be called.
func startMeter(phase Phase, total int64, fn func(Progress), onAdvance func()) *meter {
	m := &meter{phase: phase, total: total, start: time.Now(), fn: fn,
		stop: make(chan struct{}), ended: make(chan struct{}), onAdvance: onAdvance}
	go m.run()
	return m
}

func (m *meter) add(n int) {
	m.done.Add(int64(n))
	if m.onAdvance != nil {
		m.onAdvance()
	}
}

func (m *meter) run() {
	defer close(m.ended)
	if m.fn == nil {
		<-m.stop
		return
	}
	t := time.NewTicker(progressInterval)
	defer t.Stop()
	m.fn(m.snapshot())
	for {
		select {
		case <-t.C:
			m.fn(m.snapshot())
		case <-m.stop:
			return
		}
	}
}

// end stops the ticker and, when the phase completed, sends a last event
// with Done == Total.
func (m *meter) end(completed bool) {
	close(m.stop)
	<-m.ended
	if completed && m.fn != nil {
		m.fn(m.snapshot())
	}
}

func (m *meter) snapshot() Progress {
	p := Progress{Phase: m.phase, Done: m.done.Load(), Total: m.total, Elapsed: time.Since(m.start)}
	if secs := p.Elapsed.Seconds(); secs > 0 && p.Done > 0 {
		p.BytesPerSecond = float64(p.Done) / secs
		p.ETA = time.Duration(float64(p.Total-p.Done) / p.BytesPerSecond * float64(time.Second))
	}
	return p
}
