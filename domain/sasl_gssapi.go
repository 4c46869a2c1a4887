package domain

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// SASL security layers offered and chosen in the GSSAPI mechanism's last
// exchange ([RFC 4752] 3.3).
const (
	saslLayerNone      = 1
	saslLayerIntegrity = 2
	saslLayerPrivacy   = 4
)

// saslMaxBuffer is the largest wrapped message ctitui accepts, the most
// the 3-byte field of [RFC 4752] 3.1 can say.
const saslMaxBuffer = 0xFFFFFF

// saslGSSAPI is go-ldap's GSSAPIClient on one of our mechanisms. Unlike
// go-ldap's own clients it negotiates a security layer: integrity on a
// plain connection, none inside TLS.
type saslGSSAPI struct {
	mech gssMechanism
	// integrity: choose the integrity layer (else no layer, only inside TLS).
	integrity bool
	// overTLS: the connection is TLS; only for what errors say.
	overTLS bool

	// Result of the negotiation.
	layer     byte
	serverMax uint32
}

func (s *saslGSSAPI) InitSecContext(target string, token []byte) ([]byte, bool, error) {
	return s.mech.initSecContext(token)
}

// InitSecContextWithOptions ignores go-ldap's AP options: the mechanism
// always asks for mutual authentication, which the integrity layer needs.
func (s *saslGSSAPI) InitSecContextWithOptions(target string, token []byte, _ []int) ([]byte, bool, error) {
	return s.mech.initSecContext(token)
}

// NegotiateSaslAuth reads the server's offer (one wrapped 4-byte token:
// layer bitmask, then its maximum message size) and answers with the
// chosen layer and our maximum, wrapped without confidentiality
// ([RFC 4752] 3.1). No authorization identity is sent: we act as who we
// authenticated as.
func (s *saslGSSAPI) NegotiateSaslAuth(token []byte, authzid string) ([]byte, error) {
	offer, err := s.mech.unwrap(token)
	if err != nil {
		return nil, fmt.Errorf("SASL security layer offer from the DC: %w", err)
	}
	layer, serverMax, err := chooseSASLLayer(offer, s.integrity, s.overTLS)
	if err != nil {
		return nil, err
	}
	reply := make([]byte, 4, 4+len(authzid))
	ourMax := uint32(0)
	if layer != saslLayerNone {
		ourMax = saslMaxBuffer
	}
	binary.BigEndian.PutUint32(reply, ourMax)
	reply[0] = layer
	reply = append(reply, authzid...)
	out, err := s.mech.wrap(reply)
	if err != nil {
		return nil, fmt.Errorf("SASL security layer reply: %w", err)
	}
	s.layer, s.serverMax = layer, serverMax
	return out, nil
}

// DeleteSecContext is called by go-ldap when the bind returns. The context
// must outlive the bind when it protects the connection, so it is released
// with the connection instead.
func (s *saslGSSAPI) DeleteSecContext() error { return nil }

// chooseSASLLayer picks the layer from the server's 4-byte offer ([RFC
// 4752] 3.1): integrity when asked for, which the server must offer
// (confidentiality is not implemented; integrity is what AD's "LDAP server
// signing requirements" and Samba's "ldap server require strong auth"
// ask for); else no layer, which is only asked for inside TLS, where TLS
// protects the messages and AD refuses a second layer.
func chooseSASLLayer(offer []byte, integrity, overTLS bool) (layer byte, serverMax uint32, err error) {
	if len(offer) != 4 {
		return 0, 0, fmt.Errorf("SASL security layer offer is %d bytes, want 4 (RFC 4752 3.1)", len(offer))
	}
	offered := offer[0]
	serverMax = binary.BigEndian.Uint32(offer) & 0xFFFFFF
	if offered == saslLayerNone && serverMax != 0 {
		return 0, 0, errors.New("the DC offers no security layer but a non-zero buffer size (RFC 4752 3.1)")
	}
	if !integrity {
		if offered&saslLayerNone == 0 {
			return 0, 0, fmt.Errorf("the DC insists on a SASL security layer (bitmask %#02x)", offered)
		}
		return saslLayerNone, serverMax, nil
	}
	if offered&saslLayerIntegrity == 0 {
		advice := "use LDAPS or StartTLS"
		if overTLS {
			advice = "this DC cannot protect LDAP with Kerberos"
		}
		return 0, 0, fmt.Errorf("the DC does not offer the SASL integrity layer (bitmask %#02x), so messages could not be signed: %s", offered, advice)
	}
	if serverMax == 0 {
		return 0, 0, errors.New("the DC offers the integrity layer with a zero buffer size")
	}
	return saslLayerIntegrity, serverMax, nil
}
