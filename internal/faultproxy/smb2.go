package faultproxy

import (
	"encoding/binary"
	"fmt"
)

// NewSMB2Classifier follows the SMB2 messages a client sends over one
// direct-TCP connection ([MS-SMB2] 2.1: a 4-byte length, then the message)
// and names each chunk by the message that starts it, or that it
// continues: "write <FileId>" and "read <FileId>" for the chunks of one
// file's data ([MS-SMB2] 2.2.19, 2.2.21: FileId at offset 16 of the body),
// the command's name otherwise. Signed SMB leaves the header readable;
// an encrypted message ([MS-SMB2] 2.2.41, 0xFD 'S' 'M' 'B') is "encrypted".
func NewSMB2Classifier() Classifier { return &smb2Classifier{} }

type smb2Classifier struct {
	remaining int    // bytes of the current message not yet seen
	current   string // the current message's kind
}

var smb2Commands = [...]string{
	"negotiate", "session setup", "logoff", "tree connect", "tree disconnect",
	"create", "close", "flush", "read", "write", "lock", "ioctl", "cancel",
	"echo", "query directory", "change notify", "query info", "set info", "oplock break",
}

func (c *smb2Classifier) Kind(chunk []byte) string {
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
		if len(chunk) < 4 {
			// A length split across chunks: rare enough to give up on
			// naming the rest of this connection exactly.
			c.remaining, c.current = 0, "unknown"
			return orUnknown(kind)
		}
		c.remaining = int(binary.BigEndian.Uint32(chunk[:4]) & 0xFFFFFF)
		c.current = smb2Kind(chunk[4:])
		chunk = chunk[4:]
		if kind == "" {
			kind = c.current
		}
	}
	return orUnknown(kind)
}

func orUnknown(kind string) string {
	if kind == "" {
		return "unknown"
	}
	return kind
}

// smb2Kind names a message from its first bytes (header and body start).
func smb2Kind(m []byte) string {
	switch {
	case len(m) >= 4 && m[0] == 0xFD && string(m[1:4]) == "SMB":
		return "encrypted"
	case len(m) < 64 || m[0] != 0xFE || string(m[1:4]) != "SMB":
		return "unknown"
	}
	cmd := binary.LittleEndian.Uint16(m[12:14])
	name := fmt.Sprintf("command 0x%x", cmd)
	if int(cmd) < len(smb2Commands) {
		name = smb2Commands[cmd]
	}
	if (name == "read" || name == "write") && len(m) >= 64+32 {
		return fmt.Sprintf("%s %x", name, m[64+16:64+32])
	}
	return name
}
