// Package smb is ctitui's access to files on SMB shares: the distribution
// share that holds the MSI and the SYSVOL share of the domain controllers.
//
// Sessions are SMB 2/3 ([MS-SMB2]) with message signing required, so a
// machine in the middle can neither read the password exchange nor change
// what is written. Authentication is NTLMv2 with a password or Kerberos with
// a ticket from a gokrb5 client. Paths are UNC paths (\\server\share\dir),
// because Group Policy Software Installation runs msiexec as SYSTEM on every
// client computer, and only a network path is reachable from all of them.
//
// Uploads go to a temporary name in the target folder; every chunk is read
// back and compared as soon as it is written, the size is checked after
// closing, and only then is the file renamed, so nobody ever sees half a
// file, or a damaged one, under the final name. Folder security is read and written
// as self-relative security descriptors through domain/secdesc.
package smb
