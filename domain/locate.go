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
		return nil, newConfigError(ProblemLocateNoDomain, "", nil, "locate DC: no domain name")
	}
	if resolver == nil {
		resolver = net.DefaultResolver
	}
	_, srvs, err := resolver.LookupSRV(ctx, "ldap", "tcp", "dc._msdcs."+domainName)
	if err != nil {
		var dnsErr *net.DNSError
		if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
			return nil, newConfigError(ProblemLocateNoSRV, domainName, err, "locate DC of %s: DNS has no _ldap._tcp.dc._msdcs.%s record: is this host using the domain's DNS servers?", domainName, domainName)
		}
		return nil, newConfigError(ProblemLocateFailed, domainName, err, "locate DC of %s: %v", domainName, err)
	}
	hosts := make([]string, 0, len(srvs))
	for _, s := range srvs {
		if s.Target == "." {
			continue // RFC 2782: "the service is decidedly not available"
		}
		hosts = append(hosts, strings.TrimSuffix(s.Target, "."))
	}
	if len(hosts) == 0 {
		return nil, newConfigError(ProblemLocateNoDC, domainName, nil, "locate DC of %s: DNS lists no domain controller", domainName)
	}
	return hosts, nil
}

// unreachableError marks a failure to reach a DC at all (TCP connect), the
// one kind of failure after which trying another DC makes sense.
type unreachableError struct{ err error }

func (e *unreachableError) Error() string { return e.err.Error() }
func (e *unreachableError) Unwrap() error { return e.err }

// dialLocated connects to the first DC of the domain that answers. It moves
// on to the next DC only when one cannot be reached: after a failed bind it
// stops, because every further try of a wrong password counts towards the
// account's lockout.
func dialLocated(ctx context.Context, cfg Config) (*Conn, error) {
	hosts, err := LocateDCs(ctx, cfg.Resolver, cfg.Domain)
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, h := range hosts {
		c := cfg
		c.DC = h
		conn, err := Dial(ctx, c)
		if err == nil {
			return conn, nil
		}
		var unreachable *unreachableError
		if !errors.As(err, &unreachable) {
			return nil, err
		}
		errs = append(errs, err)
	}
	return nil, fmt.Errorf("no domain controller of %s answered (found in DNS: %s): %w",
		cfg.Domain, strings.Join(hosts, ", "), errors.Join(errs...))
}
