# Liudan: `make run` serves the Puyang demo, `make test` runs every check. Both set up .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
HOST ?= 127.0.0.1
# The browser the end-to-end tests drive (tests/e2e reads the same variable) and the packages that provide it.
CHROMIUM ?= /usr/bin/chromium
BROWSER_PACKAGES := chromium fonts-noto-cjk
export CHROMIUM

.PHONY: venv browser run setup test lint bench bench-province bench-load clean translations quality

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --progress-bar off -e '.[test]'
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

# Debian's chromium and CJK fonts for tests/e2e: installed here when missing and we are root (apt-get), otherwise
# one line saying the command to run. `make browser CHROMIUM=/missing/path` shows the refusal.
browser:
	@if [ -x "$(CHROMIUM)" ] && fc-list :lang=zh 2>/dev/null | grep -q .; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "== installing $(BROWSER_PACKAGES) (apt-get) =="; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y $(BROWSER_PACKAGES) || { apt-get update && apt-get install -y $(BROWSER_PACKAGES); }; \
	fi; \
	if [ -x "$(CHROMIUM)" ] && fc-list :lang=zh 2>/dev/null | grep -q .; then exit 0; fi; \
	echo "make test needs Debian's chromium at $(CHROMIUM) and CJK fonts: run  sudo apt-get install -y $(BROWSER_PACKAGES)" >&2; \
	exit 1

test: lint browser
	$(BIN)/pytest -q -p no:cacheprovider

# Re-extract the Chinese msgids (babel.cfg) into the English catalogue, then compile it; new msgids arrive with
# an empty msgstr for the translator (tests/webapp/test_i18n.py fails until each has its English text).
translations: venv
	mkdir -p build
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		--project liudan --version 0.1.0 --msgid-bugs-address "the Liudan issue tracker" -o build/messages.pot webapp
	$(BIN)/pybabel update -i build/messages.pot -d webapp/translations -w 110 \
		--no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date
	$(BIN)/pybabel compile -d webapp/translations

bench: venv
	$(BIN)/python benchmarks/bench_rank.py
	$(BIN)/python benchmarks/bench_assign.py
	$(BIN)/python benchmarks/bench_import.py

# gunicorn (4 workers) on a scratch PostgreSQL database (created and dropped) with 100,000 workers and 5,000 job
# orders, loopback only, fixed offered rates: figures in benchmarks/load/results.json, discussed in REPORT.md.
bench-load: venv
	$(BIN)/python benchmarks/load/run_load.py

# Ranking quality on the labelled evaluation set (44 orders × 250 workers, every pair graded 0–3): NDCG@10,
# precision@10, recall@10 of grade 3 and ineligible workers in any top 10, per category, against a rapidfuzz
# token_set_ratio baseline; written to benchmarks/results/latest.json under "quality".
quality: venv
	$(BIN)/python benchmarks/quality/run_quality.py

bench-province: venv
	$(BIN)/python benchmarks/bench_rank.py --province

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
