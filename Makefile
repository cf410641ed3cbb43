# Build and test plumbing for the linuxnet.ipvlan collection (GNU make).
#
#   make test    every suite in SUITES, one summary line each (what CI runs)
#   make help    the list of targets
#
# Everything is set up from scratch on first use: .venv (from
# requirements-dev.txt), the collection import path under .build, the
# sanity copy and its cached venvs, ansible-test's offline get-pip stand-in.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3.11
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
BUILD := .build
NAMESPACE := $(shell sed -n 's/^namespace: *//p' galaxy.yml)
NAME := $(shell sed -n 's/^name: *//p' galaxy.yml)
# .build/ansible_collections/NS/NAME -> the checkout, so that with
# PYTHONPATH=.build `import ansible_collections.linuxnet.ipvlan...` works
COLLECTION_LINK := $(BUILD)/ansible_collections/$(NAMESPACE)/$(NAME)
VENV_STAMP := $(VENV)/.requirements-dev.stamp

# The suites `make test` runs, in order; each is a target of this Makefile.
SUITES := unit sanity lint changelog build integration-native integration molecule bench-smoke

# The venv's tools (ansible-galaxy, ansible-test, ansible-playbook for
# ansible-lint, ...) come first for every recipe.
export PATH := $(BIN):$(PATH)

.PHONY: help demo venv collection-path test unit sanity lint changelog build \
	integration integration-native molecule bench bench-smoke clean distclean

help:
	@echo 'make test                all suites ($(SUITES)), summary at the end'
	@echo 'make demo                the HOWTO topology via the topology role, in the kernel lab'
	@echo 'make venv                .venv from requirements-dev.txt (redone when it changes)'
	@echo 'make collection-path     $(COLLECTION_LINK) -> this checkout'
	@echo 'make unit                pytest tests/unit'
	@echo 'make sanity              ansible-test sanity on a copy under $(BUILD)/sanity'
	@echo 'make lint                ansible-lint on roles/, molecule/, docs/examples/'
	@echo 'make changelog           antsibull-changelog lint'
	@echo 'make build               collection tarball in $(BUILD)/dist, test-installed'
	@echo 'make integration-native  tests/integration minus the ipvlan-marked ones, this kernel, private netns'
	@echo 'make integration         the ipvlan-marked tests/integration, in the kernel lab (VM with ipvlan)'
	@echo 'make molecule            molecule test of the molecule/ scenarios against the kernel lab (VMs on 6.1 and 6.12, over SSH)'
	@echo 'make bench               the scaling benchmark (N=25,100,400; shell vs role vs one task per object), in the lab'
	@echo 'make bench-smoke         the benchmark at N=3, every method: proves it still works (part of make test)'
	@echo 'make clean / distclean   remove $(BUILD) and test output / also $(VENV)'

test: venv
	@MAKE='$(MAKE)' tests/run-suites $(SUITES)

# --- set-up -------------------------------------------------------------------

venv: $(VENV_STAMP)

# Brought up to date in place when requirements-dev.txt changes (not removed
# and rebuilt: a lab VM or a test of someone else may be using it). A package
# dropped from the file lingers until `make distclean`.
$(VENV_STAMP): requirements-dev.txt
	[[ -x $(VENV)/bin/python ]] || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --disable-pip-version-check --progress-bar off \
		--quiet -r requirements-dev.txt
	touch $@

collection-path:
	@mkdir -p $(dir $(COLLECTION_LINK))
	@ln -sfn ../../.. $(COLLECTION_LINK)

# --- suites -------------------------------------------------------------------

unit integration integration-native: export PYTHONPATH := $(CURDIR)/$(BUILD)

# pytest's exit status 5 (no tests collected) counts as a failure on purpose:
# a suite that tests nothing should not look green.
unit: venv collection-path
	$(BIN)/python -m pytest tests/unit

sanity: venv
	VENV=$(VENV) tests/sanity/run

# ansible-lint resolves linuxnet.ipvlan.* through the collection-path link
# (offline: true in .ansible-lint: it neither installs a copy under .ansible/
# nor asks Galaxy or GitHub anything). Only directories holding files are
# passed on: a missing or empty one is not an error.
LINT_DIRS := roles molecule docs/examples tests/bench
lint: export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/$(BUILD)
lint: venv collection-path
	@dirs=(); \
	for d in $(LINT_DIRS); do \
		if [[ -n $$(find "$$d" -type f -print -quit 2>/dev/null) ]]; then dirs+=("$$d"); fi; \
	done; \
	if (( $${#dirs[@]} == 0 )); then \
		echo "lint: nothing to lint yet ($(LINT_DIRS) are empty or missing)"; \
	else \
		echo "ansible-lint $${dirs[*]}"; \
		ansible-lint "$${dirs[@]}"; \
	fi

changelog: venv
	antsibull-changelog lint
	antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml

# The tarball is installed into a throwaway path, and the installed copy must
# be listed by ansible-galaxy and its modules' documentation must load.
build: export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/$(BUILD)/install
build: venv
	rm -rf $(BUILD)/dist $(BUILD)/install
	ansible-galaxy collection build --output-path $(BUILD)/dist
	ansible-galaxy collection install --offline -p $(BUILD)/install $(BUILD)/dist/$(NAMESPACE)-$(NAME)-*.tar.gz
	ansible-galaxy collection list $(NAMESPACE).$(NAME)
	ansible-doc --list $(NAMESPACE).$(NAME)
	@modules=$$(ansible-doc --list --json $(NAMESPACE).$(NAME) | python -c 'import json, sys; print(" ".join(json.load(sys.stdin)))'); \
	if [[ -n $$modules ]]; then echo "ansible-doc $$modules"; ansible-doc --json $$modules >/dev/null; fi

LAB_RUN := tests/lab/run
PYTEST_LAB := $(VENV)/bin/python -m pytest -p no:cacheprovider

# The tests that need an ipvlan kernel, in the lab (a VM on our machines). The
# others need none and ran in the lab's native mode (integration-native): in
# the TCG VM they would cost minutes more and add nothing.
integration: venv collection-path
	@test -x $(LAB_RUN) || { echo "integration: $(LAB_RUN) is missing" >&2; exit 2; }
	$(LAB_RUN) -- $(PYTEST_LAB) -m ipvlan tests/integration

integration-native: venv collection-path
	@test -x $(LAB_RUN) || { echo "integration-native: $(LAB_RUN) is missing" >&2; exit 2; }
	$(LAB_RUN) --native -- $(PYTEST_LAB) -m "not ipvlan" tests/integration

# Every molecule scenario (molecule/*/molecule.yml) with `molecule test`, in one
# boot of the kernel lab in SSH mode with two guests, lab1 on Debian's 6.1
# kernel and lab2 on 6.12 (one holder of the VM lock): molecule runs here as
# the controller and manages both over SSH (the lab writes their inventory,
# tests/molecule-run adds their Python). default runs on both, fleet is the
# two of them as a fleet; so every run covers both kernels.
molecule: venv collection-path
	@test -x $(LAB_RUN) || { echo "molecule: $(LAB_RUN) is missing" >&2; exit 2; }
	$(LAB_RUN) --ssh --kernel 6.1,6.12 -- tests/molecule-run

# The collection's main job on an embedded default: the kernel HOWTO's
# topology converged by the topology role in the lab (a VM with Debian's
# kernel here, or a private namespace where the kernel has ipvlan).
demo: venv collection-path
	@test -x $(LAB_RUN) || { echo "demo: $(LAB_RUN) is missing" >&2; exit 2; }
	$(LAB_RUN) -- docs/examples/demo.sh

# The scaling benchmark (tests/bench/run, docs/performance.md): the HOWTO
# topology scaled to N namespaces, built by an iproute2 script, by the
# topology role and by one task per object, in the kernel lab; prints a
# table and judges no time. bench-smoke runs it at N=3 so that `make test`
# notices when it breaks. Both take turns for the lab VM under flock.
bench: venv collection-path
	tests/bench/run

bench-smoke: venv collection-path
	tests/bench/run --smoke

# --- cleaning -----------------------------------------------------------------

# clean keeps .venv (a minute to rebuild); distclean removes it as well.
clean:
	rm -rf $(BUILD) tests/output .pytest_cache .ansible
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
