# Two commands for a newcomer: `make demo` and `make test`. Both build .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# torch==2.13.0 first: it is the CPU build on local disk; any other resolution downloads CUDA.
TORCH_PIN := torch==2.13.0

.PHONY: demo test lint venv dev bench report-screenshot clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# -qq on the editable installs: setuptools prints a boxed "Editable installation" notice through
# pip >= 26 on every one; errors still show.
$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet $(TORCH_PIN)
	$(BIN)/pip install --quiet --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet --quiet $(TORCH_PIN) -e '.[dev]'
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

# The report as a reader sees it: a real forecast job, then a headless-Chromium screenshot of its
# report.html (Debian package chromium; --no-sandbox because CI runs as root). Look at the PNG.
report-screenshot: $(VENV)/.installed
	@command -v chromium >/dev/null || { echo "report-screenshot needs chromium (apt-get install chromium)"; exit 1; }
	$(BIN)/rnnkit forecast dataset:air_passengers -H 12 -o build/report-demo --quiet > /dev/null
	chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1000,3600 \
		--screenshot=$(CURDIR)/build/report-screenshot.png file://$(CURDIR)/build/report-demo/report.html 2> /dev/null
	@echo "wrote build/report-screenshot.png"

clean:
	rm -rf $(VENV) build *.egg-info
