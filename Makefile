# Drop-in Desk. `make run` and `make test` do all the set-up on a fresh machine (a .venv here).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check -q

.PHONY: run demo test bench bundle lint clean

# The stamps are rebuilt only when pyproject.toml changes, so the second run is instant.
$(VENV)/.stamp-run: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -e .
	@touch $@

$(VENV)/.stamp-test: pyproject.toml $(VENV)/.stamp-run
	$(PIP) install -e '.[test]'
	@touch $@

run: $(VENV)/.stamp-run          ## open the app on the per-user data folder
	$(PY) -m desktop

demo: $(VENV)/.stamp-run         ## open the app on a throw-away folder of fictional clients
	$(PY) -m desktop --demo

test: $(VENV)/.stamp-test        ## the whole suite, headless
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -p no:cacheprovider

bench: $(VENV)/.stamp-test       ## timings (medians) for search and the residence engine
	@for f in benchmarks/bench_*.py; do echo "== $$f"; QT_QPA_PLATFORM=offscreen $(PY) $$f || exit 1; done

bundle: $(VENV)/.stamp-run       ## a one-folder app under dist/ (PyInstaller)
	$(PIP) install 'pyinstaller>=6.0'
	$(PY) -m PyInstaller --noconfirm --clean installers/dropin-desk.spec

clean:
	rm -rf $(VENV) build dist .pytest_cache
