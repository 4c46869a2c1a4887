package domain

import "encoding/binary"

// secChannelBindings lays out Windows' SEC_CHANNEL_BINDINGS for SSPI: eight
// 32-bit little-endian fields (initiator and acceptor address type, length
// and offset, then the application data's length and offset) followed by
// the application data. For TLS channel bindings only the application
// data is set ([RFC 5929]). It is portable so that it is tested everywhere.
func secChannelBindings(appData []byte) []byte {
	const headerLen = 32
	b := make([]byte, headerLen+len(appData))
	binary.LittleEndian.PutUint32(b[24:28], uint32(len(appData)))
	binary.LittleEndian.PutUint32(b[28:32], headerLen)
	copy(b[headerLen:], appData)
	return b
}
