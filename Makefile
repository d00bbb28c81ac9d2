PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
JOURNAL ?= demo.db

.PHONY: setup demo test bench clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	rm -f $(JOURNAL) $(JOURNAL)-wal $(JOURNAL)-shm
	$(BIN)/kirinuki --journal $(JOURNAL) init --title "切り抜き帳（デモ）" --host demo.kirinuki.example --host kirinuki.example.org
	$(BIN)/kirinuki --journal $(JOURNAL) import demo/entries
	$(BIN)/kirinuki --journal $(JOURNAL) stats
	$(BIN)/kirinuki --journal $(JOURNAL) publish site
	@echo "serving the published demo on http://127.0.0.1:8000 (Ctrl-C to stop)"
	$(BIN)/python -m http.server --bind 127.0.0.1 8000 -d site

# The default run leaves out slow, browser and database tests; CI runs them all:
#   make test PYTEST_MARK=   (that is what .ci/run does)
PYTEST_MARK ?= not slow and not browser and not database

test: $(STAMP)
	$(BIN)/ruff check kirinuki tests bench
	$(BIN)/mypy
	$(BIN)/pytest -m "$(PYTEST_MARK)"

bench: $(STAMP)
	$(BIN)/python bench/import_bench.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .mypy_cache .ruff_cache
