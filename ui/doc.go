// Package ui holds the bubbletea models of the interactive console. It talks
// to the domain only through the small interfaces in services.go (Connector,
// Directory, GPOs, Distribution, Deployer, Packages, Doctor), which
// cmd/ctitui implements over the domain and gpo packages; there is no LDAP or
// SMB here.
//
// Model is the root: a stack of screens (connect, home, OU tree, GPOs, the
// deploy wizard, manage, doctor, plan review, pickers), the header, the help
// bar and the quit confirmation. Keys go to the top screen; every other
// message goes to every screen on the stack, and each screen takes only the
// messages addressed to it (by type and owner), so a slow answer lands where
// it belongs even after the admin moved on. All I/O runs in tea.Cmds; the
// upload and the apply of a plan stream their progress through a channel
// read one message at a time.
//
// Text comes from one catalog per language (catalog_en.go, catalog_ru.go);
// styles and key maps are built by constructors from the catalog and a
// lipgloss renderer, so tests render with the ASCII profile and NO_COLOR
// turns colour off.
package ui
