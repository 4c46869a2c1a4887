package smb

import (
	"context"
	"errors"
	"fmt"
	"time"
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
}

func (s *Share) stallGuard(ctx context.Context) (context.Context, *stallGuard) {
	ctx, cancel := context.WithCancelCause(ctx)
	g := &stallGuard{timeout: s.timeout, ctx: ctx, cancel: cancel}
	g.timer = time.AfterFunc(s.timeout, func() { cancel(errStalled) })
	context.AfterFunc(ctx, func() { g.timer.Stop() })
	return ctx, g
}

func (g *stallGuard) advance() { g.timer.Reset(g.timeout) }

// stop ends the guard and releases its context.
func (g *stallGuard) stop() {
	g.timer.Stop()
	g.cancel(context.Canceled)
}

// explain replaces a bare cancellation by the reason when the guard fired.
func (g *stallGuard) explain(err error) error {
	if errors.Is(context.Cause(g.ctx), errStalled) {
		return fmt.Errorf("%w: the file server did not answer for %s; check the network and the server", err, g.timeout)
	}
	return err
}
