package msi

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// Code pages that mean "no conversion": 0 is the neutral code page of
// language-neutral databases (Windows Installer SDK, "Code Page Handling of
// the Installation Database"), 65001 is UTF-8 and 20127 is US-ASCII.
const (
	codepageNeutral = 0
	codepageUTF8    = 65001
	codepageASCII   = 20127
)

// codepageEncoding returns the decoder for a Windows code page number, or nil
// when the bytes are to be taken as UTF-8 (neutral, UTF-8, ASCII and code
// pages this reader does not know).
func codepageEncoding(cp int) encoding.Encoding {
	switch cp {
	case 437:
		return charmap.CodePage437
	case 850:
		return charmap.CodePage850
	case 852:
		return charmap.CodePage852
	case 855:
		return charmap.CodePage855
	case 858:
		return charmap.CodePage858
	case 862:
		return charmap.CodePage862
	case 866:
		return charmap.CodePage866
	case 874:
		return charmap.Windows874
	case 932:
		return japanese.ShiftJIS
	case 936:
		return simplifiedchinese.GBK
	case 949:
		return korean.EUCKR
	case 950:
		return traditionalchinese.Big5
	case 1250:
		return charmap.Windows1250
	case 1251:
		return charmap.Windows1251
	case 1252:
		return charmap.Windows1252
	case 1253:
		return charmap.Windows1253
	case 1254:
		return charmap.Windows1254
	case 1255:
		return charmap.Windows1255
	case 1256:
		return charmap.Windows1256
	case 1257:
		return charmap.Windows1257
	case 1258:
		return charmap.Windows1258
	case 20866:
		return charmap.KOI8R
	case 21866:
		return charmap.KOI8U
	case 28591:
		return charmap.ISO8859_1
	case 28592:
		return charmap.ISO8859_2
	case 28595:
		return charmap.ISO8859_5
	case 28605:
		return charmap.ISO8859_15
	}
	return nil
}

// decodeText converts bytes stored in code page cp to UTF-8. ASCII, which is
// almost everything in a package, is returned without conversion.
func decodeText(b []byte, cp int) string {
	if isASCII(b) {
		return string(b)
	}
	if enc := codepageEncoding(cp); enc != nil {
		if s, err := enc.NewDecoder().Bytes(b); err == nil {
			return string(s)
		}
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// decodeSummaryText converts a summary information string. msitools writes
// these as UTF-8 whatever the declared code page (observed: wixl with
// Codepage 1251 stores Cyrillic Subject/Comments as UTF-8 and msiinfo suminfo
// prints them back unchanged), while Windows tools store them in the
// declared code page. Genuine single-byte Cyrillic text is practically never
// valid UTF-8, so valid UTF-8 is taken as is and anything else is decoded
// with the code page.
func decodeSummaryText(b []byte, cp int) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return decodeText(b, cp)
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
