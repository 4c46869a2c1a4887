# ctitui — two commands on a fresh machine:
#   make demo   start a throwaway Samba AD demo domain on loopback and open ctitui on it
#   make test   what CI runs (.ci/run)
export PATH := /usr/local/go/bin:$(PATH)
GO ?= go

.PHONY: build demo test deps clean

build:
	$(GO) build -o bin/ctitui ./cmd/ctitui
	$(GO) build -o bin/testdomain ./internal/testdomain/cmd/testdomain

deps:
	bash .ci/install-deps

# The demo domain lives as long as the command it runs: the summary, then (on
# a terminal) a shell with CTITUI_* set; leaving the shell removes the domain.
demo: deps build
	bin/testdomain -- sh -c 'bin/ctitui domain info && if [ -t 0 ]; then \
	  printf "\nThe demo domain stays up while this shell runs; try: bin/ctitui domain info --json\nType exit to stop and remove it.\n"; \
	  exec "$${SHELL:-sh}" -i; fi'

test:
	bash .ci/run

clean:
	rm -rf bin
