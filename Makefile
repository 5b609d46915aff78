# mfabot — the boring Makefile.
GO ?= go
FUZZTIME ?= 10s
# staticcheck runs through go run at this version, so CI installs nothing by hand.
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: test setup unit vet fuzz e2e bench bench-incident soak demo build manifest lint

## test: everything CI runs (installs what it needs first).
test: setup lint unit fuzz e2e

setup:
	./scripts/setup.sh

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) vet ./...

## unit: every Go test, with a throwaway PostgreSQL on loopback for the PostgreSQL store
## (stopped and deleted afterwards, pass or fail).
unit:
	./scripts/with-postgres.sh $(GO) test -race -count=1 ./...

## fuzz: each fuzz target for a bounded time (seed corpora are in testdata/fuzz).
fuzz:
	@for spec in $$(grep -rl --include='*_test.go' '^func Fuzz' . | xargs -r grep -H -o '^func Fuzz[A-Za-z0-9_]*' | sed 's/:func /:/'); do \
		file=$${spec%%:*}; name=$${spec##*:}; dir=$$(dirname $$file); \
		echo "fuzz $$dir $$name ($(FUZZTIME))"; \
		$(GO) test -run='^$$' -fuzz="^$$name\$$" -fuzztime=$(FUZZTIME) ./$$dir || exit 1; \
	done

e2e:
	./scripts/e2e.sh

bench:
	./scripts/with-postgres.sh $(GO) test -run='^$$' -bench=. -benchmem ./internal/store/... ./internal/botframework/...
	$(GO) test -run='^$$' -bench=Reset -benchtime=5x ./bench/reset/

## bench-incident: incident mode against the fake Graph's write quota (several minutes; not part of test):
## 10,000 users through mfabot serve, 3 replicas on PostgreSQL with one SIGKILLed, peak RSS at 1,000 and
## 10,000 users (bench/README.md). BENCH_INCIDENT_FLAGS passes flags (go run ./bench/incident -h).
BENCH_INCIDENT_FLAGS ?=
bench-incident: build
	./scripts/with-postgres.sh $(GO) run ./bench/incident $(BENCH_INCIDENT_FLAGS)

# VERSION is what `mfabot version` prints; the build also carries the VCS
# revision when Go stamps it (not from a git worktree, nor with -buildvcs=false).
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
VERSION_FLAG = -X github.com/mfabot/mfabot/internal/app.Version=$(VERSION)

## build: the production binary (no demo: no fake Graph, no Playground launcher).
build:
	$(GO) build -trimpath -ldflags='-s -w $(VERSION_FLAG)' -o bin/mfabot ./cmd/mfabot

## soak: RSS of mfabot serve over SOAKTIME under 50,000 distinct users, then under slow bodies without a token.
SOAKTIME ?= 5m
soak: build
	$(GO) run ./bench/load -soak users -d $(SOAKTIME)
	$(GO) run ./bench/load -soak slowbody -d $(SOAKTIME)

## demo: build with the demo tag, showing each package as it compiles (minutes the first time), then run the demo.
demo:
	$(GO) build -tags demo -v -ldflags='$(VERSION_FLAG)' -o bin/mfabot-demo ./cmd/mfabot
	./bin/mfabot-demo demo

manifest:
	$(GO) run ./cmd/mfabot manifest -o dist/mfabot.zip

## lint: gofmt, go vet and staticcheck, also over the files of the demo build tag.
lint: vet
	$(GO) vet -tags demo ./cmd/...
	$(GO) run $(STATICCHECK) ./...
	$(GO) run $(STATICCHECK) -tags demo ./cmd/...
