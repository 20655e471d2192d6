# The two quick-start commands: `make serve` and `make test`. Both create .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test test-postgres fuzz lint typecheck bench bench-postgres clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,postgres]'
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/zcrm serve $(ARGS)

test: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest $(PYTEST_ARGS)

# The pytest step of `make test` on PostgreSQL instead of SQLite. The caller provides a running server and names it
# in the environment, e.g.  ZCRM_TEST_DATABASE_URL=postgresql://zcrm@127.0.0.1:5432/postgres make test-postgres,
# or lets scripts/with-postgres.sh start a private cluster:  scripts/with-postgres.sh make test-postgres
# The URL's database is only used to create and drop others, so its user needs CREATEDB: every data dir the tests
# use gets a fresh database zcrm_t_<random hex>, and all of them are dropped when the run ends (tests/conftest.py).
test-postgres: $(STAMP)
	@test -n "$$ZCRM_TEST_DATABASE_URL" || { echo "test-postgres: set ZCRM_TEST_DATABASE_URL to a running PostgreSQL server, e.g. postgresql://zcrm@127.0.0.1:5432/postgres" >&2; exit 2; }
	$(BIN)/pytest $(PYTEST_ARGS)

# A long fuzz run (tests/fuzz/, docs/architecture.md "Fuzzing"): FUZZ_EXAMPLES examples per operation and generation
# mode of the OpenAPI document and per data type of the record bodies; the test suite runs the same tests bounded
# (8). On PostgreSQL: ZCRM_TEST_DATABASE_URL=… make fuzz, or scripts/with-postgres.sh make fuzz
FUZZ_EXAMPLES ?= 300
fuzz: $(STAMP)
	ZCRM_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest tests/fuzz -n 3 $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/bench_records.py
	$(BIN)/python bench/bench_update.py
	$(BIN)/python bench/bench_growth.py
	$(BIN)/python bench/bench_uploads.py

# the same on PostgreSQL (2 workers), on the server of ZCRM_TEST_DATABASE_URL (a fresh database per benchmark):
#   scripts/with-postgres.sh make bench-postgres     (that private cluster runs with fsync off)
bench-postgres: $(STAMP)
	@test -n "$$ZCRM_TEST_DATABASE_URL" || { echo "bench-postgres: set ZCRM_TEST_DATABASE_URL to a PostgreSQL server" >&2; exit 2; }
	$(BIN)/python bench/bench_update.py --database-url "$$ZCRM_TEST_DATABASE_URL" --workers 2 --clients 2
	$(BIN)/python bench/bench_growth.py --database-url "$$ZCRM_TEST_DATABASE_URL" --workers 2
	$(BIN)/python bench/bench_uploads.py --database-url "$$ZCRM_TEST_DATABASE_URL" --workers 2

clean:
	rm -rf $(VENV) zcrm-data .pytest_cache .mypy_cache .ruff_cache
