package smb

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	smb2 "github.com/cloudsoda/go-smb2"
)

// A minimal connection-oriented DCE/RPC client over an SMB named pipe
// ([C706] chapter 12, [MS-RPCE] 2.2.2), enough for one interface with no RPC
// level authentication: the SMB session under it is already authenticated
// and signed.

// DCE/RPC packet types and flags ([C706] 12.6.3.1).
const (
	rpcRequest   = 0
	rpcResponse  = 2
	rpcFault     = 3
	rpcBind      = 11
	rpcBindAck   = 12
	rpcBindNak   = 13
	rpcFirstFrag = 0x01
	rpcLastFrag  = 0x02
	rpcHeaderLen = 16
	// rpcMaxFrag is the fragment size offered in the bind; the common
	// default of Windows and Samba.
	rpcMaxFrag = 4280
)

// ndrSyntax is the NDR 2.0 transfer syntax 8a885d04-1ceb-11c9-9fe8-08002b104860
// ([C706] appendix I), in wire order, followed by its version.
var ndrSyntax = [20]byte{0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c, 0xc9, 0x11, 0x9f, 0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60, 2, 0, 0, 0}

// rpcPipe is a bound RPC association on an open named pipe.
type rpcPipe struct {
	f      *smb2.File
	callID uint32
}

// openRPC opens \PIPE\name on the IPC$ share and binds to the interface
// (uuid in wire order, then major and minor version).
func openRPC(ipc *smb2.Share, name string, iface [20]byte) (*rpcPipe, error) {
	f, err := ipc.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("open pipe %s: %w", name, err)
	}
	p := &rpcPipe{f: f, callID: 1}
	body := make([]byte, 0, 56)
	body = binary.LittleEndian.AppendUint16(body, rpcMaxFrag) // max_xmit_frag
	body = binary.LittleEndian.AppendUint16(body, rpcMaxFrag) // max_recv_frag
	body = binary.LittleEndian.AppendUint32(body, 0)          // assoc_group_id
	body = append(body, 1, 0, 0, 0)                           // one context, reserved
	body = binary.LittleEndian.AppendUint16(body, 0)          // p_cont_id
	body = append(body, 1, 0)                                 // one transfer syntax, reserved
	body = append(body, iface[:]...)
	body = append(body, ndrSyntax[:]...)
	ack, err := p.roundTrip(rpcBind, body)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("bind to %s: %w", name, err)
	}
	if err := checkBindAck(ack); err != nil {
		f.Close()
		return nil, fmt.Errorf("bind to %s: %w", name, err)
	}
	return p, nil
}

func (p *rpcPipe) Close() error { return p.f.Close() }

// rpc makes one call on a named pipe of the server's IPC$ share: mount,
// open and bind, call opnum, and close, all within the client's timeout.
// A server without the pipe gives an error wrapping fs.ErrNotExist.
func (c *Client) rpc(ctx context.Context, pipeName string, iface [20]byte, opnum uint16, stub []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	ipc, err := c.session.WithContext(ctx).Mount(`\\` + c.server + `\IPC$`)
	if err != nil {
		return nil, fmt.Errorf("open IPC$: %w", explain(err))
	}
	defer ipc.Umount()
	pipe, err := openRPC(ipc, pipeName, iface)
	if err != nil {
		return nil, explain(err)
	}
	defer pipe.Close()
	out, err := pipe.call(ctx, opnum, stub)
	if err != nil {
		return nil, explain(err)
	}
	return out, nil
}

// checkBindAck finds the result of our one presentation context in a
// bind_ack ([C706] 12.6.4.4): after max frags and assoc group comes the
// secondary address (length-prefixed, padded to 4), then the result list.
func checkBindAck(pdu []byte) error {
	if pdu[2] == rpcBindNak {
		return errors.New("the server refused the interface (bind_nak)")
	}
	if pdu[2] != rpcBindAck || len(pdu) < rpcHeaderLen+10 {
		return fmt.Errorf("unexpected answer to bind (packet type %d)", pdu[2])
	}
	at := rpcHeaderLen + 8
	secAddr := int(binary.LittleEndian.Uint16(pdu[at:]))
	at += 2 + secAddr
	at = (at + 3) &^ 3
	if len(pdu) < at+6 || pdu[at] < 1 {
		return errors.New("bind_ack without a result")
	}
	if result := binary.LittleEndian.Uint16(pdu[at+4:]); result != 0 {
		return fmt.Errorf("the server rejected the interface (result %d)", result)
	}
	return nil
}

// call sends a request for opnum with an NDR stub and returns the response
// stub, reassembled from its fragments.
func (p *rpcPipe) call(ctx context.Context, opnum uint16, stub []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	body := make([]byte, 0, 8+len(stub))
	body = binary.LittleEndian.AppendUint32(body, uint32(len(stub))) // alloc_hint
	body = binary.LittleEndian.AppendUint16(body, 0)                 // p_cont_id
	body = binary.LittleEndian.AppendUint16(body, opnum)
	body = append(body, stub...)
	if len(body)+rpcHeaderLen > rpcMaxFrag {
		return nil, fmt.Errorf("RPC request of %d bytes needs fragmenting, which this client does not do", len(body))
	}
	pdu, err := p.roundTrip(rpcRequest, body)
	if err != nil {
		return nil, err
	}
	var out []byte
	for {
		switch pdu[2] {
		case rpcResponse:
		case rpcFault:
			if len(pdu) >= rpcHeaderLen+12 {
				return nil, fmt.Errorf("RPC fault %#08x", binary.LittleEndian.Uint32(pdu[rpcHeaderLen+8:]))
			}
			return nil, errors.New("RPC fault")
		default:
			return nil, fmt.Errorf("unexpected RPC packet type %d in a response", pdu[2])
		}
		if len(pdu) < rpcHeaderLen+8 {
			return nil, errors.New("short RPC response")
		}
		out = append(out, pdu[rpcHeaderLen+8:]...)
		if pdu[3]&rpcLastFrag != 0 {
			return out, nil
		}
		if pdu, err = p.readPDU(); err != nil {
			return nil, err
		}
	}
}

// roundTrip writes one PDU and reads the first PDU of the answer.
func (p *rpcPipe) roundTrip(ptype byte, body []byte) ([]byte, error) {
	pdu := make([]byte, rpcHeaderLen, rpcHeaderLen+len(body))
	pdu[0], pdu[1], pdu[2], pdu[3] = 5, 0, ptype, rpcFirstFrag|rpcLastFrag
	pdu[4] = 0x10 // data representation: little-endian, ASCII, IEEE floats
	binary.LittleEndian.PutUint16(pdu[8:], uint16(rpcHeaderLen+len(body)))
	binary.LittleEndian.PutUint32(pdu[12:], p.callID)
	p.callID++
	pdu = append(pdu, body...)
	if _, err := p.f.Write(pdu); err != nil {
		return nil, fmt.Errorf("write to pipe: %w", err)
	}
	return p.readPDU()
}

// readPDU reads one fragment: a pipe read returns one message, and a
// fragment never exceeds the max_recv_frag we offered.
func (p *rpcPipe) readPDU() ([]byte, error) {
	buf := make([]byte, 64<<10)
	n, err := p.f.Read(buf)
	if err != nil && !(errors.Is(err, io.EOF) && n > 0) {
		return nil, fmt.Errorf("read from pipe: %w", err)
	}
	pdu := buf[:n]
	if n < rpcHeaderLen || pdu[0] != 5 {
		return nil, fmt.Errorf("not a DCE/RPC packet (%d bytes)", n)
	}
	if frag := int(binary.LittleEndian.Uint16(pdu[8:])); frag != n {
		return nil, fmt.Errorf("RPC fragment says %d bytes, read %d", frag, n)
	}
	return pdu, nil
}
