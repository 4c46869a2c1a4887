package ui

import (
	"fmt"
	"strings"
)

// Lang is a UI language.
type Lang string

const (
	English Lang = "en"
	Russian Lang = "ru"
)

// Text is one catalog: every message the console shows in one language.
type Text struct {
	lang Lang
	m    map[string]string
}

// NewText returns the catalog of lang (English for anything but Russian).
func NewText(lang Lang) Text {
	if lang == Russian {
		return Text{lang: Russian, m: catalogRU()}
	}
	return Text{lang: English, m: catalogEN()}
}

// T is the message for key, formatted with args. A missing key shows as
// itself in brackets so that it is visible, and a test fails on it.
func (t Text) T(key string, args ...any) string {
	s, ok := t.m[key]
	if !ok {
		return "[" + key + "]"
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Lang is the catalog's language.
func (t Text) Lang() Lang { return t.lang }

// DetectLang chooses the language: flag first, then LC_ALL, LC_MESSAGES,
// LANG, as POSIX locale lookup does.
func DetectLang(flag string, getenv func(string) string) Lang {
	if flag != "" {
		return langOf(flag)
	}
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if s := getenv(v); s != "" {
			return langOf(s)
		}
	}
	return English
}

func langOf(s string) Lang {
	if strings.HasPrefix(strings.ToLower(s), "ru") {
		return Russian
	}
	return English
}
