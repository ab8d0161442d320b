# The two commands of the README: `make run` and `make test`.
# Everything the tests need is installed from here, Debian packages included.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
INI ?= development.ini
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian packages the site and its tests use: WeasyPrint's libraries and fonts,
# OpenLDAP's headers to build python-ldap; Chromium for browser tests, slapd for
# the directory tests (a real one, started by the fixtures); gettext-free i18n
# (Babel compiles catalogs).
DEB_SITE := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core libldap2-dev libsasl2-dev
DEB_TEST := chromium wrk poppler-utils slapd ldap-utils
DEB_MOLECULE := docker.io debootstrap

.PHONY: run test venv system-deps site-deps lint unit functional browser ansible-lint \
        ansible-syntax molecule molecule-prepare translations i18n i18n-pot bench clean editor

$(STAMP): pyproject.toml | site-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

venv: $(STAMP) translations editor

# The rich-text editor (TinyMCE and its language packs) from the npm registry, at the
# versions package-lock.json pins; only what the site serves is copied under static/.
VENDOR := congress_site/static/vendor
EDITOR := $(VENDOR)/tinymce/tinymce.min.js
EDITOR_PLUGINS := autolink code image link lists table
EDITOR_LANGS := fr-FR es pt-BR

editor: $(EDITOR)

$(EDITOR): package.json package-lock.json
	@command -v npm >/dev/null || bash tests/ansible/apt-ensure.sh npm
	npm ci --no-audit --no-fund --ignore-scripts
	rm -rf $(VENDOR)/tinymce
	mkdir -p $(VENDOR)/tinymce/plugins $(VENDOR)/tinymce/langs
	cp -r node_modules/tinymce/{tinymce.min.js,license.md,models,themes,icons,skins} $(VENDOR)/tinymce/
	for p in $(EDITOR_PLUGINS); do cp -r node_modules/tinymce/plugins/$$p $(VENDOR)/tinymce/plugins/; done
	for l in $(EDITOR_LANGS); do cp node_modules/tinymce-i18n/langs8/$$l.js $(VENDOR)/tinymce/langs/; done
	touch $@

translations: $(STAMP)
	@$(BIN)/python -m congress_site.i18n_compile

site-deps:
	@bash tests/ansible/apt-ensure.sh $(DEB_SITE)

system-deps:
	@bash tests/ansible/apt-ensure.sh $(DEB_SITE) $(DEB_TEST)

run: site-deps venv
	@mkdir -p var
	$(BIN)/congress-site $(INI) demo
	$(BIN)/pserve $(INI)

lint: venv
	$(BIN)/ruff check congress_site tests bench plugins
	$(BIN)/ruff format --check congress_site tests bench plugins

unit: venv
	$(BIN)/pytest -q tests/unit

functional: venv
	$(BIN)/pytest -q tests/functional

browser: venv system-deps
	$(BIN)/pytest -q tests/browser

ansible-lint: venv
	cd $(CURDIR) && $(BIN)/ansible-lint -p playbooks/ roles/

ansible-syntax: venv
	@for p in playbooks/*.yml; do \
	  echo "syntax-check $$p"; \
	  $(BIN)/ansible-playbook -i inventory/example/hosts.yml --syntax-check $$p || exit 1; \
	done
	@ANSIBLE_PLAYBOOK=$(BIN)/ansible-playbook bash tests/ansible/check-members.sh

molecule-prepare:
	@bash tests/ansible/apt-ensure.sh $(DEB_MOLECULE)
	@bash tests/ansible/prepare-docker.sh

# Molecule's plays run with mitogen's strategy: one Python per container kept for the
# whole play instead of a new one per task, about ten times faster per task; the
# scenarios name their connection `docker` so that mitogen takes it over, and localhost's
# `ansible.builtin.local` so that it does not take over Molecule's create and destroy.
MOLECULE_ENV = PATH=$(CURDIR)/$(BIN):$$PATH \
  ANSIBLE_STRATEGY_PLUGINS=$$($(BIN)/python -c 'import ansible_mitogen, os; print(os.path.dirname(ansible_mitogen.__file__))')/plugins/strategy \
  ANSIBLE_STRATEGY=mitogen_linear

molecule: venv molecule-prepare
	$(MOLECULE_ENV) $(BIN)/molecule test -s default

# One scenario while working on a service, e.g. `make molecule-directory`.
molecule-%: venv molecule-prepare
	$(MOLECULE_ENV) $(BIN)/molecule test -s $*

test: venv system-deps lint unit functional browser ansible-lint ansible-syntax molecule

# Re-extract the UI strings and merge them into the fr/es/pt catalogs. The message ids of
# the code go to $(I18N_DIR)/*.pot (i18n-pot, also used by tests/unit/test_translations.py,
# which checks that every string of the code is translated).
I18N_DIR ?= congress_site/locale
i18n-pot: venv
	@$(BIN)/pot-create -c lingua.cfg -d congress_site -o $(I18N_DIR)/congress_site.pot \
	  congress_site/__init__.py congress_site/i18n.py congress_site/workflow.py congress_site/chrome.py \
	  congress_site/conflicts.py congress_site/guard.py \
	  congress_site/content congress_site/security congress_site/views congress_site/api \
	  congress_site/templates/*.pt congress_site/templates/content
	@$(BIN)/pot-create -c lingua.cfg -d konbit_congress -o $(I18N_DIR)/konbit_congress.pot \
	  congress_site/congress congress_site/templates/congress
	@$(BIN)/pot-create -c lingua.cfg -d konbit_ledger -o $(I18N_DIR)/konbit_ledger.pot \
	  congress_site/ledger congress_site/templates/ledger

i18n: i18n-pot
	for d in congress_site konbit_congress konbit_ledger; do for l in fr es pt; do \
	  $(BIN)/pybabel update -D $$d -l $$l -i congress_site/locale/$$d.pot -d congress_site/locale; \
	done; done

bench: venv system-deps
	$(BIN)/python bench/site_pages.py
	@for b in bench/site_cpu.py bench/congress_load.py bench/statements.py \
	  bench/concurrent_writers.py bench/connection_flood.py; do \
	  [ -f $$b ] && $(BIN)/python $$b || true; done

clean:
	rm -rf $(VENV) var .pytest_cache node_modules $(VENDOR)
