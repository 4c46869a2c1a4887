//go:build linux

package si

import (
	"encoding/base64"
	"fmt"
)

func decodeBase64(s string) ([]byte, error) { return base64.StdEncoding.DecodeString(s) }

func fmtSscan(s string, v *int64) (int, error) { return fmt.Sscan(s, v) }

// itoa32 is a packageFlags value as the directory stores it (signed).
func itoa32(v uint32) string { return fmt.Sprint(int32(v)) }
