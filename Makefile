# pzk-kit: two commands for users — `make demo` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR ?= wyniki_demo

.PHONY: demo test setup lint data clean

# Users read this output: Polish lines of our own instead of the commands (@), pip quiet, no progress bars.
$(STAMP): pyproject.toml
	@echo "Instaluję zestaw w folderze $(VENV) (tylko za pierwszym razem; kilka minut) …"
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --progress-bar off --upgrade pip
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --progress-bar off -e '.[dev]'
	@$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	@touch $(STAMP)
	@echo "Zestaw zainstalowany."

setup: $(STAMP)

demo: $(STAMP)
	@$(BIN)/pzk demo $(DEMO_DIR) --nadpisz

lint: $(STAMP)
	$(BIN)/ruff check pzk_kit tests benchmarks

test: $(STAMP) lint
	$(BIN)/python -m pytest -n 2 --dist loadscope --no-loadscope-reorder --nbval-lax --nbval-cell-timeout=300 tests notebooks

# Regenerate the committed templates and the example workbook after changing the schema or the example.
data: $(STAMP)
	$(BIN)/python -m pzk_kit.workbook.example

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .ruff_cache
