"""linuxnet.ipvlan.topology_dot on gathered state: the docs' fixtures
(docs/docsite/fixtures/*.yml, what ipvlan_info returned in the kernel lab
for the HOWTO's and the molecule scenario's topologies), a config, and bad
input. Graphviz's `dot` must parse and render every diagram."""

import glob
import os
import re
import shutil
import subprocess

import pytest
import yaml

from ansible.errors import AnsibleFilterError

from ansible_collections.linuxnet.ipvlan.plugins.filter.topology_dot import FilterModule, topology_dot

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
FIXTURES = sorted(glob.glob(os.path.join(ROOT, "docs", "docsite", "fixtures", "*.yml")))
DOT = shutil.which("dot")


def load(path):
    with open(path) as f:
        return yaml.safe_load(f)


def clusters(text):
    """{cluster label: [node ids in it]} parsed from the DOT text."""
    found, current = {}, None
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("subgraph cluster_"):
            current = None
        elif line.startswith("label=") and current is None and line.endswith(";"):
            current = re.match(r'label="(.*)";', line).group(1)
            found[current] = []
        elif line == "}":
            current = None
        elif current is not None and line.startswith('"'):
            found[current].append(re.match(r'"([^"]*)" \[', line).group(1))
    return found


def render(text, fmt="svg"):
    # a failure, not a skip: make unit installs Graphviz first (make graphviz)
    assert DOT is not None, "Graphviz's dot is missing: make graphviz (or apt-get install graphviz) installs it"
    proc = subprocess.run([DOT, "-T" + fmt], input=text, capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and proc.stderr == "", "dot refused the diagram: %s\n%s" % (proc.stderr, text)
    return proc.stdout


def test_fixtures_exist():
    names = sorted(os.path.basename(p) for p in FIXTURES)
    assert names == ["howto.yml", "molecule.yml"]


@pytest.mark.parametrize("path", FIXTURES, ids=os.path.basename)
def test_every_link_and_namespace_appears_in_its_box(path):
    gathered = load(path)
    text = topology_dot(gathered["ports"])
    boxes = clusters(text)
    for netns in gathered["namespaces"]:
        assert "netns %s" % netns in boxes
    for port in gathered["ports"]:
        where = "netns %s" % port["master_netns"] if port["master_netns"] else "host namespace"
        master = "%s/%s" % (port["master_netns"] or "", port["master"])
        assert master in boxes[where]
        assert "%s %s" % (port["mode"], port["flags"]) in text
        for link in port["links"]:
            where = "netns %s" % link["netns"] if link["netns"] else "host namespace"
            node = "%s/%s" % (link["netns"] or "", link["name"])
            assert node in boxes[where]
            assert '"%s" -> "%s"' % (node, master) in text
            for address in link["addresses"]:
                assert address in text
    nodes = sum(len(v) for v in boxes.values())
    assert nodes == len(gathered["ports"]) + sum(len(p["links"]) for p in gathered["ports"])


@pytest.mark.parametrize("path", FIXTURES, ids=os.path.basename)
def test_whole_info_result_is_the_same_as_its_ports(path):
    gathered = load(path)
    assert topology_dot(gathered) == topology_dot(gathered["ports"])


def test_molecule_fixture_matches_the_scenario():
    """The docs' picture of the molecule scenario is of what it declares."""
    with open(os.path.join(ROOT, "molecule", "default", "vars", "main.yml")) as f:
        declared = yaml.safe_load(f)["scenario_topology"]
    gathered = load(os.path.join(ROOT, "docs", "docsite", "fixtures", "molecule.yml"))["ports"]
    assert sorted(p["master"] for p in gathered) == sorted(p["master"] for p in declared)
    for port in declared:
        seen = [p for p in gathered if p["master"] == port["master"]][0]
        assert (seen["mode"], seen["flags"]) == (port["mode"], port["flags"])
        assert [(l["name"], l.get("netns"), l.get("addresses", [])) for l in port["links"]] == \
            [(l["name"], l["netns"], l["addresses"]) for l in seen["links"]]


def test_config_gets_ipvlan_topology_defaults():
    text = topology_dot([{"master": "eth0", "links": [{"name": "ipvl0", "netns": "ns0"}]}])
    assert "master: l3 bridge" in text
    assert "ipvl0 (ipvlan)" in text
    assert boxes_of(text) == {"host namespace": ["/eth0"], "netns ns0": ["ns0/ipvl0"]}


def boxes_of(text):
    return clusters(text)


def test_master_in_a_namespace_and_a_slave_beside_it():
    text = topology_dot([{"master": "veth1", "master_netns": "outer", "mode": "l2", "flags": "private",
                          "links": [{"name": "a", "netns": "outer", "up": False, "mtu": 1400},
                                    {"name": "t", "kind": "ipvtap", "tap": "/dev/tap9"}]}])
    assert boxes_of(text) == {"netns outer": ["outer/veth1", "outer/a"], "host namespace": ["/t"]}
    assert "down" in text and "mtu 1400" in text and "/dev/tap9" in text
    assert '"/t" -> "outer/veth1" [style="dashed"]' in text


def test_title_rankdir_and_escaping():
    text = topology_dot([{"master": 'we"ird\\', "links": []}], title='host "a"', rankdir="TB")
    assert 'label="host \\"a\\""' in text
    assert 'rankdir="TB"' in text
    assert '"/we\\"ird\\\\"' in text


def test_routes_are_drawn():
    text = topology_dot([{"master": "eth0", "links": [{"name": "x", "routes": [
        {"dst": "default", "gateway": "10.0.0.1"}, {"dst": "10.9.0.0/16", "gateway": "10.0.0.1", "metric": 7}]}]}])
    assert "default via 10.0.0.1" in text
    assert "10.9.0.0/16 via 10.0.0.1 metric 7" in text


@pytest.mark.parametrize("data, message", [
    ("eth0", "ports: expected a list"),
    ({"namespaces": []}, "input: a dictionary must be ipvlan_info's result"),
    ([{"links": []}], "ports[0].master: expected a non-empty string"),
    ([{"master": "eth0", "links": {"name": "x"}}], "ports[0].links: expected a list"),
    ([{"master": "eth0", "links": [{"name": "a"}, {"netns": "n"}]}], "ports[0].links[1].name"),
    ([{"master": "eth0", "links": [{"name": "a", "addresses": [None]}]}], "ports[0].links[0].addresses[0]"),
    ([{"master": "eth0", "links": [{"name": "a", "routes": [{"gateway": "1.2.3.4"}]}]}],
     "ports[0].links[0].routes[0].dst"),
])
def test_bad_input_names_the_field(data, message):
    with pytest.raises(AnsibleFilterError) as caught:
        topology_dot(data)
    assert message in str(caught.value)


def test_bad_rankdir():
    with pytest.raises(AnsibleFilterError, match="rankdir: expected one of LR, RL, TB, BT"):
        topology_dot([], rankdir="up")


def test_registered_under_its_name():
    assert FilterModule().filters() == {"topology_dot": topology_dot}


@pytest.mark.parametrize("path", FIXTURES, ids=os.path.basename)
def test_graphviz_renders_the_fixtures(path):
    gathered = load(path)
    svg = render(topology_dot(gathered, title=os.path.basename(path)))
    assert svg.lstrip().startswith("<?xml") and "</svg>" in svg
    for port in gathered["ports"]:
        for link in port["links"]:
            assert ">%s (%s)</text>" % (link["name"], link["kind"]) in svg


def test_graphviz_renders_awkward_names():
    render(topology_dot([{"master": 'a"b\\c', "master_netns": "x y", "links": [{"name": "{}[];", "netns": "->"}]}]))
