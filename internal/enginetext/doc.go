// Package enginetext holds one test: that the engine packages (domain, gpo
// and their subpackages) return facts, not the CLI's remedies. No string in
// their non-test Go files may name a command-line flag (--name) or a ctitui
// command (ctitui gpo list, pkg redeploy); the command's own advice
// (cmd/ctitui/advice.go) and the console's catalog (ui/errors.go) add those
// at the edge. The package has no code of its own.
package enginetext
