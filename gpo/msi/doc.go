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
