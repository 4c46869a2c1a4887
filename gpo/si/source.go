package si

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/domain/secdesc"
	"github.com/ctitui/ctitui/domain/smb"
	"github.com/ctitui/ctitui/gpo/msi"
)

// whyUNC is the guide's reason for UNC paths ("Обязательно используйте
// UNC-путь (\\server\share), а не локальный путь. GPO применяется на
// удалённой машине.").
const whyUNC = `use a UNC path (\\server\share\...): the GPO is applied on another computer, which installs from the network as SYSTEM`

// ParseSourcePath checks a package or transform path the way the guide
// requires: UNC only, backslashes, a file with the given extension.
func ParseSourcePath(p, ext string) (smb.Path, error) {
	path, err := smb.ParsePath(p)
	if err != nil {
		return smb.Path{}, fmt.Errorf("%w (%s)", err, whyUNC)
	}
	if path.IsShareRoot() || !strings.EqualFold(pathExt(path.Base()), ext) {
		return smb.Path{}, fmt.Errorf("%s: want the UNC path of a %s file", p, ext)
	}
	return path, nil
}

func pathExt(name string) string {
	i := strings.LastIndex(name, ".")
	if i < 0 {
		return ""
	}
	return name[i:]
}

// Source is a checked package file on its share.
type Source struct {
	Path smb.Path
	Size int64
	// Package is the opened MSI (from the share, or the local copy the
	// caller gave). Close releases it.
	Package  *msi.Package
	Identity msi.Identity
	// remote is the share connection Package reads through, when it
	// was opened on the share.
	remote io.Closer
}

// Close releases the MSI and the connection it is read through.
func (s *Source) Close() error {
	var errs []error
	if s.Package != nil {
		errs = append(errs, s.Package.Close())
	}
	if s.remote != nil {
		errs = append(errs, s.remote.Close())
	}
	return errors.Join(errs...)
}

// remoteMSI is an MSI read in place on its share: the file handle, the
// share and the connection, closed together.
type remoteMSI struct {
	file   *smb.RemoteFile
	share  *smb.Share
	client *smb.Client
}

func (r *remoteMSI) Close() error {
	return errors.Join(r.file.Close(), r.share.Close(), r.client.Close())
}

// openRemoteMSI opens the MSI at p where it is, on its share. The reader
// of gpo/msi reads only the compound file's directory, the string pool
// and the tables it is asked for, a few dozen kilobytes whatever the size
// of the package, so the file is neither downloaded nor held in memory
// (an MSI with its cabinets embedded is often hundreds of megabytes).
// Reads go through a block cache: the reader asks for many small pieces,
// each of which would otherwise be one SMB2 READ round trip.
func (st *Store) openRemoteMSI(ctx context.Context, p smb.Path) (*msi.Package, io.Closer, error) {
	c, sh, err := st.openShare(ctx, p)
	if err != nil {
		return nil, nil, err
	}
	f, err := sh.OpenReaderAt(ctx, p.Rel())
	if err != nil {
		sh.Close()
		c.Close()
		return nil, nil, err
	}
	r := &remoteMSI{file: f, share: sh, client: c}
	pkg, err := msi.New(newBlockCache(f, f.Size()), f.Size())
	if err != nil {
		r.Close()
		return nil, nil, fmt.Errorf("read %s: %w", p, err)
	}
	return pkg, r, nil
}

// openShare connects to the share of p with the session's credentials.
func (st *Store) openShare(ctx context.Context, p smb.Path) (*smb.Client, *smb.Share, error) {
	ep := st.s.Endpoints()
	opts := ep.SMB
	if opts.Auth == (smb.Auth{}) {
		cfg := ep.LDAP
		if cfg.Auth == domain.AuthKerberos {
			kc, err := domain.NewKerberosClient(ctx, cfg)
			if err != nil {
				return nil, nil, fmt.Errorf("Kerberos for %s: %w", p, err)
			}
			opts.Auth = smb.Auth{Kerberos: kc, SPN: "cifs/" + p.Server}
		} else {
			a, err := smb.PasswordAuth(cfg.User, cfg.Domain, cfg.Password)
			if err != nil {
				return nil, nil, err
			}
			opts.Auth = a
		}
	}
	c, err := smb.Dial(ctx, p.Server, opts)
	if err != nil {
		return nil, nil, fmt.Errorf("package share %s: %w", `\\`+p.Server+`\`+p.Share, err)
	}
	sh, err := c.Mount(ctx, p.Share)
	if err != nil {
		c.Close()
		return nil, nil, fmt.Errorf("package share %s: %w", `\\`+p.Server+`\`+p.Share, err)
	}
	return c, sh, nil
}

// CheckSource checks the package path: a UNC path to an existing .msi that
// Domain Computers can read, through the folder and the file ([MS-GPSI]
// 3.2.5: clients install from msiFileList as the computer). local, when
// not empty, is the same MSI on this machine, read instead of the share's
// copy. The caller closes the Source.
func (st *Store) CheckSource(ctx context.Context, uncPath, local string) (*Source, error) {
	p, err := ParseSourcePath(uncPath, ".msi")
	if err != nil {
		return nil, err
	}
	c, sh, err := st.openShare(ctx, p)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	defer sh.Close()
	fi, err := sh.Stat(ctx, p.Rel())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &SourceMissingError{Path: p.String(), Dir: p.Dir().String(), Err: err}
	}
	if err != nil {
		return nil, err
	}
	if err := computersCanReadPath(ctx, sh, p, st.s.DomainSID()); err != nil {
		return nil, err
	}
	src := &Source{Path: p, Size: fi.Size()}
	if local != "" {
		if src.Package, err = msi.Open(local); err != nil {
			return nil, fmt.Errorf("read %s: %w", p, err)
		}
	} else if src.Package, src.remote, err = st.openRemoteMSI(ctx, p); err != nil {
		return nil, err
	}
	if src.Identity, err = src.Package.Identity(); err != nil {
		src.Close()
		return nil, fmt.Errorf("%s cannot be deployed: %w", p, err)
	}
	return src, nil
}

// computersCanReadPath evaluates the folder's and the file's DACL for a
// member of Domain Computers logged on over the network: listing the
// folder and reading the file are what SYSTEM on a client needs. The
// error says which object lacks which right and how to fix it.
func computersCanReadPath(ctx context.Context, sh *smb.Share, p smb.Path, sid secdesc.SID) error {
	computers, err := sid.WithRID(secdesc.RIDDomainComputers)
	if err != nil {
		return err
	}
	names := secdesc.Names(sid, nil)
	if dir := p.Dir(); !dir.IsShareRoot() {
		sd, err := sh.Security(ctx, dir.Rel())
		if err != nil {
			return err
		}
		dec := secdesc.Evaluate(sd, secdesc.NetworkLogonToken(computers), secdesc.FileReadRequest())
		if !dec.Granted {
			return &UnreadableError{Folder: dir.String(), Why: dec.Explain(names, secdesc.FileMapping())}
		}
	}
	dec, err := sh.ComputersCanRead(ctx, p.Rel(), sid)
	if err != nil {
		return err
	}
	if !dec.Granted {
		return fmt.Errorf("Domain Computers cannot read %s (%s): reset the file to inherit the folder's permissions or give Domain Computers Read & execute on it",
			p, dec.Explain(names, secdesc.FileMapping()))
	}
	return nil
}

// OpenShare connects to the share of p with the session's credentials
// (for callers that upload to the distribution share).
func (st *Store) OpenShare(ctx context.Context, p smb.Path) (*smb.Client, *smb.Share, error) {
	return st.openShare(ctx, p)
}

// OpenMSI opens the MSI at a UNC path in place on its share, read over SMB
// as needed, whatever its size (see openRemoteMSI). Close the Closer after
// the Package.
func (st *Store) OpenMSI(ctx context.Context, unc string) (*msi.Package, io.Closer, error) {
	p, err := ParseSourcePath(unc, ".msi")
	if err != nil {
		return nil, nil, err
	}
	return st.openRemoteMSI(ctx, p)
}
