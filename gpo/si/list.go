package si

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/go-ldap/ldap/v3"

	"github.com/ctitui/ctitui/domain/smb"
	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/aas"
)

// List returns the packages of one GPO (gpoRef not empty) or of every GPO
// of the domain, sorted by GPO name, scope and package name. With check,
// it also says whether each MSI and each script can be read.
func (st *Store) List(ctx context.Context, gpoRef string, check bool) ([]Package, error) {
	c, err := st.s.Dir(ctx)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	base := "CN=Policies,CN=System," + st.s.BaseDN()
	if gpoRef != "" {
		g, err := st.s.Find(ctx, gpoRef)
		if err != nil {
			return nil, err
		}
		base, names[g.GUID] = g.DN, g.Name
	} else {
		all, err := st.s.List(ctx, gpo.Detail{})
		if err != nil {
			return nil, err
		}
		for _, g := range all {
			names[g.GUID] = g.Name
		}
	}
	entries, err := c.SearchAll(ctx, base, ldap.ScopeWholeSubtree, "(objectClass=packageRegistration)", packageAttributes())
	if err != nil {
		return nil, fmt.Errorf("list packages: %w", err)
	}
	out := make([]Package, 0, len(entries))
	for _, e := range entries {
		p, err := packageFromEntry(e)
		if err != nil {
			continue // a packageRegistration outside a GPO half is not ours to list
		}
		p.GPOName = names[p.GPO]
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.GPOName != b.GPOName {
			return a.GPOName < b.GPOName
		}
		if a.Scope != b.Scope {
			return a.Scope < b.Scope
		}
		return a.Name < b.Name
	})
	if err := st.nameCategories(ctx, out); err != nil {
		return nil, err
	}
	if check {
		st.CheckReach(ctx, out)
	}
	return out, nil
}

// CheckReach stats every MSI (one session per share) and reads every
// script, setting MSIReachable, ScriptReachable, ScriptOldLayout and
// ReachError.
func (st *Store) CheckReach(ctx context.Context, ps []Package) {
	type conn struct {
		c   *smb.Client
		sh  *smb.Share
		err error
	}
	shares := map[string]*conn{}
	defer func() {
		for _, c := range shares {
			if c.err == nil {
				c.sh.Close()
				c.c.Close()
			}
		}
	}()
	yes, no := true, false
	for i := range ps {
		p := &ps[i]
		var problems []string
		path, err := ParseSourcePath(p.MSIPath, ".msi")
		if err == nil {
			key := strings.ToLower(path.Server + `\` + path.Share)
			cn, ok := shares[key]
			if !ok {
				cn = &conn{}
				cn.c, cn.sh, cn.err = st.openShare(ctx, path)
				shares[key] = cn
			}
			err = cn.err
			if err == nil {
				_, err = cn.sh.Stat(ctx, path.Rel())
			}
		}
		if err != nil {
			p.MSIReachable = &no
			problems = append(problems, "MSI: "+err.Error())
		} else {
			p.MSIReachable = &yes
		}
		rel := st.scriptRel(p.ScriptPath)
		err = fmt.Errorf("msiScriptPath %q is not on this domain's SYSVOL", p.ScriptPath)
		var script []byte
		if rel != "" {
			var sh *smb.Share
			if sh, err = st.s.SysVol(ctx); err == nil {
				script, err = sh.ReadFile(ctx, rel)
			}
		}
		if err != nil {
			p.ScriptReachable = &no
			problems = append(problems, "script: "+err.Error())
		} else {
			p.ScriptReachable = &yes
			p.ScriptOldLayout = aas.OldLayout(script)
		}
		p.ReachError = strings.Join(problems, "; ")
	}
}
