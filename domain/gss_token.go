package domain

import (
	"bytes"
	"crypto"
	_ "crypto/sha256" // registers the hashes tlsServerEndPoint picks
	_ "crypto/sha512"
	"crypto/x509"
	"errors"
	"fmt"
)

// Token IDs of the Kerberos mechanism's context tokens ([RFC 4121] 4.1).
const (
	gssTokAPReq = 0x0100
	gssTokAPRep = 0x0200
	gssTokError = 0x0300
)

// krb5MechOID is the DER of the Kerberos V5 mechanism OID
// 1.2.840.113554.1.2.2 ([RFC 1964] 1.1).
var krb5MechOID = []byte{0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02}

// gssFrame wraps a Kerberos message in the mechanism-independent token
// framing of [RFC 2743] 3.1: [APPLICATION 0] { mech OID, TOK_ID, message }.
func gssFrame(tokID uint16, msg []byte) []byte {
	inner := make([]byte, 0, len(krb5MechOID)+2+len(msg))
	inner = append(inner, krb5MechOID...)
	inner = append(inner, byte(tokID>>8), byte(tokID))
	inner = append(inner, msg...)
	out := append([]byte{0x60}, derLength(len(inner))...)
	return append(out, inner...)
}

// gssUnframe reads the framing of [RFC 2743] 3.1 and returns the TOK_ID
// and the Kerberos message after it.
func gssUnframe(tok []byte) (tokID uint16, msg []byte, err error) {
	if len(tok) < 2 || tok[0] != 0x60 {
		return 0, nil, errors.New("not a GSS-API token")
	}
	n, lenLen, err := parseDERLength(tok[1:])
	if err != nil {
		return 0, nil, err
	}
	inner := tok[1+lenLen:]
	if n != len(inner) {
		return 0, nil, fmt.Errorf("GSS-API token length %d, but %d bytes follow", n, len(inner))
	}
	if !bytes.HasPrefix(inner, krb5MechOID) {
		return 0, nil, errors.New("GSS-API token is not for the Kerberos V5 mechanism")
	}
	inner = inner[len(krb5MechOID):]
	if len(inner) < 2 {
		return 0, nil, errors.New("GSS-API token has no TOK_ID")
	}
	return uint16(inner[0])<<8 | uint16(inner[1]), inner[2:], nil
}

// derLength encodes a DER length: short form below 128, else the long
// form with the fewest octets (X.690 8.1.3).
func derLength(n int) []byte {
	if n < 0x80 {
		return []byte{byte(n)}
	}
	var digits []byte
	for v := n; v > 0; v >>= 8 {
		digits = append([]byte{byte(v)}, digits...)
	}
	return append([]byte{0x80 | byte(len(digits))}, digits...)
}

func parseDERLength(b []byte) (n, consumed int, err error) {
	if len(b) == 0 {
		return 0, 0, errors.New("GSS-API token truncated in its length")
	}
	if b[0] < 0x80 {
		return int(b[0]), 1, nil
	}
	count := int(b[0] & 0x7f)
	if count == 0 || count > 4 || len(b) < 1+count {
		return 0, 0, errors.New("GSS-API token has a bad length")
	}
	for _, d := range b[1 : 1+count] {
		n = n<<8 | int(d)
	}
	return n, 1 + count, nil
}

// tlsServerEndPoint is the "tls-server-end-point" channel binding of
// [RFC 5929] 4: the prefix and a hash of the server's certificate, with
// SHA-256 standing in for MD5 and SHA-1 (4.1). Windows DCs that enforce
// LDAP channel binding check it inside the Kerberos authenticator.
func tlsServerEndPoint(cert *x509.Certificate) ([]byte, error) {
	var h crypto.Hash
	switch cert.SignatureAlgorithm {
	case x509.SHA384WithRSA, x509.SHA384WithRSAPSS, x509.ECDSAWithSHA384:
		h = crypto.SHA384
	case x509.SHA512WithRSA, x509.SHA512WithRSAPSS, x509.ECDSAWithSHA512:
		h = crypto.SHA512
	case x509.MD5WithRSA, x509.SHA1WithRSA, x509.ECDSAWithSHA1, x509.DSAWithSHA1,
		x509.SHA256WithRSA, x509.SHA256WithRSAPSS, x509.ECDSAWithSHA256, x509.DSAWithSHA256:
		h = crypto.SHA256
	default:
		return nil, fmt.Errorf("DC certificate signature algorithm %v has no tls-server-end-point hash (RFC 5929 4.1)", cert.SignatureAlgorithm)
	}
	d := h.New()
	d.Write(cert.Raw)
	return append([]byte("tls-server-end-point:"), d.Sum(nil)...), nil
}
