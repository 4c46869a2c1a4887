// Package aas reads and writes application advertise scripts (.aas), the
// binary files that Group Policy Software Installation stores in SYSVOL
// next to each packageRegistration object ([MS-GPSI] 2.2.4).
//
// The package has three layers:
//
//   - arguments and records: the exact byte encoding of [MS-GPSI] 2.2.4.1
//     (Arg, Record, AppendRecord, ReadRecords);
//   - typed operations for the opcodes this package knows by name
//     (Header, ProductInfo, ProductPublish, SourceListPublish, End, ...),
//     each convertible to a Record, and a friendly text and JSON view of
//     any record, modelled on [MS-GPSI] 4.2 and Windows Installer logs;
//   - BuildAdvertiseScript, the one place that decides which records a
//     script for an MSI package contains and in which order.
//
// The reader accepts any script: records with opcodes it does not know are
// kept with their raw arguments, and malformed input yields an error that
// names the byte offset, never a panic.
package aas
