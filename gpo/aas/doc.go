// Package aas reads and writes application advertise scripts (.aas), the
// binary files that Group Policy Software Installation stores in SYSVOL
// next to each packageRegistration object ([MS-GPSI] 2.2.4).
//
// The package has four layers:
//
//   - arguments and records: the byte encoding of [MS-GPSI] 2.2.4.1 as
//     Windows writes it (Arg, Record, AppendRecord, ReadRecords);
//   - typed operations for the opcodes this package knows by name
//     (Header, ProductInfo, IconCreate, ProductPublish, SourceListPublish,
//     End, ...), each convertible to a Record, and a friendly text and JSON
//     view of any record, modelled on [MS-GPSI] 4.2 and Windows Installer
//     logs;
//   - BuildAdvertiseScript, the one place that decides which records a
//     script for an MSI package contains and in which order;
//   - ProductFromMSI and BuildFromMSI, which take every value from the MSI
//     (gpo/msi) and the package path: pkg add, redeploy, upgrade and
//     `ctitui aas build` all use them.
//
// # Ground truth
//
// The writer reproduces byte for byte the two advertise scripts a Windows
// Server's Group Policy Management Editor (Windows Installer 5.0) wrote for
// MySQL Installer - Community 1.4.27 (testdata/fidelity, from the
// open-source Grouper2/Group3r test data; fidelity_test.go builds a stand-in
// MSI with wixl and msibuild and compares whole files). Where those files
// and the [MS-GPSI] text disagree, the files win. Every byte-level
// difference between the files and what this package wrote before, and how
// each is decided:
//
//   - Pad byte after odd-length ASCII strings and binary streams: the spec's
//     2.2.4 sentence asks for one, the files have none; none is written
//     (arg.go appendData). ReadRecords reads the Windows layout;
//     ReadScript also reads the old padded layout earlier ctitui versions
//     wrote and reports it (OldLayout), so that such scripts on SYSVOL are
//     found and rewritten by a redeploy.
//   - Header Version: 500 in the files (400 in the [MS-GPSI] 4.2 sample of
//     an older Windows); 500 is written.
//   - Header Platform: 0 for Intel in the files, 0x00090000 for x64 in the
//     other Windows-made scripts of the fidelity README: the
//     PROCESSOR_ARCHITECTURE in the high word, as the formula of [MS-GPSI]
//     2.2.4.2.1 gives it for INTEL 0, IA64 6 and AMD64 9 (HeaderPlatform;
//     Arm and Arm64 by inference). Earlier ctitui wrote the architecture
//     itself (9 for x64, in the low word); the same for Intel (0).
//   - ProductInfo Assignment: 1 in every Windows-made script, also in those
//     under User\Applications ([MS-GPSI] 2.2.4.2.2 reads 0 as per-user).
//     Inference from few files: 1 is written for both scopes, and no byte
//     of the script depends on the scope. Every package behind those files
//     is a per-machine one, so the spec's "per-user basis" may mean the
//     package's install context rather than the GPO half; what would
//     settle it: a Windows-made script of a per-user-only MSI (no ALLUSERS)
//     published under User Configuration.
//   - ProductInfo ProductIcon: the ARPPRODUCTICON property (the files carry
//     "InstallerIcon.exe"); null when the MSI has none.
//   - ProductInfo ProductDeploymentFlags: 3 in every file, 1
//     (MSIDEPLOYFLAGS_GPDEPLOY) before and in the [MS-GPSI] 4.2 sample.
//     The 2.2.4.2.2 table lists 3 as MSIDEPLOYFLAGS_INSTALLER_DETECTED
//     ("Installer detected or indeterminate"; read as flags, GPDEPLOY |
//     UAC); 3 is written as a constant copied from the files (DeployWindows).
//     What would settle whether it ever depends on the MSI: a Windows-made
//     script for a dual-mode package (ALLUSERS=2, MSIINSTALLPERUSER), for
//     which the table has 4 to 6.
//   - DialogInfo type 0: three arguments, 0, LangId and the database code
//     page (0 or 1252 seen); the code page comes from the string pool
//     header of the MSI.
//   - ActionStart "CreateShortcuts" ("Creating shortcuts", "Shortcut: [1]")
//     and one IconCreate record (opcode 0x43) per Icon table row with the
//     icon's bytes, between RollbackInfo and ActionStart "PublishFeatures".
//     A package without icons still gets the ActionStart (every script read
//     has it; decided, not observed).
//   - FeaturePublish's third argument: 0 in the files (their one feature
//     allows advertisement), 1 for the features of packages that author
//     every feature AllowAdvertise="no" (fidelity README). Inference from
//     few files: 1 exactly for features with
//     msidbFeatureAttributesDisallowAdvertise (8); was always 1. What would
//     settle it: a Windows-made script of a package that mixes advertised
//     and non-advertised features, or one whose feature has
//     msidbFeatureAttributesNoUnsupportedAdvertise (16) alone.
//   - After ActionStart "PublishProduct": a record with opcode 0x8A and no
//     arguments, named CleanupConfigData after the operation Windows
//     Installer 5.0 logs print in that place (name inferred).
//   - After SourceListPublish: a record with opcode 0x12 and two null
//     arguments, named SourceListRegisterLastUsed after the logs (name
//     inferred; [MS-GPSI] 2.2.4.2.7 gives opcode 18 to UserRegister with
//     three arguments, so the name depends on the argument count).
//   - Unchanged and confirmed by the files: empty fields are the null
//     argument 0x8000, never the null string; GUIDs are upper case with
//     braces; a binary stream over 0x3FFF bytes uses the extended size
//     form 0xC000 then 0x80000000|length; SourceListPublish has a null
//     PackagePath, one disk with DiskId 1 and the source folder with its
//     trailing backslash as LaunchPath (which may be a local path such as
//     C:\share\: the builder encodes the path it is given); the same MSI
//     deployed twice gives scripts that differ only in the header timestamp
//     and LaunchPath.
//
// Points the files do not settle, decided here, each with what would
// settle it:
//
//   - names with non-ASCII characters are written as Unicode strings
//     (Text, which 2.2.4.2.2 allows for ProductName and PackageName);
//     every Windows-made script read is ASCII, so Windows may as well
//     write such names as ASCII-typed bytes in the package's code page.
//     Settled by a Windows-made script of a package with, say, a Cyrillic
//     ProductName (code page 1251);
//   - a package without an UpgradeCode gets no UpgradeCodePublish record;
//     settled by a Windows-made script of such a package;
//   - SourceListPublish always lists one disk, DiskId 1, with null
//     VolumeName and DiskPrompt, as the files and the 4.2 sample do;
//     2.2.4.2.3 says NumberOfDisks is "copied from the Media Table", so a
//     package with several Media rows may get one triple per row. Settled
//     by a Windows-made script of a multi-Media package;
//   - a package without an Icon table still gets ActionStart
//     "CreateShortcuts" (above); settled by a Windows-made script of a
//     package without icons.
//
// The reader accepts any script: records with opcodes it does not know are
// kept with their raw arguments, and malformed input yields an error that
// names the byte offset, never a panic.
package aas
