package main

import (
	"context"
	"fmt"
	"os"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/ctitui/ctitui/ui"
)

// newTUICmd is `ctitui tui`; it also makes the console what `ctitui` with no
// arguments runs.
func newTUICmd(root *cobra.Command, conn *connFlags) *cobra.Command {
	var lang string
	run := func(cmd *cobra.Command, _ []string) error { return runTUI(cmd, conn, lang) }
	cmd := &cobra.Command{
		Use:   "tui",
		Short: "Open the interactive console (also what ctitui with no arguments does)",
		Args:  cobra.NoArgs,
		RunE:  run,
	}
	const langHelp = "console language: en or ru (default from LC_ALL, LC_MESSAGES, LANG)"
	cmd.Flags().StringVar(&lang, "lang", "", langHelp)
	root.Flags().StringVar(&lang, "lang", "", langHelp)
	root.Args = cobra.NoArgs
	root.RunE = run
	return cmd
}

func runTUI(cmd *cobra.Command, conn *connFlags, lang string) error {
	if !term.IsTerminal(int(os.Stdin.Fd())) || !term.IsTerminal(int(os.Stdout.Fd())) {
		return &usageError{msg: "the console needs a terminal; for scripts use the commands (ctitui --help)"}
	}
	s, password, err := tuiSettings(conn)
	if err != nil {
		return err
	}
	var store ui.SettingsStore
	if path, err := ui.DefaultSettingsPath(); err == nil {
		fs := ui.FileStore{Path: path}
		if saved, err := fs.Load(); err == nil {
			s = s.Merge(saved)
		}
		store = fs
	}
	if s.ShareDir == "" && firstNonEmpty(s.DC, s.Domain) != "" {
		s.ShareDir = `\\` + firstNonEmpty(s.DC, s.Domain) + `\Distrib\MikoCTI`
	}
	s.Password = password
	m := ui.New(ui.Options{
		Connector: &tuiConnector{conn: conn},
		Store:     store,
		Settings:  s,
		// Everything needed is known without asking: connect at once (a
		// failure shows on the Connect screen, fields filled in).
		AutoConnect: s.Domain != "" && ((password != "" && s.User != "") || s.Kerberos),
		StartDir:    os.Getenv("CTITUI_DEMO_MSI_DIR"),
		Lang:        ui.DetectLang(lang, os.Getenv),
		Renderer:    lipgloss.NewRenderer(os.Stdout),
		NoColor:     os.Getenv("NO_COLOR") != "",
		Context:     cmd.Context(),
	})
	// Signals are ours, not bubbletea's (which would end the program at
	// once, a change half-made): a stop signal reaches the model, which
	// rolls back what is being applied and quits.
	prog := tea.NewProgram(m, tea.WithAltScreen(), tea.WithoutSignalHandler())
	ended := make(chan struct{})
	go func() {
		select {
		case <-cmd.Context().Done():
			prog.Send(ui.InterruptMsg{Reason: context.Cause(cmd.Context()).Error()})
		case <-ended:
		}
	}()
	final, err := prog.Run()
	close(ended)
	// However the console ended (quit, signal, a terminal that went away
	// and made reading fail), a change still being applied is rolled
	// back, and the process waits for that.
	m.Abort()
	if cut := m.WaitApplies(); cut != nil {
		fmt.Fprintf(cmd.ErrOrStderr(), "ctitui: the console closed while a change was being applied; it was rolled back: %v\n", cut)
	}
	if fm, ok := final.(ui.Model); ok {
		if sess := fm.Session(); sess != nil && sess.Close != nil {
			_ = sess.Close()
		}
	}
	if err != nil {
		return fmt.Errorf("console: %w", err)
	}
	return nil
}

// tuiSettings are the connection flags, environment and saved profile (as
// every command resolves them) as the Connect screen's starting values; the
// password only when given without a prompt.
func tuiSettings(conn *connFlags) (ui.Settings, string, error) {
	p, err := conn.settings()
	if err != nil {
		return ui.Settings{}, "", err
	}
	krb, err := conn.useKerberos()
	if err != nil {
		return ui.Settings{}, "", err
	}
	pw, _, err := conn.passwordNoPrompt()
	if err != nil {
		return ui.Settings{}, "", err
	}
	return ui.Settings{
		Domain:   p.Domain,
		DC:       p.DC,
		User:     p.User,
		CAFile:   p.CAFile,
		Kerberos: krb || p.Kerberos,
		CCache:   os.Getenv("KRB5CCNAME"),
	}, pw, nil
}
