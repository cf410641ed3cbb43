"""Write the Sphinx inventory `make docs` uses instead of downloading one.

    python tests/docs/offline_inventory.py OUT.inv

The pages antsibull-docs generates refer to two labels of Ansible's own
documentation (docs.ansible.com), which Sphinx resolves through an
intersphinx inventory, normally downloaded. `make docs` runs offline, so
this writes an inventory holding just those labels (Sphinx's version 2
format: a header, then zlib-compressed `name domain:role priority uri
title` lines); the links in the site still point at docs.ansible.com.
Add a line to LABELS when a new antsibull-docs refers to another label
(sphinx-build then fails with "undefined label").
"""

import sys
import zlib

# label -> (page#anchor under https://docs.ansible.com/projects/ansible/devel/, title)
LABELS = {
    "common_return_values": ("reference_appendices/common_return_values.html#common-return-values",
                             "Return Values"),
    "ansible_configuration_settings": ("reference_appendices/config.html#ansible-configuration-settings",
                                       "Ansible Configuration Settings"),
}


def main(path):
    body = "".join("%s std:label -1 %s %s\n" % (name, uri, title) for name, (uri, title) in sorted(LABELS.items()))
    header = (b"# Sphinx inventory version 2\n# Project: Ansible\n# Version: devel\n"
              b"# The remainder of this file is compressed using zlib.\n")
    with open(path, "wb") as f:
        f.write(header + zlib.compress(body.encode("utf-8")))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(sys.argv[1])
