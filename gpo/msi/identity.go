package msi

import (
	"errors"
	"fmt"
	"strconv"
)

// Identity is what Group Policy Software Installation records about a
// package: it comes from the Property table and the summary information.
type Identity struct {
	ProductCode     string `json:"ProductCode"`
	ProductVersion  string `json:"ProductVersion"`
	ProductName     string `json:"ProductName"`
	Manufacturer    string `json:"Manufacturer"`
	UpgradeCode     string `json:"UpgradeCode"`
	PackageCode     string `json:"PackageCode"`
	ProductLanguage string `json:"ProductLanguage"`
	Platform        string `json:"Platform"`
}

// Errors for identities that cannot be deployed.
var (
	ErrProductCodeMissing    = errors.New("ProductCode missing")
	ErrProductVersionMissing = errors.New("ProductVersion missing")
	ErrPackageCodeMissing    = errors.New("PackageCode (summary Revision Number) missing")
)

// identity collects the identity without judging it.
func (p *Package) identity() (Identity, error) {
	props, err := p.Standard()
	if err != nil {
		return Identity{}, err
	}
	s := p.Summary()
	platform := s.Platform()
	if platform == "" {
		// SDK, "Template Summary": an empty platform means Intel (x86)
		platform = "Intel"
	}
	return Identity{
		ProductCode:     props.ProductCode,
		ProductVersion:  props.ProductVersion,
		ProductName:     props.ProductName,
		Manufacturer:    props.Manufacturer,
		UpgradeCode:     props.UpgradeCode,
		PackageCode:     s.PackageCode,
		ProductLanguage: props.ProductLanguage,
		Platform:        platform,
	}, nil
}

// Identity returns the package identity, or an error when a value that a
// Software Installation package object needs is missing or malformed.
func (p *Package) Identity() (Identity, error) {
	id, err := p.identity()
	if err != nil {
		return Identity{}, err
	}
	switch {
	case id.ProductCode == "":
		return id, ErrProductCodeMissing
	case id.ProductVersion == "":
		return id, ErrProductVersionMissing
	case id.PackageCode == "":
		return id, ErrPackageCodeMissing
	}
	if err := checkGUID(id.ProductCode); err != nil {
		return id, fmt.Errorf("ProductCode: %w", err)
	}
	if err := checkGUID(id.PackageCode); err != nil {
		return id, fmt.Errorf("PackageCode: %w", err)
	}
	if _, err := ParseVersion(id.ProductVersion); err != nil {
		return id, fmt.Errorf("ProductVersion: %w", err)
	}
	if _, err := strconv.Atoi(id.ProductLanguage); err != nil {
		return id, fmt.Errorf("ProductLanguage %q is not a language id", id.ProductLanguage)
	}
	return id, nil
}
