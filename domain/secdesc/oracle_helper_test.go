package secdesc

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// sambaOracle talks to testdata/samba_oracle.py, an independent encoder and
// decoder built on python3-samba.
type sambaOracle struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Scanner
}

// sambaPythonCandidates lists interpreters to try: CTITUI_SAMBA_PYTHON if
// set, then python3 from PATH, then the system one (python3-samba installs
// into the distribution's interpreter, which a pyenv python3 on PATH hides).
func sambaPythonCandidates() []string {
	var c []string
	if p := os.Getenv("CTITUI_SAMBA_PYTHON"); p != "" {
		c = append(c, p)
	}
	return append(c, "python3", "/usr/bin/python3")
}

// startSambaOracle starts the oracle, or skips the test (fails it when
// CI=true) if no interpreter can import samba.
func startSambaOracle(t *testing.T) *sambaOracle {
	t.Helper()
	var python string
	var tried []string
	for _, p := range sambaPythonCandidates() {
		out, err := exec.Command(p, "-c", "from samba.dcerpc import security; from samba.ndr import ndr_pack, ndr_unpack").CombinedOutput()
		if err == nil {
			python = p
			break
		}
		tried = append(tried, fmt.Sprintf("%s: %v %s", p, err, strings.TrimSpace(lastLine(string(out)))))
	}
	if python == "" {
		msg := "python3-samba is not installed (apt-get install python3-samba), so the samba oracle cannot run; tried " + strings.Join(tried, "; ")
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	cmd := exec.Command(python, "testdata/samba_oracle.py")
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	outPipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting samba oracle: %v", err)
	}
	o := &sambaOracle{cmd: cmd, in: in, out: bufio.NewScanner(outPipe)}
	o.out.Buffer(make([]byte, 1<<20), 1<<24)
	t.Cleanup(func() {
		o.in.Close()
		if err := o.cmd.Wait(); err != nil {
			t.Errorf("samba oracle exited: %v", err)
		}
	})
	return o
}

// lastLine returns the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// ask sends one request and returns the answer, or an error carrying
// samba's message.
func (o *sambaOracle) ask(t *testing.T, op string, domain SID, arg string) (string, error) {
	t.Helper()
	if _, err := fmt.Fprintf(o.in, "%s\t%s\t%s\n", op, domain, arg); err != nil {
		t.Fatalf("writing to samba oracle: %v", err)
	}
	if !o.out.Scan() {
		t.Fatalf("samba oracle closed its output: %v", o.out.Err())
	}
	status, result, _ := strings.Cut(o.out.Text(), "\t")
	if status != "ok" {
		return "", fmt.Errorf("samba: %s", result)
	}
	return result, nil
}

// corpusEntry is one descriptor samba provisions.
type corpusEntry struct{ name, hex string }

// corpusSource says how many descriptors one source of the corpus gave
// (samba.descriptor's functions, the schema's defaultSecurityDescriptors)
// and what it read.
type corpusSource struct {
	name  string
	count int
	note  string
}

// corpus returns the descriptors samba's own provisioning writes, and what
// each source of them gave.
func (o *sambaOracle) corpus(t *testing.T, domain SID) ([]corpusEntry, []corpusSource) {
	t.Helper()
	if _, err := fmt.Fprintf(o.in, "corpus\t%s\t-\n", domain); err != nil {
		t.Fatalf("writing to samba oracle: %v", err)
	}
	var entries []corpusEntry
	var sources []corpusSource
	for o.out.Scan() {
		line := o.out.Text()
		if line == "end" {
			return entries, sources
		}
		if rest, ok := strings.CutPrefix(line, "source\t"); ok {
			f := strings.SplitN(rest, "\t", 3)
			if len(f) != 3 {
				t.Fatalf("samba oracle: bad source line %q", line)
			}
			n, err := strconv.Atoi(f[1])
			if err != nil {
				t.Fatalf("samba oracle: bad source line %q: %v", line, err)
			}
			sources = append(sources, corpusSource{f[0], n, f[2]})
			continue
		}
		name, hex, _ := strings.Cut(line, "\t")
		entries = append(entries, corpusEntry{name, hex})
	}
	t.Fatalf("samba oracle closed its output during the corpus: %v", o.out.Err())
	return nil, nil
}
