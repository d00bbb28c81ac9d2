PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
JOURNAL ?= demo.db

.PHONY: setup demo test bench clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,bench]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	rm -f $(JOURNAL) $(JOURNAL)-wal $(JOURNAL)-shm
	$(BIN)/kirinuki --journal $(JOURNAL) init --title "切り抜き帳（デモ）" --host demo.kirinuki.example --host kirinuki.example.org
	$(BIN)/kirinuki --journal $(JOURNAL) import demo/entries
	$(BIN)/kirinuki --journal $(JOURNAL) stats
	$(BIN)/kirinuki --journal $(JOURNAL) publish site
	@# Never prompts: DEMO_PASSWORD=... sets the owner's password, else say how to set one.
	@if [ -n "$$DEMO_PASSWORD" ]; then \
	  printf '%s\n' "$$DEMO_PASSWORD" | $(BIN)/kirinuki --journal $(JOURNAL) user set-password --password-stdin; \
	  echo "web app on http://127.0.0.1:8000/ (Ctrl-C to stop); sign in at http://127.0.0.1:8000/signin with DEMO_PASSWORD"; \
	else \
	  echo "web app on http://127.0.0.1:8000/ (Ctrl-C to stop); the static copy is in site/"; \
	  echo "to sign in at http://127.0.0.1:8000/signin, set a password (in another terminal):"; \
	  echo "  $(BIN)/kirinuki --journal $(JOURNAL) user set-password"; \
	  echo "or run: make demo DEMO_PASSWORD='at least 10 characters'"; \
	fi
	$(BIN)/kirinuki --journal $(JOURNAL) serve --host 127.0.0.1 --port 8000

# The default run leaves out slow, browser and database tests; CI runs them all:
#   make test PYTEST_MARK=   (that is what .ci/run does)
PYTEST_MARK ?= not slow and not browser and not database
# Test processes (pytest-xdist); each test file runs whole in one of them (its module-scoped
# fixtures are built once; session-scoped ones once per process). PYTEST_WORKERS=0: no workers.
PYTEST_WORKERS ?= 2
# Compiled test modules are cached in __pycache__: pytest's assertion rewriting of every test
# module costs more CPU than many test files take to run, at every run.
unexport PYTHONDONTWRITEBYTECODE

test: $(STAMP)
	$(BIN)/ruff check kirinuki tests bench
	@# deptry, vulture and mypy run beside pytest (whose workers leave a core idle at start and
	@# end), their output shown after its own; any of them failing fails the target.
	@checks=$$(mktemp); \
	( $(BIN)/deptry . && $(BIN)/vulture && $(BIN)/mypy ) >$$checks 2>&1 & pid=$$!; \
	$(BIN)/pytest -m "$(PYTEST_MARK)" -n $(PYTEST_WORKERS) --dist loadfile; tests=$$?; \
	wait $$pid; lint=$$?; cat $$checks; rm -f $$checks; \
	test $$tests -eq 0 && test $$lint -eq 0

bench: $(STAMP)
	$(BIN)/python bench/import_bench.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .mypy_cache .ruff_cache
