//go:build linux

// Command testdomain starts a throwaway Samba AD test domain on loopback for a
// person to use (make demo, manual checks), prints how to reach it, and tears
// it down on exit.
//
//	testdomain                  start, print the connection settings, wait for Ctrl-C
//	testdomain -- CMD ARGS...   start, run CMD with CTITUI_* set, stop when it exits
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/ctitui/ctitui/internal/testdomain"
	"github.com/ctitui/ctitui/internal/testmsi"
)

func main() {
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: testdomain [-- command args...]\n\n"+
			"Starts a throwaway Samba AD DC (%s) on a loopback address, seeded with test data.\n"+
			"Without a command it waits for Ctrl-C; with one it runs it with CTITUI_DOMAIN,\n"+
			"CTITUI_DC, CTITUI_USER, CTITUI_CA_FILE and CTITUI_PASSWORD_FILE set. Needs root.\n\n", testdomain.DNSDomain)
		flag.PrintDefaults()
	}
	samples := flag.Bool("sample-msis", false, "also build the sample MIKO CTI 4.9.226 and 4.9.241 packages (wixl) and set CTITUI_DEMO_MSI_DIR to their folder")
	flag.Parse()
	os.Exit(run(flag.Args(), *samples))
}

func run(command []string, samples bool) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	fmt.Fprintln(os.Stderr, "Starting the test domain (provision + start takes a few seconds)...")
	dom, err := testdomain.Start(ctx, testdomain.Options{Log: func(f string, a ...any) {
		fmt.Fprintf(os.Stderr, f+"\n", a...)
	}})
	if err != nil {
		fmt.Fprintf(os.Stderr, "testdomain: %v\n", err)
		return 1
	}
	defer func() {
		if err := dom.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "testdomain: stop: %v\n", err)
		}
	}()
	env := dom.CtituiEnv()
	if samples {
		dir, err := sampleMSIs(dom.Dir)
		if err != nil {
			fmt.Fprintf(os.Stderr, "testdomain: sample MSIs: %v\n", err)
			return 1
		}
		env = append(env, "CTITUI_DEMO_MSI_DIR="+dir)
	}

	if len(command) == 0 {
		fmt.Printf("Test domain %s is up at %s. Use it with:\n\n", testdomain.DNSDomain, dom.IP)
		for _, kv := range env {
			fmt.Printf("  export %s\n", kv)
		}
		fmt.Printf("\nsmbclient -A %s //%s/%s\nPress Ctrl-C to stop and remove it.\n", dom.AuthFile, dom.IP, testdomain.DistribShare)
		<-ctx.Done()
		return 0
	}

	cmd := exec.Command(command[0], command[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), env...)
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode()
		}
		fmt.Fprintf(os.Stderr, "testdomain: run %s: %v\n", command[0], err)
		return 1
	}
	return 0
}

// sampleMSIs builds the guide's two MIKO CTI versions and copies them, under
// the names an admin would have, into a folder of the demo domain (removed
// with it).
func sampleMSIs(domainDir string) (string, error) {
	dir := filepath.Join(domainDir, "samples")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	for _, name := range []string{"MIKO CTI 4.9.226", "MIKO CTI 4.9.241"} {
		src, err := testmsi.BuildFile(name)
		if err != nil {
			return "", err
		}
		b, err := os.ReadFile(src)
		if err != nil {
			return "", err
		}
		if err := os.WriteFile(filepath.Join(dir, name+".msi"), b, 0o644); err != nil {
			return "", err
		}
	}
	return dir, nil
}
