//go:build linux

package domain

import (
	"context"
	"fmt"
	"os/exec"
	"testing"
	"time"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"

	"github.com/ctitui/ctitui/internal/testdomain"
)

// benchOUCount is the size of the container the speed targets name.
const benchOUCount = 10000

// benchContainer fills OU=Bench10k with benchOUCount child OUs once per test
// domain (a minute or two the first time, which is why only benchmarks do
// it).
func benchContainer(b *testing.B, d *testdomain.Domain) string {
	b.Helper()
	parent, err := d.BulkOUs(context.Background(), "Bench10k", benchOUCount)
	if err != nil {
		b.Fatal(err)
	}
	return parent
}

// BenchmarkChildOUsFirstPage measures how soon the first page of a 10,000-OU
// container is in hand (target: under 150 ms on the test DC).
func BenchmarkChildOUsFirstPage(b *testing.B) {
	c, d := dialAdminB(b)
	parent := benchContainer(b, d)
	errFirstPage := fmt.Errorf("first page")
	// ns/op includes telling the server to drop the rest of the paged
	// search; first-page-ms is when the page is in the caller's hands.
	var ready time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		err := c.ChildOUs(context.Background(), parent, func(page []OU) error {
			ready += time.Since(t0)
			if len(page) == 0 {
				return fmt.Errorf("empty first page")
			}
			return errFirstPage // stop after the first page
		})
		if err != errFirstPage {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(ready.Microseconds())/1e3/float64(b.N), "first-page-ms")
}

// BenchmarkListOUsVsLdapsearch loads the 10,000 OUs with ctitui and with
// ldapsearch (paged, same query, same DC, same run) and reports the ratio
// (target: at most 1.2).
func BenchmarkListOUsVsLdapsearch(b *testing.B) {
	c, d := dialAdminB(b)
	parent := benchContainer(b, d)
	var ours, theirs time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		var n int
		err := c.ChildOUs(context.Background(), parent, func(page []OU) error { n += len(page); return nil })
		if err != nil || n != benchOUCount {
			b.Fatalf("ours: %d OUs, %v", n, err)
		}
		ours += time.Since(t0)

		t0 = time.Now()
		cmd := exec.Command("ldapsearch", "-LLL", "-H", "ldaps://"+d.IP, "-D", testdomain.AdminUPN, "-y", d.PasswordFile,
			"-E", "pr=500/noprompt", "-s", "one", "-b", parent, "(objectClass=organizationalUnit)",
			"ou", "description", "gPLink", "gPOptions", "objectClass")
		cmd.Env = append(d.ToolEnv(), "LDAPTLS_CACERT="+d.CAFile)
		if out, err := cmd.Output(); err != nil {
			b.Fatalf("ldapsearch: %v\n%s", err, out)
		}
		theirs += time.Since(t0)
	}
	b.ReportMetric(float64(ours.Milliseconds())/float64(b.N), "ctitui-ms/op")
	b.ReportMetric(float64(theirs.Milliseconds())/float64(b.N), "ldapsearch-ms/op")
	b.ReportMetric(ours.Seconds()/theirs.Seconds(), "ratio")
}

func dialAdminB(b *testing.B) (*Conn, *testdomain.Domain) {
	b.Helper()
	d := testdomain.Require(b, dom)
	c, err := Dial(context.Background(), Config{
		Domain: testdomain.DNSDomain, DC: d.IP, User: testdomain.AdminUPN,
		Password: d.Password(), CAFile: d.CAFile,
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	return c, d
}

// BenchmarkFirstPageVariants compares, on the same 10,000-OU container, how
// soon the first entries arrive with different request shapes, and how soon
// ldapsearch (paged) prints its first entry: Samba computes a paged result
// set in full before the first page, so this shows what the server allows.
func BenchmarkFirstPageVariants(b *testing.B) {
	c, d := dialAdminB(b)
	parent := benchContainer(b, d)
	ctx := context.Background()
	attrs := ouAttributes()
	filter := "(objectClass=organizationalUnit)"
	paged := func(size uint32) func() error {
		return func() error {
			req := ldap.NewSearchRequest(parent, ldap.ScopeSingleLevel, ldap.NeverDerefAliases, 0, 0, false,
				filter, attrs, []ldap.Control{ldap.NewControlPaging(size)})
			_, err := c.search(ctx, req)
			return err
		}
	}
	sizeLimited := func(n int) func() error {
		return func() error {
			_, err := c.search(ctx, ldap.NewSearchRequest(parent, ldap.ScopeSingleLevel, ldap.NeverDerefAliases, n, 0, false,
				filter, attrs, nil))
			if ldap.IsErrorWithCode(err, ldap.LDAPResultSizeLimitExceeded) {
				return nil
			}
			return err
		}
	}
	pagedWith := func(size uint32, filter string, attrs []string) func() error {
		return func() error {
			req := ldap.NewSearchRequest(parent, ldap.ScopeSingleLevel, ldap.NeverDerefAliases, 0, 0, false,
				filter, attrs, []ldap.Control{ldap.NewControlPaging(size)})
			_, err := c.search(ctx, req)
			return err
		}
	}
	// A plain search streamed: how soon the first entry arrives when
	// nothing asks the server to count or page.
	streamFirstEntry := func() error {
		sctx, cancel := context.WithCancel(ctx)
		defer cancel()
		r := c.ldap.SearchAsync(sctx, ldap.NewSearchRequest(parent, ldap.ScopeSingleLevel, ldap.NeverDerefAliases, 0, 0, false,
			filter, attrs, nil), 1)
		if !r.Next() {
			return fmt.Errorf("no entry: %v", r.Err())
		}
		return nil
	}
	// Virtual list view ([MS-ADTS] 3.1.1.3.4.1.17) over a server-side sort
	// by ou (RFC 2891): the first 50 by offset.
	vlv := func() error {
		req := ldap.NewSearchRequest(parent, ldap.ScopeSingleLevel, ldap.NeverDerefAliases, 0, 0, false, filter, attrs,
			[]ldap.Control{ldap.NewControlServerSideSortingWithSortKeys([]*ldap.SortKey{{AttributeType: "ou"}}), vlvControl{after: 49}})
		res, err := c.search(ctx, req)
		if err == nil && len(res.Entries) == 0 {
			return fmt.Errorf("vlv: no entries")
		}
		return err
	}
	ldapsearchFirstEntry := func() error {
		cmd := exec.Command("ldapsearch", "-LLL", "-H", "ldaps://"+d.IP, "-D", testdomain.AdminUPN, "-y", d.PasswordFile,
			"-E", "pr=500/noprompt", "-s", "one", "-b", parent, filter, "ou")
		cmd.Env = append(d.ToolEnv(), "LDAPTLS_CACERT="+d.CAFile)
		out, err := cmd.StdoutPipe()
		if err != nil {
			return err
		}
		if err := cmd.Start(); err != nil {
			return err
		}
		buf := make([]byte, 1)
		_, err = out.Read(buf)
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return err
	}
	for _, v := range []struct {
		name string
		fn   func() error
	}{
		{"paged-500", paged(500)},
		{"paged-50", paged(50)},
		{"sizelimit-50", sizeLimited(50)},
		{"paged-50-no-attrs", pagedWith(50, filter, []string{"1.1"})},
		{"paged-50-objectCategory", pagedWith(50, "(objectCategory=organizationalUnit)", attrs)},
		{"paged-50-any-class", pagedWith(50, "(objectClass=*)", attrs)},
		{"plain-stream-first-entry", streamFirstEntry},
		{"vlv-sorted-50", vlv},
		{"ldapsearch-paged-500-first-entry", ldapsearchFirstEntry},
	} {
		b.Run(v.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if err := v.fn(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// vlvControl is a VLV request by offset ([MS-ADTS] 3.1.1.3.4.1.17,
// draft-ietf-ldapext-ldapv3-vlv-09 section 6.1): the entry at offset 1 and
// after entries after it, no context ID.
type vlvControl struct{ after int64 }

func (vlvControl) GetControlType() string { return ldap.ControlTypeVLVRequest }
func (v vlvControl) String() string       { return fmt.Sprintf("VLV offset 1 after %d", v.after) }
func (v vlvControl) Encode() *ber.Packet {
	packet := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "Control")
	packet.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, ldap.ControlTypeVLVRequest, "Control Type"))
	value := ber.Encode(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, nil, "Control Value")
	seq := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "VLV request")
	seq.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, int64(0), "beforeCount"))
	seq.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, v.after, "afterCount"))
	byOffset := ber.Encode(ber.ClassContext, ber.TypeConstructed, 0, nil, "byOffset")
	byOffset.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, int64(1), "offset"))
	byOffset.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, int64(0), "contentCount"))
	seq.AppendChild(byOffset)
	value.AppendChild(seq)
	packet.AppendChild(value)
	return packet
}
