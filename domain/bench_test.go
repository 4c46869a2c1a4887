//go:build linux

package domain

import (
	"context"
	"fmt"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/ctitui/ctitui/internal/testdomain"
)

// benchOUCount is the size of the container the speed targets name.
const benchOUCount = 10000

// benchContainer fills OU=Bench10k with benchOUCount child OUs once per test
// domain (adds go over several connections; Samba serialises writes, so this
// takes a minute or two, which is why only benchmarks do it).
func benchContainer(b *testing.B, d *testdomain.Domain) string {
	b.Helper()
	parent := "OU=Bench10k," + testdomain.BaseDN
	conn, err := d.DialLDAP(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	res, err := conn.SearchWithPaging(ldap.NewSearchRequest(parent, ldap.ScopeSingleLevel, ldap.NeverDerefAliases,
		0, 0, false, "(objectClass=organizationalUnit)", []string{"1.1"}, nil), 1000)
	if err == nil && len(res.Entries) == benchOUCount {
		return parent
	}
	if !ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) && err != nil {
		b.Fatal(err)
	}
	if err != nil {
		req := ldap.NewAddRequest(parent, nil)
		req.Attribute("objectClass", []string{"top", "organizationalUnit"})
		if err := conn.Add(req); err != nil {
			b.Fatal(err)
		}
	}
	const workers = 4
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			c, err := d.DialLDAP(context.Background())
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			for i := w; i < benchOUCount; i += workers {
				req := ldap.NewAddRequest(fmt.Sprintf("OU=Branch %05d,%s", i, parent), nil)
				req.Attribute("objectClass", []string{"top", "organizationalUnit"})
				req.Attribute("description", []string{fmt.Sprintf("Branch office number %d", i)})
				if err := c.Add(req); err != nil && !ldap.IsErrorWithCode(err, ldap.LDAPResultEntryAlreadyExists) {
					errs <- err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
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
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		err := c.ChildOUs(context.Background(), parent, func(page []OU) error {
			if len(page) == 0 {
				return fmt.Errorf("empty first page")
			}
			return errFirstPage // stop after the first page
		})
		if err != errFirstPage {
			b.Fatal(err)
		}
	}
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
