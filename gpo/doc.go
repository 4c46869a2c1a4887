// Package gpo is ctitui's Group Policy engine: GPO lifecycle, links,
// security filtering, WMI filters, Software Installation packages and their
// advertise scripts ([MS-GPOL], [MS-GPSI]). It reaches the directory and
// SYSVOL only through the domain package.
package gpo
