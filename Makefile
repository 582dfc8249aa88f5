# aaswift: AppArmor's profile tools in Swift.
SWIFT        ?= swift
PREFIX       ?= /usr/local
# easyprof's templates and policy groups: the binary looks in /usr/share/aaswift/easyprof
# (and has a built-in copy when that folder is absent).
DATADIR      ?= /usr/share
CONFORMANCE  ?= $(or $(AASWIFT_CONFORMANCE),$(abspath ../shared/conformance))
GENERATED    := .build/conformance-generated
DEB_PACKAGES := libapparmor-dev libaudit-dev apparmor apparmor-utils python3-apparmor \
                apparmor-profiles apparmor-profiles-extra tmux
BIN          := .build/release/aaswift

.PHONY: all deps build release test bench demo install generated-tests e2e clean

all: build

# Install the Debian packages the build and tests need, when missing.
deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else echo "deps: all present"; fi

build:
	$(SWIFT) build

# Release builds are fully static executables (Swift runtime, Foundation, libapparmor and
# glibc linked in, no position-independent relocation): no dynamic loader work at start, so
# `aaswift --version` takes 2 ms instead of 6 (dynamic) or 3.6 (static Swift runtime only), and
# the binary runs on machines without a Swift toolchain. Tests/e2e/run.sh builds the same way.
RELEASE_FLAGS := -c release --static-swift-stdlib -Xswiftc -static-executable
release:
	$(SWIFT) build $(RELEASE_FLAGS) --product aaswift

# The 71,496 generated simple_tests, unpacked beside our build (the corpus itself is read-only).
generated-tests: $(GENERATED)/.stamp
$(GENERATED)/.stamp:
	mkdir -p $(GENERATED)
	tar -xzf $(CONFORMANCE)/parser-simple_tests-generated.tar.gz -C $(GENERATED)
	touch $@

test: generated-tests
	AASWIFT_CONFORMANCE=$(CONFORMANCE) $(SWIFT) test

bench: release generated-tests
	AASWIFT_CONFORMANCE=$(CONFORMANCE) Benchmarks/run.sh $(BIN)

demo: release
	Examples/demo.sh $(BIN)

# Upstream's tool names (Sources/aaswift/MultiCall.swift answers to each): links under
# libexec/aaswift/aa-bin to put first on PATH; AA_NAMES=1 links them in bin/ too.
AA_TOOLS := aa-audit aa-autodep aa-cleanprof aa-complain aa-decode aa-disable aa-easyprof \
            aa-enabled aa-enforce aa-exec aa-features-abi aa-genprof aa-logprof aa-mergeprof \
            aa-remove-unknown aa-status aa-unconfined
install: release
	install -D -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/aaswift
	install -d $(DESTDIR)$(PREFIX)/libexec/aaswift/aa-bin
	for t in $(AA_TOOLS); do ln -sf ../../../bin/aaswift $(DESTDIR)$(PREFIX)/libexec/aaswift/aa-bin/$$t; done
	if [ "$(AA_NAMES)" = 1 ]; then for t in $(AA_TOOLS); do ln -sf aaswift $(DESTDIR)$(PREFIX)/bin/$$t; done; fi
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0644 man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -d $(DESTDIR)$(DATADIR)/aaswift/easyprof/templates $(DESTDIR)$(DATADIR)/aaswift/easyprof/policygroups
	install -m 0644 Resources/easyprof/templates/* $(DESTDIR)$(DATADIR)/aaswift/easyprof/templates/
	install -m 0644 Resources/easyprof/policygroups/* $(DESTDIR)$(DATADIR)/aaswift/easyprof/policygroups/

# The profiling loop in a real AppArmor kernel under qemu (../shared/vm); one boot per scenario.
e2e:
	Tests/e2e/run.sh

clean:
	rm -rf .build
