# Copyright: contributors to linuxnet.ipvlan
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Offline stand-in for the get-pip script that ansible-test bootstraps pip with.

ansible-test (sanity --venv and friends) creates virtual environments without
pip and fills them by running a get-pip script that it downloads from a host
this project's machines cannot reach. It first looks for a cached copy at
~/.ansible/test/cache/get_pip_<pip version>.py and checks no hash, so
`make sanity` installs this file there (tests/sanity/run).

ansible-test runs the cached script as

    <venv python> <wrapper> --disable-pip-version-check pip==X [--no-setuptools] [--no-wheel]

This stand-in instead
  1. runs `python -m ensurepip` (the pip bundled with that Python), then
  2. runs `python -m pip install ARGS` with the same arguments, minus
     --no-setuptools/--no-wheel, which only get-pip understands.
Each step is its own process: ensurepip switches pip's configuration files
off for the process that runs it, and those files carry this machine's
certificate and index settings (ansible-test passes on few environment
variables, so the settings cannot come from the environment).
"""

from __future__ import annotations

import subprocess
import sys

# Marker that tests/sanity/run looks for before it replaces a cached file.
STANDIN_MARKER = 'linuxnet.ipvlan get-pip stand-in'

GET_PIP_ONLY_OPTIONS = frozenset(('--no-setuptools', '--no-wheel'))


def pip_arguments(argv):
    """Return the arguments for `pip install`, without the get-pip-only ones."""
    return [arg for arg in argv if arg not in GET_PIP_ONLY_OPTIONS]


def run(command):
    """Run one command in its own process, exit with its status if it fails."""
    status = subprocess.call(command)

    if status != 0:
        sys.stderr.write('%s: %s exited with status %d\n' % (STANDIN_MARKER, ' '.join(command), status))
        sys.exit(status)


def main():
    """Bootstrap pip into the running interpreter's environment."""
    python = sys.executable
    run([python, '-m', 'ensurepip', '--default-pip'])
    run([python, '-m', 'pip', 'install'] + pip_arguments(sys.argv[1:]))


if __name__ == '__main__':
    main()
