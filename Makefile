# secagent_exporter — build, test and package. Targets match the README.
GO        ?= go
BINARY    ?= secagent_exporter
PKG        = github.com/secagent-exporter/secagent_exporter
# The version is the tag on HEAD (v1.2.3 -> 1.2.3) when there is one, else the VERSION file.
# A plain `go build` takes it from the VCS instead (cmd/secagent_exporter/buildinfo.go).
TAG_VERSION := $(shell git describe --tags --exact-match --match 'v[0-9]*' 2>/dev/null | sed 's/^v//')
VERSION   ?= $(or $(TAG_VERSION),$(shell cat VERSION))
REVISION  ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
BRANCH    ?= $(shell git rev-parse --abbrev-ref HEAD 2>/dev/null || echo unknown)
# The commit time, not the clock: two builds of one commit are byte for byte identical.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
BUILD_DATE = $(shell date -u -d @$(SOURCE_DATE_EPOCH) +%Y%m%d-%H:%M:%S)
VERSION_PKG = github.com/prometheus/common/version
LDFLAGS   = -s -w -X $(VERSION_PKG).Version=$(VERSION) -X $(VERSION_PKG).Revision=$(REVISION) \
            -X $(VERSION_PKG).Branch=$(BRANCH) -X $(VERSION_PKG).BuildUser=secagent_exporter \
            -X $(VERSION_PKG).BuildDate=$(BUILD_DATE)
# DEMO_HOST: a host tree to serve instead of the demo host, which `make demo` expands from
# collector/fixtures/specs/demo.spec into a temporary directory.
DEMO_HOST ?=
DEMO_PORT ?= 9847
FUZZTIME  ?= 30s
# Packaging: nfpm is pinned and run from the Go module proxy (v2.46+ needs modules the
# proxy refuses); wixl and msiinfo come from Debian's wixl and msitools packages.
NFPM      ?= $(GO) run github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.45.0
DIST      ?= dist
PKG_ARCH  ?= amd64
# An MSI ProductVersion is numeric only: 1.2.3-rc.1 is packaged as 1.2.3.
MSI_VERSION = $(shell echo $(VERSION) | sed 's/[-+].*//')

.DEFAULT_GOAL := all
include Makefile.alerts

.PHONY: all build build-windows test unit test-go demo-test lint vet fmt-check golden demo bench fuzz tools clean \
        package package-linux package-msi package-test package-tools runbooks wine-test wine-tools wine-golden \
        release release-test

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BINARY) ./cmd/secagent_exporter

build-windows:
	GOOS=windows GOARCH=amd64 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BINARY).exe ./cmd/secagent_exporter

# Everything CI runs: formatting, vet, the Windows build, every Go test (unit, fuzz seed
# corpora, end-to-end against the built binary with promtool), and the rule checks.
test: tools lint build-windows package-test release-test alerts-check demo-test test-go wine-test

# Quick and portable: the Go tests that need no root, no apt and no external tool (-short
# skips the real-Prometheus and promtool ones; tests needing a missing tool skip).
unit:
	$(GO) test -short -count=1 ./...

# Every Go test, failing instead of skipping when promtool or prometheus is missing.
test-go:
	SECAGENT_REQUIRE_TOOLS=1 $(GO) test -count=1 ./...

# staticcheck is pinned and run from the Go module proxy, for Linux and Windows builds.
# It is installed for the host into .tools/, then run for each target OS.
STATICCHECK_VERSION ?= v0.8.2
STATICCHECK = $(CURDIR)/.tools/staticcheck
$(STATICCHECK):
	GOBIN=$(CURDIR)/.tools $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

lint: fmt-check vet $(STATICCHECK)
	$(STATICCHECK) ./...
	GOOS=windows $(STATICCHECK) -tests=false ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...
	GOOS=windows $(GO) vet ./...

# Rewrite docs/runbooks.md and docs/runbooks.ja.md from internal/knowledge/knowledge.yaml
# (a test of internal/knowledge fails when the committed pages differ).
runbooks:
	$(GO) generate ./internal/knowledge

# Rewrite the end-to-end golden files (and the generated runbooks) after reviewing the
# change they show.
golden: runbooks
	$(GO) test -count=1 ./cmd/secagent_exporter -run TestEndToEndGolden -update

# Serve a bundled fixture host so a newcomer without any agent sees realistic metrics. The
# state directory is a temporary one, removed when the demo ends (Ctrl-C).
demo: build
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; trap 'exit 0' INT TERM; \
	host="$(DEMO_HOST)"; if [ -z "$$host" ]; then host="$$tmp/host"; $(GO) run ./cmd/fixturegen demo "$$host" || exit 1; fi; \
	echo "demo on :$(DEMO_PORT) (host $$host, state in $$tmp/state; Ctrl-C ends it and removes both)"; \
	./$(BINARY) --web.listen-address=:$(DEMO_PORT) \
	  --path.rootfs="$$host" --path.procfs="$$host/proc" --path.sysfs="$$host/sys" \
	  --state.dir="$$tmp/state" --testing.time=2026-11-20T12:00:00Z --collector.timezone=UTC \
	  --collector.linux_security.kernel-module=ampfsm

# make demo serves metrics and leaves no temporary state behind when interrupted.
demo-test: build
	scripts/demo-test.sh

# Every benchmark, compared in the same run with grep, mtail and Debian's node_exporter;
# rewrites the generated sections of docs/performance.md and docs/deployment.md (review
# the diff). About 25 minutes; not part of `make test`. Sizes: see scripts/bench.sh.
bench:
	scripts/bench.sh

# Run every fuzz target for FUZZTIME each (make fuzz FUZZTIME=5m).
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$target"; $(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; done

# promtool and prometheus, amtool, victoria-metrics and vmalert (the fleet test), and curl
# (demo-test) come from Debian's packages, never from a downloaded binary. Fails loudly
# (scripts/need-debian-packages.sh) when they cannot be installed.
tools:
	@scripts/need-debian-packages.sh promtool:prometheus prometheus:prometheus amtool:prometheus-alertmanager vmalert:victoria-metrics curl:curl
	@promtool --version | head -1; amtool --version 2>&1 | head -1; dpkg-query -W -f='$${Package} $${Version}\n' victoria-metrics

# deb + rpm (nfpm) and the Windows MSI (wixl) into $(DIST)/.
package: package-linux package-msi

package-linux:
	mkdir -p $(DIST)/stage
	CGO_ENABLED=0 GOOS=linux GOARCH=$(PKG_ARCH) $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(DIST)/stage/$(BINARY) ./cmd/secagent_exporter
	VERSION=$(VERSION) NFPM_ARCH=$(PKG_ARCH) NFPM_STAGE=$(DIST)/stage $(NFPM) package -f packaging/nfpm.yaml -p deb -t $(DIST)/
	VERSION=$(VERSION) NFPM_ARCH=$(PKG_ARCH) NFPM_STAGE=$(DIST)/stage $(NFPM) package -f packaging/nfpm.yaml -p rpm -t $(DIST)/

package-msi: package-tools
	mkdir -p $(DIST)/stage
	CGO_ENABLED=0 GOOS=windows GOARCH=amd64 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(DIST)/stage/$(BINARY).exe ./cmd/secagent_exporter
	wixl -a x64 -D Version=$(MSI_VERSION) -D ExePath=$(DIST)/stage/$(BINARY).exe \
	  -D ConfigPath=packaging/windows/config.yml \
	  -o $(DIST)/$(BINARY)-$(VERSION)-amd64.msi packaging/windows/secagent_exporter.wxs

# Builds every package and inspects it: the deb unpacked into a throwaway root, the rpm
# through rpm -qp, the MSI's tables through msiinfo (packaging/test-packages.sh).
package-test: package-tools package
	packaging/test-packages.sh $(DIST) $(VERSION) $(PKG_ARCH)

# wixl, msiinfo/msiextract, rpm, zip and unzip come from Debian's packages.
package-tools:
	@scripts/need-debian-packages.sh wixl:wixl msiinfo:msitools msiextract:msitools rpm:rpm zip:zip unzip:unzip

# The Windows build under Wine (test/wine/run.sh): a fresh prefix per run, the scenarios
# compared with collector/fixtures/e2e/windows-*.metrics, a hanging CLI tree killed at the
# command timeout, bad input, and the MSI installed and removed with its service.
wine-test: wine-tools package-msi
	MSI=$(CURDIR)/$(DIST)/$(BINARY)-$(VERSION)-amd64.msi test/wine/run.sh

# Rewrite the Windows goldens from a Wine run (review the diff).
wine-golden: wine-tools
	WINE_UPDATE=1 test/wine/run.sh bad-input mcafee-ma5 mcafee-ma4-ja mcafee-av-ens cisco qualys

# wine64 (without the ~100 recommended packages) and the LLVM 14 tools that build the
# start-up shim come from Debian's packages.
wine-tools:
	@missing=""; \
	command -v wine >/dev/null 2>&1 || missing="$$missing wine64 wine"; \
	command -v llvm-mc-14 >/dev/null 2>&1 || missing="$$missing llvm-14"; \
	command -v lld-link-14 >/dev/null 2>&1 || missing="$$missing lld-14"; \
	command -v curl >/dev/null 2>&1 || missing="$$missing curl"; \
	if [ -n "$$missing" ]; then \
	  echo "installing from Debian:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

clean:
	rm -f $(BINARY) $(BINARY).exe
	rm -rf $(DIST)

# A release (scripts/release.sh): archives for every target, deb/rpm for both Linux
# architectures, the x64 MSI, a CycloneDX SBOM per binary and SHA256SUMS, into
# $(RELEASE_DIR). Needs a clean tree; every binary is built twice (the second time with an
# empty build cache) and must come out identical. Several minutes; not part of `make test`.
RELEASE_DIR     ?= $(DIST)/release
RELEASE_TARGETS ?= linux/amd64 linux/arm64 windows/amd64 windows/arm64
CYCLONEDX_VERSION ?= v1.10.0
CYCLONEDX = $(CURDIR)/.tools/cyclonedx-gomod
$(CYCLONEDX):
	GOBIN=$(CURDIR)/.tools $(GO) install github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod@$(CYCLONEDX_VERSION)

release_env = GO='$(GO)' VERSION='$(VERSION)' LDFLAGS='$(LDFLAGS)' SOURCE_DATE_EPOCH='$(SOURCE_DATE_EPOCH)' \
  CYCLONEDX='$(CYCLONEDX)'

release: package-tools $(CYCLONEDX)
	$(release_env) RELEASE_DIR='$(RELEASE_DIR)' RELEASE_TARGETS='$(RELEASE_TARGETS)' scripts/release.sh
	packaging/test-release.sh $(RELEASE_DIR) $(VERSION) $(RELEASE_TARGETS)
	packaging/test-packages.sh $(RELEASE_DIR) $(VERSION) amd64
	packaging/test-packages.sh $(RELEASE_DIR) $(VERSION) arm64

# The part of the release `make test` affords: the linux/amd64 archive and SBOM, built
# twice (sharing the build cache) and compared, then the archive layout and checksums
# checked. The packages are checked by package-test.
release-test: $(CYCLONEDX)
	$(release_env) RELEASE_DIR='$(DIST)/release-test' RELEASE_TARGETS=linux/amd64 \
	  RELEASE_PACKAGES=0 RELEASE_FRESH_CACHE=0 RELEASE_ALLOW_DIRTY=1 scripts/release.sh
	packaging/test-release.sh $(DIST)/release-test $(VERSION) linux/amd64

# Load for SOAK_DURATION with 50 concurrent scrapers: the -race build, then the normal
# build for resident memory (docs/reliability.md records a run).
SOAK_DURATION ?= 5m
soak:
	SECAGENT_SOAK_DURATION=$(SOAK_DURATION) $(GO) test -count=1 -v -timeout 60m \
	  -run 'TestLoadConcurrentScrapers' ./cmd/secagent_exporter

# Known vulnerabilities in the code paths the binary uses. Needs the database at
# vuln.go.dev, so it is not part of `make test` (docs/reliability.md).
GOVULNCHECK_VERSION ?= v1.8.0
vulncheck:
	$(GO) run golang.org/x/vuln/cmd/govulncheck@$(GOVULNCHECK_VERSION) ./...
.PHONY: soak vulncheck
