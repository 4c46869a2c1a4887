package domain

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"time"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"
)

// startTLSOID names the StartTLS extended operation ([RFC 4511] 4.14.1).
const startTLSOID = "1.3.6.1.4.1.1466.20037"

// startTLS runs the StartTLS extended operation itself, before go-ldap
// owns the connection, and returns the TLS connection. go-ldap's own
// StartTLS puts TLS under whatever conn it was given, but a SASL layer
// must sit above TLS ([RFC 4513] 3.1.1: the layers apply in the order
// they were negotiated), so the TLS connection has to exist first.
func startTLS(ctx context.Context, raw net.Conn, cfg *tls.Config) (*tls.Conn, error) {
	if deadline, ok := ctx.Deadline(); ok {
		if err := raw.SetDeadline(deadline); err != nil {
			return nil, err
		}
		defer raw.SetDeadline(time.Time{})
	}
	msg := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "LDAP Request")
	msg.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, 1, "MessageID"))
	req := ber.Encode(ber.ClassApplication, ber.TypeConstructed, ldap.ApplicationExtendedRequest, nil, "Extended Request")
	req.AppendChild(ber.NewString(ber.ClassContext, ber.TypePrimitive, 0, startTLSOID, "requestName"))
	msg.AppendChild(req)
	if _, err := raw.Write(msg.Bytes()); err != nil {
		return nil, fmt.Errorf("send StartTLS request: %w", err)
	}
	// ReadPacket reads exactly one message, so no byte of the TLS
	// handshake that follows is consumed here.
	resp, err := ber.ReadPacket(raw)
	if err != nil {
		return nil, fmt.Errorf("read StartTLS response: %w", err)
	}
	if err := startTLSResult(resp); err != nil {
		return nil, err
	}
	tc := tls.Client(raw, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		return nil, err
	}
	return tc, nil
}

// startTLSResult checks the ExtendedResponse ([RFC 4511] 4.12): message ID
// 1, resultCode success.
func startTLSResult(resp *ber.Packet) error {
	if len(resp.Children) < 2 || len(resp.Children[1].Children) < 3 {
		return errors.New("malformed StartTLS response")
	}
	if id, ok := resp.Children[0].Value.(int64); !ok || id != 1 {
		return fmt.Errorf("StartTLS response has message ID %v, want 1", resp.Children[0].Value)
	}
	op := resp.Children[1]
	if op.Tag != ldap.ApplicationExtendedResponse {
		return fmt.Errorf("StartTLS answered with LDAP operation %d, want an extended response", op.Tag)
	}
	code, ok := op.Children[0].Value.(int64)
	if !ok {
		return errors.New("StartTLS response has no result code")
	}
	if code != ldap.LDAPResultSuccess {
		diag, _ := op.Children[2].Value.(string)
		return fmt.Errorf("the DC refused StartTLS: %s: %s", ldap.LDAPResultCodeMap[uint16(code)], diag)
	}
	return nil
}
