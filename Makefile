# The two commands: `make demo` (the main job against local wikis) and `make test`.
# Both do their own set-up on a fresh Debian machine: Debian packages, a venv, the
# project installed in it, and the local wikis on free loopback ports.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEB_PACKAGES := mediawiki php-sqlite3 php-cli php-intl php-mbstring php-xml
TEST_DEB_PACKAGES := mariadb-server

.PHONY: demo test stop status deps venv bench clean

demo: deps venv
	@$(PY) -m bot.demo

test: deps venv
	@$(PY) -m pytest $(PYTEST_ARGS)

stop:
	@$(PY) -m bot.localwiki stop

status:
	@$(PY) -m bot.localwiki status

bench: venv
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

deps:
	@missing=""; for p in $(DEB_PACKAGES) $(if $(filter test,$(MAKECMDGOALS)),$(TEST_DEB_PACKAGES)); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then \
	    echo "Missing Debian packages; install them by hand: sudo apt-get install -y$$missing"; exit 1; fi; \
	  echo "Installing Debian packages:$$missing"; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$$missing >/dev/null; } \
	    || { echo "Could not install Debian packages; install them by hand: apt-get install -y$$missing"; exit 1; }; \
	fi

venv: $(VENV)/.installed

$(VENV)/.installed: setup.cfg pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { echo "Could not create a venv; install python3-venv by hand"; exit 1; }
	@$(PY) -m pip install -q --upgrade pip >/dev/null 2>&1 || true
	@$(PY) -m pip install -q -e '.[test,mariadb,localwiki]' || { echo "Could not install the Python dependencies from PyPI (see the pip error above)"; exit 1; }
	@touch $@

clean:
	@$(PY) -m bot.localwiki stop --remove 2>/dev/null || true
	rm -rf $(VENV) *.egg-info .pytest_cache
