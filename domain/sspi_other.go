//go:build !windows

package domain

import "errors"

// newSSPIMechanism exists only on Windows, where the logged-on user's
// Kerberos tickets are reachable through SSPI; kerberosSource never picks
// the logon session elsewhere.
func newSSPIMechanism(spn string, bindings []byte) (gssMechanism, error) {
	return nil, errors.New("the logged-on user's Kerberos tickets are used only on Windows: run kinit, or give a password or --keytab")
}
