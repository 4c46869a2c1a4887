package doctor

import "strings"

// linkedGPO is one link on the target's SOM chain, as the client's GPO
// search sees it.
type linkedGPO struct {
	GUID     string
	SOM      SOM
	Order    int // link order within the SOM
	Enabled  bool
	Enforced bool
	// Blocked: a non-enforced link above an OU with Block Inheritance.
	Blocked bool
	// BlockedBy names the OU whose Block Inheritance cut the link off.
	BlockedBy string
	// Duplicate: the same GPO already has a higher-precedence place.
	Duplicate bool
}

// precedence returns every link on the chain, highest precedence first, the
// way [MS-GPOL] 3.2.5.1.5 (GPO Search) builds the GPO list and GPMC shows
// "Group Policy Inheritance":
//
//  1. enforced links, from the domain down (a higher SOM's enforced link
//     wins), by link order within a SOM;
//  2. the other links from the target's OU up, by link order within a SOM,
//     up to and including the first OU that blocks inheritance: links
//     above it are cut off (reported, not applied).
//
// Disabled links are kept with Enabled false so the report can name them.
// Clients apply the list in reverse: lowest precedence first.
func precedence(chain []SOM) []linkedGPO {
	var enforced, normal, cut []linkedGPO
	for _, som := range chain {
		for _, l := range som.Links {
			if l.Enforced {
				enforced = append(enforced, linkedGPO{GUID: strings.ToUpper(l.GUID), SOM: som, Order: l.Order, Enabled: l.Enabled, Enforced: true})
			}
		}
	}
	blockedBy := ""
	for i := len(chain) - 1; i >= 0; i-- {
		som := chain[i]
		for _, l := range som.Links {
			if l.Enforced {
				continue
			}
			lg := linkedGPO{GUID: strings.ToUpper(l.GUID), SOM: som, Order: l.Order, Enabled: l.Enabled}
			if blockedBy != "" {
				lg.Blocked, lg.BlockedBy = true, blockedBy
				cut = append(cut, lg)
				continue
			}
			normal = append(normal, lg)
		}
		if som.BlockInheritance && blockedBy == "" {
			blockedBy = som.Name
		}
	}
	all := append(append(enforced, normal...), cut...)
	seen := map[string]bool{}
	for i := range all {
		if !all[i].Enabled || all[i].Blocked {
			continue
		}
		if seen[all[i].GUID] {
			all[i].Duplicate = true
			continue
		}
		seen[all[i].GUID] = true
	}
	return all
}
