# Two commands for a newcomer: `make demo` and `make test`. Both build .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# torch==2.13.0 first: it is the CPU build on local disk; any other resolution downloads CUDA.
TORCH_PIN := torch==2.13.0

.PHONY: demo test lint venv dev bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet $(TORCH_PIN)
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet $(TORCH_PIN) -e '.[dev]'
	touch $@

venv: $(VENV)/.installed

dev: $(VENV)/.installed-dev

demo: $(VENV)/.installed
	$(BIN)/rnnkit demo

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -q -n 2 -p no:cacheprovider

# ruff (rules in pyproject.toml); the import-layer and type-hint checks are tests (tests/structure)
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check rnnkit tests benchmarks examples
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/structure

bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/engine_vs_torch.py

clean:
	rm -rf $(VENV) build *.egg-info
