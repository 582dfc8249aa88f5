# aaswift: AppArmor's profile tools in Swift.
SWIFT        ?= swift
PREFIX       ?= /usr/local
# easyprof's templates and policy groups: the binary looks in /usr/share/aaswift/easyprof
# (and has a built-in copy when that folder is absent).
DATADIR      ?= /usr/share
CONFORMANCE  ?= $(or $(AASWIFT_CONFORMANCE),$(abspath ../shared/conformance))
# ../shared beside the checkout: the conformance corpora, trixie/ (Debian 13 roots), vm/.
SHARED       ?= $(abspath $(CONFORMANCE)/..)
GENERATED    := .build/conformance-generated
# What building and `make test` need: libapparmor's headers, the upstream tools (side-by-side
# tests), dpkg-dev and lintian (the package test), mmdebstrap (its Debian 13 root).
DEB_PACKAGES := libapparmor-dev libaudit-dev pkg-config apparmor apparmor-utils python3-apparmor \
                apparmor-profiles apparmor-profiles-extra tmux less dpkg-dev lintian mmdebstrap
BENCH_PACKAGES := hyperfine
BIN          := .build/release/aaswift
VERSION      := $(shell sed -n 's/^ *static let number = "\([^"]*\)".*/\1/p' Sources/aaswift/VersionInfo.swift)
DEB          := .build/deb/aaswift_$(VERSION)_$(shell dpkg --print-architecture).deb
SUDO         := $(if $(filter 0,$(shell id -u)),,sudo)
SHELL        := /bin/bash

.PHONY: all deps bench-deps build build-info release startup-order test bench demo deb install uninstall \
        generated-tests e2e fuzz fresh-check clean

all: build

# Installs the Debian packages that are missing; silent when all are there, so every target
# that needs them can depend on it.
define install_missing
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi
endef

deps:
	$(call install_missing,$(DEB_PACKAGES))

bench-deps:
	$(call install_missing,$(BENCH_PACKAGES))

# The git commit and libapparmor version `aaswift --version` reports (Sources/CBuildInfo);
# rewritten only when they change, so it costs no rebuild.
BUILD_INFO := .build/aaswift-build-info.h
build-info:
	@mkdir -p .build; \
	commit=$$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown); \
	[ "$$commit" = unknown ] || git diff --quiet HEAD -- 2>/dev/null || commit="$$commit-dirty"; \
	lib=$$(pkg-config --modversion libapparmor 2>/dev/null || echo unknown); \
	printf '#define AASWIFT_BUILD_COMMIT "%s"\n#define AASWIFT_BUILD_LIBAPPARMOR "%s"\n' "$$commit" "$$lib" > $(BUILD_INFO).new; \
	if cmp -s $(BUILD_INFO).new $(BUILD_INFO); then rm $(BUILD_INFO).new; \
	else mv $(BUILD_INFO).new $(BUILD_INFO); touch Sources/CBuildInfo/BuildInfo.c; fi

build: deps build-info
	$(SWIFT) build

# Release builds are fully static executables (Swift runtime, FoundationEssentials,
# libapparmor and glibc linked in, no position-independent relocation): no dynamic loader work
# at start, so `aaswift --version` takes 2 ms instead of 6 (dynamic) or 3.6 (static Swift
# runtime only), and the binary runs on machines without a Swift toolchain. The sources import
# FoundationEssentials, never Foundation, so ICU's 34 MB data table stays out; stripped, the
# binary is 19.3 MB (61 MB with Foundation). Tests/e2e/run.sh builds through this target.
# Linked by lld (it ships with the Swift toolchain), each function in a section of its own, in
# the order of Packaging/startup-order.txt: the code a short command runs sits together at the
# start of .text, and the variables `status` touches at the start of .data, .bss and .rodata:
# `status --enabled` takes 62 page faults instead of 132 (81 with the code ordered alone; a
# static Swift program that only exits, 49; aa-status, 50), and as long as aa-status to run.
# `make startup-order` writes the file again from a build that keeps its symbols.
STARTUP_ORDER := $(CURDIR)/Packaging/startup-order.txt
LINK_FLAGS    := -Xswiftc -use-ld=lld -Xswiftc -Xfrontend -Xswiftc -function-sections \
                 -Xlinker --symbol-ordering-file=$(STARTUP_ORDER) -Xlinker --no-warn-symbol-ordering
RELEASE_BASE  := -c release --static-swift-stdlib -Xswiftc -static-executable $(LINK_FLAGS)
RELEASE_FLAGS := $(RELEASE_BASE) -Xlinker --strip-all
release: deps build-info
	$(SWIFT) build $(RELEASE_FLAGS) --product aaswift

# Needs valgrind (callgrind lists the functions each quick command runs).
startup-order: deps build-info
	$(call install_missing,valgrind python3)
	$(SWIFT) build $(RELEASE_BASE) --product aaswift
	Packaging/startup-order.sh $(BIN)
	$(SWIFT) build $(RELEASE_FLAGS) --product aaswift

# The 71,496 generated simple_tests, unpacked beside our build (the corpus itself is read-only).
generated-tests: $(GENERATED)/.stamp
$(GENERATED)/.stamp:
	mkdir -p $(GENERATED)
	tar -xzf $(CONFORMANCE)/parser-simple_tests-generated.tar.gz -C $(GENERATED)
	touch $@

# Every test, then the skips (Tests/check-skips.sh: under CI=true a skip not on
# Tests/skip-allowlist.txt fails), then the package installed in a clean Debian 13 root.
TEST_LOG := .build/test-output.txt
test: deps build-info generated-tests
	set -o pipefail; AASWIFT_CONFORMANCE=$(CONFORMANCE) $(SWIFT) test 2>&1 | tee $(TEST_LOG)
	Tests/check-skips.sh $(TEST_LOG)
	$(MAKE) --no-print-directory deb
	Tests/deb/run.sh $(DEB) $(SHARED)

bench: deps bench-deps release generated-tests
	AASWIFT_CONFORMANCE=$(CONFORMANCE) Benchmarks/run.sh $(BIN)

demo: deps release
	Examples/demo.sh $(BIN)

# aaswift_<version>_<arch>.deb (Packaging/build-deb.sh; lintian must report no errors).
deb: release
	Packaging/build-deb.sh $(BIN) $(VERSION) .build/deb

# AA_NAMES=1 links the aa-* names in bin/ too (else only in libexec/aaswift/aa-bin).
# The binary, man pages, completions, easyprof's data and the aa-* links (Packaging/layout.sh
# lists them); uninstall removes exactly those.
install: release
	PREFIX=$(PREFIX) DATADIR=$(DATADIR) DESTDIR=$(DESTDIR) AA_NAMES=$(AA_NAMES) Packaging/layout.sh install $(BIN)

uninstall:
	PREFIX=$(PREFIX) DATADIR=$(DATADIR) DESTDIR=$(DESTDIR) Packaging/layout.sh uninstall

# The fuzz targets (Fuzz/: parser round trip, log records to rules, plan loading), built with
# libFuzzer and run FUZZ_SECONDS each on a corpus seeded from $(CONFORMANCE). An input that breaks
# a property is kept under Tests/FuzzRegressionTests/Inputs/ and the target fails.
FUZZ_SECONDS ?= 60
fuzz:
	cd Fuzz && $(SWIFT) build -c release -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library
	Fuzz/run.sh $(FUZZ_SECONDS) $(CONFORMANCE)

# The profiling loop in a real AppArmor kernel under qemu (../shared/vm); one boot per scenario.
e2e: release
	Tests/e2e/run.sh $(BIN)

# A fresh Debian 12 and a fresh Debian 13 machine (mmdebstrap roots, this Swift toolchain
# bind-mounted): a clone of this repository runs `make demo` and `make test` in each. Minutes;
# not part of CI.
fresh-check:
	Tests/fresh/run.sh $(SHARED)

clean:
	rm -rf .build
