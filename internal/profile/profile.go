// Package profile stores named, non-secret connection settings in the
// user's config directory ($XDG_CONFIG_HOME/ctitui/profiles.json), so an
// admin types the domain, DC and CA file once. Passwords and keys are never
// stored: the type has no field for them.
package profile

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
)

// Profile is one saved set of connection settings.
type Profile struct {
	Domain   string `json:"domain,omitempty"`
	DC       string `json:"dc,omitempty"`
	User     string `json:"user,omitempty"`
	CAFile   string `json:"caFile,omitempty"`
	StartTLS bool   `json:"startTLS,omitempty"`
	Kerberos bool   `json:"kerberos,omitempty"`
	LDAPS    bool   `json:"ldaps,omitempty"`
	Keytab   string `json:"keytab,omitempty"`
	KRB5Conf string `json:"krb5Conf,omitempty"`
}

// Store is the profiles file.
type Store struct {
	Path string
}

// DefaultStore is the profiles file in the user's config directory.
func DefaultStore() (Store, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return Store{}, fmt.Errorf("find config directory: %w (set XDG_CONFIG_HOME)", err)
	}
	return Store{Path: filepath.Join(dir, "ctitui", "profiles.json")}, nil
}

// DefaultName is the profile used when none is named.
const DefaultName = "default"

func validName(name string) error {
	if !regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`).MatchString(name) {
		return fmt.Errorf("profile name %q: use 1-64 letters, digits, '.', '_' or '-'", name)
	}
	return nil
}

// All reads every profile; a missing file is no profiles.
func (s Store) All() (map[string]Profile, error) {
	b, err := os.ReadFile(s.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]Profile{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read profiles: %w", err)
	}
	var all map[string]Profile
	if err := json.Unmarshal(b, &all); err != nil {
		return nil, fmt.Errorf("profiles file %s is damaged: %w (fix or delete it)", s.Path, err)
	}
	if all == nil {
		all = map[string]Profile{}
	}
	return all, nil
}

// Names lists the saved profiles, sorted.
func (s Store) Names() ([]string, error) {
	all, err := s.All()
	if err != nil {
		return nil, err
	}
	var names []string
	for n := range all {
		names = append(names, n)
	}
	slices.Sort(names)
	return names, nil
}

// Get returns a profile; found is false when there is none by that name.
func (s Store) Get(name string) (p Profile, found bool, err error) {
	all, err := s.All()
	if err != nil {
		return Profile{}, false, err
	}
	p, found = all[name]
	return p, found, nil
}

// Save adds or replaces a profile. The file is written to a temporary name
// and renamed, so a crash never leaves half a file, and is readable only by
// its owner (it names servers and accounts).
func (s Store) Save(name string, p Profile) error {
	if err := validName(name); err != nil {
		return err
	}
	all, err := s.All()
	if err != nil {
		return err
	}
	all[name] = p
	return s.write(all)
}

// Delete removes a profile; deleting one that does not exist is an error
// that says so.
func (s Store) Delete(name string) error {
	all, err := s.All()
	if err != nil {
		return err
	}
	if _, ok := all[name]; !ok {
		return fmt.Errorf("no profile %q", name)
	}
	delete(all, name)
	return s.write(all)
}

func (s Store) write(all map[string]Profile) error {
	if err := os.MkdirAll(filepath.Dir(s.Path), 0o700); err != nil {
		return fmt.Errorf("create config directory: %w", err)
	}
	b, err := json.MarshalIndent(all, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.Path), ".profiles-*.json")
	if err != nil {
		return fmt.Errorf("write profiles: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("write profiles: %w", err)
	}
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("write profiles: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write profiles: %w", err)
	}
	if err := os.Rename(tmp.Name(), s.Path); err != nil {
		return fmt.Errorf("write profiles: %w", err)
	}
	return nil
}
