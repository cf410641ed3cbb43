"""The engine defects the fuzzer found, each shrunk to one case (see
gen.py for its shape): a starting state (gen.commands() turns it into `ip`
commands) and the topology module's arguments, with `fault` choosing the
operation a fault-injected run fails before (run.check: k = 1 + fault %
len(plan)). tests/unit/fuzz/test_regressions.py checks them over the
in-memory kernel, tests/integration/test_fuzz_lab.py (on demand) on the
lab's. Keyed by a tag: D<n> for the issue's defect n, N<n> and R<n> for
those the fuzzer found besides (R: in a rollback)."""

from . import gen


def link(name, master, netns=None, up=True, addresses=(), routes=(), mode="l3",
         flags="bridge"):
    return {"name": name, "master": master, "netns": netns, "mode": mode, "flags": flags,
            "up": up, "addresses": list(addresses), "routes": list(routes)}


def case(start, state, config, namespaces=(), masters=2, fault=0):
    return {"masters": gen.MASTERS[:masters], "namespaces": list(namespaces),
            "start": start, "state": state, "config": config, "fault": fault,
            "invalid": None}


CASES = {
    # issue 23 defect 1: replaced, up: false, an IPv6 address the down flushes
    # first: the delete of fd00:9::5 fails EADDRNOTAVAIL (check mode: fine)
    "D1-down-link": case(
        [link("fza0", "fzm0", addresses=["fd00:9::5/64"])], "replaced",
        [{"master": "fzm0", "links": [{"name": "fza0", "up": False,
                                       "addresses": ["fd00:9::6/64"]}]}]),
    # issue 23 defect 2: fza1 (of fzm1, in fzn0) is declared on fzm0; the
    # plan recreates it there, then sets fzm1's mode through it
    "D2-port-via-moved-link": case(
        [link("fza1", "fzm1", "fzn0", mode="l3")], "merged",
        [{"master": "fzm0", "mode": "l3", "links": [{"name": "fza1", "netns": "fzn0"}]},
         {"master": "fzm1", "mode": "l2", "links": [{"name": "fza2", "netns": "fzn0"}]}],
        namespaces=["fzn0"]),
    # issue 23 defect 3: one default route declared on two links of fzn0
    "D3-route-identity-twice": case(
        [], "merged",
        [{"master": "fzm0", "links": [
            {"name": "fza0", "netns": "fzn0", "addresses": ["10.9.0.10/24"],
             "routes": [{"dst": "default", "gateway": "10.9.0.1"}]},
            {"name": "fza1", "netns": "fzn0", "addresses": ["10.9.0.11/24"],
             "routes": [{"dst": "default", "gateway": "10.9.0.1"}]}]}]),
    # issue 23 defect 4
    "D4-dot-netns": case([], "merged", [{"master": "fzm0", "links": [
        {"name": "fza0", "netns": ".fzx"}]}]),
    # issue 23 defect 7: fza0 in the host and fza0 in fzn0, which exists
    "D7-temp-name": case(
        [], "merged",
        [{"master": "fzm0", "links": [{"name": "fza0"}]},
         {"master": "fzm1", "links": [{"name": "fza0", "netns": "fzn0"}]}],
        namespaces=["fzn0"]),
    # issue 23 defect 8: an address another slave of fzm0 holds
    "D8-addrinuse": case(
        [link("fza0", "fzm0", addresses=["10.9.0.10/24"])], "merged",
        [{"master": "fzm0", "links": [{"name": "fza1", "addresses": ["10.9.0.10/24"]}]}]),
    # new: fza0 (host, fzm0) declared in fzn0 and in fzn1: moved twice
    "N1-moved-twice": case(
        [link("fza0", "fzm0")], "merged",
        [{"master": "fzm0", "links": [{"name": "fza0", "netns": "fzn0"},
                                      {"name": "fza0", "netns": "fzn1"}]}]),
    # new: fza0 is recreated on fzm0, losing 10.9.0.10/24, which the
    # declared route's gateway needs: check mode fine, real run ENETUNREACH
    "N2-recreated-loses-gateway-subnet": case(
        [link("fza0", "fzm1", addresses=["10.9.0.10/24"])], "merged",
        [{"master": "fzm0", "links": [{"name": "fza0", "routes": [
            {"dst": "default", "gateway": "10.9.0.1"}]}]}]),
    # new: a failure after 'set link fza0 up' (fza0 was down with an IPv6
    # address): the rollback's 'set link down' flushes the address
    "R1-undo-up-flushes-ipv6": case(
        [link("fza0", "fzm0", up=False, addresses=["fd00:9::5/64"])], "merged",
        [{"master": "fzm0", "links": [{"name": "fza0", "routes": [
            {"dst": "172.31.0.0/24"}]}]}], fault=1),
    # new: a failure after 'move link fza0 to netns fzn0' (from the host):
    # the undo is 'set link fza0' with no change, and the rollback fails
    "R2-move-back-to-host": case(
        [link("fza0", "fzm0")], "merged",
        [{"master": "fzm0", "links": [{"name": "fza0", "netns": "fzn0"}]}],
        namespaces=["fzn0"], fault=1),
    # new: a failure after adding fza0's first IPv4 address: its undo
    # deletes it, and the kernel drops the route 172.31.0.0/24 dev fza0 too
    "R3-undo-first-ipv4": case(
        [link("fza0", "fzm0", routes=[{"dst": "172.31.0.0/24"}])], "merged",
        [{"master": "fzm0", "links": [{"name": "fza0", "addresses": ["10.9.0.10/24"],
                                       "routes": [{"dst": "172.30.0.0/24",
                                                   "gateway": "10.9.0.1"}]}]}], fault=1),
}
