# The two commands a newcomer needs: `make publish` and `make test`.
# Both create the virtual environment in .venv/ on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# WeasyPrint needs Pango; without HarfBuzz's subsetter it falls back to fontTools, ~5x slower.
SYSLIBS := libpango-1.0.so.0:libpango-1.0-0 libpangoft2-1.0.so.0:libpangoft2-1.0-0 libharfbuzz-subset.so.0:libharfbuzz-subset0

.PHONY: publish test lint bench messages lock syslibs browser-deps clean

# Byte-compiled once (quick when up to date): a machine with PYTHONDONTWRITEBYTECODE set would otherwise
# compile the whole package on every run, a quarter of a second of a no-op build.
publish: $(STAMP)
	$(BIN)/python -m compileall -q pipeline
	$(BIN)/pipeline publish

test: $(STAMP)
	$(BIN)/ruff check pipeline tests bench
	$(BIN)/pytest -n 2 --dist worksteal

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests bench

bench: $(STAMP)
	$(BIN)/python -m compileall -q pipeline
	$(BIN)/python bench/bench.py

# Interface strings: extract from templates and code (Babel), then merge into each language's
# messages.po with GNU msgmerge, which writes previous msgids (#|) as every PO editor expects.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output --project "Newsroom pipeline" \
	  --copyright-holder "The newsroom" --msgid-bugs-address "English desk" -o translations/messages.pot .
	for po in translations/*/LC_MESSAGES/messages.po; do msgmerge --quiet --previous -U --backup=none "$$po" translations/messages.pot; done

# The exact versions (with hashes) every machine installs: byte-identical PDFs rest on them.
# `make lock` re-resolves after a change to pyproject.toml, keeping the pins that still fit.
lock:
	$(PYTHON) -m venv .lockvenv && .lockvenv/bin/pip install --quiet pip-tools
	.lockvenv/bin/pip-compile --quiet --extra=test --generate-hashes --strip-extras --no-emit-index-url \
	  --no-emit-find-links --output-file=requirements.lock pyproject.toml

$(STAMP): pyproject.toml requirements.lock | syslibs
	$(PYTHON) -m venv $(VENV)
	# --no-deps: the lock is the whole closure; it also avoids pip 23's refusal of hashed extras (pip#9644).
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements.lock
	$(BIN)/pip check --disable-pip-version-check >/dev/null || { $(BIN)/pip check; exit 1; }
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

syslibs:
	@missing=""; for pair in $(SYSLIBS); do \
	  lib=$${pair%%:*}; pkg=$${pair##*:}; \
	  ldconfig -p 2>/dev/null | grep -q "$$lib" || missing="$$missing $$pkg"; \
	done; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	command -v qpdf >/dev/null || missing="$$missing qpdf"; \
	command -v ssh-keygen >/dev/null || missing="$$missing openssh-client"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing system libraries WeasyPrint needs:$$missing"; \
	    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	  else \
	    echo "Missing system libraries:$$missing"; \
	    echo "Install them first, e.g.: sudo apt-get install$$missing"; \
	    echo "(WeasyPrint needs Pango; libharfbuzz-subset0 makes PDF font subsetting about 5x faster.)"; \
	    exit 1; \
	  fi; \
	fi

# What tests/test_accessibility.py needs (make test skips it, naming this target, without them): Debian's
# Chromium and its driver, Java for the Nu checker, and the npm packages pinned in tests/browser/package-lock.json
# (integrity hashes; --ignore-scripts: vnu-jar's install script would fetch a Java of its own).
BROWSER := tests/browser
browser-deps: $(BROWSER)/node_modules/.installed
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	[ -x /usr/bin/chromedriver ] || missing="$$missing chromium-driver"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing for the browser tests:$$missing"; \
	    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	  else \
	    echo "Missing for the browser tests:$$missing"; echo "Install them first, e.g.: sudo apt-get install$$missing"; exit 1; \
	  fi; \
	fi

$(BROWSER)/node_modules/.installed: $(BROWSER)/package.json $(BROWSER)/package-lock.json
	@command -v npm >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && apt-get update -qq >/dev/null \
	  && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; } \
	  || { echo "The browser tests need npm (Node.js): e.g. sudo apt-get install npm"; exit 1; }
	cd $(BROWSER) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

clean:
	rm -rf dist .pytest_cache .ruff_cache
