# Two commands do everything: `make run` and `make test`. Both create .venv when it is
# missing or when pyproject.toml changed, and install the project with every extra.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test bench install sysdeps clean

run: $(STAMP)
	$(BIN)/logwatch tui

test: $(STAMP) sysdeps
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "logwatch needs Python 3.11 or newer")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[keras,cluster,test]'
	@touch $(STAMP)

# System tools the tests drive: tmux (the real-terminal test) and logrotate (the rotation
# test; it lives in /usr/sbin, which a user's PATH may lack). Installed when missing.
sysdeps:
	@command -v tmux >/dev/null 2>&1 || { \
		echo "installing tmux"; \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq tmux >/dev/null; \
		else sudo apt-get update -qq && sudo apt-get install -y -qq tmux >/dev/null; fi; }
	@PATH="$$PATH:/usr/sbin:/sbin" command -v logrotate >/dev/null 2>&1 || { \
		echo "installing logrotate"; \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq logrotate >/dev/null; \
		else sudo apt-get update -qq && sudo apt-get install -y -qq logrotate >/dev/null; fi; }

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
