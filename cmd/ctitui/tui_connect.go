package main

import (
	"context"
	"fmt"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/plan"
	"github.com/ctitui/ctitui/gpo/si"
	"github.com/ctitui/ctitui/ui"
)

// tuiConnector opens the console's session: one gpo.Session whose
// directory connection also serves the directory screens, with the
// Software Installation store, the deploy plan and the doctor on top.
type tuiConnector struct{ conn *connFlags }

func (c *tuiConnector) Connect(ctx context.Context, s ui.Settings) (*ui.Session, error) {
	// What the screen does not ask for (StartTLS, LDAPS, keytab,
	// krb5.conf) comes from the flags, environment and profile.
	p, err := c.conn.settings()
	if err != nil {
		return nil, err
	}
	cfg := domain.Config{
		Domain:   s.Domain,
		DC:       s.DC, // empty: domain.Dial finds one in DNS
		User:     s.User,
		Password: s.Password,
		CAFile:   s.CAFile,
		StartTLS: p.StartTLS,
		LDAPS:    p.LDAPS,
		KRB5Conf: p.KRB5Conf,
		Keytab:   p.Keytab,
	}
	if s.Kerberos {
		cfg.Auth = domain.AuthKerberos
		cfg.CCache = s.CCache
	}
	// The console's plans write through this one session: open it on the
	// PDC emulator, as GPMC does (a DC typed in the form still wins).
	gs, target, err := gpo.OpenForWrite(ctx, gpo.Endpoints{LDAP: cfg})
	if pe, ok := gpo.AsPDCUnreachable(err); ok {
		return nil, fmt.Errorf("%w; GPMC makes changes on the PDC emulator: to work on %s instead, enter it as the DC", pe, pe.InUse)
	}
	if err != nil {
		return nil, err
	}
	conn, err := gs.Dir(ctx)
	if err != nil {
		gs.Close()
		return nil, fmt.Errorf("directory: %w", err)
	}
	user := s.User
	if user == "" {
		user = "Kerberos"
	}
	st := si.New(gs)
	key := domainKey(gs.DNSDomain(), s.User, s.DC)
	info := journalInfo{key: key, dc: s.DC, user: s.User, command: "ctitui (console)"}
	journal := consoleJournal(func() plan.Journal { return fileJournal(info) })
	return &ui.Session{
		Domain:      firstNonEmpty(s.Domain, gs.DNSDomain()),
		Dir:         &tuiDirectory{c: conn, gs: gs, user: user, account: s.User, notPDC: notPDC(target)},
		GPOs:        &tuiGPOs{s: gs, journal: journal},
		Dist:        &tuiDistribution{cfg: cfg, gs: gs},
		Packages:    &tuiPackages{st: st, journal: journal},
		Deployer:    &tuiDeployer{st: st, journal: journal},
		Doctor:      &tuiDoctor{s: gs},
		Replication: &tuiReplication{s: gs},
		Recovery:    &tuiRecovery{s: gs, key: key},
		Close:       gs.Close,
	}, nil
}

// notPDC is the PDC emulator when t writes on another DC, else "".
func notPDC(t gpo.WriteTarget) string {
	if t.OnPDC() {
		return ""
	}
	return t.PDC
}
