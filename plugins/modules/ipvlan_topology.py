#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: ipvlan_topology
short_description: Converge whole IPvlan host/namespace topologies in one task
version_added: "0.1.0"
description:
  - Declares IPvlan ports (a master and its ipvlan/ipvtap slaves) with each
    slave's namespace, loopback, addresses and routes, and converges them in
    one task with one netlink session per namespace.
  - The states are those of Ansible's network resource modules.
  - O(config) has the shape that M(linuxnet.ipvlan.ipvlan_info) returns as
    C(ports) and O(state=gathered) returns as C(gathered), so gathered state
    can be fed back as desired state.
  - Everything is validated before the first change, with the offending entry
    named (for example C(config[0].links[1].addresses)).
  - A master can be declared as a VLAN (O(config[].vlan)) that is created when
    missing and removed again only if this collection created it; an ipvtap's
    C(/dev/tapN) can be given an owner, group and mode (O(config[].links[].tap)).
    See the guide C(docs/docsite/rst/guide_vlan_tap.rst).
  - A slave of an l2 port can take its IPv4 address from the network's DHCP server
    (O(config[].links[].dhcp)), with a client identifier of its own and a client that keeps
    the lease. See the guide C(docs/docsite/rst/guide_dhcp.rst).
author:
  - linuxnet.ipvlan maintainers (@linuxnet)
extends_documentation_fragment:
  - linuxnet.ipvlan.netlink
  - linuxnet.ipvlan.attributes
  - linuxnet.ipvlan.transaction
attributes:
  check_mode:
    description: Reports the plan in RV(commands) and changes nothing.
  diff_mode:
    description: The ports before and after; in check mode the plan.
  platform:
    description: Needs a kernel with ipvlan (and ipvtap for links of that kind).
options:
  config:
    description:
      - The ports. Required except with O(state=gathered).
      - Two entries for one master are merged; they must agree on mode and flags.
    type: list
    elements: dict
    suboptions:
      master:
        description: The master device (an Ethernet-type device, not a bridge or bond port).
        type: str
        required: true
      master_netns:
        description: Namespace of the master; omitted means the module's own.
        type: str
      mode:
        description: Port mode; applies to every slave of the master.
        type: str
        choices: [l2, l3, l3s]
        default: l3
      flags:
        description: Port flags; apply to every slave of the master.
        type: str
        choices: [bridge, private, vepa]
        default: bridge
      vlan:
        description:
          - Declares the master as a VLAN of a lower device, as Docker's ipvlan driver does for a
            parent named C(eth0.10).
          - When the master is missing it is created, in O(config[].master_netns), as VLAN
            O(config[].vlan.id) of O(config[].vlan.link), up, before its slaves. It is created
            only for a port that declares links.
          - "It is marked as the collection's by its interface alias (C(IFLA_IFALIAS), shown by
            C(ip link show)) V(linuxnet.ipvlan: VLAN master created by ipvlan_topology), set
            right after creation, before it is brought up (the kernel ignores an alias in the
            request that creates a link); if that fails the VLAN is deleted again. The mark lives
            in the kernel with the device, so every later run, from any controller, can tell; a
            VLAN made otherwise has no such alias. Changing the alias hands the device over to
            whoever changed it."
          - When the master exists it must be exactly that VLAN (kind vlan, that id, that
            protocol, on that lower device), or the task fails before any change naming the
            difference; an existing VLAN is used as it is, whoever made it.
          - O(state=deleted), O(state=replaced) and O(state=overridden) remove a VLAN master the
            collection created once the plan leaves it without slaves (with O(state=replaced) and
            O(state=overridden), that of a declared port whose O(config[].links) is empty; with
            O(state=overridden), also any undeclared one). They never remove a VLAN the collection did
            not create. O(state=merged) never removes one.
          - Returned by gathering (and M(linuxnet.ipvlan.ipvlan_info)) for a VLAN master, so
            gathered state feeds back as config.
        type: dict
        suboptions:
          link:
            description: The lower device, an Ethernet device in the master's namespace (for QinQ, an 802.1ad VLAN).
            type: str
            required: true
          id:
            description: The VLAN id, 1 to 4094.
            type: int
            required: true
          protocol:
            description: The VLAN protocol (tag type 0x8100 or 0x88a8).
            type: str
            choices: [802.1q, 802.1ad]
            default: 802.1q
      links:
        description:
          - The slaves. With O(state=deleted), an empty list means every slave of the master.
        type: list
        elements: dict
        default: []
        suboptions:
          name:
            description: Link name (at most 15 bytes). A link is identified by namespace and name.
            type: str
            required: true
          kind:
            description: ipvlan, or ipvtap for a tap character device C(/dev/tapN).
            type: str
            choices: [ipvlan, ipvtap]
            default: ipvlan
          netns:
            description: Namespace of the link, created if missing; omitted means the master's.
            type: str
          mtu:
            description: MTU; omitted means the master's and no management.
            type: int
          up:
            description:
              - Administrative state.
              - Taking a link down makes the kernel drop its IPv6 addresses (unless
                C(net.ipv6.conf.<dev>.keep_addr_on_down) is set) and every route through it.
                The op that takes it down names what goes with it, in RV(commands), check
                mode and diff. Declared IPv6 addresses are put back once it is down (the
                kernel keeps addresses added to a down link); with O(state=merged) the
                undeclared ones are lost with the link going down, as that op says.
              - V(false) with O(config[].links[].routes) is refused before any change, since the
                kernel refuses a route through a link that is down (ENETDOWN).
            type: bool
            default: true
          loopback:
            description:
              - Bring the namespace's C(lo) up with 127.0.0.1 (the kernel adds 127.0.0.1/8 and ::1).
              - Defaults to true for links in a named namespace.
            type: bool
          addresses:
            description:
              - Addresses in CIDR form; without a prefix, /32 or /128.
              - The kernel refuses one address on two slaves of a master, in any namespace
                (EADDRINUSE). An address another slave of the master holds (declared or not)
                at the moment it would be added is refused before any change, naming that
                slave.
            type: list
            elements: str
            default: []
          routes:
            description:
              - Routes through this link, identified by (table, dst, metric).
              - A namespace holds one route per identity, so two links of one namespace
                cannot declare the same one; that is refused before any change, naming both.
              - A route with the identity of the prefix route that one of the link's addresses
                brings (say dst 10.0.0.0/24 with address 10.0.0.10/24, metric 0) is that route,
                kept when it matches and replaced when it does not.
            type: list
            elements: dict
            default: []
            suboptions:
              dst:
                description: C(default) or a network in CIDR form.
                type: str
                required: true
              gateway:
                description: Next hop.
                type: str
              metric:
                description: Route metric (priority).
                type: int
              table:
                description: Routing table, a name (main, local, default) or a number.
                type: raw
                default: main
              src:
                description: Preferred source address.
                type: str
              scope:
                description: Route scope (IPv4).
                type: str
                choices: [global, site, link, host]
          ipv6:
            description:
              - The link's IPv6 settings in its namespace. Each one left out (or
                the whole option) is not managed.
              - A link that declares any is created down, configured, then
                brought up, so nothing IPv6 happens before the settings hold. A
                link moved to another namespace gets them again after the move
                (a move resets a device's IPv6 settings to the target
                namespace's defaults).
              - Read back from the kernel (the link dump's C(IFLA_AF_SPEC)), so
                a second run changes nothing; check mode and diff show the
                changes like any other.
            type: dict
            suboptions:
              enabled:
                description:
                  - V(false) sets C(net.ipv6.conf.<link>.disable_ipv6=1) in the
                    link's namespace - no link-local address, no SLAAC, no IPv6
                    at all on that device (CVE-2024-32473 was IPv6 appearing on
                    ipvlan links nobody had configured for it). V(true) sets it
                    to 0.
                  - With V(false), the link must declare no IPv6 addresses or routes.
                  - Written to the namespace's own C(/proc/sys/net/ipv6/conf/<link>/),
                    opened from inside that namespace; no program is run.
                type: bool
              accept_ra:
                description: C(net.ipv6.conf.<link>.accept_ra) (0 ignores router advertisements).
                type: int
                choices: [0, 1, 2]
              addr_gen_mode:
                description:
                  - How the kernel makes the link's IPv6 link-local (and SLAAC)
                    addresses, like C(ip link set <link> addrgenmode); set over
                    netlink (C(IFLA_INET6_ADDR_GEN_MODE)). V(none) makes none.
                  - V(stable_privacy) needs C(net.ipv6.conf.default.stable_secret)
                    (or the device's) set first; the kernel refuses it otherwise.
                type: str
                choices: [eui64, none, stable_privacy, random]
          tap:
            description:
              - For an ipvtap (O(config[].links[].kind=ipvtap)), the owner, group and mode of its
                character device C(/dev/tapN), N being the link's index in its namespace. The
                kernel makes the node owned by root with mode 0600, so a virtual machine run as
                another user cannot open it.
              - Only what is given is managed. It is applied after the link is created or moved to
                another namespace (a move can change the index, so the path, and the kernel makes
                the node anew), and whenever the node differs.
              - Before it is changed, the node is checked to be an ipvtap character device.
            type: dict
            suboptions:
              owner:
                description: User name or number on the managed node.
                type: str
              group:
                description: Group name or number on the managed node.
                type: str
              mode:
                description:
                  - Octal mode, for example V('0660') (quote it in YAML; an unquoted 0660 is read as
                    octal too).
                type: raw
              path:
                description: Ignored; the C(/dev/tapN) that gathering returns (read-only).
                type: str
          dhcp:
            description:
              - The link's IPv4 address (and default route) from the network's DHCP server, kept
                by a client that renews the lease for as long as the link is declared. Needs an
                V(l2) port (O(config[].mode)); l3 and l3s pass no broadcast, so that is refused
                before any change, with the reason; and busybox, whose C(udhcpc) is the client
                (the topology role installs it).
              - "Every slave shares its master's MAC, so each link sends a client identifier
                (DHCP option 61) of its own and asks for broadcast replies: a reply unicast to the
                shared MAC before the slave has an address would reach no slave. See the guide
                C(docs/docsite/rst/guide_dhcp.rst)."
              - The run starts the clients last, one after the other, and each waits up to
                O(config[].links[].dhcp.timeout) seconds for its first lease; RV(after) reports
                it. When no server answers in time, the run fails and is rolled back (the client
                is stopped). A client runs as a transient systemd unit joined to the link's
                namespace (C(NetworkNamespacePath=), C(Restart=always)) where systemd is PID 1,
                and otherwise under a small supervisor of its own that starts it again when it
                exits; the persisted topology (M(linuxnet.ipvlan.ipvlan_persist)) starts them at
                boot, after their links. A client whose settings change is started again; O(state=deleted),
                and O(state=replaced) and O(state=overridden) for a link that no longer declares
                it, stop the client, which releases the lease. O(state=merged) leaves the client
                of a link declared without O(config[].links[].dhcp) alone.
              - What the lease brings (its address, its default route, proto dhcp) is the
                client's - never removed as undeclared, never reported as drift - and replaced by
                the client when the lease changes; when the server goes away, the address stays
                until the lease expires. Gathering reports it under the link's C(dhcp.lease), not
                in its C(addresses). Static O(config[].links[].addresses) may be declared as
                well; they are kept beside the lease's, as on any link.
              - IPv6 is not leased; in l2, SLAAC already gives slaves addresses unless
                O(config[].links[].ipv6.enabled=false).
            type: dict
            suboptions:
              client_id:
                description:
                  - The client identifier (option 61). Colon-separated hex bytes (V(ff:00:01:02))
                    are sent as they are, the first byte being the type; any other text is sent as
                    type 0 followed by the text.
                  - Default, stable across runs and reboots, distinct for every link of a host and
                    between hosts - type 0 and the text C(linuxnet-ipvlan/MAC/NETNS/NAME), MAC
                    being the master's without colons, NETNS the link's namespace (C(-) for the
                    module's own) and NAME the link's name.
                  - Two links of one master with one identifier are refused before any change
                    (the server would give both one lease), and so is one a running client of the
                    master's other slaves sends.
                type: str
              hostname:
                description: The host name to send (option 12); none by default.
                type: str
              default_route:
                description: Install the default route through the lease's router.
                type: bool
                default: true
              timeout:
                description: Seconds the run waits for the first lease, 5 to 600.
                type: int
                default: 30
              running:
                description: Ignored; returned by gathering (whether the client runs).
                type: bool
              lease:
                description:
                  - Ignored; returned by gathering - the lease the client holds (C(address) in
                    CIDR form, C(router), C(server), C(lease_time), and C(obtained) and
                    C(expires) in seconds since the epoch).
                type: dict
          ifindex:
            description: Ignored; returned by gathering and accepted so that gathered state can be fed back.
            type: int
          mac:
            description: Ignored; see O(config[].links[].ifindex).
            type: str
      host_access:
        description:
          - Lets the host and the slaves reach each other. An ipvlan slave can
            never reach its master's own address, and the host cannot reach
            the slaves through the master, in any mode. Give the host another
            address instead, on one more slave of the same master.
          - This declares that slave, in the master's namespace, up, holding
            O(config[].host_access.addresses), with a route
            C(<slave address>/32 dev <name>) (C(/128) for IPv6) to every
            address of the port's slaves in other namespaces, of the families
            it has an address in. It follows the port's mode and flags, and
            O(state=replaced), O(state=overridden) and O(state=deleted) treat
            it like the port's other slaves.
          - The slaves reach it at its addresses through their own routes; a
            slave whose subnet contains the address, or with a default route,
            needs nothing more.
          - Its interface alias is set to C(linuxnet-ipvlan:host_access) (see
            C(ip link show)); gathering reports a slave so marked in the
            master's namespace as the port's C(host_access) rather than
            as a link, so gathered state feeds back as the same declaration.
        type: dict
        suboptions:
          name:
            description: The link's name (at most 15 bytes), in the master's namespace.
            type: str
            required: true
          addresses:
            description:
              - Host-side addresses, /32 (IPv4) or /128 (IPv6); without a prefix
                they get one. Not a slave's address, not the master's.
            type: list
            elements: str
            required: true
  state:
    description:
      - C(merged) adds and corrects what is declared and leaves the rest.
      - C(replaced) makes each declared port have exactly the declared links,
        each link exactly its declared addresses and routes (IPv6 link-local
        addresses and kernel routes excepted).
      - C(overridden) is C(replaced), and also removes every ipvlan/ipvtap link
        of the host, in every namespace, that is not declared.
      - C(deleted) removes the declared links (all of a port's when its
        O(config[].links) is empty).
      - C(gathered) returns the current state as RV(gathered), changing nothing.
      - C(rendered) returns the plan for an empty host as RV(rendered), without
        reading or changing the kernel.
    type: str
    choices: [merged, replaced, overridden, deleted, gathered, rendered]
    default: merged
notes:
  - Mode and flags belong to the master's port. A declared port's mode and
    flags are applied to the port, so undeclared slaves of that master change
    with it; RV(commands) says so.
  - C(overridden) and C(deleted) never remove a device that is not an
    ipvlan/ipvtap link, except a VLAN master this collection created (see
    O(config[].vlan)), and never remove a namespace; remove namespaces with
    M(linuxnet.ipvlan.netns).
  - Slaves in a namespace that has no name under C(/run/netns) (for example a
    container's that was never named) are not seen.
  - In l3 and l3s nothing answers ARP or neighbour solicitations for the
    slaves, so the upstream router needs routes to them via the host;
    RV(upstream_routes) lists them. Give L3 slaves a subnet of their own; a
    slave subnet that overlaps the master's subnet gets host routes in
    RV(upstream_routes) and a warning.
seealso:
  - module: linuxnet.ipvlan.ipvlan_info
  - module: linuxnet.ipvlan.ipvlan_link
  - name: Kernel IPVLAN HOWTO
    description: The topologies this module declares.
    link: https://docs.kernel.org/networking/ipvlan.html
"""

EXAMPLES = r"""
- name: The kernel HOWTO's example, in one task
  linuxnet.ipvlan.ipvlan_topology:
    config:
      - master: eth0
        mode: l2
        links:
          - name: ipvl0
            netns: ns0
            addresses: [10.0.0.10/24]
            routes: [{dst: default, gateway: 10.0.0.1}]
          - name: ipvl1
            netns: ns1
            addresses: [10.0.0.11/24]
            routes: [{dst: default, gateway: 10.0.0.1}]

- name: Show what a merge would do, without a kernel
  linuxnet.ipvlan.ipvlan_topology:
    state: rendered
    config:
      - master: eth1
        mode: l3s
        flags: private
        links:
          - {name: vm0, kind: ipvtap}

- name: Read the current topology
  linuxnet.ipvlan.ipvlan_topology:
    state: gathered
  register: current

- name: Let the host reach its slaves, and the slaves the host (host_access)
  linuxnet.ipvlan.ipvlan_topology:
    config:
      - master: eth0
        mode: l2
        host_access: {name: ipvl-host, addresses: [192.168.1.250/32]}
        links:
          - {name: ipvl0, netns: ns0, addresses: [192.168.1.10/24]}
          - {name: ipvl1, netns: ns1, addresses: [192.168.1.11/24]}

- name: An L3 port, and the routes its upstream router needs
  linuxnet.ipvlan.ipvlan_topology:
    config:
      - master: eth1
        mode: l3
        links:
          - {name: app0, netns: app0, addresses: [10.42.0.10/24], routes: [{dst: default}]}
          - {name: app1, netns: app1, addresses: [10.42.0.11/24], routes: [{dst: default}]}
  register: l3
- name: Print them, ready for the router (e.g. "ip route add 10.42.0.0/24 via 192.168.1.5")
  ansible.builtin.debug:
    msg: "{{ l3.upstream_routes | map(attribute='command') | list }}"

- name: A slave without any IPv6 (no link-local address, no SLAAC)
  linuxnet.ipvlan.ipvlan_topology:
    config:
      - master: eth0
        mode: l2
        links:
          - name: ipvl2
            netns: ns2
            addresses: [192.168.1.12/24]
            ipv6: {enabled: false}

- name: Remove every slave of eth0
  linuxnet.ipvlan.ipvlan_topology:
    state: deleted
    config:
      - master: eth0

- name: An L2 port on VLAN 10 of eth0, creating eth0.10 when it is missing
  linuxnet.ipvlan.ipvlan_topology:
    config:
      - master: eth0.10
        mode: l2
        vlan: {link: eth0, id: 10}
        links:
          - {name: ipvl0, netns: ns0, addresses: [10.10.0.10/24]}
          - {name: ipvl1, netns: ns1, addresses: [10.10.0.11/24]}

- name: Remove the slaves, and eth0.10 too if this collection created it
  linuxnet.ipvlan.ipvlan_topology:
    state: deleted
    config:
      - master: eth0.10

- name: An ipvtap that qemu, running as libvirt-qemu, can open
  linuxnet.ipvlan.ipvlan_topology:
    config:
      - master: eth1
        mode: l2
        links:
          - name: vm0tap
            kind: ipvtap
            tap: {owner: libvirt-qemu, group: kvm, mode: "0660"}
  register: vm_net
# then: qemu ... -netdev tap,id=n0,fd=3 3<>/dev/tapN, N from gathering or ipvlan_info

- name: Four slaves taking their addresses from the network's DHCP server
  linuxnet.ipvlan.ipvlan_topology:
    config:
      - master: eth0
        mode: l2
        links:
          - {name: eth0, netns: web0, dhcp: {hostname: web0}}
          - {name: eth0, netns: web1, dhcp: {hostname: web1}}
          - {name: eth0, netns: web2, dhcp: {}}
          - {name: eth0, netns: web3, dhcp: {client_id: "web3.example", default_route: false}}
  register: web
- name: Their leases
  ansible.builtin.debug:
    msg: "{{ web.after | map(attribute='links') | flatten | selectattr('dhcp') | map(attribute='dhcp.lease.address') | list }}"
"""

RETURN = r"""
before:
  description: The ports before the task, in O(config) shape (every port of the host).
  returned: with merged, replaced, overridden and deleted
  type: list
  elements: dict
after:
  description: The ports after the task.
  returned: when something changed, not in check mode
  type: list
  elements: dict
commands:
  description: The plan that ran (or would run in check mode), one line per operation.
  returned: with merged, replaced, overridden and deleted
  type: list
  elements: str
  sample: ["(host): add netns ns0", "(host): add vlan eth0.10 link eth0 id 10 protocol 802.1q up",
           "(host): add ipvlan ipvl0 link eth0.10 mode l2 bridge netns ns0 up",
           "ns0: set link lo up", "ns0: add address 10.0.0.10/24 dev ipvl0",
           "ns0: add route default via 10.0.0.1 dev ipvl0",
           "(host): add ipvtap vm0tap link eth1 mode l2 bridge up",
           "(host): set tap of vm0tap owner libvirt-qemu group kvm mode 0660",
           "(host): delete vlan eth0.20 (created by linuxnet.ipvlan, no slaves left)",
           "web0: start dhcp client on eth0 client-id 00:6c:69:6e:75:78:..."]
gathered:
  description:
    - The current ports, in O(config) shape, as M(linuxnet.ipvlan.ipvlan_info) returns them in
      C(ports).
    - A port's host access is its C(host_access) ({name, addresses}), not one of its C(links);
      a VLAN master comes with its O(config[].vlan), an ipvtap with its O(config[].links[].tap)
      (C(path), C(owner), C(group), C(mode)), a link with a DHCP client with its
      O(config[].links[].dhcp) (the settings it runs with, C(running) and C(lease)); the
      lease's address is not in its C(addresses).
  returned: with gathered
  type: list
  elements: dict
  sample:
    - master: eth0.10
      master_netns: null
      mode: l2
      flags: bridge
      vlan: {link: eth0, id: 10, protocol: 802.1q}
      links:
        - {name: vm0tap, kind: ipvtap, netns: null, ifindex: 9, up: true, mtu: 1500,
           mac: "52:54:00:12:34:56", loopback: null, addresses: [], routes: [],
           tap: {path: /dev/tap9, owner: libvirt-qemu, group: kvm, mode: "0660"}}
rendered:
  description: The plan for an empty host, one line per operation.
  returned: with rendered
  type: list
  elements: str
failed_operation:
  description: The operation that failed; null when reading back the result failed verification.
  returned: when applying the plan failed
  type: str
rolled_back:
  description: The applied operations that were undone, newest first, one line each as in RV(commands).
  returned: when applying the plan failed, with O(rollback=true)
  type: list
  elements: str
rollback_commands:
  description: The inverse operations that ran to undo them.
  returned: when applying the plan failed, with O(rollback=true)
  type: list
  elements: str
not_restored:
  description: What could not be put back, each with the reason; empty when the host is as it was before the run.
  returned: when applying the plan failed, with O(rollback=true)
  type: list
  elements: dict
  contains:
    what:
      description: The applied operation, or the object that differs from before the run.
      type: str
      returned: always
    reason:
      description: Why it was not restored.
      type: str
      returned: always
upstream_routes:
  description:
    - For every l3 and l3s port (declared ones; every port with O(state=gathered)),
      the routes the upstream router needs to reach its slaves, because in
      those modes nothing answers ARP or neighbour solicitations for them.
    - One per slave subnet, and per host-access address outside those
      subnets; a slave subnet that overlaps the master's own becomes host
      routes (/32, /128), with a warning. C(via) is the master's first address
      of the family (IPv6 link-local ones left out).
    - With merged, replaced, overridden and deleted, the port as it is after
      the task (in check mode, as it would be); with O(state=rendered), from
      the declaration alone, so C(via) is null.
  returned: with merged, replaced, overridden, deleted, gathered and rendered
  type: list
  elements: dict
  contains:
    master: {description: The port's master., type: str, sample: eth1}
    master_netns: {description: The master's namespace; null is the module's own., type: str, sample: null}
    dst: {description: Destination in CIDR form., type: str, sample: 10.42.0.0/24}
    via:
      description: The master's address (null when not known, or when the master has none of that family).
      type: str
      sample: 192.168.1.5
    command:
      description: The route as an iproute2 command for the router; C(via <address of MASTER>) where C(via) is null.
      type: str
      sample: ip route add 10.42.0.0/24 via 192.168.1.5
  sample:
    - {master: eth1, master_netns: null, dst: 10.42.0.0/24, via: 192.168.1.5,
       command: ip route add 10.42.0.0/24 via 192.168.1.5}
"""

import functools

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.entry.runner import new_module, run
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.resources import ipvlan_topology


def main():
    module = new_module(argument_spec=ipvlan_topology.ARGUMENT_SPEC,
                        required_if=ipvlan_topology.REQUIRED_IF, supports_check_mode=True)
    run(module, functools.partial(ipvlan_topology.engine, warn=module.warn))


if __name__ == "__main__":
    main()
