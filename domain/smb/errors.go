package smb

import (
	"errors"
	"fmt"
	"os"
	"strings"

	smb2 "github.com/cloudsoda/go-smb2"
)

// NTSTATUS values ([MS-ERREF] 2.3.1) that need a sentence a person can act
// on.
const (
	statusAccessDenied        = 0xC0000022
	statusLogonFailure        = 0xC000006D
	statusAccountRestriction  = 0xC000006E
	statusPasswordExpired     = 0xC0000071
	statusAccountDisabled     = 0xC0000072
	statusDiskFull            = 0xC000007F
	statusFileIsADirectory    = 0xC00000BA
	statusBadNetworkName      = 0xC00000CC
	statusNotADirectory       = 0xC0000103
	statusLogonTypeNotGranted = 0xC000015B
	statusAccountExpired      = 0xC0000193
	statusPasswordMustChange  = 0xC0000224
	statusAccountLockedOut    = 0xC0000234
	statusPathNotCovered      = 0xC0000257
	statusSharingViolation    = 0xC0000043
)

// ErrPathNotCovered means the path crosses a DFS link the server does not
// hold itself ([MS-SMB2] 3.3.5.9: STATUS_PATH_NOT_COVERED); the client must
// ask for a referral and go to the target.
var ErrPathNotCovered = errors.New("the path crosses a DFS link that leads to another share; open it with Connect, which follows the link, or give the target share (\\\\fileserver\\share\\folder)")

// Errors of this package say what happened; they never name the flags or
// commands of a program using it (cmd/ctitui adds those in advice.go).

// ErrNoSuchShare is what every *ShareNotFoundError is (errors.Is).
var ErrNoSuchShare = errors.New("no such share")

// ShareNotFoundError is the server's answer that the share does not exist
// (STATUS_BAD_NETWORK_NAME, [MS-SMB2] 3.3.5.7); Err is that answer.
type ShareNotFoundError struct{ Err error }

func (e *ShareNotFoundError) Error() string {
	return e.Err.Error() + ": no such share on this server; check the share name"
}

func (e *ShareNotFoundError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrNoSuchShare) true.
func (e *ShareNotFoundError) Is(target error) bool { return target == ErrNoSuchShare }

// ExistsError is an upload refused because a different file is already at
// Path (There bytes against Here), or appeared there during the upload
// (Appeared); UploadOptions.Overwrite replaces it. It is
// ErrDifferentFileExists (errors.Is).
type ExistsError struct {
	Path        string
	There, Here int64
	Appeared    bool
}

func (e *ExistsError) Error() string {
	if e.Appeared {
		return fmt.Sprintf("upload to %s: %v (it appeared during the upload); replace it only on purpose (UploadOptions.Overwrite)", e.Path, ErrDifferentFileExists)
	}
	return fmt.Sprintf("upload to %s: %v (%d bytes there, %d here); replace it only on purpose (UploadOptions.Overwrite)", e.Path, ErrDifferentFileExists, e.There, e.Here)
}

// Is makes errors.Is(err, ErrDifferentFileExists) true.
func (e *ExistsError) Is(target error) bool { return target == ErrDifferentFileExists }

// AuthProblem is why PasswordAuth cannot build credentials.
type AuthProblem string

// AuthProblems.
const (
	AuthNoUser        AuthProblem = "no-user"
	AuthUserNoDomain  AuthProblem = "user-no-domain"
	AuthEmptyPassword AuthProblem = "empty-password"
)

// AuthError is credentials PasswordAuth cannot build: no user, a user
// without a domain, or no password. User is the user as given.
type AuthError struct {
	Problem AuthProblem
	User    string
}

func (e *AuthError) Error() string {
	switch e.Problem {
	case AuthUserNoDomain:
		return fmt.Sprintf("user %q has no domain: write user@domain or DOMAIN\\user", e.User)
	case AuthEmptyPassword:
		return fmt.Sprintf("empty password for %s", e.User)
	}
	return "no user given for SMB"
}

// explain keeps err (errors.Is/As still work) and adds what to do.
func explain(err error) error {
	var re *smb2.ResponseError
	var bad *smb2.InvalidResponseError
	switch {
	case errors.As(err, &re):
	case errors.Is(err, os.ErrPermission):
		return fmt.Errorf("%w: access denied; the account needs rights on this share and folder", err)
	case errors.As(err, &bad) && strings.Contains(bad.Message, "signature"):
		return fmt.Errorf("%w: a message from the server was changed on the way (SMB signing check failed); the network path to the server is not trustworthy", err)
	default:
		return err
	}
	hint := ""
	switch re.Code {
	case statusLogonFailure:
		hint = "wrong user name or password"
	case statusAccountLockedOut:
		hint = "account locked out: wait for the lockout to end or ask a domain admin to unlock it"
	case statusPasswordExpired:
		hint = "password expired: change it (for example with kpasswd) and try again"
	case statusPasswordMustChange:
		hint = "the password must be changed before first logon: change it and try again"
	case statusAccountDisabled:
		hint = "account disabled: ask a domain admin to enable it"
	case statusAccountExpired:
		hint = "account expired: ask a domain admin to extend it"
	case statusAccountRestriction, statusLogonTypeNotGranted:
		hint = "the account may not log on to this server over the network"
	case statusAccessDenied:
		hint = "access denied; the account needs rights on this share and folder"
	case statusBadNetworkName:
		return &ShareNotFoundError{Err: err}
	case statusPathNotCovered:
		return fmt.Errorf("%w: %w", ErrPathNotCovered, err)
	case statusDiskFull:
		hint = "the share is full: free space on the file server"
	case statusNotADirectory:
		hint = "a part of the path is a file, not a folder"
	case statusFileIsADirectory:
		hint = "the path names a folder, not a file"
	case statusSharingViolation:
		hint = "the file is open elsewhere without sharing; close it and retry"
	default:
		return err
	}
	return fmt.Errorf("%w: %s", err, hint)
}
