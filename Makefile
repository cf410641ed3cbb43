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
SUITES := unit sanity lint changelog docs build matrix integration-native platforms $(LAB_SUITES)

# The venv's tools (ansible-galaxy, ansible-test, ansible-playbook for
# ansible-lint, ...) come first for every recipe.
export PATH := $(BIN):$(PATH)

.PHONY: help demo venv collection-path graphviz dnsmasq lab-prepare test unit sanity lint changelog docs build matrix matrix-sanity \
	integration integration-native platforms platforms-prepare platforms-lab lab-debs lab-wheels molecule bench bench-native \
	bench-smoke clean distclean

help:
	@echo 'make test                all suites ($(SUITES)), summary at the end'
	@echo 'make demo                the HOWTO topology via the topology role, in the kernel lab'
	@echo 'make venv                .venv from requirements-dev.txt (redone when it changes)'
	@echo 'make collection-path     $(COLLECTION_LINK) -> this checkout'
	@echo 'make graphviz            Graphviz'"'"'s dot from Debian'"'"'s registry, when missing (for unit, demo, docs)'
	@echo 'make dnsmasq             dnsmasq (dnsmasq-base) and busybox from Debian'"'"'s registry, when missing (the DHCP tests'"'"' server and client)'
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
	@echo 'make platforms           the node-side unit + native integration suites on each platform'"'"'s Python and pyroute2 (tests/platforms/run --list)'
	@echo 'make platforms-prepare   every platform'"'"'s venv under $(BUILD)/platforms (part of make test'"'"'s set-up)'
	@echo 'make platforms-lab       the HOWTO ports via the role with every platform'"'"'s Python and pyroute2, in the lab (not in make test)'
	@echo 'make integration         the ipvlan-marked tests/integration, in the kernel lab (VM with ipvlan), Debian pyroute2'
	@echo 'make lab-debs            Debian 12 python3-pyroute2 and python3-psutil .debs under $(BUILD)/pyroute2/debs (for the role install test)'
	@echo 'make lab-wheels          PyPI'"'"'s pyroute2 wheel under $(BUILD)/pyroute2/wheels (for the role'"'"'s pip fallback test)'
	@echo 'make molecule            molecule test of the molecule/ scenarios against the kernel lab (VMs on 5.10 and 7.3, over SSH)'
	@echo 'make bench               the scaling benchmark (N=25,100,400; shell vs role vs one task per object), in the lab'
	@echo 'make bench-smoke         the benchmark at N=3, every method: proves it still works (part of make test)'
	@echo 'make bench-native        ipvlan_info and a whole read of N=100,400,2000 namespaces, this kernel, no VM'
	@echo 'make clean / distclean   remove $(BUILD) and test output / also $(VENV)'

# Everything the suites install is installed first, one thing at a time
# (no apt run may overlap another, or the role install test's overlay of
# /usr and /var): .venv, Debian's pyroute2 .debs, PyPI's pyroute2 wheel,
# Graphviz, every platform's venv, and the lab's packages and kernels
# (tests/lab/run --prepare).
test: venv collection-path lab-debs lab-wheels graphviz dnsmasq platforms-prepare lab-prepare
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

# Graphviz's dot, which draws the topology_dot filter's pictures: its unit
# tests render every diagram with it, make demo and make docs draw theirs.
# Installed from Debian's registry when missing (apt-get update first only
# if the package lists do not have it).
graphviz:
	@command -v dot >/dev/null || { \
		echo "graphviz: installing Debian's graphviz (dot renders the topology pictures)" >&2; \
		apt-get install -y --no-install-recommends graphviz >/dev/null \
		|| { apt-get update -q >/dev/null && apt-get install -y --no-install-recommends graphviz >/dev/null; }; }
	@command -v dot >/dev/null || { echo "graphviz: dot is still missing: apt-get install graphviz" >&2; exit 2; }

# dnsmasq, the DHCP server of the DHCP tests (tests/integration/test_dhcp.py
# in the lab, the dhcp kinds of test_verify_kinds.py natively), and busybox,
# whose udhcpc is the client: Debian's dnsmasq-base (the binary, no service)
# and busybox when missing, as graphviz above. The lab's VM sees this
# machine's root filesystem, so it has them too.
dnsmasq:
	@for pair in dnsmasq:dnsmasq-base busybox:busybox; do \
		cmd=$${pair%%:*} pkg=$${pair#*:}; \
		command -v $$cmd >/dev/null || { \
			echo "dnsmasq: installing Debian's $$pkg (the DHCP tests' server and client)" >&2; \
			apt-get install -y --no-install-recommends $$pkg >/dev/null \
			|| { apt-get update -q >/dev/null && apt-get install -y --no-install-recommends $$pkg >/dev/null; }; }; \
		command -v $$cmd >/dev/null || { echo "dnsmasq: $$cmd is still missing: apt-get install $$pkg" >&2; exit 2; }; \
	done

# --- suites -------------------------------------------------------------------

unit integration-native: export PYTHONPATH := $(CURDIR)/$(BUILD)

# pytest's exit status 5 (no tests collected) counts as a failure on purpose:
# a suite that tests nothing should not look green.
unit: venv collection-path graphviz
	$(BIN)/python -m pytest tests/unit

sanity: venv
	VENV=$(VENV) tests/sanity/run

# ansible-lint resolves linuxnet.ipvlan.* through the collection-path link
# (offline: true in .ansible-lint: it neither installs a copy under .ansible/
# nor asks Galaxy or GitHub anything). Only directories holding files are
# passed on: a missing or empty one is not an error.
LINT_DIRS := roles molecule docs/examples tests/bench tests/platforms
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
# state in docs/docsite/fixtures/, rendered by Graphviz's dot: make
# graphviz), built by Sphinx offline
# with every warning an error (tests/docs/build).
docs: venv collection-path graphviz
	VENV=$(VENV) tests/docs/build

# The tarball is built as galaxy.yml's build_ignore says (what to leave out;
# a plain ansible-core, without distlib, builds it that way) and its file
# list checked against tests/build/tarball-files.txt (anything else fails: a
# cache, a test, a development tool). galaxy.yml's links must exist as paths where
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
matrix: venv collection-path lab-debs graphviz dnsmasq
	tests/matrix/run

# ansible-test sanity of each of those releases (minutes each the first
# time, so not in make test; make sanity runs .venv's in every make test).
matrix-sanity: venv
	tests/matrix/run --sanity

LAB_RUN := tests/lab/run
PYTEST_LAB := $(VENV)/bin/python -m pytest -p no:cacheprovider

# --- pyroute2 as users have it ---------------------------------------------------
# .venv has PyPI's newest 0.9 (requirements-dev.txt): `unit` and
# `integration-native` run with it on the controller's Python. `platforms`
# runs the code that runs on a node (tests/unit/plugins/module_utils and the
# native integration suite) again with each platform's Python and pyroute2
# (tests/platforms/run: RHEL 9's 3.9 + 0.5.14 to the newest 3.13 + 0.9.7),
# each in a venv under $(BUILD)/platforms. Debian 12's is Debian's own
# package: it comes from Debian's registry (apt-get download) and is
# unpacked with dpkg-deb -x under $(BUILD)/pyroute2/debian, never installed;
# lab-debs keeps the .debs (with its dependency python3-psutil), which the
# role installs for real with apt in a throwaway mount namespace
# (tests/integration/test_role_installs_pyroute2.py, part of
# integration-native).
PYROUTE2_DIR := $(BUILD)/pyroute2
PYROUTE2_DEBIAN := $(CURDIR)/$(PYROUTE2_DIR)/debian/usr/lib/python3/dist-packages
PYROUTE2_DEBS := $(PYROUTE2_DIR)/debs
PLATFORMS_RUN := tests/platforms/run

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

# PyPI's pyroute2 wheel (.venv's version) for the role's pip fallback test
# (tests/integration/test_role_pyroute2_fallback.py): the native lab has no
# network, so the test serves it from a package index in a directory.
PYROUTE2_WHEELS := $(PYROUTE2_DIR)/wheels
$(PYROUTE2_WHEELS)/.stamp: | venv
	rm -rf $(PYROUTE2_WHEELS)
	$(BIN)/python -m pip download --disable-pip-version-check --progress-bar off --quiet \
		--no-deps --only-binary :all: -d $(PYROUTE2_WHEELS) \
		pyroute2==$$(sed -n 's/^pyroute2==//p' requirements-dev.txt)
	ls $(PYROUTE2_WHEELS)/pyroute2-*.whl >/dev/null
	touch $@

lab-wheels: $(PYROUTE2_WHEELS)/.stamp

# Every platform's venv under $(BUILD)/platforms, made before make test's
# lanes start: platforms (one lane) and integration and molecule (the
# other) use them at the same time.
platforms-prepare: export PYROUTE2_DEBIAN := $(PYROUTE2_DEBIAN)
platforms-prepare: venv $(PYROUTE2_DEBIAN)/pyroute2/__init__.py
	$(PLATFORMS_RUN) --prepare

platforms: export PYROUTE2_DEBIAN := $(PYROUTE2_DEBIAN)
platforms: venv collection-path dnsmasq $(PYROUTE2_DEBIAN)/pyroute2/__init__.py
	@test -x $(LAB_RUN) || { echo "platforms: $(LAB_RUN) is missing" >&2; exit 2; }
	$(PLATFORMS_RUN)

# The kernel HOWTO's ports (an l2 bridge port, an l3s private port with an
# ipvtap) converged by the topology role with every platform's Python and
# pyroute2 at once, on one lab guest over SSH (tests/platforms/lab): traffic
# checked, a re-run must change nothing. Minutes in the TCG VM, so not in
# make test (make integration and make molecule run the oldest and newest
# pairs there each time); PLATFORMS_LAB_KERNEL picks the guest's kernel.
PLATFORMS_LAB_KERNEL ?= 6.1
platforms-lab: export PYROUTE2_DEBIAN := $(PYROUTE2_DEBIAN)
platforms-lab: venv collection-path platforms-prepare
	@test -x $(LAB_RUN) || { echo "platforms-lab: $(LAB_RUN) is missing" >&2; exit 2; }
	$(LAB_RUN) --ssh --kernel $(PLATFORMS_LAB_KERNEL) -- tests/platforms/lab

# The tests that need an ipvlan kernel, in the lab (a VM on our machines),
# on Debian 12's 6.1 with the oldest platform of tests/platforms/run
# (INTEGRATION_PLATFORM, el9: RHEL 9's Python 3.9 and pyroute2 0.5.14) as
# its modules would run on such a node; `make integration
# INTEGRATION_PLATFORM=newest` (or any name of tests/platforms/run --list)
# runs it with another. Then tests/integration/test_kernels.py, what differs
# between kernels, again on the newest kernel (7.3) with the newest platform
# (3.13 + 0.9.7). The tests that need no ipvlan ran in the lab's native mode
# (integration-native, platforms): in the TCG VM they would cost minutes
# more and add nothing.
INTEGRATION_PLATFORM ?= el9
INTEGRATION_NEWEST_KERNEL ?= 7.3
INTEGRATION_NEWEST_PLATFORM ?= newest
integration: export PYROUTE2_DEBIAN := $(PYROUTE2_DEBIAN)
integration: export LINUXNET_TEST_CONTROLLER_BIN := $(BIN)
# $(call lab_pytest,KERNEL,PLATFORM,TESTS): the ipvlan-marked TESTS in the
# lab on KERNEL (empty: the lab's default, 6.1) with PLATFORM's Python and
# pyroute2. The fuzz sample's settings (tests/integration/test_fuzz_lab.py:
# FUZZ_SEED to replay, FUZZ_LAB_SECONDS, FUZZ_LAB_CASES, FUZZ_LAB_REGRESSIONS) reach
# the VM when set.
lab_pytest = python=$$($(PLATFORMS_RUN) --python-of $(2)) && \
	path=$$($(PLATFORMS_RUN) --pythonpath-of $(2)) && \
	echo "integration: kernel $(or $(1),6.1), platform $(2) ($$python)" && \
	PYTHONPATH=$$path $(LAB_RUN) $(if $(1),--kernel $(1)) --env LINUXNET_TEST_CONTROLLER_BIN \
		--env FUZZ_SEED --env FUZZ_LAB_SECONDS --env FUZZ_LAB_CASES --env FUZZ_LAB_REGRESSIONS -- \
		$$python -m pytest -p no:cacheprovider --durations=15 -m ipvlan $(3)

integration: venv collection-path dnsmasq $(PYROUTE2_DEBIAN)/pyroute2/__init__.py
	@test -x $(LAB_RUN) || { echo "integration: $(LAB_RUN) is missing" >&2; exit 2; }
	@$(call lab_pytest,,$(INTEGRATION_PLATFORM),tests/integration)
	@$(call lab_pytest,$(INTEGRATION_NEWEST_KERNEL),$(INTEGRATION_NEWEST_PLATFORM),tests/integration/test_kernels.py)

integration-native: venv collection-path dnsmasq $(PYROUTE2_DEBS)/.stamp $(PYROUTE2_WHEELS)/.stamp
	@test -x $(LAB_RUN) || { echo "integration-native: $(LAB_RUN) is missing" >&2; exit 2; }
	$(LAB_RUN) --native -- $(PYTEST_LAB) -m "not ipvlan" tests/integration

# Every molecule scenario (molecule/*/molecule.yml) with `molecule test`, in one
# boot of the kernel lab in SSH mode with two guests (one holder of the VM
# lock), a mixed fleet: lab1 on Debian's MOLECULE_KERNELS' first kernel with
# the oldest platform's Python and pyroute2 (el9: 3.9 + 0.5.14), lab2 on the
# second with the newest (3.13 + 0.9.7), MOLECULE_PLATFORMS. molecule runs
# here as the controller and manages both over SSH (the lab writes their
# inventory, tests/molecule-run gives each its platform's Python). default
# runs on both, fleet is the two of them as a fleet; so every run covers both
# kernels and both platforms.
MOLECULE_KERNELS ?= 5.10,7.3
MOLECULE_PLATFORMS ?= el9 newest
molecule: venv collection-path
	@test -x $(LAB_RUN) || { echo "molecule: $(LAB_RUN) is missing" >&2; exit 2; }
	LAB_PLATFORMS="$(MOLECULE_PLATFORMS)" $(LAB_RUN) --ssh --kernel $(MOLECULE_KERNELS) -- tests/molecule-run

# The collection's main job on an embedded default: the kernel HOWTO's
# topology converged by the topology role in the lab (a VM with Debian's
# kernel here, or a private namespace where the kernel has ipvlan).
demo: venv collection-path graphviz
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
