#!/bin/sh
# The reference for tests/bench: the kernel IPVLAN HOWTO's iproute2 commands
# (Documentation/networking/ipvlan.rst) for N namespaces, as a user would
# script them: per namespace one `ip` process per step.
#
#   howto.sh N MASTER
#
# Namespace i is bns<i> with the L2 slave bipvl<i> of MASTER, loopback up,
# 10.1.x.y/16 and a default route via 10.1.0.1. `ip -n NS` instead of the
# HOWTO's interactive `ip netns exec NS bash` (one process per step, not
# two). The HOWTO's `ip -4 addr add 127.0.0.1 dev lo` is left out: the
# kernel gives lo 127.0.0.1/8 when it comes up, and ipvlan_topology does not
# add it either.
set -eu
n=$1
master=$2
i=0
while [ "$i" -lt "$n" ]; do
    ns=bns$i
    dev=bipvl$i
    x=$((i + 10))
    ip netns add "$ns"
    ip link add link "$master" "$dev" type ipvlan mode l2
    ip link set dev "$dev" netns "$ns"
    ip -n "$ns" link set dev "$dev" up
    ip -n "$ns" link set dev lo up
    ip -n "$ns" -4 addr add "10.1.$((x / 256)).$((x % 256))/16" dev "$dev"
    ip -n "$ns" -4 route add default via 10.1.0.1 dev "$dev"
    i=$((i + 1))
done
