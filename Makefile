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

.PHONY: all deps build release test bench demo install generated-tests e2e fuzz clean

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

install: release
	install -D -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/aaswift
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0644 man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -d $(DESTDIR)$(DATADIR)/aaswift/easyprof/templates $(DESTDIR)$(DATADIR)/aaswift/easyprof/policygroups
	install -m 0644 Resources/easyprof/templates/* $(DESTDIR)$(DATADIR)/aaswift/easyprof/templates/
	install -m 0644 Resources/easyprof/policygroups/* $(DESTDIR)$(DATADIR)/aaswift/easyprof/policygroups/

# The fuzz targets (Fuzz/: parser round trip, log records to rules, plan loading), built with
# libFuzzer and run FUZZ_SECONDS each on a corpus seeded from $(CONFORMANCE). An input that breaks
# a property is kept under Tests/FuzzRegressionTests/Inputs/ and the target fails.
FUZZ_SECONDS ?= 60
fuzz:
	cd Fuzz && $(SWIFT) build -c release -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library
	Fuzz/run.sh $(FUZZ_SECONDS) $(CONFORMANCE)

# The profiling loop in a real AppArmor kernel under qemu (../shared/vm); one boot per scenario.
e2e:
	Tests/e2e/run.sh

clean:
	rm -rf .build
