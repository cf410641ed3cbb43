# The network state of a host as iproute2 shows it, as one JSON object: for
# the host namespace ("") and every named one (ip netns list), the links
# (ip -d link), addresses (ip addr) and IPv4 and IPv6 routes of every table.
# Lifetimes, expiry times and timers are left out: they count down by
# themselves (SLAAC on the lab's NIC, a bridge's gc and forward-delay
# timers), so that two snapshots of an untouched host are equal.
# Stdlib only, Python 3.8+; run as `python3 -c "$(cat ip_snapshot.py)"`.
import json
import subprocess

VOLATILE = ("valid_life_time", "preferred_life_time", "expires")


def ip(*args):
    out = subprocess.run(("ip", "-j") + args, check=True, stdout=subprocess.PIPE,
                         universal_newlines=True).stdout
    return json.loads(out) if out.strip() else []


def clean(value):
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()
                if k not in VOLATILE and not k.endswith("_timer")}
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value


def namespace(netns):
    pre = ("-n", netns) if netns else ()
    return {
        "links": ip(*(pre + ("-d", "link", "show"))),
        "addresses": ip(*(pre + ("addr", "show"))),
        "routes": ip(*(pre + ("-4", "route", "show", "table", "all")))
        + ip(*(pre + ("-6", "route", "show", "table", "all"))),
    }


names = sorted(n["name"] for n in ip("netns", "list"))
print(json.dumps(clean({ns: namespace(ns) for ns in [""] + names}), sort_keys=True))
