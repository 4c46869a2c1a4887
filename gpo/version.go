package gpo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/go-ldap/ldap/v3"

	"github.com/ctitui/ctitui/domain"
	"github.com/ctitui/ctitui/gpo/plan"
)

// Version is a GPO version number: the user half in the high 16 bits, the
// computer half in the low 16 bits ([MS-GPOL] 2.2.4 "versionNumber", and
// the same number in GPT.INI, 2.2.5).
type Version uint32

// User is the user settings' version.
func (v Version) User() uint16 { return uint16(v >> 16) }

// Computer is the computer settings' version.
func (v Version) Computer() uint16 { return uint16(v) }

// String shows both halves.
func (v Version) String() string {
	return fmt.Sprintf("%d (user %d, computer %d)", uint32(v), v.User(), v.Computer())
}

// MarshalJSON gives the number and its halves.
func (v Version) MarshalJSON() ([]byte, error) {
	return fmt.Appendf(nil, `{"value":%d,"user":%d,"computer":%d}`, uint32(v), v.User(), v.Computer()), nil
}

// Half selects a half of the version and of the settings.
type Half int

// Halves of a GPO.
const (
	Computer Half = iota
	User
)

func (h Half) String() string {
	if h == User {
		return "user"
	}
	return "computer"
}

// Bump increments one half. A half that wraps to 0 becomes 1: clients
// treat version 0 as "no settings" ([MS-GPOL] 3.3.4.5 Version Number
// Update).
func (v Version) Bump(h Half) Version {
	u, c := v.User(), v.Computer()
	if h == User {
		if u++; u == 0 {
			u = 1
		}
	} else {
		if c++; c == 0 {
			c = 1
		}
	}
	return Version(uint32(u)<<16 | uint32(c))
}

// ParseGPTINI reads Version from [General] of a GPT.INI ([MS-GPOL] 2.2.5,
// sample in 4.10). The file is ANSI as written by GPMC; a UTF-16 file with
// a byte order mark is accepted too.
func ParseGPTINI(data []byte) (Version, error) {
	text := decodeINI(data)
	section := ""
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			section = strings.ToLower(line[1 : len(line)-1])
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if ok && section == "general" && strings.EqualFold(strings.TrimSpace(k), "Version") {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil || n < 0 || n > 0xFFFFFFFF {
				return 0, fmt.Errorf("GPT.INI: Version=%q is not a 32-bit number", strings.TrimSpace(v))
			}
			return Version(uint32(n)), nil
		}
	}
	return 0, errors.New("GPT.INI has no Version in [General]")
}

func decodeINI(data []byte) string {
	if len(data) >= 2 && data[0] == 0xFF && data[1] == 0xFE {
		u := make([]uint16, 0, len(data)/2)
		for i := 2; i+1 < len(data); i += 2 {
			u = append(u, uint16(data[i])|uint16(data[i+1])<<8)
		}
		return string(utf16.Decode(u))
	}
	return string(bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF}))
}

// newGPTINI is the GPT.INI of a new GPO, as samba-tool and GPMC write it.
func newGPTINI() []byte { return []byte("[General]\r\nVersion=0\r\n") }

// SetGPTINIVersion returns data with Version in [General] set to v, every
// other line kept (GPMC also keeps displayName= there). A file without the
// key gets it added to [General].
func SetGPTINIVersion(data []byte, v Version) []byte {
	text := decodeINI(data)
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	section, general, done := "", -1, false
	for i, line := range lines {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]") {
			section = strings.ToLower(t[1 : len(t)-1])
			if section == "general" {
				general = i
			}
			continue
		}
		if k, _, ok := strings.Cut(t, "="); ok && section == "general" && strings.EqualFold(strings.TrimSpace(k), "Version") && !done {
			lines[i] = "Version=" + strconv.FormatUint(uint64(v), 10)
			done = true
		}
	}
	if !done {
		entry := "Version=" + strconv.FormatUint(uint64(v), 10)
		if general < 0 {
			lines = append([]string{"[General]", entry}, lines...)
		} else {
			lines = append(lines[:general+1], append([]string{entry}, lines[general+1:]...)...)
		}
	}
	return []byte(strings.Join(lines, "\r\n") + "\r\n")
}

// maxBumpAttempts bounds the optimistic retries of a version bump: each
// conflict means someone else's bump got in, which cannot go on forever.
const maxBumpAttempts = 20

// BumpPlan plans an increment of one half of the GPO's version in the
// directory and in GPT.INI, as [MS-GPOL] 3.3.4.5 requires after a settings
// change. *result holds the new version once the plan has run.
//
// The directory is the arbiter between concurrent bumpers: the modify
// deletes the value read and adds the new one, so of two admins bumping
// at once one gets noSuchAttribute, re-reads and tries again; no
// increment is lost. GPT.INI is then set to the directory's value as read
// after our bump; if another bumper wrote an older number meanwhile, the
// check that follows each write sees the difference and writes again.
func (s *Session) BumpPlan(ctx context.Context, ref string, h Half) (*plan.Plan, *Version, error) {
	g, err := s.Find(ctx, ref)
	if err != nil {
		return nil, nil, err
	}
	p := s.newPlan(fmt.Sprintf("bump the %s version of %q %s", h, g.Name, g.GUID))
	result := new(Version)
	p.Add(s.bumpStep(g, h, result), s.syncGPTStep(g.GUID, result))
	return p, result, nil
}

// BumpVersion runs BumpPlan and returns the new version.
func (s *Session) BumpVersion(ctx context.Context, ref string, h Half) (Version, error) {
	p, result, err := s.BumpPlan(ctx, ref, h)
	if err != nil {
		return 0, err
	}
	if _, err := p.Apply(ctx); err != nil {
		return 0, err
	}
	return *result, nil
}

// bumpStep increments the directory half with optimistic retries; it
// stores the new value in *result. Undo takes the increment back only if
// nobody bumped after us (a higher version is harmless, a lost one is not).
//
// The undo also covers a bump whose reply was lost: when the connection
// drops after the modify went out, the DC may have made it although Do
// returned an error, and the plan undoes the failed step too (gpo/plan).
// So Do remembers every modify it sent, not only the acknowledged one,
// and Undo reads the value back: if it is still the one this step sent,
// the write landed and is taken back; otherwise it never landed (or
// another admin bumped since) and the undo leaves it alone.
func (s *Session) bumpStep(g GPO, h Half, result *Version) plan.Step {
	return s.bumpStepFrom(g, h, result, &bumpState{DN: g.DN})
}

// bumpState is what a bump's undo needs (its journal record): the value
// the last modify replaced and the one it sent, once one went out.
type bumpState struct {
	DN       string
	From, To string
	Sent     bool
}

// bumpStepFrom is bumpStep with its state given (from a journal).
func (s *Session) bumpStepFrom(g GPO, h Half, result *Version, st *bumpState) plan.Step {
	// from and to are the values of the last modify sent; sent is false
	// until one went out.
	from, to, sent := &st.From, &st.To, &st.Sent
	return plan.Step{
		Op: "ldap modify", Target: g.DN,
		Details: []string{fmt.Sprintf("versionNumber: %d -> %d (%s half +1; retried if another admin bumps first)",
			uint32(g.Version), uint32(g.Version.Bump(h)), h)},
		Inverse: "put the previous versionNumber back unless it changed since",
		// Clients apply a GPO's settings again when its version
		// changed ([MS-GPOL]: the version a client already processed is
		// skipped): the bump makes a change theirs.
		Effect: plan.Widens,
		Record: func() *plan.Record { return plan.NewRecord("gpo-version", st) },
		Redo:   plan.NewRecord("gpo-version", versionRedo{DN: g.DN, Half: h, Version: uint32(g.Version)}),
		Do: func(ctx context.Context) error {
			c, err := s.Dir(ctx)
			if err != nil {
				return err
			}
			for attempt := 0; attempt < maxBumpAttempts; attempt++ {
				e, err := c.Read(ctx, g.DN, []string{"versionNumber"})
				if err != nil {
					return err
				}
				cur := e.GetAttributeValue("versionNumber")
				n, _ := strconv.ParseInt(cur, 10, 64)
				next := Version(uint32(n)).Bump(h)
				*from, *to, *sent = cur, strconv.FormatInt(int64(int32(next)), 10), true
				plan.Touch(ctx)
				req := ldap.NewModifyRequest(g.DN, nil)
				if cur != "" {
					req.Delete("versionNumber", []string{cur})
				}
				req.Add("versionNumber", []string{*to})
				err = c.Modify(ctx, req)
				if err == nil {
					*result = next
					return nil
				}
				if !domain.IsConflict(err) && !ldap.IsErrorWithCode(err, ldap.LDAPResultAttributeOrValueExists) {
					return err
				}
				// A conflict is a definite answer: this write was
				// refused, and the value is someone else's.
				*sent = false
			}
			return fmt.Errorf("version of %s changed %d times while bumping it; try again", g.GUID, maxBumpAttempts)
		},
		Undo: func(ctx context.Context) error {
			if !*sent {
				return nil
			}
			c, err := s.Dir(ctx)
			if err != nil {
				return err
			}
			e, err := c.Read(ctx, g.DN, []string{"versionNumber"})
			if domain.IsNoSuchObject(err) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("read back versionNumber of %s: %w", g.DN, err)
			}
			if e.GetAttributeValue("versionNumber") != *to {
				return nil // our write never landed, or someone bumped since
			}
			// The delete of our value makes the modify conditional
			// (noSuchAttribute when it changed between the read and
			// now, RFC 4511 4.6), so a concurrent bump is never lost.
			req := ldap.NewModifyRequest(g.DN, nil)
			req.Delete("versionNumber", []string{*to})
			if *from != "" {
				req.Add("versionNumber", []string{*from})
			}
			if err := c.Modify(ctx, req); err != nil && !domain.IsConflict(err) && !ldap.IsErrorWithCode(err, ldap.LDAPResultAttributeOrValueExists) {
				return fmt.Errorf("put back versionNumber %s of %s: %w", *from, g.DN, err)
			}
			return nil
		},
	}
}

// syncGPTStep writes the directory's version into GPT.INI. Undo writes
// the old file back.
func (s *Session) syncGPTStep(guid string, want *Version) plan.Step {
	return s.syncGPTStepFrom(&gptState{GUID: guid, Rel: s.gpoRel(guid) + `\GPT.INI`}, want)
}

// gptState is what the GPT.INI sync's undo needs (its journal record):
// the file as it was before the first write.
type gptState struct {
	GUID, Rel string
	Old       []byte
	Have      bool
}

// syncGPTStepFrom is syncGPTStep with its state given (from a journal).
func (s *Session) syncGPTStepFrom(st *gptState, want *Version) plan.Step {
	guid, rel := st.GUID, st.Rel
	return plan.Step{
		Op: "smb write", Target: s.sysvolUNC(rel),
		Details: []string{"Version=<the directory's new versionNumber>, other lines kept"},
		Inverse: "write the previous GPT.INI back",
		Effect:  plan.Widens,
		Record:  func() *plan.Record { return plan.NewRecord("gpt-sync", st) },
		Redo:    plan.NewRecord("gpt-sync", gptState{GUID: guid, Rel: rel}),
		Do: func(ctx context.Context) error {
			sh, err := s.SysVol(ctx)
			if err != nil {
				return err
			}
			c, err := s.Dir(ctx)
			if err != nil {
				return err
			}
			for attempt := 0; attempt < maxBumpAttempts; attempt++ {
				data, err := sh.ReadFile(ctx, rel)
				if err != nil && !errors.Is(err, fs.ErrNotExist) {
					return err
				}
				if !st.Have {
					st.Old, st.Have = append([]byte{}, data...), true
					plan.Touch(ctx)
				}
				e, err := c.Read(ctx, s.gpoDN(guid), []string{"versionNumber"})
				if err != nil {
					return err
				}
				n, _ := strconv.ParseInt(e.GetAttributeValue("versionNumber"), 10, 64)
				latest := Version(uint32(n))
				if cur, err := ParseGPTINI(data); err == nil && cur == latest {
					return nil
				}
				if err := sh.WriteFile(ctx, rel, SetGPTINIVersion(data, latest)); err != nil {
					return err
				}
				*want = latest
			}
			return fmt.Errorf("GPT.INI of %s kept changing; run the command again", guid)
		},
		Undo: func(ctx context.Context) error {
			if !st.Have {
				return nil
			}
			sh, err := s.SysVol(ctx)
			if err != nil {
				return err
			}
			return sh.WriteFile(ctx, rel, st.Old)
		},
	}
}
