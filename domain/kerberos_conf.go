package domain

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/jcmturner/gokrb5/v8/config"
)

// loadKRB5Config reads krb5.conf from Config.KRB5Conf, $KRB5_CONFIG (a
// colon-separated list; the first file that exists) or /etc/krb5.conf;
// with none of them it makes a minimal one for the realm with the DC as
// KDC. When the file does not name a KDC for the realm and Config.DC is
// set, the DC is added as the realm's KDC (every AD DC is a KDC).
func loadKRB5Config(cfg Config, getenv func(string) string, systemConf string) (*config.Config, string, error) {
	path := cfg.KRB5Conf
	if path == "" {
		for _, p := range append(filepath.SplitList(getenv("KRB5_CONFIG")), systemConf) {
			if _, err := os.Stat(p); err == nil {
				path = p
				break
			}
		}
	}
	realm := cfg.kerberosRealm()
	var conf *config.Config
	if path != "" {
		var err error
		conf, err = config.Load(path)
		if err != nil {
			// gokrb5 reports unsupported directives as an error but still
			// returns the parsed configuration.
			var unsupported config.UnsupportedDirective
			if !errors.As(err, &unsupported) || conf == nil {
				return nil, "", fmt.Errorf("read krb5.conf %s: %w", path, err)
			}
		}
	} else {
		conf = config.New()
		path = "(built in)"
		// AD tickets carry a PAC and rarely fit in a UDP datagram.
		conf.LibDefaults.UDPPreferenceLimit = 1
		conf.LibDefaults.DNSLookupKDC = cfg.DC == ""
	}
	if realm == "" {
		realm = conf.LibDefaults.DefaultRealm
	}
	if conf.LibDefaults.DefaultRealm == "" {
		conf.LibDefaults.DefaultRealm = realm
	}
	if host := cfg.dcHost(); host != "" && realm != "" && !realmHasKDC(conf, realm) {
		conf.Realms = append(conf.Realms, config.Realm{Realm: realm, KDC: []string{net.JoinHostPort(host, "88")}})
	}
	return conf, path, nil
}

func realmHasKDC(conf *config.Config, realm string) bool {
	for _, r := range conf.Realms {
		if strings.EqualFold(r.Realm, realm) && len(r.KDC) > 0 {
			return true
		}
	}
	return false
}
