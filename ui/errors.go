package ui

import (
	"errors"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/domain/smb"
	"github.com/ctitui/ctitui/gpo"
	"github.com/ctitui/ctitui/gpo/doctor"
	"github.com/ctitui/ctitui/gpo/si"
	"github.com/ctitui/ctitui/gpo/si/deploy"
)

// Err is err as the console says it: the first engine error in its chain
// that the catalog knows (typed errors and sentinels of domain, gpo and
// their subpackages, which carry facts and no command-line remedies) in the
// catalog's language; any other error as its own text.
func (t Text) Err(err error) string {
	if err == nil {
		return ""
	}
	var (
		dnf *domain.NotFoundError
		ce  *domain.ConfigError
		gnf *gpo.NotFoundError
		gex *gpo.ExistsError
		snf *si.NotFoundError
		sp  *si.SameProductError
		op  *si.OtherProductError
		sm  *si.SourceMissingError
		un  *si.UnreadableError
		ex  *smb.ExistsError
		wmi *deploy.WMIError
	)
	switch {
	case errors.Is(err, si.ErrPublishedToComputers):
		return t.T("err.published_computers")
	case errors.Is(err, gpo.ErrNoGPO):
		return t.T("err.no_gpo")
	case errors.Is(err, deploy.ErrNoOU):
		return t.T("err.no_ou")
	case errors.Is(err, doctor.ErrNoTarget):
		return t.T("err.no_target")
	case errors.Is(err, smb.ErrNoSuchShare):
		return t.T("err.no_share")
	case errors.As(err, &dnf):
		switch dnf.Kind {
		case domain.KindComputer:
			return t.T("err.computer_not_found", dnf.Name)
		case domain.KindOU:
			return t.T("err.ou_not_found", dnf.Name)
		}
		return t.T("err.group_not_found", dnf.Name)
	case errors.As(err, &gnf):
		switch {
		case gnf.Kind == gpo.KindWMIFilter:
			return t.T("err.wmi_not_found", gnf.Name)
		case gnf.GUID != "":
			return t.T("err.gpo_not_found", gnf.GUID)
		}
		return t.T("err.gpo_not_found", gnf.Name)
	case errors.As(err, &gex):
		if gex.Kind == gpo.KindWMIFilter {
			return t.T("err.wmi_exists", gex.Name)
		}
		return t.T("err.gpo_exists", gex.Name, gex.GUID)
	case errors.As(err, &snf):
		if snf.Kind == si.KindPackage {
			return t.T("err.package_not_found", snf.GPO, snf.Name)
		}
		return t.T("err.category_not_found", snf.Name)
	case errors.As(err, &sp):
		return t.T("err.same_product", sp.Package, sp.ProductCode)
	case errors.As(err, &op):
		return t.T("err.other_product", op.MSIPath, op.Now, op.Was)
	case errors.As(err, &sm):
		return t.T("err.source_missing", sm.Path)
	case errors.As(err, &un):
		if un.Folder != "" {
			return t.T("err.folder_unreadable", un.Folder, un.Why)
		}
		return t.T("err.gpo_unreadable", un.Path, un.Why)
	case errors.As(err, &ex):
		return t.T("err.file_exists", ex.Path)
	case errors.As(err, &wmi):
		return t.T("err.wmi_invalid", wmi.Value, wmi.Presets)
	case errors.As(err, &ce):
		switch ce.Problem {
		case domain.ProblemNoDC:
			return t.T("err.no_dc")
		case domain.ProblemNoUser, domain.ProblemNoKerberosUser:
			return t.T("err.no_user")
		case domain.ProblemUserNoDomain, domain.ProblemUserNoRealm:
			return t.T("err.user_no_domain", ce.Name)
		case domain.ProblemEmptyPassword:
			return t.T("err.empty_password")
		case domain.ProblemUntrustedCA:
			return t.T("err.untrusted_ca")
		}
	}
	return err.Error()
}
