# Liudan: `make run` serves the Puyang demo, `make test` runs every check. Both set up .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
HOST ?= 127.0.0.1

.PHONY: venv run setup test lint bench bench-province clean

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

venv: $(VENV)/.installed

setup: venv
	$(BIN)/liudan setup

run: setup
	@echo "六单 Liudan: http://$(HOST):$(PORT)  (Ctrl+C to stop)"
	$(BIN)/liudan run --host $(HOST) --port $(PORT)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy matcher

test: lint
	$(BIN)/pytest -q -p no:cacheprovider

bench: venv
	$(BIN)/python benchmarks/bench_rank.py
	$(BIN)/python benchmarks/bench_assign.py

bench-province: venv
	$(BIN)/python benchmarks/bench_rank.py --province

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
