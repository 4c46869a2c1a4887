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
//
// # What a new package carries, and why
//
// Each value a new packageRegistration and its class stores get, where it
// comes from and how sure the value is ("spec": the [MS-GPSI] text says
// it, sections as in the 2024-04-23 release; "Windows": seen in objects or
// files a Windows server wrote, as recorded in ../shared/docs/gpo-notes.md,
// GPMC reports and gpo/aas testdata/fidelity; "decided": neither settles
// it, the reason is given). Confidence: high = spec and Windows agree or
// the value is fixed by the spec; medium = one of them; low = inferred.
// 2.2.3.2.3 requires every attribute of 2.2.2.4.1 in the add request
// (objectGUID excepted), with the 2.2.2.4.1 semantics.
//
//	attribute           value written                                      source                                                        confidence
//	objectClass         top, packageRegistration                           spec 2.2.3.2.3                                                high
//	displayName         the package name (ProductName [+ version])         spec 2.2.3.2.3 ("the name of the package"); GPMC shows it      high
//	packageName         the same as displayName                            spec 2.2.2.4.1 (friendly name an administrator authored);     medium
//	                                                                       Windows objects carry both
//	packageType         5 (DrwFilePath, Windows Installer)                 spec 2.2.2.4.4                                                high
//	packageFlags        ACTFLG_* of the options (flags.go)                 spec 2.2.2.4.3 (0x10 "SHOULD be set"); the high bits          medium
//	                                                                       0xA0000000 copied from Windows exports (ice2k, gpo-notes),
//	                                                                       undocumented; the 4.1 example's 0xFA0000110 has high bits too
//	msiScriptName       A assigned, P published, R removed                 spec 2.2.3.2.3                                                high
//	msiScriptPath       \\<dns domain>\SysVol\<dns domain>\Policies\{GPO}\      spec 2.2.2.4.1 (UncPath under the software scripts path,      high
//	                    Machine|User\Applications\{GUID}.aas                 <curly braced GUID>.aas); the spelling from GPMC reports, 4.1
//	msiScriptSize       the script's size in bytes                         not in [MS-GPSI]; the AD schema attribute ([MS-ADA2] 2.531     medium
//	                                                                       msiScriptSize); decided: the size of the file written
//	msiFileList         0:<MSI UNC path>, then n:<transform> in order      spec 2.2.2.4.1                                                high
//	productCode         ProductCode as a binary GUID ([MS-DTYP] 2.3.4.2)   spec 2.2.2.4.1                                                high
//	upgradeProductCode  UpgradeCode as a binary GUID, when the MSI has one spec 2.3 (listed for packageRegistration, no semantics);    medium
//	                                                                       gpo-notes
//	versionNumberHi/Lo  major and minor of ProductVersion                  spec 2.2.2.4.1 (logging only), 3.1.1.4 VersionHi/VersionLo    high
//	revision            0, +1 on every redeploy                            spec 2.2.2.4.1 ("MUST be incremented every time a redeploy     high
//	                                                                       action is initiated"); gpo-notes
//	lastUpdateSequence  UTC time yyyyMMddHHmmss (14 digits)                spec 2.2.2.4.1 ("update sequence number", ignored by the       medium
//	                                                                       client except for logging) and 2.2.3.2.4/2.2.3.2.5 ("the
//	                                                                       current UTC time ... in USN format"); the 14-digit form is
//	                                                                       what Windows-made class stores carry (the 4.1 example's
//	                                                                       value is a copy of its packageFlags, no evidence)
//	localeID            ProductLanguage (LCID)                             spec 2.2.2.4.1; 3.2.5.2 matches its primary language          high
//	machineArchitecture the PROCESSOR_ARCHITECTURE: x86 0, x64 9,          spec 2.2.2.4.1 (quoted below), 4.1 example 0; GPMC reports    high
//	                    Itanium 6 (spec); Arm 5, Arm64 12 (decided)        "Architecture 9" for x64                                      Arm: low
//	installUiLevel      5 full UI, 3 basic (the guide's option)            spec 2.2.2.4.1: "undefined and MAY contain any value ... MUST  medium
//	                                                                       be ignored" (4.1 example 0); the values are Windows
//	                                                                       Installer's INSTALLUILEVEL_FULL/BASIC for GPMC's UI option
//	vendor              Manufacturer, when set                             spec 2.2.2.4.1 (logging only)                                 high
//	url                 the package's support URL, when given              spec 2.2.2.4.1                                                high
//	canUpgradeScript    LDAP://CN=Class Store,<scoped GPO DN>\\<GUID>:<type> spec 2.2.2.4.1-2                                              high
//	categories          category GUIDs, RFC 4122 strings                   spec 2.2.2.4.1, 2.2.3.2.7                                     high
//	class store         objectClass top, classStore; description           spec 2.2.3.2.1-2 (both descriptions are MUSTs)                high
//	                    "Application Store" / "Application Packages"
//	appSchemaVersion    1740 (0x6CC) on the class store                    spec 2.2.2.2 (clients refuse another value), 2.2.3.2.4        high
//
// machineArchitecture is settled by [MS-GPSI] 2.2.2.4.1 (Software
// Installation Search Reply Attributes): "This integer identifies the
// hardware architecture requirement for a computer to run the software.
// This integer MUST be one of the following values: Value of "0"
// indicates that the software is for Intel x86 architecture. Value of "6"
// indicates that the software is for Itanium-based architecture. Value of
// "9" indicates that the software is for x64 architecture." That is the
// PROCESSOR_ARCHITECTURE_* value (INTEL 0, IA64 6, AMD64 9) as it is,
// nothing in the other bits; the 4.1 example carries 0, and GPMC reports
// show "Architecture 9" for an x64 package. 3.2.5.2 applies a package only
// where "the platform identified by the machineArchitecture attribute ...
// matches that of the local machine", so a value outside the list matches
// no client. The list has no Arm or Arm64 value: for such MSIs ctitui
// writes PROCESSOR_ARCHITECTURE_ARM 5 / ARM64 12, by extension of the same
// enumeration, and the plan says so (archOutsideSpec in arch.go).
//
// Earlier ctitui versions wrote the processor architecture in the second
// byte (2304 for x64, 1536 for Itanium); no such value is in the list, so
// Windows clients skip those packages. ArchitectureName reads both forms and
// reports the old one (Package.ArchOldForm): pkg list, pkg show, the Manage
// screen and the doctor name it, and a redeploy rewrites machineArchitecture
// from the MSI. The advertise script's Header Platform is another encoding,
// the architecture in the high word ([MS-GPSI] 2.2.4.2.1's formula, and
// 0x00090000 in Windows-made x64 scripts; gpo/aas HeaderPlatform).
package si
