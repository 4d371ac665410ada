# Linli: `make demo` runs a demo town, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
ECHARTS := linli/static/vendor/echarts.min.js
DEMO_ADDR ?= 127.0.0.1:8000

.PHONY: prereqs install static demo test test-sqlite test-postgres lint bench clean

# Idempotent: each step runs only when its inputs changed (collectstatic skips unchanged files).
# tools/prereqs installs the Debian packages a step needs, or names them in one line and stops.
install: $(VENV)/.installed $(ECHARTS) static

prereqs:
	@tools/prereqs test

$(VENV)/.installed: pyproject.toml constraints.txt
	@tools/prereqs base
	@$(PYTHON) -c "import sys; sys.exit(sys.version_info[:2] != (3, 11))" || { echo "需要 Python 3.11 (need Python 3.11)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	touch $@

$(ECHARTS): package.json package-lock.json
	@tools/prereqs base
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

test: prereqs install lint test-sqlite test-postgres

test-sqlite:
	CONN_MAX_AGE=0 $(BIN)/pytest -n 2 -q

# On TEST_DATABASE_URL, or the local server at 127.0.0.1:5432 (started if it is down);
# skipped, with a line saying so, where there is none (tools/postgres-url).
test-postgres:
	@url=$$(tools/postgres-url) || exit 1; \
	if [ -n "$$url" ]; then \
		echo "== PostgreSQL: $$url"; \
		CONN_MAX_AGE=0 DATABASE_URL="$$url" $(BIN)/pytest -n 2 -q; \
	else echo "没有 PostgreSQL，跳过第二轮 (no PostgreSQL here: second pass skipped)"; fi

lint: install
	$(BIN)/ruff check linli bench conftest.py
	$(BIN)/ruff format --check linli bench conftest.py
	$(BIN)/mypy linli
	$(BIN)/lint-imports  # the layers' contracts: [tool.importlinter] in pyproject.toml

# Each prints its figures and the ratio to its baseline (see the scripts' --help).
bench: install
	$(BIN)/python bench/import_roster.py
	$(BIN)/python bench/pairing.py
	$(BIN)/python bench/pairing_suggestions.py
	$(BIN)/python bench/duty_coverage.py
	$(BIN)/python bench/duty_coverage.py --backend postgres
	$(BIN)/python bench/care_queues.py
	$(BIN)/python bench/package_round.py
	$(BIN)/python bench/package_round.py --backend postgres
	$(BIN)/python bench/labels_pdf.py
	$(BIN)/python bench/group_buy.py
	$(BIN)/python bench/group_buy.py --backend postgres
	$(BIN)/python bench/medicine_plan.py  # about 12 minutes (--quick: one)
	$(BIN)/python bench/coverage.py  # 1M residents: about 2 minutes to build
	$(BIN)/python bench/coverage.py --backend postgres  # (--residents 25000000: see the docs)

clean:
	rm -rf $(VENV) node_modules var/static
