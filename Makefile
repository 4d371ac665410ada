# Linli: `make demo` runs a demo town, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
ECHARTS := linli/static/vendor/echarts.min.js
DEMO_ADDR ?= 127.0.0.1:8000

.PHONY: install static demo test test-sqlite test-postgres lint bench clean

# Idempotent: each step runs only when its inputs changed (collectstatic skips unchanged files).
install: $(VENV)/.installed $(ECHARTS) static

$(VENV)/.installed: pyproject.toml constraints.txt
	@$(PYTHON) -c "import sys; assert sys.version_info[:2] == (3, 11), sys.version" || { echo "需要 Python 3.11 (need Python 3.11)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	touch $@

$(ECHARTS): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(dir $@)
	cp node_modules/echarts/dist/echarts.min.js $@

# Compiled translations, and the hashed, compressed static files served with DEBUG off.
static: $(VENV)/.installed $(ECHARTS)
	@if command -v msgfmt >/dev/null; then \
		$(BIN)/linli compilemessages -v0 --ignore '.venv' --ignore 'node_modules'; \
	else echo "gettext (msgfmt) not installed: translations not compiled"; fi
	$(BIN)/linli collectstatic --noinput -v0

# Migrates var/linli.sqlite3 (or DATABASE_URL), builds the demo town once, prints the logins.
demo: install
	$(BIN)/linli demo --serve --addr $(DEMO_ADDR)

test: install lint test-sqlite test-postgres

test-sqlite:
	CONN_MAX_AGE=0 $(BIN)/pytest -n 2 -q

# Runs when TEST_DATABASE_URL is set (as .ci/run does), e.g. postgres://postgres@127.0.0.1:5432/linli
test-postgres:
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== PostgreSQL: $$TEST_DATABASE_URL"; \
		CONN_MAX_AGE=0 DATABASE_URL="$$TEST_DATABASE_URL" $(BIN)/pytest -n 2 -q; \
	else echo "TEST_DATABASE_URL not set: PostgreSQL run skipped"; fi

lint: install
	$(BIN)/ruff check linli bench conftest.py
	$(BIN)/ruff format --check linli bench conftest.py
	$(BIN)/mypy linli

# Each prints its figures and the ratio to its baseline (see the scripts' --help).
bench: install
	$(BIN)/python bench/import_roster.py
	$(BIN)/python bench/pairing.py
	$(BIN)/python bench/duty_coverage.py
	$(BIN)/python bench/duty_coverage.py --backend postgres
	$(BIN)/python bench/care_queues.py

clean:
	rm -rf $(VENV) node_modules var/static
