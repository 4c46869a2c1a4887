// Package si manages Group Policy Software Installation packages: the
// class store of a GPO half, packageRegistration objects and their
// advertise scripts on SYSVOL, as [MS-GPSI] defines them and GPMC writes
// them.
//
// Layout ([MS-GPSI] 2.2.3.2.1-2.2.3.2.3):
//
//	CN=Class Store,CN=Machine|User,<GPO DN>             classStore, the class store
//	CN=Packages,CN=Class Store,...                       classStore, the packages container
//	CN={PackageId},CN=Packages,CN=Class Store,...        packageRegistration, one per package
//	\\<domain>\SysVol\<domain>\Policies\{GPO}\Machine\Applications\{GUID}.aas
//
// Application categories are domain-wide ([MS-GPSI] 2.2.3.1.4, 2.2.3.2.7):
//
//	CN=AppCategories,CN=Default Domain Policy,CN=System,<domain NC>   classStore
//	CN=<category GUID>,CN=AppCategories,...                             categoryRegistration
//
// and a package names its categories by GUID in its categories attribute.
//
// MSIs are read in place on their share through an SMB ReaderAt: the
// checks need a few dozen kilobytes of a package of any size.
//
// Every change is a plan (gpo/plan) that ends with the class store
// confirmation (appSchemaVersion, lastUpdateSequence; [MS-GPSI]
// 2.2.3.2.4), the Software Installation extension names and the GPO
// version bump ([MS-GPOL] 3.3.4.5), so that clients see the change; on a
// failure the plan undoes what it did.
package si
