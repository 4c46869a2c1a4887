package si

import (
	"time"

	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/aas"
	"github.com/ctitui/ctitui/gpo/msi"
)

// processorArch is the PROCESSOR_ARCHITECTURE_* value of an MSI platform
// (aas.ProcessorArchitecture).
func processorArch(platform string) (int32, error) { return aas.ProcessorArchitecture(platform) }

// buildScript makes the advertise script of a package with the one builder
// of gpo/aas (aas.BuildFromMSI), the one `ctitui aas build` uses too.
func buildScript(p *msi.Package, msiUNC string, h gpo.Half, now time.Time) ([]byte, error) {
	scope := aas.ScopeComputer
	if h == gpo.User {
		scope = aas.ScopeUser
	}
	return aas.BuildFromMSI(p, msiUNC, scope, now)
}
