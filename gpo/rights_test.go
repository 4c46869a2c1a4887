//go:build linux

package gpo

import (
	"context"
	"strings"
	"testing"

	"github.com/ctitui/ctitui/internal/testdomain"
)

// The administrator may do everything a deployment needs; a plain user
// may do none of it; both by logon name, and the administrator also
// without one (the rootDSE's token, as with Kerberos from a cache).
func TestRights(t *testing.T) {
	s, d := openAdmin(t)
	ctx := t.Context()
	check := func(who string, rs []Right, want RightState) {
		t.Helper()
		if len(rs) == 0 {
			t.Fatalf("%s: no rights", who)
		}
		for _, r := range rs {
			if r.State != want {
				t.Errorf("%s: %s is %s (%s), want %s", who, r.Key, r.State, r.Detail, want)
			}
		}
	}
	check("admin by name", s.Rights(ctx, testdomain.AdminUPN), RightYes)
	check("admin by rootDSE", s.Rights(ctx, ""), RightYes)

	ep := adminEndpoints(d)
	ep.LDAP.User, ep.LDAP.Password = "ivanov@"+testdomain.DNSDomain, d.UserPassword()
	u, err := Open(context.Background(), ep)
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	rs := u.Rights(ctx, "ivanov")
	// The SYSVOL check may not even read the Policies folder's
	// permissions as a plain user: then it cannot tell, and says why.
	if len(rs) == 3 && rs[2].State == RightUnknown {
		check("ivanov", rs[:2], RightNo)
	} else {
		check("ivanov", rs, RightNo)
	}
	for _, r := range rs {
		if r.Detail == "" || strings.Contains(r.Detail, "%!") {
			t.Errorf("ivanov: %s without a reason: %q", r.Key, r.Detail)
		}
	}
}
