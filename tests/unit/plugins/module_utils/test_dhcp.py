"""DHCP's pure rules (model/dhcp.py): the option's checks, the client
identifier (declared or derived), uniqueness on a master, the client's
command line and files, and the lease file read back."""

import pytest

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import dhcp
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import ValidationError

MAC = "52:54:00:12:34:56"
WHERE = "config[0].links[0].dhcp"


def link(name="eth0", netns="ns0", where="config[0].links[0]", **declared):
    return {"name": name, "netns": netns, "up": True, "where": where,
            "dhcp": dhcp.normalize(declared, {"name": name, "up": True}, "l2", where + ".dhcp")}


def refused(value, mode="l2", up=True):
    with pytest.raises(ValidationError) as info:
        dhcp.normalize(value, {"name": "eth0", "up": up}, mode, WHERE)
    return info.value


def test_nothing_declared_is_none_and_an_empty_dict_takes_the_defaults():
    assert dhcp.normalize(None, {"name": "eth0"}, "l3", WHERE) is None
    assert dhcp.normalize({}, {"name": "eth0"}, "l2", WHERE) == {
        "client_id": None, "hostname": None, "default_route": True, "timeout": 30}
    assert dhcp.normalize({"default_route": False, "timeout": 5, "hostname": "web-1.example"},
                          {"name": "eth0"}, "l2", WHERE) == {
        "client_id": None, "hostname": "web-1.example", "default_route": False, "timeout": 5}


@pytest.mark.parametrize("mode", ["l3", "l3s"])
def test_l3_ports_are_refused_with_the_reason(mode):
    error = refused({}, mode=mode)
    assert error.field == WHERE
    assert "needs an l2 port" in error.reason and mode in error.reason
    assert "no broadcast" in error.reason


def test_a_link_declared_down_is_refused():
    assert "up: false" in refused({}, up=False).reason


@pytest.mark.parametrize("value, field", [
    ({"timeout": 4}, WHERE + ".timeout"),
    ({"timeout": 601}, WHERE + ".timeout"),
    ({"timeout": True}, WHERE + ".timeout"),
    ({"hostname": "bad_name"}, WHERE + ".hostname"),
    ({"hostname": "a" * 64}, WHERE + ".hostname"),
    ({"hostname": "-lead.example"}, WHERE + ".hostname"),
    ({"hostname": ""}, WHERE + ".hostname"),
    ({"client_id": ""}, WHERE + ".client_id"),
    ({"client_id": 5}, WHERE + ".client_id"),
    ({"client_id": "x" * 255}, WHERE + ".client_id"),
    ({"client_id": ":".join(["ff"] * 256)}, WHERE + ".client_id"),
    ({"default_route": "yes"}, WHERE + ".default_route"),
    ({"server": "10.0.0.1"}, WHERE + ".server"),
    (["client_id"], WHERE),
])
def test_bad_input_names_the_field(value, field):
    assert refused(value).field == field


def test_a_client_identifier_in_hex_is_taken_as_bytes_text_gets_type_0():
    assert dhcp.client_id("ff:00:00:00:01:02", "f") == b"\xff\x00\x00\x00\x01\x02"
    assert dhcp.client_id("web-1", "f") == b"\x00web-1"
    assert dhcp.client_id("ab:", "f") == b"\x00ab:"  # not hex bytes: text
    assert dhcp.client_id("x", "f") == b"\x00x"  # two bytes with its type: the minimum
    assert dhcp.client_id(None, "f") is None
    assert dhcp.client_id_text(b"\x00ab") == "00:61:62"


def test_the_default_client_identifier_is_stable_and_tells_hosts_links_and_namespaces_apart():
    one = dhcp.default_client_id("ns0", "eth0", MAC)
    assert one == b"\x00linuxnet-ipvlan/525400123456/ns0/eth0"
    assert one == dhcp.default_client_id("ns0", "eth0", MAC.upper())
    others = [dhcp.default_client_id("ns1", "eth0", MAC), dhcp.default_client_id("ns0", "eth1", MAC),
              dhcp.default_client_id(None, "eth0", MAC),
              dhcp.default_client_id("ns0", "eth0", "52:54:00:12:34:57")]
    assert len(set(others + [one])) == 5
    assert dhcp.default_client_id(None, "eth0", MAC).endswith(b"/-/eth0")


def test_a_long_namespace_name_is_hashed_to_fit_option_61():
    raw = dhcp.default_client_id("n" * 255, "eth0", MAC)
    assert len(raw) <= dhcp.CLIENT_ID_MAX
    assert b"/sha256:" in raw and raw.endswith(b"/eth0")
    assert raw != dhcp.default_client_id("n" * 254 + "m", "eth0", MAC)


def test_two_links_of_a_master_with_one_client_identifier_are_refused():
    port = {"master": "eth0", "links": [link(netns="a", where="config[0].links[0]"),
                                        link(netns="b", where="config[0].links[1]")]}
    dhcp.check_unique(port, MAC)  # the defaults differ
    port["links"][1] = link(netns="b", where="config[0].links[1]",
                            client_id="linuxnet-ipvlan/525400123456/a/eth0")
    with pytest.raises(ValidationError) as info:
        dhcp.check_unique(port, MAC)
    assert info.value.field == "config[0].links[1].dhcp.client_id"
    assert "config[0].links[0]" in info.value.reason and "'eth0'" in info.value.reason


def test_a_client_identifier_held_by_a_running_client_is_refused():
    port = {"master": "eth0", "links": [link(client_id="web")]}
    with pytest.raises(ValidationError) as info:
        dhcp.check_unique(port, MAC, others=[(b"\x00web", "link eth0 in namespace old")])
    assert "namespace old" in info.value.reason
    dhcp.check_unique({"master": "eth0", "links": [{"name": "x", "dhcp": None}]}, MAC)


def test_the_files_of_a_client_are_per_namespace():
    assert dhcp.paths("ns0", "eth0") == {
        "settings": "/run/linuxnet-ipvlan/dhcp/ns/ns0/eth0.json",
        "pid": "/run/linuxnet-ipvlan/dhcp/ns/ns0/eth0.pid",
        "supervisor": "/run/linuxnet-ipvlan/dhcp/ns/ns0/eth0.supervisor.pid",
        "log": "/run/linuxnet-ipvlan/dhcp/ns/ns0/eth0.log",
        "lease": "/var/lib/linuxnet-ipvlan/dhcp/ns/ns0/eth0.lease"}
    assert dhcp.paths(None, "eth0")["pid"] == "/run/linuxnet-ipvlan/dhcp/host/eth0.pid"
    assert dhcp.paths("ns1", "eth0") != dhcp.paths("ns0", "eth0")
    assert dhcp.paths("host", "eth0") != dhcp.paths(None, "eth0")


def test_the_client_command_line():
    want = link(hostname="web-1", timeout=9)
    argv = dhcp.client_argv("/bin/busybox", "eth0", want["dhcp"], b"\x00ab", "/s", "/p")
    assert argv == ["/bin/busybox", "udhcpc", "-f", "-B", "-R", "-i", "eth0",
                    "-x", "0x3d:006162", "-s", "/s", "-p", "/p", "-t", "3", "-T", "3",
                    "-A", "10", "-x", "hostname:web-1"]
    argv = dhcp.client_argv("busybox", "eth0", link()["dhcp"], b"\x00ab", "/s", "/p",
                            requested="10.0.0.7")
    assert argv[-2:] == ["-r", "10.0.0.7"] and "hostname:" not in " ".join(argv)


def test_a_lease_is_written_and_read_back():
    lease = {"address": "192.168.77.12", "prefix": 24, "router": "192.168.77.1",
             "server": "192.168.77.1", "lease_time": 120, "obtained": 1000}
    text = dhcp.lease_text(lease)
    assert dhcp.parse_lease(text) == dict(lease, expires=1120)
    no_router = dhcp.parse_lease(dhcp.lease_text(dict(lease, router=None)))
    assert no_router["router"] is None


@pytest.mark.parametrize("text", ["", "address=\nprefix=24\n", "address=10.0.0.1\n",
                                  "address=10.0.0.1\nprefix=x\n", "address=10.0.0.1\nprefix=2"])
def test_a_lease_file_without_an_address_or_torn_is_no_lease(text):
    lease = dhcp.parse_lease(text)
    if text.endswith("prefix=2"):  # torn after the prefix: what is there is read
        assert lease["address"] == "10.0.0.1" and lease["expires"] is None
    else:
        assert lease is None


def test_a_clients_transient_unit_joins_the_links_namespace_and_restarts():
    from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops import dhcp as ops
    unit = ops.unit_name("web0", "eth0")
    assert unit.startswith("linuxnet-ipvlan-dhcp-web0-eth0-") and unit.endswith(".service")
    assert unit != ops.unit_name("web1", "eth0") != ops.unit_name(None, "eth0")
    assert ops.unit_name("a/b", "eth0") != ops.unit_name("a_b", "eth0")  # hashed apart
    client = ["/bin/busybox", "udhcpc", "-f", "-i", "eth0"]
    argv = ops.systemd_argv(unit, "web0", client, {"LINUXNET_DHCP_ROUTE": "1"})
    assert argv[:2] == ["systemd-run", "--unit"] and argv[-6:] == ["--"] + client
    assert "NetworkNamespacePath=/run/netns/web0" in argv and "Restart=always" in argv
    assert "LINUXNET_DHCP_ROUTE=1" in argv
    assert not any(x.startswith("NetworkNamespacePath") for x in
                   ops.systemd_argv(unit, None, client, {}))
