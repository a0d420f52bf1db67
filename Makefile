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

$(VENV)/.stamp-bundle: pyproject.toml $(VENV)/.stamp-run
	$(PIP) install -e '.[bundle]'
	@touch $@

# Linux: also the tar.gz and the .deb (installers/build_linux.sh), then the sizes.
bundle: $(VENV)/.stamp-bundle    ## the one-folder app in dist/dropin-desk/ (PyInstaller)
	$(PY) -m PyInstaller --noconfirm --clean --log-level WARN installers/dropin-desk.spec
	@if [ "$$(uname -s)" = Linux ]; then PY=$(PY) installers/build_linux.sh; \
	else echo "dist/dropin-desk: $$(du -sh dist/dropin-desk | cut -f1) unpacked"; fi

clean:
	rm -rf $(VENV) build dist .pytest_cache
