package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/domain/secdesc"
	"github.com/ctitui/ctitui/domain/smb"
)

func newShareCmd(conn *connFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "share",
		Short: "Files on the distribution share",
	}
	cmd.AddCommand(newShareUploadCmd(conn), newShareListCmd(conn), newShareCleanCmd(conn))
	return cmd
}

// shareListEntry is one share in the output of share list.
type shareListEntry struct {
	smb.ShareInfo
	// DFSLinks are the links of a DFS namespace root, with their targets.
	DFSLinks []string `json:"dfsLinks,omitempty"`
	DFSRoot  bool     `json:"dfsRoot,omitempty"`
}

func newShareListCmd(conn *connFlags) *cobra.Command {
	var asJSON, all, smb3 bool
	var spn string
	cmd := &cobra.Command{
		Use:   `list \\server`,
		Short: "List the shares of a file server, with its DFS namespaces",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			server, err := serverArg(args[0])
			if err != nil {
				return err
			}
			cfg, err := conn.config()
			if err != nil {
				return err
			}
			auth, err := shareAuth(cmd.Context(), cfg, spn)
			if err != nil {
				return err
			}
			dialect := smb.DialectAuto
			if smb3 {
				dialect = smb.DialectSMB3
			}
			c, err := smb.Dial(cmd.Context(), server, smb.Options{Auth: auth, Dialect: dialect})
			if err != nil {
				return err
			}
			defer c.Close()
			entries, err := listShares(cmd.Context(), c, all)
			if err != nil {
				return err
			}
			return printShares(cmd.OutOrStdout(), asJSON, entries)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&asJSON, "json", false, "print JSON")
	fl.BoolVar(&all, "all", false, "include administrative shares (IPC$, ADMIN$, C$) and printers")
	fl.BoolVar(&smb3, "smb3", false, "offer only SMB 3")
	fl.StringVar(&spn, "spn", "", "with --kerberos: service principal of the file server")
	return cmd
}

// serverArg takes \\server or server; anything longer is a path, not a server.
func serverArg(arg string) (string, error) {
	s := strings.TrimSuffix(strings.TrimPrefix(arg, `\\`), `\`)
	if s == "" || strings.ContainsAny(s, `\/`) || (len(s) >= 2 && s[1] == ':') {
		return "", &usageError{msg: fmt.Sprintf("%q is not a server: give \\\\server or a host name", arg)}
	}
	return s, nil
}

func listShares(ctx context.Context, c *smb.Client, all bool) ([]shareListEntry, error) {
	shares, err := c.ListShares(ctx)
	if err != nil {
		return nil, err
	}
	links, err := c.DFSLinks(ctx)
	if err != nil {
		return nil, err
	}
	var out []shareListEntry
	for _, s := range shares {
		if !all && (s.Special || s.Type != "disk") {
			continue
		}
		e := shareListEntry{ShareInfo: s}
		for _, l := range links {
			parts := strings.Split(strings.TrimPrefix(l.Path, `\\`), `\`)
			if len(parts) < 2 || !strings.EqualFold(parts[1], s.Name) {
				continue
			}
			e.DFSRoot = true
			if len(parts) > 2 {
				var targets []string
				for _, t := range l.Targets {
					targets = append(targets, `\\`+t.Server+`\`+t.Share)
				}
				e.DFSLinks = append(e.DFSLinks, strings.Join(parts[2:], `\`)+" -> "+strings.Join(targets, ", "))
			}
		}
		out = append(out, e)
	}
	return out, nil
}

func printShares(w io.Writer, asJSON bool, entries []shareListEntry) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if entries == nil {
			entries = []shareListEntry{}
		}
		return enc.Encode(entries)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SHARE\tTYPE\tCOMMENT")
	for _, e := range entries {
		comment := e.Comment
		if e.DFSRoot {
			comment = strings.TrimSpace("DFS namespace root " + comment)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", e.Name, e.Type, comment)
		for _, l := range e.DFSLinks {
			fmt.Fprintf(tw, "  %s\t\t\n", l)
		}
	}
	return tw.Flush()
}

// shareUploadFlags are the options of ctitui share upload.
type shareUploadFlags struct {
	overwrite bool
	asJSON    bool
	dryRun    bool
	progress  bool
	setACL    bool
	smb3      bool
	spn       string
}

// uploadReport is what share upload prints with --json.
type uploadReport struct {
	smb.UploadResult
	// ResolvedPath is where the file really is when Path goes through DFS
	// links, which DFSLinks lists.
	ResolvedPath string   `json:"resolvedPath,omitempty"`
	DFSLinks     []string `json:"dfsLinks,omitempty"`
	DryRun       bool     `json:"dryRun,omitempty"`
	// Plan says what a dry run would do.
	Plan []string `json:"plan,omitempty"`
	// FolderPermissions is set with --set-acl.
	FolderPermissions *folderPermissions `json:"folderPermissions,omitempty"`
}

type folderPermissions struct {
	Folder           string `json:"folder"`
	SDDL             string `json:"sddl"`
	ComputersCanRead bool   `json:"computersCanRead"`
	Explanation      string `json:"explanation"`
}

func newShareUploadCmd(conn *connFlags) *cobra.Command {
	f := &shareUploadFlags{}
	cmd := &cobra.Command{
		Use:   `upload LOCAL \\server\share\folder`,
		Short: "Upload a file (an MSI) to a folder on an SMB share, verified",
		Long: `Upload LOCAL into the folder given as a UNC path, creating the folder if needed.

The file is written under a temporary name, every chunk read back and compared
as it is written, the size checked, and only then renamed, so client computers
never see half a file. The SHA-256 of the file is reported. A file with
the same content already there is left alone; a different one is replaced only
with --overwrite.

The destination must be a UNC path (\\server\share\folder): Group Policy
installs run as SYSTEM on every client computer, which can reach the package
only through a network path. Quote it in the shell: '\\fs\Distrib\MikoCTI'.
A DFS path (\\server-or-domain\namespace\link\folder) is followed to the share
its link leads to; the report gives both paths, and a path DFS cannot resolve
is refused rather than written somewhere else.

With --set-acl the folder gets the guide's permissions (SYSTEM and Domain
Admins Full Control, Domain Computers Read & Execute, inherited by files) and
ctitui checks that Domain Computers can read the uploaded file; this reads the
domain SID over LDAP with the connection flags.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runShareUpload(cmd, conn, f, args[0], args[1])
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.overwrite, "overwrite", false, "replace a different file of the same name")
	fl.BoolVar(&f.asJSON, "json", false, "print the result as JSON")
	fl.BoolVar(&f.dryRun, "dry-run", false, "check paths, connection and the destination; write nothing")
	fl.BoolVar(&f.progress, "progress", false, "report progress on stderr even when it is not a terminal")
	fl.BoolVar(&f.setACL, "set-acl", false, "set the guide's permissions on the folder and check that Domain Computers can read the file")
	fl.StringVar(&f.spn, "spn", "", "with --kerberos: service principal of the file server (default cifs/ and the server name of the path; needed when the path uses an address)")
	fl.BoolVar(&f.smb3, "smb3", false, "offer only SMB 3 (for shares that require encryption); by default SMB 2.1 is tried first for faster signing")
	return cmd
}

func runShareUpload(cmd *cobra.Command, conn *connFlags, f *shareUploadFlags, local, dest string) error {
	ctx := cmd.Context()
	dir, err := smb.ParsePath(dest)
	if err != nil {
		return &usageError{msg: err.Error()}
	}
	st, err := os.Stat(local)
	if err != nil {
		return fmt.Errorf("local file: %w", err)
	}
	if !st.Mode().IsRegular() {
		return &usageError{msg: fmt.Sprintf("%s is not a regular file", local)}
	}
	target, err := dir.Join(filepath.Base(local))
	if err != nil {
		return &usageError{msg: fmt.Sprintf("the file name cannot be used on the share: %v", err)}
	}
	if f.setACL && dir.IsShareRoot() {
		return &usageError{msg: "--set-acl needs a folder for the application, not the share root: add a folder to the path"}
	}
	cfg, err := conn.config()
	if err != nil {
		return err
	}
	auth, err := shareAuth(ctx, cfg, f.spn)
	if err != nil {
		return err
	}
	dialect := smb.DialectAuto
	if f.smb3 {
		dialect = smb.DialectSMB3
	}
	// DFS links are followed to the share they lead to; the report keeps
	// the path as given, which is the one clients should install from.
	tg, err := smb.Connect(ctx, dir, smb.Options{Auth: auth, Dialect: dialect})
	if err != nil {
		return err
	}
	defer tg.Close()
	share, asked := tg.Share, target
	dir = tg.Path
	if target, err = dir.Join(target.Base()); err != nil {
		return err
	}
	resolved := func(r *uploadReport) {
		r.Path = asked.String()
		if len(tg.Via) > 0 {
			r.ResolvedPath, r.DFSLinks = target.String(), tg.Via
		}
	}

	if f.dryRun {
		plan, err := uploadPlan(ctx, share, dir, target, st.Size(), f)
		if err != nil {
			return err
		}
		report := uploadReport{UploadResult: smb.UploadResult{Size: st.Size()}, DryRun: true, Plan: plan}
		resolved(&report)
		return printUpload(cmd.OutOrStdout(), f.asJSON, report)
	}

	// The domain SID comes first: a --set-acl that cannot work should fail
	// before anything is written.
	var sid secdesc.SID
	if f.setACL {
		if sid, err = readDomainSID(ctx, cfg); err != nil {
			return err
		}
	}
	if err := share.MkdirAll(ctx, dir.Rel()); err != nil {
		return err
	}
	opts := smb.UploadOptions{Overwrite: f.overwrite}
	stderr := cmd.ErrOrStderr()
	tty := isTerminal(stderr)
	if tty || f.progress {
		opts.Progress = progressPrinter(stderr, tty)
	}
	res, err := share.Upload(ctx, local, target.Rel(), opts)
	if tty && opts.Progress != nil {
		fmt.Fprint(stderr, "\r\033[K")
	}
	if err != nil {
		return err
	}
	report := uploadReport{UploadResult: res}
	resolved(&report)
	for _, l := range partialLines(ctx, share, dir) {
		fmt.Fprintf(stderr, "Note: %s\n", l)
	}
	if f.setACL {
		if report.FolderPermissions, err = applyFolderPermissions(ctx, share, dir, target, sid); err != nil {
			return err
		}
	}
	return printUpload(cmd.OutOrStdout(), f.asJSON, report)
}

// shareAuth is Kerberos with --kerberos (tickets as for LDAP), else NTLM
// with the user and password.
func shareAuth(ctx context.Context, cfg domain.Config, spn string) (smb.Auth, error) {
	if cfg.Auth != domain.AuthKerberos {
		if spn != "" {
			return smb.Auth{}, &usageError{msg: "--spn goes with --kerberos"}
		}
		return smb.PasswordAuth(cfg.User, cfg.Domain, cfg.Password)
	}
	kc, err := domain.NewKerberosClient(ctx, cfg)
	if err != nil {
		return smb.Auth{}, fmt.Errorf("Kerberos for SMB: %w", err)
	}
	return smb.Auth{Kerberos: kc, SPN: spn}, nil
}

// readDomainSID connects to the directory with the shared connection flags.
func readDomainSID(ctx context.Context, cfg domain.Config) (secdesc.SID, error) {
	c, err := domain.Dial(ctx, cfg)
	if err != nil {
		return secdesc.SID{}, fmt.Errorf("--set-acl needs the domain SID from the directory: %w", err)
	}
	defer c.Close()
	return smb.DomainSID(ctx, c, c.RootDSE().DefaultNamingContext)
}

func applyFolderPermissions(ctx context.Context, share *smb.Share, dir, target smb.Path, sid secdesc.SID) (*folderPermissions, error) {
	if err := share.ApplyDistributionACL(ctx, dir.Rel(), sid, target.Base()); err != nil {
		return nil, err
	}
	sd, err := share.Security(ctx, dir.Rel())
	if err != nil {
		return nil, err
	}
	dec, err := share.ComputersCanRead(ctx, target.Rel(), sid)
	if err != nil {
		return nil, err
	}
	names := secdesc.Names(sid, nil)
	fp := &folderPermissions{Folder: dir.String(), SDDL: sd.SDDL(sid), ComputersCanRead: dec.Granted,
		Explanation: dec.Explain(names, secdesc.FileMapping())}
	if !dec.Granted {
		return fp, fmt.Errorf("Domain Computers cannot read %s after setting the folder permissions: %s", target, fp.Explanation)
	}
	return fp, nil
}

// uploadPlan looks at the destination without changing anything.
func uploadPlan(ctx context.Context, share *smb.Share, dir, target smb.Path, size int64, f *shareUploadFlags) ([]string, error) {
	var plan []string
	fi, err := share.Stat(ctx, dir.Rel())
	switch {
	case errors.Is(err, fs.ErrNotExist):
		plan = append(plan, "create folder "+dir.String())
	case err != nil:
		return nil, err
	case !fi.IsDir():
		return nil, fmt.Errorf("%s is a file, not a folder", dir)
	}
	existing, err := share.Stat(ctx, target.Rel())
	switch {
	case errors.Is(err, fs.ErrNotExist):
		plan = append(plan, fmt.Sprintf("upload %d bytes to %s (temporary name, read back, rename)", size, target))
	case err != nil:
		return nil, err
	case existing.IsDir():
		return nil, fmt.Errorf("%s is a folder; it is in the way of the file", target)
	case f.overwrite:
		plan = append(plan, fmt.Sprintf("%s exists (%d bytes): compare, and replace it if the content differs", target, existing.Size()))
	default:
		plan = append(plan, fmt.Sprintf("%s exists (%d bytes): compare; if the content differs the upload stops (use --overwrite)", target, existing.Size()))
	}
	if f.setACL {
		plan = append(plan, "set folder permissions on "+dir.String()+": SYSTEM and Domain Admins Full Control, Domain Computers Read & Execute (inherited)")
	}
	if fi != nil {
		plan = append(plan, partialLines(ctx, share, dir)...)
	}
	return plan, nil
}

func printUpload(w io.Writer, asJSON bool, r uploadReport) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	switch {
	case r.DryRun:
		fmt.Fprintln(w, "Dry run, nothing written:")
		for _, p := range r.Plan {
			fmt.Fprintln(w, "  "+p)
		}
		return nil
	case r.Unchanged:
		fmt.Fprintf(w, "%s is already there with the same content (SHA-256 %s); nothing to do\n", r.Path, r.SHA256)
	default:
		verb := "Uploaded"
		if r.Replaced {
			verb = "Replaced"
		}
		fmt.Fprintf(w, "%s %s: %s in %.1f s (%.1f MB/s), verified, SHA-256 %s\n",
			verb, r.Path, humanBytes(r.Size), r.Seconds, r.MBPerSecond, r.SHA256)
	}
	if r.ResolvedPath != "" {
		fmt.Fprintf(w, "Through DFS link %s: stored at %s\n", strings.Join(r.DFSLinks, " -> "), r.ResolvedPath)
	}
	if fp := r.FolderPermissions; fp != nil {
		fmt.Fprintf(w, "Folder permissions on %s: %s\n", fp.Folder, fp.SDDL)
		fmt.Fprintf(w, "Domain Computers can read the file: %s\n", fp.Explanation)
	}
	return nil
}

// progressPrinter draws one status line; on a terminal it redraws in place,
// elsewhere it prints a line at most every second.
func progressPrinter(w io.Writer, tty bool) func(smb.Progress) {
	var last time.Time
	return func(p smb.Progress) {
		if !tty && p.Done != p.Total && time.Since(last) < time.Second {
			return
		}
		last = time.Now()
		line := fmt.Sprintf("%-7s %5.1f%%  %s / %s  %s/s  ETA %s", p.Phase, 100*p.Fraction(),
			humanBytes(p.Done), humanBytes(p.Total), humanBytes(int64(p.BytesPerSecond)), p.ETA.Round(time.Second))
		if tty {
			fmt.Fprint(w, "\r\033[K"+line)
		} else {
			fmt.Fprintln(w, line)
		}
	}
}

func humanBytes(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.2f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d B", n)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
