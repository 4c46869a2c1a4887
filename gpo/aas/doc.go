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
//
// Points not settled by the specification's text, and how this package
// decides them (each is documented where it is decided):
//   - the pad byte after odd-length ASCII and binary data follows the
//     sentence of [MS-GPSI] 2.2.4; ReadScript also reads scripts written
//     without it;
//   - empty fields are written as the null argument 0x8000 (ops.go,
//     textField);
//   - the opcode numbers of FeaturePublish and UpgradeCodePublish, and the
//     FeaturePublish argument layout, come from the ice2k project's
//     observations of Windows-made scripts (opcodes.go, build.go); other
//     Windows Installer operations are read as numbered opcodes.
package aas
