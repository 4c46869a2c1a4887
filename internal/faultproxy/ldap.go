package faultproxy

import (
	"crypto/sha256"
	"fmt"
)

// NewLDAPClassifier follows the LDAP messages a client sends (RFC 4511
// 4.1.1: a BER SEQUENCE of messageID, protocolOp, optional controls) and
// names each chunk by the message that starts it, or that it continues:
// the operation and a digest of its protocolOp. The pages of one paged
// search differ only in their controls (the cookie), so they share a kind;
// two adds of different objects do not.
func NewLDAPClassifier() Classifier { return &ldapClassifier{} }

type ldapClassifier struct {
	pending   []byte // the start of a message whose header is not complete
	remaining int    // bytes of the current message not yet seen
	current   string
}

// RFC 4511 4.2-4.14: protocolOp's [APPLICATION n] tags of requests.
var ldapOps = map[int]string{
	0: "bind", 2: "unbind", 3: "search", 6: "modify", 8: "add", 10: "delete",
	12: "modify DN", 14: "compare", 16: "abandon", 23: "extended",
}

func (c *ldapClassifier) Kind(chunk []byte) string {
	kind := ""
	for len(chunk) > 0 {
		if c.remaining > 0 {
			n := min(c.remaining, len(chunk))
			c.remaining -= n
			chunk = chunk[n:]
			if kind == "" {
				kind = c.current
			}
			continue
		}
		buf := append(c.pending, chunk...)
		total, opKind, ok := ldapMessage(buf)
		if !ok && len(buf) < 64<<10 {
			// Header not complete yet: wait for the next chunk.
			c.pending = append([]byte(nil), buf...)
			return orUnknown(kind)
		}
		if !ok {
			total, opKind = len(buf), "unknown"
		}
		// The part of this chunk that belongs to the message.
		consumed := min(total, len(buf)) - len(c.pending)
		c.pending = nil
		c.current = opKind
		c.remaining = total - len(buf) // > 0: the message goes on in later chunks
		if c.remaining < 0 {
			c.remaining = 0
		}
		chunk = chunk[consumed:]
		if kind == "" {
			kind = opKind
		}
	}
	return orUnknown(kind)
}

// ldapMessage reads a message's total length and kind from its start; ok
// is false when b does not yet hold the header and the whole protocolOp
// (a protocolOp is digested whole, so it must be there; LDAP requests
// are small, except adds of large values, which then span chunks and are
// named by their header alone).
func ldapMessage(b []byte) (total int, kind string, ok bool) {
	if len(b) < 2 || b[0] != 0x30 {
		return len(b), "unknown", len(b) > 0
	}
	hdr, body, ok := berLength(b[1:])
	if !ok {
		return 0, "", false
	}
	if hdr == 0 {
		return len(b), "unknown", true
	}
	total = 1 + hdr + body
	rest := b[1+hdr:]
	// messageID INTEGER
	if len(rest) < 2 {
		return 0, "", false
	}
	idHdr, idLen, ok := berLength(rest[1:])
	if ok && idHdr == 0 {
		return total, "unknown", true
	}
	if !ok || len(rest) < 1+idHdr+idLen+2 {
		return 0, "", false
	}
	op := rest[1+idHdr+idLen:]
	tag := int(op[0] & 0x1f)
	name, known := ldapOps[tag]
	if !known {
		name = fmt.Sprintf("op %d", tag)
	}
	opHdr, opLen, ok := berLength(op[1:])
	if ok && opHdr == 0 {
		return total, name, true
	}
	if !ok {
		return 0, "", false
	}
	if len(op) < 1+opHdr+opLen {
		if total > 64<<10 {
			return total, name + " (large)", true
		}
		return 0, "", false
	}
	sum := sha256.Sum256(op[:1+opHdr+opLen])
	return total, fmt.Sprintf("%s %x", name, sum[:6]), true
}

// berLength reads a BER length (X.690 8.1.3): the bytes it takes and its
// value.
func berLength(b []byte) (hdr, n int, ok bool) {
	if len(b) == 0 {
		return 0, 0, false
	}
	if b[0] < 0x80 {
		return 1, int(b[0]), true
	}
	k := int(b[0] & 0x7f)
	if k == 0 || k > 4 {
		// Indefinite (not allowed in LDAP, RFC 4511 5.1) or absurd: hdr 0
		// tells the caller to give up on this stream's framing.
		return 0, 0, true
	}
	if len(b) < 1+k {
		return 0, 0, false
	}
	for _, x := range b[1 : 1+k] {
		n = n<<8 | int(x)
	}
	return 1 + k, n, true
}
