// Package doctor answers "will computer X (or user Y) get the package, and
// if not, why?" from what the directory and SYSVOL say, before anyone walks
// to the computer: the guide's "Проверка и диагностика" and its FAQ, done
// the way gpresult / GPMC Group Policy Modeling would, but from outside
// Windows.
//
// The engine (Diagnose) is pure: it takes the data in the types of this
// package and returns a Report. Gathering that data from the domain is a
// separate step (gather.go), so the rules are tested with tables.
package doctor
