// Package ui holds the bubbletea models of the interactive console. It talks
// to the gpo and domain packages only through small interfaces and does no
// LDAP or SMB itself.
package ui
