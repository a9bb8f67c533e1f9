# Drishya: `make demo` and `make test` on a fresh machine install everything they need.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
BUF     := .tools/node_modules/.bin/buf
ICONS   := .tools/node_modules/@iconify-json/noto/icons.json
HLSJS   := .tools/node_modules/hls.js/dist/hls.min.js
SAMPLE  := samples/telugu_rain_dance.txt

.PHONY: demo test up gen gen-check lint fmt bench clean chromium

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(BUF):
	npm install --silent --no-audit --no-fund --prefix .tools @bufbuild/buf@1.75.0

# Noto Emoji as Iconify JSON (Apache-2.0): the storyboard's drawings of things (services/render/assets).
$(ICONS):
	npm install --silent --no-audit --no-fund --prefix .tools @iconify-json/noto@1.2.9

# hls.js (Apache-2.0): the web pages' HLS player where the browser does not play HLS itself
# (served at /static/hls.min.js, services/gateway/static.py).
$(HLSJS):
	npm install --silent --no-audit --no-fund --prefix .tools hls.js@1.7.4

demo: $(STAMP) $(ICONS) $(HLSJS)
	mkdir -p out
	$(BIN)/drishya generate --local "$$(cat $(SAMPLE))" -o out/demo.mp4

# Debian's Chromium for the browser tests (tests/e2e/test_pages_browser.py): installed as root where
# apt-get is, never failing the build; without it those tests skip and say so.
chromium:
	@test -x /usr/bin/chromium || ! command -v apt-get >/dev/null || [ "$$(id -u)" != 0 ] || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
	  echo "chromium could not be installed: the browser tests will skip"

test: $(STAMP) $(BUF) $(ICONS) $(HLSJS) build/protodeps/google/rpc/status.proto chromium
	$(BUF) lint
	$(BUF) format -d --exit-code
	$(BIN)/python -m pytest -q

up: $(STAMP) $(HLSJS)
	$(BIN)/drishya up

gen: $(STAMP)
	$(BIN)/python scripts/gen_protos.py

# google/rpc/status.proto comes from googleapis-common-protos; buf reads it as a second module.
build/protodeps/google/rpc/status.proto: $(STAMP)
	mkdir -p build/protodeps/google/rpc
	cp "$$($(BIN)/python -c 'import google.rpc, os; print(os.path.dirname(google.rpc.__path__[0]))')/rpc/status.proto" $@

lint: $(STAMP) $(BUF) build/protodeps/google/rpc/status.proto
	$(BUF) lint
	$(BUF) format -d --exit-code
	$(BIN)/ruff check services tests benchmarks scripts
	$(BIN)/ruff format --check services tests benchmarks scripts
	$(BIN)/mypy services

fmt: $(STAMP) $(BUF)
	$(BUF) format -w
	$(BIN)/ruff format services tests benchmarks scripts
	$(BIN)/ruff check --fix services tests benchmarks scripts

bench: $(STAMP) $(ICONS)
	$(BIN)/python benchmarks/e2e.py

clean:
	rm -rf $(VENV) .tools build out .drishya
