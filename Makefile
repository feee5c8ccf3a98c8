# quanze developer tasks. `make demo` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_OUT ?= out/demo

.PHONY: setup demo demo-ledger test lint typecheck schemas sample-data bench quality golden clean realcheck

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	cd sample_data && ../$(BIN)/quanze check --out ../$(DEMO_OUT) --force; status=$$?; \
	  echo "reports in $(DEMO_OUT)/ (exit code $$status: see README › Exit codes)"

# The ledger round: two runs with one input changed between them; the weekly report shows the closed gap.
LEDGER_DEMO ?= out/demo-ledger
demo-ledger: $(STAMP)
	rm -rf $(LEDGER_DEMO) && mkdir -p $(LEDGER_DEMO) && cp -r sample_data $(LEDGER_DEMO)/work
	cd $(LEDGER_DEMO)/work && $(CURDIR)/$(BIN)/quanze check --ledger --out ../run1 >/dev/null
	$(BIN)/python tools/demo_ledger_change.py $(LEDGER_DEMO)/work
	cd $(LEDGER_DEMO)/work && $(CURDIR)/$(BIN)/quanze check --ledger --out ../run2 >/dev/null
	cd $(LEDGER_DEMO)/work && $(CURDIR)/$(BIN)/quanze ledger export --all --out ../整改台账.xlsx \
	  && $(CURDIR)/$(BIN)/quanze ledger report --period week --out ../周报

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests tools
	$(BIN)/ruff format --check src tests tools

typecheck: $(STAMP)
	$(BIN)/mypy

schemas: $(STAMP)
	$(BIN)/python tools/make_schemas.py

sample-data: $(STAMP)
	$(BIN)/python tools/make_sample_data.py sample_data

bench: $(STAMP)
	$(BIN)/python tools/bench.py

quality: $(STAMP)
	$(BIN)/python tools/quality.py

golden: $(STAMP)
	$(BIN)/python tools/make_golden.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache

realcheck: $(STAMP)
	$(BIN)/python tools/realcheck.py
