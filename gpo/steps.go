package gpo

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/go-ldap/ldap/v3"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/domain/secdesc"
	"github.com/ctitui/ctitui/domain/smb"
	"github.com/ctitui/ctitui/gpo/plan"
)

// The step builders below turn one exact LDAP or SMB change into a
// plan.Step with its inverse. They reach the connections through the
// Session at run time, so a rollback after Reconnect uses fresh ones.

// addObject adds an object; undo deletes it with everything a failed run
// may have put under it.
func (s *Session) addObject(dn string, attrs []ldap.Attribute) plan.Step {
	return s.AddObjectStep(dn, attrs, nil)
}

// AddObjectStep is the step that adds an object at dn; undo deletes it with
// everything a failed run may have put under it. show replaces an
// attribute's values in the printed plan (for binary values). The step
// Prepares: a new object takes effect only through what points to it (a
// link, a gPCWQLFilter value); a caller adding an object clients find by
// themselves (a package in a class store) says so in the step's Effect.
func (s *Session) AddObjectStep(dn string, attrs []ldap.Attribute, show map[string]string) plan.Step {
	details := make([]string, 0, len(attrs))
	for _, a := range attrs {
		v := strings.Join(a.Vals, " | ")
		if alt, ok := show[a.Type]; ok {
			v = alt
		}
		details = append(details, a.Type+": "+v)
	}
	return plan.Step{
		Op: "ldap add", Target: dn, Details: details, Inverse: "delete " + dn, Effect: plan.Prepares,
		Record: rec("ldap-add", addRec{dn}),
		Redo:   &plan.Record{Kind: "ldap-add", Args: AddRedo(dn, attrs)},
		Do: func(ctx context.Context) error {
			c, err := s.Dir(ctx)
			if err != nil {
				return err
			}
			return c.Add(ctx, &ldap.AddRequest{DN: dn, Attributes: attrs})
		},
		Undo: func(ctx context.Context) error {
			c, err := s.Dir(ctx)
			if err != nil {
				return err
			}
			if err := c.DeleteTree(ctx, dn); err != nil && !domain.IsNoSuchObject(err) {
				return err
			}
			return nil
		},
	}
}

// attrChange is an optimistic change of a single-valued attribute: the
// modify deletes the value read (old) and adds the new one, so it fails
// with noSuchAttribute when someone changed it meanwhile (RFC 4511 4.6:
// the changes of one modify are applied atomically). "" means absent.
type attrChange struct {
	Attr     string
	Old, New string
	// Show replaces the values in the plan (for binary values).
	Show string
}

func (a attrChange) request(dn string, from, to string) *ldap.ModifyRequest {
	req := ldap.NewModifyRequest(dn, nil)
	if from != "" {
		req.Delete(a.Attr, []string{from})
	}
	if to != "" {
		req.Add(a.Attr, []string{to})
	}
	return req
}

func (a attrChange) detail() string {
	if a.Show != "" {
		return a.Attr + ": " + a.Show
	}
	show := func(v string) string {
		if v == "" {
			return "(none)"
		}
		return v
	}
	return a.Attr + ": " + show(a.Old) + " -> " + show(a.New)
}

// modifyAttrs makes optimistic changes of one object in one modify; what
// it does to clients depends on the attribute, so callers set the step's
// Effect. Undo
// applies the reverse changes the same way; if they no longer match (the
// change never reached the server, or someone changed the value since),
// it leaves the object alone.
func (s *Session) modifyAttrs(dn string, changes ...attrChange) plan.Step {
	var details, undo []string
	for _, c := range changes {
		details = append(details, c.detail())
		undo = append(undo, c.Attr)
	}
	run := func(ctx context.Context, forward bool) error {
		c, err := s.Dir(ctx)
		if err != nil {
			return err
		}
		req := ldap.NewModifyRequest(dn, nil)
		for _, ch := range changes {
			from, to := ch.Old, ch.New
			if !forward {
				from, to = to, from
			}
			if from == to {
				continue
			}
			r := ch.request(dn, from, to)
			req.Changes = append(req.Changes, r.Changes...)
		}
		if len(req.Changes) == 0 {
			return nil
		}
		err = c.Modify(ctx, req)
		if err != nil && forward && domain.IsConflict(err) {
			return fmt.Errorf("%w: %s changed while this ran (another admin or tool?); run the command again", err, strings.Join(undo, ", "))
		}
		if err != nil && !forward && (domain.IsConflict(err) ||
			ldap.IsErrorWithCode(err, ldap.LDAPResultAttributeOrValueExists)) {
			return nil
		}
		return err
	}
	return plan.Step{
		Op: "ldap modify", Target: dn, Details: details,
		Inverse: "restore " + strings.Join(undo, ", "),
		Record:  rec("ldap-modify", modifyRec{dn, changes}),
		Redo:    plan.NewRecord("ldap-modify", modifyRec{dn, changes}),
		Do:      func(ctx context.Context) error { return run(ctx, true) },
		Undo:    func(ctx context.Context) error { return run(ctx, false) },
	}
}

// mkdir creates a new folder on SYSVOL; undo removes it with its contents.
func (s *Session) mkdir(rel string) plan.Step {
	return plan.Step{
		Op: "smb mkdir", Target: s.sysvolUNC(rel), Inverse: "remove the folder and its contents", Effect: plan.Prepares,
		Record: rec("smb-mkdir", relRec{rel}),
		Redo:   plan.NewRecord("smb-mkdir", relRec{rel}),
		Do: func(ctx context.Context) error {
			sh, err := s.SysVol(ctx)
			if err != nil {
				return err
			}
			// The folder must be new: the undo removes it with its
			// contents, which must never hit someone else's folder.
			if _, err := sh.Stat(ctx, rel); err == nil {
				return fmt.Errorf("%s already exists; remove the leftover folder or pick another GPO", sh.Path(rel))
			} else if !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			return sh.MkdirAll(ctx, rel)
		},
		Undo: func(ctx context.Context) error {
			sh, err := s.SysVol(ctx)
			if err != nil {
				return err
			}
			return removeTree(ctx, sh, rel)
		},
	}
}

// writeFile writes a small file on SYSVOL. Undo writes old back, or removes
// the file when it did not exist (old == nil).
func (s *Session) writeFile(rel string, data, old []byte) plan.Step {
	inverse := "remove the file"
	if old != nil {
		inverse = "write the previous content back"
	}
	return plan.Step{
		Op: "smb write", Target: s.sysvolUNC(rel),
		Details: []string{fmt.Sprintf("%q", data)}, Inverse: inverse, Effect: plan.Prepares,
		Record: rec("smb-write", writeRec{rel, old}),
		Redo:   plan.NewRecord("smb-write", writeRedo{rel, data, old}),
		Do: func(ctx context.Context) error {
			sh, err := s.SysVol(ctx)
			if err != nil {
				return err
			}
			return sh.WriteFile(ctx, rel, data)
		},
		Undo: func(ctx context.Context) error {
			sh, err := s.SysVol(ctx)
			if err != nil {
				return err
			}
			if old != nil {
				return sh.WriteFile(ctx, rel, old)
			}
			if err := sh.Remove(ctx, rel); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			return nil
		},
	}
}

// mirrorACL sets the GPO folder's owner, group and DACL from the GPO
// object's descriptor as it is on the DC when the step runs (read back,
// because the DC adds inherited and default ACEs of its own), and resets
// the files and folders under it to inherit that. Undo puts old back on
// the folder and its children; a nil old means the folder is new and goes
// away with its own undo. The step Prepares: whether a GPO applies is
// decided by the directory object's DACL ([MS-GPOL] 3.2.5.1.6, the
// Apply Group Policy right), which the folder follows.
func (s *Session) mirrorACL(guid string, expected *secdesc.SecurityDescriptor, old map[string]*secdesc.SecurityDescriptor) plan.Step {
	rel := s.gpoRel(guid)
	details := []string{"owner, group and DACL mirrored from " + s.gpoDN(guid) + " as the DC has it (" + dsSyntax + ")"}
	if expected != nil {
		details = append(details, expected.SDDL(s.domainSID))
	}
	st := plan.Step{
		Op: "smb set-acl", Target: s.sysvolUNC(rel), Details: details, Effect: plan.Prepares,
		Do: func(ctx context.Context) error {
			c, err := s.Dir(ctx)
			if err != nil {
				return err
			}
			ds, _, err := c.ReadSecurityDescriptor(ctx, s.gpoDN(guid), ownerGroupDACL)
			if err != nil {
				return err
			}
			fsd, err := FolderSD(ds)
			if err != nil {
				return err
			}
			sh, err := s.SysVol(ctx)
			if err != nil {
				return err
			}
			return setTreeACL(ctx, sh, rel, fsd)
		},
	}
	redo := aclRedo{GUID: guid}
	if old != nil {
		redo.Old = map[string]SD{}
		for rel, sd := range old {
			redo.Old[rel] = EncodeSD(sd)
		}
	}
	st.Redo = plan.NewRecord("smb-acl", redo)
	if old != nil {
		r := aclRec{GUID: guid, Old: map[string]SD{}}
		for rel, sd := range old {
			r.Old[rel] = EncodeSD(sd)
		}
		st.Record = rec("smb-acl", r)
		st.Inverse = "restore the previous folder permissions"
		st.Undo = func(ctx context.Context) error {
			sh, err := s.SysVol(ctx)
			if err != nil {
				return err
			}
			for path, sd := range old {
				if err := sh.SetSecurity(ctx, path, sd, smb.OwnerPart|smb.GroupPart|smb.DACLPart); err != nil {
					return err
				}
			}
			return nil
		}
	}
	return st
}

// dsSyntax names the mapping used, for plans.
const dsSyntax = "directory rights mapped to file rights, inheritable, like samba-tool and GPMC"

// ownerGroupDACL are the parts of a GPO descriptor the SYSVOL folder mirrors.
const ownerGroupDACL = secdesc.OwnerSecurityInformation | secdesc.GroupSecurityInformation | secdesc.DACLSecurityInformation

// removeTree deletes rel and everything in it. A folder that is not there
// is fine: removing is what an undo wants.
func removeTree(ctx context.Context, sh *smb.Share, rel string) error {
	fi, err := sh.Stat(ctx, rel)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	if fi.IsDir() {
		list, err := sh.ReadDir(ctx, rel)
		if err != nil {
			return err
		}
		for _, e := range list {
			if err := removeTree(ctx, sh, rel+`\`+e.Name()); err != nil {
				return err
			}
		}
	}
	if err := sh.Remove(ctx, rel); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// setTreeACL sets sd on the folder rel, then resets everything under it
// to inherit from it. SMB servers do not propagate a folder's new DACL to
// what is already inside ([MS-SMB2] SET_INFO changes one object); GPMC
// does the propagation itself, so we do too.
func setTreeACL(ctx context.Context, sh *smb.Share, rel string, sd *secdesc.SecurityDescriptor) error {
	if err := sh.SetSecurity(ctx, rel, sd, smb.OwnerPart|smb.GroupPart|smb.DACLPart); err != nil {
		return err
	}
	return propagate(ctx, sh, rel, sd.DACL)
}

func propagate(ctx context.Context, sh *smb.Share, rel string, parent *secdesc.ACL) error {
	list, err := sh.ReadDir(ctx, rel)
	if err != nil {
		return err
	}
	for _, e := range list {
		child := rel + `\` + e.Name()
		acl := inheritedACL(parent, e.IsDir())
		sd := secdesc.New()
		sd.SetDACL(acl)
		sd.Control |= secdesc.DACLAutoInheritReq | secdesc.DACLAutoInherited
		if err := sh.SetSecurity(ctx, child, sd, smb.DACLPart); err != nil {
			return err
		}
		if e.IsDir() {
			if err := propagate(ctx, sh, child, acl); err != nil {
				return err
			}
		}
	}
	return nil
}

// inheritedACL is what a child without explicit ACEs inherits from parent
// ([MS-DTYP] 2.5.3.4.2): files take the OI ACEs without inheritance flags;
// folders take CI ACEs (keeping their flags so they pass further down,
// without IO) and OI-only ACEs as inherit-only, for the files below.
func inheritedACL(parent *secdesc.ACL, dir bool) *secdesc.ACL {
	if !dir {
		return smb.InheritedFileDACL(parent)
	}
	out := secdesc.NewACL()
	if parent != nil {
		for _, a := range parent.ACEs {
			ci, oi := a.Flags&secdesc.ContainerInherit != 0, a.Flags&secdesc.ObjectInherit != 0
			if !ci && !oi {
				continue
			}
			if a.Flags&secdesc.NoPropagateInherit != 0 {
				if !ci {
					continue
				}
				a.Flags &^= secdesc.ObjectInherit | secdesc.ContainerInherit | secdesc.NoPropagateInherit | secdesc.InheritOnly
			} else if ci && !isCreatorSID(a.SID) {
				// A CREATOR OWNER ACE stays inherit-only: it is a
				// template for what the creator of a new child gets.
				a.Flags &^= secdesc.InheritOnly
			} else {
				a.Flags |= secdesc.InheritOnly
			}
			a.Flags |= secdesc.Inherited
			out.ACEs = append(out.ACEs, a)
		}
	}
	out.FixRevision()
	return out
}

// isCreatorSID reports CREATOR OWNER (S-1-3-0) and CREATOR GROUP (S-1-3-1).
func isCreatorSID(sid secdesc.SID) bool {
	return sid == secdesc.MustSID(secdesc.SIDCreatorOwner) || sid == secdesc.MustSID("S-1-3-1")
}
