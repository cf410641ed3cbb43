"""Draw the docs' pictures from gathered state (`make docs`).

    python tests/docs/pictures.py FIXTURES_DIR OUT_DIR

For each FIXTURES_DIR/NAME.yml (what ipvlan_info returned, see
tests/docs/gather_fixtures.py) writes OUT_DIR/NAME.dot with the collection's
linuxnet.ipvlan.topology_dot filter and OUT_DIR/NAME.svg with Graphviz's
dot. Fails if dot is missing or says anything on stderr.
"""

import glob
import os
import shutil
import subprocess
import sys

import yaml

from ansible_collections.linuxnet.ipvlan.plugins.filter.topology_dot import topology_dot

TITLES = {
    "howto": "The kernel IPVLAN HOWTO's topology, as ipvlan_info gathered it",
    "molecule": "The molecule scenario (molecule/default), as ipvlan_info gathered it",
}


def main(fixtures, out):
    dot = shutil.which("dot")
    if dot is None:
        raise SystemExit("pictures: Graphviz's dot is missing (apt-get install graphviz)")
    os.makedirs(out, exist_ok=True)
    paths = sorted(glob.glob(os.path.join(fixtures, "*.yml")))
    if not paths:
        raise SystemExit("pictures: no fixtures in %s" % fixtures)
    for path in paths:
        name = os.path.splitext(os.path.basename(path))[0]
        with open(path) as f:
            gathered = yaml.safe_load(f)
        text = topology_dot(gathered, title=TITLES.get(name, name))
        with open(os.path.join(out, name + ".dot"), "w") as f:
            f.write(text)
        svg = os.path.join(out, name + ".svg")
        proc = subprocess.run([dot, "-Tsvg", "-o", svg], input=text, capture_output=True, text=True, check=False)
        if proc.returncode != 0 or proc.stderr:
            raise SystemExit("pictures: dot failed on %s: %s" % (path, proc.stderr))
        print("pictures: %s -> %s" % (path, svg))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
