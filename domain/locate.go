package domain

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
)

// LocateDCs finds the domain controllers of a domain from DNS, as Windows
// clients do: the SRV records _ldap._tcp.dc._msdcs.<domain> ([MS-ADTS]
// 6.3.2.3), ordered by priority and weight (RFC 2782). The result holds
// host names without the trailing dot.
func LocateDCs(ctx context.Context, resolver *net.Resolver, domainName string) ([]string, error) {
	domainName = strings.TrimSuffix(strings.TrimSpace(domainName), ".")
	if domainName == "" {
		return nil, errors.New("locate DC: no domain name: pass --domain (or --dc with a DC's name)")
	}
	if resolver == nil {
		resolver = net.DefaultResolver
	}
	_, srvs, err := resolver.LookupSRV(ctx, "ldap", "tcp", "dc._msdcs."+domainName)
	if err != nil {
		var dnsErr *net.DNSError
		if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
			return nil, fmt.Errorf("locate DC of %s: DNS has no _ldap._tcp.dc._msdcs.%s record: is this host using the domain's DNS servers? Otherwise pass --dc", domainName, domainName)
		}
		return nil, fmt.Errorf("locate DC of %s: %w (pass --dc to skip the DNS lookup)", domainName, err)
	}
	hosts := make([]string, 0, len(srvs))
	for _, s := range srvs {
		if s.Target == "." {
			continue // RFC 2782: "the service is decidedly not available"
		}
		hosts = append(hosts, strings.TrimSuffix(s.Target, "."))
	}
	if len(hosts) == 0 {
		return nil, fmt.Errorf("locate DC of %s: DNS lists no domain controller; pass --dc", domainName)
	}
	return hosts, nil
}
