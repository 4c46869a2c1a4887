//go:build !windows

package domain

// newSSPIMechanism exists only on Windows, where the logged-on user's
// Kerberos tickets are reachable through SSPI; kerberosSource never picks
// the logon session elsewhere.
func newSSPIMechanism(spn string, bindings []byte) (gssMechanism, error) {
	return nil, newConfigError(ProblemLogonSessionWindows, "", nil, "the logged-on user's Kerberos tickets are used only on Windows")
}
