package smb

import (
	"context"
	"errors"
	"fmt"
	"time"

	smb2 "github.com/cloudsoda/go-smb2"
)

// errStalled is the cancel cause when a transfer makes no progress.
var errStalled = errors.New("no progress")

// stallGuard bounds a long transfer by inactivity instead of total time: a
// 2 GB MSI on a slow link may take long, but a request that gets no answer
// for the share's timeout is a dead server or link.
type stallGuard struct {
	timeout time.Duration
	timer   *time.Timer
	ctx     context.Context
	cancel  context.CancelCauseFunc
	// cancelLoop releases the loop context of transfer, if any.
	cancelLoop context.CancelFunc
}

func (s *Share) stallGuard(ctx context.Context) (context.Context, *stallGuard) {
	ctx, cancel := context.WithCancelCause(ctx)
	g := &stallGuard{timeout: s.timeout, ctx: ctx, cancel: cancel}
	g.timer = time.AfterFunc(s.timeout, func() { cancel(errStalled) })
	context.AfterFunc(ctx, func() { g.timer.Stop() })
	return ctx, g
}

func (g *stallGuard) advance() { g.timer.Reset(g.timeout) }

// transfer prepares a long transfer. Handles are opened on the returned
// share, whose requests are bounded by the stall guard but not cancelled
// with ctx, so that after a cancellation the handle can still be closed and
// the temporary file removed. loop is cancelled by either and is what the
// transfer checks before each new request.
func (s *Share) transfer(ctx context.Context) (handles *smb2.Share, loop context.Context, g *stallGuard) {
	hctx, g := s.stallGuard(context.WithoutCancel(ctx))
	loop, cancelLoop := context.WithCancel(ctx)
	context.AfterFunc(hctx, cancelLoop)
	g.cancelLoop = cancelLoop
	return s.fs.WithContext(hctx), loop, g
}

// stop ends the guard and releases its context.
func (g *stallGuard) stop() {
	g.timer.Stop()
	g.cancel(context.Canceled)
	if g.cancelLoop != nil {
		g.cancelLoop()
	}
}

// explain replaces a bare cancellation by the reason when the guard fired.
func (g *stallGuard) explain(err error) error {
	if errors.Is(context.Cause(g.ctx), errStalled) {
		return fmt.Errorf("%w: the file server did not answer for %s; check the network and the server", err, g.timeout)
	}
	return err
}
