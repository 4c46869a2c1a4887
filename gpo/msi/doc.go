// Package msi reads Windows Installer packages (.msi) offline, without
// Windows, and runs the pre-flight checks that the deployment guide asks for
// before an MSI is published through Group Policy Software Installation.
//
// An MSI is an OLE compound file (read with github.com/richardlehane/mscfb)
// holding a summary information property set (decoded with
// github.com/richardlehane/msoleps) and a relational database whose tables,
// string pool and schema live in streams with specially encoded names. The
// layout follows the Windows Installer SDK documentation and what msitools'
// libmsi (the library behind wixl and msiinfo) writes and reads; each decoder
// says which part it follows.
//
// The reader opens only the streams it needs: the summary information, the
// string pool, the schema (_Tables, _Columns) and the tables actually asked
// for. Embedded cabinets, icons and binaries are never read, so inspecting a
// package costs the same whether it is 100 KB or 300 MB.
//
// Every size read from the file is checked against the file size and against
// fixed limits before anything is allocated, so damaged or hostile files give
// an error that says what is wrong instead of a panic or a huge allocation.
package msi

// Transforms
//
// CreateTransform writes a transform (.mst) of the Property table, the way
// Group Policy presets an MSI's public properties: a compound file written
// by this package (cfbwrite.go, [MS-CFB] version 3), the row layout of
// transform.go, and the summary information of SDK "Summary Information
// Stream Property Set" for transforms. What is confirmed, and by what:
//
//   - stream names, row masks (0x0201 add, column bit mask change, 0 remove),
//     cell and string pool layout: identical to the transform Wine's
//     dlls/msi/tests/db.c test_try_transform writes by hand, a test that
//     passes on Windows; the tests compare our bytes as libgsf reads them;
//   - the summary information (RevNumber "{base}ver;{target}ver;{upgrade}",
//     Character Count = validation << 16 | ignored errors, Template, Last
//     Saved By): read back by libmsi and msiinfo.
//
// Not confirmed here, and what would settle it (a Windows machine: apply the
// transform with msiexec /i x.msi TRANSFORMS=x.mst /l*v, and compare with a
// transform Orca makes for the same change):
//
//   - that Windows Installer applies our files. libmsi (Wine's msi.dll
//     ported) applies them, and the Property table it then holds is exactly
//     the changes (apply_linux_test.go), but only with one line of it
//     fixed: libmsi 0.101 (Debian 12, and msitools master) applies no
//     transform, Windows-made ones included, because
//     msi_table_apply_transform takes a table name as strdup(name + 1) of a
//     UTF-8 name, one byte into the three-byte U+4840 prefix (msitools
//     commit 1222609 "eliminate WCHAR"; its own test_try_transform is
//     #ifdef _WIN32). testdata/libmsi-patched.sh builds Debian's source with
//     name + 3. Wine is not installed here;
//   - that Windows refuses a transform made for another product: libmsi,
//     like Wine's MsiDatabaseApplyTransform, applies without validating
//     (Wine checks the flags when it installs a package, in
//     msi_check_transform_applicable), so the refusal is checked with
//     TransformInfo.Check only;
//   - how Windows compares each validated value (TransformInfo.Check): the
//     language against the base's Template languages, versions on 1, 2 or 3
//     fields, a version flag without a relation flag taken as "equal";
//   - the summary values Windows tools put that we leave out or choose: Title
//     "Transform", Page Count copied from the base (at least 100), no
//     Subject, Author, Word Count or Security;
//   - non-ASCII values for a database of the neutral code page 0 (wixl's
//     packages, the MIKO CTI test MSIs among them): refused, because whether
//     Windows then takes the transform's code page for the database is not
//     known; a database with a code page (1251) takes them.
