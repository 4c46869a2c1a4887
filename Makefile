# ctitui — two commands on a fresh machine:
#   make demo   start a throwaway Samba AD demo domain on loopback and open ctitui on it
#   make test   what CI runs (.ci/run)
# and, for a release: make dist (archives, .deb files and SHA256SUMS in dist/)
export PATH := /usr/local/go/bin:$(PATH)
GO ?= go

.PHONY: build demo test deps dist clean

build:
	$(GO) build -o bin/ctitui ./cmd/ctitui
	$(GO) build -o bin/testdomain ./internal/testdomain/cmd/testdomain

deps:
	bash .ci/install-deps

# The demo domain lives as long as the command it runs. On a terminal: the
# console (ctitui with no arguments), then a shell with CTITUI_* set; leaving
# the shell removes the domain. Without a terminal (CI): the summary only.
demo: deps build
	bin/testdomain -sample-msis -- sh -c 'if [ -t 0 ] && [ -t 1 ]; then \
	  bin/ctitui; \
	  printf "\nThe demo domain stays up while this shell runs. Sample MSIs: \$$CTITUI_DEMO_MSI_DIR\nTry: bin/ctitui (the console again), bin/ctitui group list MikoCTI --members\nType exit to stop and remove it.\n"; \
	  exec "$${SHELL:-sh}" -i; fi; \
	  bin/ctitui domain info && echo && \
	  bin/ctitui ou list --counts && echo && \
	  bin/ctitui msi compare "$$CTITUI_DEMO_MSI_DIR/MIKO CTI 4.9.226.msi" "$$CTITUI_DEMO_MSI_DIR/MIKO CTI 4.9.241.msi"'

test:
	bash .ci/run

# Reproducible release artifacts; scripts/dist.sh says what and how.
dist:
	bash scripts/dist.sh

clean:
	rm -rf bin dist
