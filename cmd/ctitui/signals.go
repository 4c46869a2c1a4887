package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// stopSignals are the ways an admin's session ends a process: ctrl+c
// (SIGINT), kill or a service stop (SIGTERM), and a dropped SSH session or
// a closed terminal window (SIGHUP; on Windows, closing the console window
// arrives as SIGTERM). Each cancels the context, which a plan being
// applied treats like a failure: it undoes what it made and returns.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// interruptContext is cancelled by the first stop signal, with the signal
// as the cause. The signals stay caught until stop is called, so a second
// one does not kill the process in the middle of its rollback. A write to
// a terminal that hung up fails instead of killing the process (SIGPIPE
// ignored), for the same reason.
func interruptContext(parent context.Context, stderr io.Writer) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 4)
	signal.Notify(ch, stopSignals...)
	signal.Ignore(syscall.SIGPIPE)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-ch:
			cancel(&interrupted{s})
			fmt.Fprintf(stderr, "ctitui: %v: stopping; a change being applied is rolled back first\n", s)
		case <-done:
		}
	}()
	return ctx, func() {
		close(done)
		signal.Stop(ch)
		cancel(nil)
	}
}

// interrupted is the cause of a context cancelled by a signal.
type interrupted struct{ sig os.Signal }

func (i *interrupted) Error() string { return fmt.Sprintf("interrupted (%v)", i.sig) }
