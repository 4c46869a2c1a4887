package domain

import (
	"context"
	"fmt"

	"github.com/go-ldap/ldap/v3"
)

// Summary is the short picture of a domain shown after connecting.
type Summary struct {
	DomainDN            string `json:"domainDN"`
	DC                  string `json:"dc"`
	DomainFunctionality string `json:"domainFunctionalLevel"`
	ForestFunctionality string `json:"forestFunctionalLevel"`
	OUs                 int    `json:"ous"`
	Computers           int    `json:"computers"`
	Users               int    `json:"users"`
	SecurityGroups      int    `json:"securityGroups"`
	GPOs                int    `json:"gpos"`
	WMIFilters          int    `json:"wmiFilters"`
}

// Summarize counts the objects an administrator cares about.
func (c *Conn) Summarize(ctx context.Context) (Summary, error) {
	base := c.root.DefaultNamingContext
	s := Summary{
		DomainDN:            base,
		DC:                  c.root.DNSHostName,
		DomainFunctionality: FunctionalLevelName(c.root.DomainFunctionality),
		ForestFunctionality: FunctionalLevelName(c.root.ForestFunctionality),
	}
	counts := []struct {
		dst    *int
		base   string
		filter string
	}{
		{&s.OUs, base, "(objectClass=organizationalUnit)"},
		{&s.Computers, base, "(objectCategory=computer)"},
		{&s.Users, base, "(&(objectCategory=person)(objectClass=user))"},
		// groupType bit 0x80000000 marks a security group ([MS-ADTS] 2.2.12).
		{&s.SecurityGroups, base, "(&(objectClass=group)(groupType:1.2.840.113556.1.4.803:=2147483648))"},
		{&s.GPOs, "CN=Policies,CN=System," + base, "(objectClass=groupPolicyContainer)"},
		{&s.WMIFilters, "CN=SOM,CN=WMIPolicy,CN=System," + base, "(objectClass=msWMI-Som)"},
	}
	for _, q := range counts {
		n, err := c.Count(ctx, q.base, q.filter)
		if err != nil && !ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
			return Summary{}, fmt.Errorf("summarize domain: %w", err)
		}
		*q.dst = n
	}
	return s, nil
}

// FunctionalLevelName names a domain/forest functionality value
// ([MS-ADTS] 6.1.4.2 msDS-Behavior-Version).
func FunctionalLevelName(v int) string {
	switch v {
	case 0:
		return "Windows 2000"
	case 1:
		return "Windows Server 2003 interim"
	case 2:
		return "Windows Server 2003"
	case 3:
		return "Windows Server 2008"
	case 4:
		return "Windows Server 2008 R2"
	case 5:
		return "Windows Server 2012"
	case 6:
		return "Windows Server 2012 R2"
	case 7:
		return "Windows Server 2016"
	case 10:
		return "Windows Server 2025"
	}
	return fmt.Sprintf("level %d", v)
}
