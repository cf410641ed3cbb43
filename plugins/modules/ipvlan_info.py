#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: ipvlan_info
short_description: Gather the IPvlan ports of a host across network namespaces
version_added: "0.1.0"
description:
  - Reports every ipvlan port of the host, that is every master device that
    carries ipvlan or ipvtap slaves, with the port's mode and flags and each
    slave's namespace, state, addresses and routes.
  - Replaces running C(ip -d link), C(ip addr) and C(ip route) in every
    namespace and matching the slaves to their masters by hand. A slave in a
    namespace shows its master only as an index in another namespace
    (C(IFLA_LINK) with C(IFLA_LINK_NETNSID)); this module resolves that to the
    master's name and namespace.
  - The returned RV(ports) has the shape M(linuxnet.ipvlan.ipvlan_topology)
    takes as its C(config), so gathered state can be fed back as wanted state.
    The keys C(ifindex), C(mac) and C(tap.path) of a link are read-only extras.
  - Read-only; never changes anything and never creates a namespace. Talks
    netlink through pyroute2; never runs C(ip).
  - Asks each namespace for its ipvlan and ipvtap links only (link dumps the
    kernel filters by kind; where the kernel has no ipvlan driver there can be
    none, and nothing is decoded), and reads addresses and routes only where
    there are slaves. A master's namespace has its whole link list read.
author:
  - linuxnet.ipvlan maintainers (@linuxnet)
extends_documentation_fragment:
  - linuxnet.ipvlan.netlink
  - linuxnet.ipvlan.attributes.info_module
attributes:
  platform:
    description: Reads any current Linux kernel; ports exist only where the kernel has ipvlan.
options:
  netns:
    description:
      - Names of the network namespaces (under C(/run/netns)) to look in. An
        empty string or V(null) in the list stands for the module's own
        namespace (the host's).
      - Omitted means the host's namespace and every named namespace. Then an
        entry of C(/run/netns) that is not a namespace (a stale file) is
        skipped with a warning.
      - A listed namespace that does not exist is an error naming it.
      - Only slaves in the namespaces looked in are reported. Their masters
        are named even when they live in a namespace that is not listed (its
        link list is read for that).
    type: list
    elements: str
notes:
  - Namespaces without a name under C(/run/netns), such as a container's
    namespace known only through a process, are out of scope; slaves in them
    are not seen. A slave whose master lives in such a namespace cannot be
    named and is reported in RV(unresolved) instead of RV(ports), so that
    RV(ports) always names its masters and stays valid topology input.
  - The kernel does not say in which namespace an ipvtap's master lives (ipvtap
    has no C(get_link_net) hook, so its dump carries the master's index without
    C(IFLA_LINK_NETNSID), or no index when it equals the ipvtap's own, and
    C(ip -d link) shows a wrong master name for an ipvtap outside its master's
    namespace). Such a master is found as the
    device with that index and the ipvtap's MAC address, which a slave always
    shares with its master; if no single device matches, the ipvtap is
    reported in RV(unresolved).
  - If two names under C(/run/netns) refer to the same namespace, its slaves
    are reported under each name.
  - Mode and flags belong to the master's port; every slave reports the same.
  - A slave in its master's namespace with the interface alias
    C(linuxnet-ipvlan:host_access) is the port's C(host_access) (see
    M(linuxnet.ipvlan.ipvlan_topology)); its routes to the other slaves are
    implied by that and not reported.
  - Addresses exclude IPv6 link-local ones (fe80::/10). Routes are those whose
    output device is the slave, without the local table, non-unicast routes,
    multipath routes and routes the kernel makes itself (C(proto kernel) for
    connected subnets and link-local, C(proto ra)).
seealso:
  - module: linuxnet.ipvlan.ipvlan_link
  - module: linuxnet.ipvlan.ipvlan_topology
  - name: Kernel IPVLAN HOWTO
    description: The kernel's documentation of ipvlan.
    link: https://docs.kernel.org/networking/ipvlan.html
"""

EXAMPLES = r"""
- name: Gather every ipvlan port of the host
  linuxnet.ipvlan.ipvlan_info:
  register: ipvlan

- name: Show each port's master and slaves
  ansible.builtin.debug:
    msg: "{{ item.master }} ({{ item.master_netns or 'host' }}) {{ item.mode }} {{ item.flags }}:
          {{ item.links | map(attribute='name') | join(', ') }}"
  loop: "{{ ipvlan.ports }}"

- name: Only the slaves in the host and in namespace ns0
  linuxnet.ipvlan.ipvlan_info:
    netns: ["", ns0]
  register: ns0_view

- name: Feed the gathered state back as wanted state elsewhere
  linuxnet.ipvlan.ipvlan_topology:
    config: "{{ ipvlan.ports }}"
  delegate_to: standby
"""

RETURN = r"""
ports:
  description:
    - One entry per master that carries ipvlan or ipvtap slaves in the namespaces looked in.
    - Sorted by master namespace (the host first) and master name.
  returned: always
  type: list
  elements: dict
  contains:
    master: {description: Name of the master device., type: str, sample: eth0}
    master_netns: {description: Namespace of the master; null is the module's own (the host's)., type: str, sample: null}
    mode: {description: Port mode., type: str, choices: [l2, l3, l3s], sample: l2}
    flags: {description: Port flags., type: str, choices: [bridge, private, vepa], sample: bridge}
    vlan:
      description:
        - For a master that is an 802.1Q/802.1ad VLAN device, which VLAN of which lower device it is,
          in the shape of M(linuxnet.ipvlan.ipvlan_topology)'s O(linuxnet.ipvlan.ipvlan_topology#module:config[].vlan).
          Null for any other master.
        - C(link) is null when the lower device is in another namespace.
      type: dict
      sample: {link: eth0, id: 10, protocol: 802.1q}
    links:
      description: The slaves, sorted by namespace (the host first) and name.
      type: list
      elements: dict
      contains:
        name: {description: Link name., type: str, sample: ipvl0}
        kind: {description: C(ipvlan) or C(ipvtap)., type: str, sample: ipvlan}
        netns: {description: Namespace of the link; null is the host's., type: str, sample: ns0}
        ifindex: {description: Interface index in its namespace (read-only)., type: int, sample: 5}
        up: {description: Administrative state., type: bool, sample: true}
        mtu: {description: MTU., type: int, sample: 1500}
        mac: {description: "MAC address: the master's (read-only).", type: str, sample: "52:54:00:12:34:56"}
        loopback:
          description:
            - For a link in a named namespace, whether that namespace's C(lo) is up
              and has 127.0.0.1. Null for links in the host's namespace.
          type: bool
          sample: true
        addresses:
          description: Addresses in CIDR form, in the kernel's order; without IPv6 link-local ones.
          type: list
          elements: str
          sample: ["10.0.0.10/24", "2001:db8::10/64"]
        routes:
          description:
            - Routes in the link's namespace whose output device is the link (see the notes for
              which are left out).
            - Each has C(dst) (V(default) or a CIDR; an IPv6 default route without gateway is
              V(::/0)) and only those of C(gateway), C(metric), C(table), C(src), C(scope) that
              differ from what a route added with just C(dst) and C(gateway) gets. C(metric) is
              left out when it is 0 (IPv4) or 1024 (IPv6), C(table) when it is main (254),
              C(scope) when it is global with a gateway or for IPv6, link otherwise.
          type: list
          elements: dict
          sample: [{dst: default, gateway: 10.0.0.1}, {dst: 10.9.0.0/16, gateway: 10.0.0.1, metric: 7, table: 100}]
        tap:
          description:
            - The character device of an ipvtap, null for ipvlan. C(path) is C(/dev/tapN), N the
              link's index in its namespace (read-only); C(owner) and C(group) are names where the
              host has one, else numbers; C(mode) is octal text. C(owner), C(group) and C(mode) are
              null when the node is missing.
            - The shape of M(linuxnet.ipvlan.ipvlan_topology)'s O(linuxnet.ipvlan.ipvlan_topology#module:config[].links[].tap).
          type: dict
          sample: {path: /dev/tap7, owner: libvirt-qemu, group: kvm, mode: "0660"}
        ipv6:
          description:
            - The link's IPv6 settings in its namespace, as M(linuxnet.ipvlan.ipvlan_topology)'s
              C(ipv6) takes them; left out when the device has no IPv6 state (IPv6 off on the
              host).
            - C(enabled) is the inverse of C(disable_ipv6), C(accept_ra) the sysctl's value,
              C(addr_gen_mode) one of V(eui64), V(none), V(stable_privacy), V(random).
          type: dict
          returned: when the device has IPv6 state
          sample: {enabled: false, accept_ra: 1, addr_gen_mode: eui64}
        dhcp:
          description:
            - For a link whose DHCP client M(linuxnet.ipvlan.ipvlan_topology) started
              (O(linuxnet.ipvlan.ipvlan_topology#module:config[].links[].dhcp)), the settings it
              runs with (C(client_id) as hex bytes, C(hostname), C(default_route), C(timeout)),
              C(running), and C(lease) (null without one) - C(address) in CIDR form,
              C(router), C(server), C(lease_time), C(obtained) and C(expires) in seconds since
              the epoch. The lease's address is not in C(addresses), nor its default route in
              C(routes), since they are the client's.
            - Fed back as config, it declares the same client.
          type: dict
          returned: when the collection started a DHCP client for the link
          sample: {client_id: "00:77:65:62:30", hostname: web0, default_route: true, timeout: 30,
                   running: true, lease: {address: 192.168.77.24/24, router: 192.168.77.1,
                   server: 192.168.77.1, lease_time: 120, obtained: 1796541708,
                   expires: 1796541828}}
    host_access:
      description:
        - The port's host access as M(linuxnet.ipvlan.ipvlan_topology) declares it, that is a
          slave in the master's namespace whose interface alias is
          C(linuxnet-ipvlan:host_access) (the mark that module sets). It is
          reported here, not in C(links).
      type: dict
      returned: when the port has one
      contains:
        name: {description: Its link name., type: str, sample: ipvl-host}
        addresses: {description: Its addresses in CIDR form., type: list, elements: str, sample: [192.168.1.250/32]}
  sample:
    - master: eth0
      master_netns: null
      mode: l2
      flags: bridge
      vlan: null
      links:
        - {name: ipvl0, kind: ipvlan, netns: ns0, ifindex: 2, up: true, mtu: 1500, mac: "52:54:00:12:34:56",
           loopback: true, addresses: [10.0.0.10/24], routes: [{dst: default, gateway: 10.0.0.1}], tap: null,
           ipv6: {enabled: true, accept_ra: 1, addr_gen_mode: eui64}}
namespaces:
  description: The named namespaces looked in, sorted (the host's has no name and is not listed).
  returned: always
  type: list
  elements: str
  sample: [ns0, ns1]
unresolved:
  description:
    - Slaves in the namespaces looked in whose master could not be named, because the master
      lives in a namespace without a name under C(/run/netns) (or, for an ipvtap, no single
      device matches; see the notes). Each has the keys of a link in
      RV(ports) plus C(mode), C(flags), C(master_ifindex) (the master's index in its namespace)
      and C(master_link_netnsid) (the id the slave's namespace gives the master's).
  returned: always
  type: list
  elements: dict
  sample: []
"""

import functools


from ansible_collections.linuxnet.ipvlan.plugins.module_utils.entry.runner import new_module, run
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.resources import ipvlan_info


def main():
    module = new_module(argument_spec=ipvlan_info.ARGUMENT_SPEC, supports_check_mode=True)
    run(module, functools.partial(ipvlan_info.engine, warn=module.warn), read_only=True)


if __name__ == "__main__":
    main()
