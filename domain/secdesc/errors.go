package secdesc

import "errors"

// ErrTruncated is wrapped by decode errors where a structure runs past the
// end of its buffer.
var ErrTruncated = errors.New("truncated")

// ErrMalformed is wrapped by decode and parse errors where a field holds a
// value the format does not allow.
var ErrMalformed = errors.New("malformed")
