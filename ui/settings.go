package ui

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// SettingsStore remembers the non-secret connection settings.
type SettingsStore interface {
	Load() (Settings, error)
	Save(Settings) error
}

// FileStore keeps settings as JSON in one file (in the XDG config dir, see
// DefaultSettingsPath). The password is never written: Settings leaves it
// out of JSON.
type FileStore struct{ Path string }

// DefaultSettingsPath is $XDG_CONFIG_HOME/ctitui/console.json (or the
// platform's equivalent).
func DefaultSettingsPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("config dir: %w", err)
	}
	return filepath.Join(dir, "ctitui", "console.json"), nil
}

// Load reads the settings; a missing file is empty settings.
func (f FileStore) Load() (Settings, error) {
	var s Settings
	b, err := os.ReadFile(f.Path)
	if os.IsNotExist(err) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("read settings: %w", err)
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return s, fmt.Errorf("settings %s: %w", f.Path, err)
	}
	return s, nil
}

// Save writes the settings through a temporary file so that a crash never
// leaves half a file.
func (f FileStore) Save(s Settings) error {
	s.Password = ""
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encode settings: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(f.Path), 0o700); err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	tmp := f.Path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	if err := os.Rename(tmp, f.Path); err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	return nil
}

// Merge fills the empty fields of s from remembered.
func (s Settings) Merge(remembered Settings) Settings {
	pick := func(a, b string) string {
		if a != "" {
			return a
		}
		return b
	}
	s.Domain = pick(s.Domain, remembered.Domain)
	s.DC = pick(s.DC, remembered.DC)
	s.User = pick(s.User, remembered.User)
	s.CCache = pick(s.CCache, remembered.CCache)
	s.CAFile = pick(s.CAFile, remembered.CAFile)
	s.ShareDir = pick(s.ShareDir, remembered.ShareDir)
	s.Kerberos = s.Kerberos || remembered.Kerberos
	return s
}
