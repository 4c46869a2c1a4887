// Package gpo is ctitui's Group Policy engine: GPO lifecycle, links,
// security filtering, WMI filters, Software Installation packages and their
// advertise scripts ([MS-GPOL], [MS-GPSI]). It reaches the directory and
// SYSVOL only through the domain package.
//
// # Two halves, one change
//
// A GPO is a groupPolicyContainer in the directory and a folder on SYSVOL
// ([MS-GPOL] 2.3), and both must stay consistent: the version in
// versionNumber and GPT.INI, the permissions of the object and the folder.
// A Session holds both connections (Open); every change is built as a
// plan.Plan of exact LDAP and SMB steps with their inverses (CreatePlan,
// LinkPlan, UnlinkPlan, BlockInheritancePlan, StatusPlan, FilterPlan,
// SetWMIPlan, BumpPlan, DeletePlan, ...). Printing a plan is the dry run;
// applying it makes the steps and, when one fails, reconnects and undoes
// the ones already made, so a GPO is never left half-created.
//
// # What is written
//
// CreatePlan writes what GPMC and samba-tool write: the container with
// displayName, gPCFileSysPath, gPCFunctionalityVersion 2, flags and
// versionNumber 0, CN=User and CN=Machine, and Policies\{GUID} with
// Machine\, User\ and GPT.INI. The folder's ACL is FolderSD of the object's
// descriptor (the mapping of Samba's dsacl2fsacl, which samba-tool gpo
// aclcheck verifies). Links keep GPMC's order (a new link last in link
// order), security filtering grants Read plus the Apply Group Policy right
// and never takes Read from Authenticated Users (MS16-072), and versions
// follow [MS-GPOL] 3.3.4.5 with optimistic, retried directory updates.
//
// # Cut-off changes
//
// A change journaled by a process that died (gpo/plan) is undone by
// RecoverPlan from its steps' undo records (RegisterUndo), or finished by
// ResumePlan from their forward records (RegisterRedo): the steps made are
// checked in place and kept, the rest rebuilt by their own builders and
// checked against what they were planned on before anything is sent; a
// journal that fails a check is refused (ResumeRefused) with every reason.
package gpo
