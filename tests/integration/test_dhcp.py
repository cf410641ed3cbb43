"""DHCP on l2 slaves (issue 24), on the lab kernel with a real server:
dnsmasq on the master's veth peer, in a namespace of its own, with the
shortest lease it gives (2 minutes). Four slaves, all named eth0, in four
namespaces, are converged once (module scope: the VM is slow) and then
checked: four leases with four client identifiers and one MAC in
dnsmasq's lease file, traffic between them, a re-run and gathered state fed
back change nothing, a renewal keeps the addresses, the persisted
topology's boot command brings the clients back, `deleted` releases the
leases. A master where no server answers fails the run and rolls it back."""

import glob
import os
import signal
import subprocess
import sys
import time

import pytest

from harness import addresses, ip, run_module, unique_name

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import dhcp as rules

pytestmark = pytest.mark.ipvlan

SERVER = "192.168.77.1"
LEASE_SECONDS = 120  # dnsmasq's minimum
RENEWED_AFTER = LEASE_SECONDS // 2 + 10  # T1 is half the lease


def converge(config, state="merged", check=False):
    return run_module("ipvlan_topology", {"config": config, "state": state}, check=check)


def dnsmasq_leases(path):
    """dnsmasq's lease file: [(expiry, mac, address, hostname, client-id)]."""
    if not os.path.exists(path):
        return []
    with open(path) as handle:
        return [tuple(line.split()[:5]) for line in handle if line.strip()]


def leased(port):
    return dict(((x["netns"], x["name"]), x["dhcp"]) for x in port["links"] if x.get("dhcp"))


def port_of(master):
    gathered = run_module("ipvlan_topology", {"state": "gathered"})["gathered"]
    found = [p for p in gathered if p["master"] == master]
    return found[0] if found else {"master": master, "links": []}


def stop_all_clients():
    for path in glob.glob(rules.RUN_DIR + "/**/*.supervisor.pid", recursive=True):
        try:
            with open(path) as handle:
                os.kill(int(handle.read().strip()), signal.SIGTERM)
        except (OSError, ValueError):
            pass


@pytest.fixture(scope="module")
def lan(tmp_path_factory):
    """(master, namespaces, config, first result, started, lease file, the
    lease file's rows right after the converge)."""
    tmp = tmp_path_factory.mktemp("dhcp")
    master, peer, server = unique_name("dm"), unique_name("dp"), unique_name("ds")
    spaces = [unique_name("dn") for _index in range(4)]
    ip("netns", "add", server)
    ip("link", "add", master, "type", "veth", "peer", "name", peer)
    ip("link", "set", peer, "netns", server)
    ip("addr", "add", SERVER + "/24", "dev", peer, netns=server)
    ip("link", "set", peer, "up", netns=server)
    ip("link", "set", master, "up")
    lease_file = str(tmp / "dnsmasq.leases")
    dnsmasq = subprocess.Popen(
        ["ip", "netns", "exec", server, "dnsmasq", "--keep-in-foreground", "--port=0",
         "--interface=" + peer, "--bind-interfaces", "--user=root",
         "--dhcp-range=192.168.77.10,192.168.77.50,255.255.255.0,%ds" % LEASE_SECONDS,
         "--dhcp-leasefile=" + lease_file, "--pid-file=" + str(tmp / "dnsmasq.pid"),
         "--log-dhcp", "--log-facility=" + str(tmp / "dnsmasq.log")])
    config = [{"master": master, "mode": "l2", "links": [
        {"name": "eth0", "netns": ns, "dhcp": {"hostname": "web%d" % i} if i == 0 else {}}
        for i, ns in enumerate(spaces)]}]
    try:
        check = converge(config, check=True)
        assert check["changed"] is True, check
        assert [c for c in check["commands"] if "dhcp" in c] == [
            "%s: start dhcp client on eth0 client-id %s" % (ns, rules.client_id_text(
                rules.default_client_id(ns, "eth0", _mac(master)))) for ns in spaces]
        assert dnsmasq_leases(lease_file) == []
        started = time.time()
        first = converge(config)
        assert first.get("changed") is True, first
        yield master, spaces, config, first, started, lease_file, dnsmasq_leases(lease_file)
    finally:
        stop_all_clients()
        dnsmasq.terminate()
        dnsmasq.wait()
        for netns in spaces + [server]:
            ip("netns", "del", netns, check=False)
        ip("link", "del", master, check=False)


def _mac(name):
    with open("/sys/class/net/%s/address" % name) as handle:
        return handle.read().strip()


def test_four_leases_four_client_ids_one_mac(lan):
    master, spaces, _config, first, _started, lease_file, _rows = lan
    got = leased(port_of(master))
    assert sorted(k[0] for k in got) == sorted(spaces)
    addresses_leased = [v["lease"]["address"] for v in got.values()]
    assert len(set(addresses_leased)) == 4
    assert all(v["running"] and v["lease"]["server"] == SERVER for v in got.values())
    rows = dnsmasq_leases(lease_file)
    assert len(rows) == 4
    assert set(r[1] for r in rows) == {_mac(master)}  # one MAC, the master's
    assert set(r[4] for r in rows) == set(v["client_id"] for v in got.values())
    assert set(r[2] + "/24" for r in rows) == set(addresses_leased)
    assert "web0" in [r[3] for r in rows]
    for (netns, name), value in got.items():
        assert value["lease"]["address"] in addresses(name, netns)
    # the converge said what it leased: the after state carries it
    after = [p for p in first["after"] if p["master"] == master][0]
    assert sorted(v["lease"]["address"] for v in leased(after).values()) == sorted(addresses_leased)


def test_they_reach_each_other(lan):
    master, spaces, _config, _first, _started, _leases, _rows = lan
    got = leased(port_of(master))
    target = got[(spaces[1], "eth0")]["lease"]["address"].split("/")[0]
    ping = subprocess.run(["ip", "netns", "exec", spaces[0], "ping", "-c", "1", "-W", "2", target],
                          capture_output=True, text=True, check=False)
    assert ping.returncode == 0, ping.stdout + ping.stderr


def test_a_rerun_and_gathered_state_change_nothing_and_a_client_id_twice_is_refused(lan):
    master, spaces, config, _first, _started, _leases, _rows = lan
    again = converge(config)
    assert again["changed"] is False and again["commands"] == [], again
    port = port_of(master)
    assert all(not x["addresses"] for x in port["links"])  # the leases' are the clients'
    assert converge([port])["changed"] is False
    assert converge([port], state="replaced", check=True)["commands"] == []
    twice = [dict(config[0], links=[dict(config[0]["links"][0], dhcp={"client_id": "same"}),
                                    dict(config[0]["links"][1], dhcp={"client_id": "same"})])]
    refused = converge(twice, check=True)
    assert refused.get("failed") and "config[0].links[1].dhcp.client_id" in refused["msg"]
    l3 = [dict(config[0], mode="l3")]
    refused = converge(l3, check=True)
    assert refused.get("failed") and "config[0].links[0].dhcp" in refused["msg"] \
        and "l2" in refused["msg"]


def test_a_renewal_keeps_the_addresses(lan):
    master, _spaces, _config, _first, started, lease_file, rows = lan
    before = dict((r[4], r) for r in rows)  # read right after the converge
    # each client renews at half its lease (T1): the last one leased
    # expires latest; what the checks before took is waited for no more
    wait = max(int(r[0]) for r in rows) - LEASE_SECONDS + RENEWED_AFTER - time.time()
    if wait > 0:
        time.sleep(wait)
    after = dict((r[4], r) for r in dnsmasq_leases(lease_file))
    assert set(after) == set(before)
    for client, row in after.items():
        assert row[2] == before[client][2]  # the same address
        assert int(row[0]) > int(before[client][0])  # a later expiry: renewed
    for value in leased(port_of(master)).values():
        assert value["running"] and value["lease"]["obtained"] > started + 30


def test_the_persisted_topology_brings_the_clients_back(lan):
    master, spaces, config, _first, _started, _leases, _rows = lan
    from test_ipvlan_persist import exec_start
    name = unique_name("d")
    saved = run_module("ipvlan_persist", {"name": name, "config": config,
                                          "python": sys.executable})
    assert saved.get("changed") is True, saved
    try:
        before = dict((k, v["lease"]["address"]) for k, v in leased(port_of(master)).items())
        # a reboot: the clients stop (releasing their leases), the
        # namespaces go with their links and addresses, /run is emptied;
        # the leases kept in /var/lib stay
        stop_all_clients()
        deadline = time.time() + 20
        while time.time() < deadline and any(v["running"] for v in leased(port_of(master)).values()):
            time.sleep(0.5)
        for netns in spaces:
            ip("netns", "del", netns)
        for path in glob.glob(rules.RUN_DIR + "/**/*.json", recursive=True):
            os.unlink(path)
        assert leased(port_of(master)) == {}
        started = exec_start(name)
        assert started.returncode == 0, started.stdout + started.stderr
        assert sum("start dhcp client" in x for x in started.stdout.splitlines()) == 4
        after = dict((k, v["lease"]["address"]) for k, v in leased(port_of(master)).items())
        assert after == before  # the same addresses: each client asked for its last one
    finally:
        run_module("ipvlan_persist", {"name": name, "state": "absent"})


def test_deleted_stops_the_clients_and_releases_the_leases(lan):
    master, spaces, config, _first, _started, lease_file, _rows = lan
    result = converge(config, state="deleted")
    assert result.get("changed") is True, result
    stops = [c for c in result["commands"] if "stop dhcp client" in c]
    assert len(stops) == 4
    assert dnsmasq_leases(lease_file) == []  # released
    assert glob.glob(rules.RUN_DIR + "/ns/%s/*" % spaces[0]) == []


def test_no_server_fails_the_run_and_rolls_it_back(make_veth, track_netns):
    master = make_veth()
    netns = unique_name("dq")
    track_netns(netns)
    result = converge([{"master": master, "mode": "l2", "links": [
        {"name": "eth0", "netns": netns, "dhcp": {"timeout": 5}}]}])
    assert result.get("failed"), result
    assert "no DHCP server gave link eth0 a lease within 5 s" in result["msg"]
    assert netns not in ip("netns", "list")  # rolled back
    assert rules.paths(netns, "eth0")["settings"] not in glob.glob(rules.RUN_DIR + "/ns/*/*")
