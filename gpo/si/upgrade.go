package si

import (
	"fmt"
	"strconv"
	"strings"
)

// UpgradeType is the <UpgradeType> flags of a canUpgradeScript value
// ([MS-GPSI] 2.2.2.4.2).
type UpgradeType uint8

// Upgrade type flags.
const (
	UpgradeUninstall  UpgradeType = 0x01 // UPGFLG_Uninstall: remove the old one, then install
	UpgradeInPlace    UpgradeType = 0x02 // UPGFLG_NoUninstall: upgrade over it
	UpgradeUpgradedBy UpgradeType = 0x04 // UPGFLG_UpgradedBy: the referenced package upgrades this one
	UpgradeEnforced   UpgradeType = 0x08 // UPGFLG_Enforced: "Required upgrade for existing packages"
)

// Upgrade is one canUpgradeScript value:
// LDAP://CN=Class Store,<scoped gpo dn>\\<objectGUID>:<UpgradeType>
// ([MS-GPSI] 2.2.2.4.1).
type Upgrade struct {
	ClassStore string      `json:"classStore"`
	Package    string      `json:"package"`
	Type       UpgradeType `json:"type"`
	// Kind is the type in words.
	Kind string `json:"kind"`
}

// String is the attribute value.
func (u Upgrade) String() string {
	return fmt.Sprintf(`LDAP://%s\\%s:%02x`, u.ClassStore, strings.ToLower(strings.Trim(u.Package, "{}")), uint8(u.Type))
}

// Words describes the type.
func (t UpgradeType) Words() string {
	var w []string
	if t&UpgradeUpgradedBy != 0 {
		w = append(w, "upgraded by")
	} else {
		w = append(w, "upgrades")
	}
	if t&UpgradeUninstall != 0 {
		w = append(w, "(uninstall first)")
	}
	if t&UpgradeInPlace != 0 {
		w = append(w, "(in place)")
	}
	if t&UpgradeEnforced != 0 {
		w = append(w, "required")
	}
	return strings.Join(w, " ")
}

// ParseUpgrade reads a canUpgradeScript value. Exactly one of Uninstall
// and InPlace must be set (2.2.2.4.1).
func ParseUpgrade(v string) (Upgrade, error) {
	rest, ok := strings.CutPrefix(v, "LDAP://")
	if !ok {
		return Upgrade{}, fmt.Errorf("canUpgradeScript %q does not start with LDAP://", v)
	}
	cs, tail, ok := strings.Cut(rest, `\\`)
	if !ok {
		return Upgrade{}, fmt.Errorf(`canUpgradeScript %q has no \\<package GUID>`, v)
	}
	id, typ, ok := strings.Cut(tail, ":")
	if !ok {
		return Upgrade{}, fmt.Errorf("canUpgradeScript %q has no :<type>", v)
	}
	b, err := guidBytes(id)
	if err != nil {
		return Upgrade{}, fmt.Errorf("canUpgradeScript %q: %w", v, err)
	}
	n, err := strconv.ParseUint(typ, 16, 8)
	if err != nil || len(typ) != 2 {
		return Upgrade{}, fmt.Errorf("canUpgradeScript %q: type %q is not two hex digits", v, typ)
	}
	t := UpgradeType(n)
	if (t&UpgradeUninstall != 0) == (t&UpgradeInPlace != 0) {
		return Upgrade{}, fmt.Errorf("canUpgradeScript %q: exactly one of uninstall (01) and in place (02) must be set", v)
	}
	return Upgrade{ClassStore: cs, Package: guidFromBytes(b), Type: t, Kind: t.Words()}, nil
}
