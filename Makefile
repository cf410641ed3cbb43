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

# The suites `make test` runs; each is a target of this Makefile. The lab's
# (LAB_SUITES: a TCG VM, which keeps one core busy and leaves the other
# idle most of the time) run in one lane, in this order, while the others
# run in a second lane beside them (tests/run-suites --lanes); the summary
# lists them in SUITES order.
LAB_SUITES := integration bench-smoke molecule
SUITES := unit sanity lint changelog docs build matrix integration-native pyroute2-matrix $(LAB_SUITES)

# The venv's tools (ansible-galaxy, ansible-test, ansible-playbook for
# ansible-lint, ...) come first for every recipe.
export PATH := $(BIN):$(PATH)

.PHONY: help demo venv collection-path lab-prepare test unit sanity lint changelog docs build matrix matrix-sanity \
	integration integration-native pyroute2-matrix lab-debs molecule bench bench-native \
	bench-smoke clean distclean

help:
	@echo 'make test                all suites ($(SUITES)), summary at the end'
	@echo 'make demo                the HOWTO topology via the topology role, in the kernel lab'
	@echo 'make venv                .venv from requirements-dev.txt (redone when it changes)'
	@echo 'make collection-path     $(COLLECTION_LINK) -> this checkout'
	@echo 'make lab-prepare         the lab VM'"'"'s first-use installs (apt: qemu, kernels 6.1 and 6.12; kernels 5.10 and 7.3 from other Debian suites; virtme-ng)'
	@echo 'make unit                pytest tests/unit'
	@echo 'make sanity              ansible-test sanity on a copy under $(BUILD)/sanity'
	@echo 'make lint                ansible-lint on roles/, molecule/, docs/examples/'
	@echo 'make changelog           antsibull-changelog lint'
	@echo 'make docs                the docs site (antsibull-docs + Sphinx, offline) in $(BUILD)/docs/html'
	@echo 'make build               collection tarball in $(BUILD)/dist, file list checked, test-installed, EE context'
	@echo 'make matrix              unit + native integration on each other ansible-core of the tested range'
	@echo 'make matrix-sanity       ansible-test sanity of each of those releases (not in make test)'
	@echo 'make integration-native  tests/integration minus the ipvlan-marked ones, this kernel, private netns'
	@echo 'make pyroute2-matrix     unit + integration-native again with PyPI pyroute2 0.7.2 and Debian 12 python3-pyroute2'
	@echo 'make integration         the ipvlan-marked tests/integration, in the kernel lab (VM with ipvlan), Debian pyroute2'
	@echo 'make lab-debs            Debian 12 python3-pyroute2 and python3-psutil .debs under $(BUILD)/pyroute2/debs (for the role install test)'
	@echo 'make molecule            molecule test of the molecule/ scenarios against the kernel lab (VMs on 6.1 and 6.12, over SSH)'
	@echo 'make bench               the scaling benchmark (N=25,100,400; shell vs role vs one task per object), in the lab'
	@echo 'make bench-smoke         the benchmark at N=3, every method: proves it still works (part of make test)'
	@echo 'make bench-native        ipvlan_info and a whole read of N=100,400,2000 namespaces, this kernel, no VM'
	@echo 'make clean / distclean   remove $(BUILD) and test output / also $(VENV)'

# Everything the suites install is installed first, one thing at a time
# (no apt run may overlap another, or the role install test's overlay of
# /usr and /var): .venv, Debian's pyroute2 .debs, and the lab's packages
# and kernels (tests/lab/run --prepare).
test: venv collection-path lab-debs lab-prepare
	@MAKE='$(MAKE)' tests/run-suites --lanes "$(LAB_SUITES)" "$(filter-out $(LAB_SUITES),$(SUITES))"

lab-prepare:
	@test -x $(LAB_RUN) || { echo "lab-prepare: $(LAB_RUN) is missing" >&2; exit 2; }
	$(LAB_RUN) --prepare --ssh --kernel 5.10,6.1,6.12,7.3

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

unit integration-native: export PYTHONPATH := $(CURDIR)/$(BUILD)

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

# The docs site: antsibull-docs' pages for every plugin and the role, the
# guides in docs/docsite/ and their pictures (the topology_dot filter on the
# state in docs/docsite/fixtures/, rendered by Graphviz's dot, which is
# installed from Debian's registry when missing), built by Sphinx offline
# with every warning an error (tests/docs/build).
docs: venv collection-path
	VENV=$(VENV) tests/docs/build

# The tarball is built from galaxy.yml's manifest and its file list checked
# against tests/build/tarball-files.txt (anything else fails: a cache, a
# test, a development tool). galaxy.yml's links must exist as paths where
# they are not URLs. The tarball is installed into a throwaway path, and the
# installed copy must be listed by ansible-galaxy and its plugins' and
# role's documentation must load. Then the execution environment: `ansible-builder
# create` (offline) makes a build context of tests/build/execution-environment.yml,
# and the context's own galaxy step and introspection script, run here as the
# image build would run them, must find pyroute2.
EE_CONTEXT := $(BUILD)/ee
build: export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/$(BUILD)/install
build: venv
	rm -rf $(BUILD)/dist $(BUILD)/install $(BUILD)/ee-src $(EE_CONTEXT)
	ansible-galaxy collection build --output-path $(BUILD)/dist
	$(BIN)/python tests/build/check_tarball.py $(BUILD)/dist/$(NAMESPACE)-$(NAME)-*.tar.gz
	@$(BIN)/python -c 'import os, sys, yaml; meta = yaml.safe_load(open("galaxy.yml")); \
	bad = [k for k in ("documentation", "issues", "repository", "homepage") if meta.get(k) \
	       and not meta[k].startswith("https://") and not os.path.exists(meta[k])]; \
	sys.exit("galaxy.yml: %s: neither an https:// URL nor a path in the repository" % ", ".join(bad) if bad else 0)'
	ansible-galaxy collection install --offline -p $(BUILD)/install $(BUILD)/dist/$(NAMESPACE)-$(NAME)-*.tar.gz
	ansible-galaxy collection list $(NAMESPACE).$(NAME)
	ansible-doc --list $(NAMESPACE).$(NAME)
	@for type in module filter; do \
		plugins=$$(ansible-doc -t $$type --list --json $(NAMESPACE).$(NAME) | python -c 'import json, sys; print(" ".join(json.load(sys.stdin)))'); \
		[[ -n $$plugins ]] || { echo "build: no $$type plugins in the installed collection" >&2; exit 1; }; \
		echo "ansible-doc -t $$type $$plugins"; ansible-doc -t $$type --json $$plugins >/dev/null; \
	done
	ansible-doc -t role $(NAMESPACE).$(NAME).topology >/dev/null
	mkdir -p $(BUILD)/ee-src
	cp $(BUILD)/dist/$(NAMESPACE)-$(NAME)-*.tar.gz $(BUILD)/ee-src/$(NAMESPACE)-$(NAME).tar.gz
	ansible-builder create -f tests/build/execution-environment.yml -c $(EE_CONTEXT) --output-filename Containerfile
	cd $(EE_CONTEXT)/_build && ANSIBLE_COLLECTIONS_PATH=../installed ansible-galaxy collection install --offline \
		-r requirements.yml -p ../installed >/dev/null
	$(BIN)/python $(EE_CONTEXT)/_build/scripts/introspect.py introspect --sanitize $(EE_CONTEXT)/installed \
		| tee $(EE_CONTEXT)/introspect.txt
	@grep -q "^- 'pyroute2.*from collection $(NAMESPACE).$(NAME)" $(EE_CONTEXT)/introspect.txt \
		|| { echo "build: the execution environment would not get pyroute2 from $(NAMESPACE).$(NAME)" >&2; exit 1; }

# The other ansible-core releases of the tested range (meta/runtime.yml's
# requires_ansible to the newest): unit and native integration suites on
# each, in venvs under $(BUILD)/core-X.Y (tests/matrix/run). .venv's release
# is the one the other suites, sanity included, run on.
matrix: venv collection-path lab-debs
	tests/matrix/run

# ansible-test sanity of each of those releases (minutes each the first
# time, so not in make test; make sanity runs .venv's in every make test).
matrix-sanity: venv
	tests/matrix/run --sanity

LAB_RUN := tests/lab/run
PYTEST_LAB := $(VENV)/bin/python -m pytest -p no:cacheprovider

# --- pyroute2 as users have it ---------------------------------------------------
# .venv has PyPI's newest 0.9 (requirements-dev.txt): `unit` and
# `integration-native` run with it. pyroute2-matrix runs both again with
# PyPI's 0.7.2 (the minimum) and with Debian 12's python3-pyroute2, each put
# ahead of .venv's on PYTHONPATH (the venv's pytest and Ansible stay): a
# directory under $(BUILD)/pyroute2 each, never installed system-wide. (The
# role install test is left out there: it uses the system's Python, not
# PYTHONPATH.)
# Debian's package comes from Debian's registry (apt-get download) and is
# unpacked with dpkg-deb -x; lab-debs keeps the .debs (with its dependency
# python3-psutil), which the role installs for real with apt in a throwaway
# mount namespace (tests/integration/test_role_installs_pyroute2.py, part of
# integration-native).
PYROUTE2_DIR := $(BUILD)/pyroute2
PYROUTE2_MIN := 0.7.2
PYROUTE2_PYPI_MIN := $(CURDIR)/$(PYROUTE2_DIR)/pypi-$(PYROUTE2_MIN)
PYROUTE2_DEBIAN := $(CURDIR)/$(PYROUTE2_DIR)/debian/usr/lib/python3/dist-packages
PYROUTE2_DEBS := $(PYROUTE2_DIR)/debs

$(PYROUTE2_PYPI_MIN)/.stamp: | venv
	rm -rf $(PYROUTE2_PYPI_MIN)
	$(BIN)/python -m pip install --disable-pip-version-check --progress-bar off --quiet \
		--no-deps --target $(PYROUTE2_PYPI_MIN) pyroute2==$(PYROUTE2_MIN)
	touch $@

# apt-get download runs as root here; apt warns that its _apt user cannot
# write the directory, and downloads all the same.
$(PYROUTE2_DEBS)/.stamp:
	rm -rf $(PYROUTE2_DEBS) && mkdir -p $(PYROUTE2_DEBS)
	cd $(PYROUTE2_DEBS) && apt-get download python3-pyroute2 python3-psutil 2>&1 \
		| grep -v "couldn't be accessed by user '_apt'" || true
	ls $(PYROUTE2_DEBS)/python3-pyroute2_*.deb $(PYROUTE2_DEBS)/python3-psutil_*.deb >/dev/null
	touch $@

$(PYROUTE2_DEBIAN)/pyroute2/__init__.py: $(PYROUTE2_DEBS)/.stamp
	rm -rf $(PYROUTE2_DIR)/debian
	dpkg-deb -x $(PYROUTE2_DEBS)/python3-pyroute2_*.deb $(PYROUTE2_DIR)/debian
	touch $@

lab-debs: $(PYROUTE2_DEBS)/.stamp

pyroute2-matrix: venv collection-path $(PYROUTE2_PYPI_MIN)/.stamp $(PYROUTE2_DEBIAN)/pyroute2/__init__.py
	@test -x $(LAB_RUN) || { echo "pyroute2-matrix: $(LAB_RUN) is missing" >&2; exit 2; }
	@for variant in "PyPI $(PYROUTE2_MIN)=$(PYROUTE2_PYPI_MIN)" \
		"Debian 12 $$(dpkg-deb -f $(PYROUTE2_DEBS)/python3-pyroute2_*.deb Version)=$(PYROUTE2_DEBIAN)"; do \
		path=$${variant#*=}; \
		echo "== pyroute2 $${variant%%=*} ($$path): unit, integration-native"; \
		PYTHONPATH=$$path:$(CURDIR)/$(BUILD) $(BIN)/python -m pytest -q -p no:cacheprovider tests/unit; \
		PYTHONPATH=$$path:$(CURDIR)/$(BUILD) $(LAB_RUN) --native -- \
			$(PYTEST_LAB) -q -m "not ipvlan" tests/integration \
			--ignore tests/integration/test_role_installs_pyroute2.py; \
	done

# The tests that need an ipvlan kernel, in the lab (a VM on our machines),
# with Debian 12's python3-pyroute2 ahead of .venv's on PYTHONPATH: the
# pyroute2 the distribution ships, on the lab's Debian kernel. The others
# need none and ran in the lab's native mode (integration-native): in the
# TCG VM they would cost minutes more and add nothing.
integration: export PYTHONPATH := $(PYROUTE2_DEBIAN):$(CURDIR)/$(BUILD)
integration: venv collection-path $(PYROUTE2_DEBIAN)/pyroute2/__init__.py
	@test -x $(LAB_RUN) || { echo "integration: $(LAB_RUN) is missing" >&2; exit 2; }
	$(LAB_RUN) -- $(PYTEST_LAB) -m ipvlan tests/integration

integration-native: venv collection-path $(PYROUTE2_DEBS)/.stamp
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

# The native benchmark (tests/bench/native.py, docs/performance.md): reading
# N namespaces on this kernel, no VM; prints a table and judges no time.
bench-native: venv collection-path
	tests/bench/native --transports

# --- cleaning -----------------------------------------------------------------

# clean keeps .venv (a minute to rebuild); distclean removes it as well.
clean:
	rm -rf $(BUILD) tests/output .pytest_cache .ansible
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
