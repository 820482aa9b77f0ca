# Every target creates or updates .venv itself: a fresh clone needs only python3.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Domino's official client, for tests/local/test_official_client.py: installed without its
# dependencies, whose exact pins clash with Snakemake's (the test extra lists what it needs)
OFFICIAL_CLIENT := 'dominodatalab>=2.2,<3'

.PHONY: run test lint dag bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m pip install --quiet --no-deps $(OFFICIAL_CLIENT)
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/snakemake --executor domino -j 3 score_report.txt

# Byte-compiled first: where PYTHONDONTWRITEBYTECODE is set (as on our CI machines), every
# snakemake process of the suite would otherwise compile the plugin's modules afresh.
test: $(STAMP)
	$(BIN)/python -m compileall -q snakemake_executor_domino snakemake_executor_plugin_domino tests benchmarks
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

dag: $(STAMP)
	$(BIN)/snakemake --dag dot score_report.txt | dot -Tsvg > dag.svg

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf .snakemake results models data/processed score_report.txt
