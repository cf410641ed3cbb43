#!/usr/bin/env bash
# `make demo`: the HOWTO topology converged by the topology role, run inside
# the kernel lab (tests/lab/run): converge, converge again (no change), show
# the gathered topology and write its picture to $LAB_OUT (tests/lab/out/ by
# default), ping from ns0 to ns1, then clean up.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
root=$PWD
venv=$root/.venv/bin
export ANSIBLE_COLLECTIONS_PATH=$root/.build
export ANSIBLE_LOCAL_TEMP=/tmp/ansible-local ANSIBLE_REMOTE_TEMP=/tmp/ansible-remote
export ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_NOCOLOR=1 ANSIBLE_STDOUT_CALLBACK=default
export ANSIBLE_CALLBACK_RESULT_FORMAT=yaml
run=(-i 'localhost,' -c local -e "ansible_python_interpreter=$venv/python" -e ipvlan_master=demo0)

step() { printf '\n=== %s\n' "$*"; }

step "a dummy Ethernet device, demo0, stands in for the HOWTO's eth0"
ip link add demo0 type dummy
ip link set demo0 up

step "converge (the role hands the whole topology to one ipvlan_topology task)"
"$venv/ansible-playbook" "${run[@]}" docs/examples/howto.yml

step "converge again: nothing to change"
"$venv/ansible-playbook" "${run[@]}" docs/examples/howto.yml | tee /tmp/demo-second-run.txt
grep -Eq 'changed=0 .*failed=0' /tmp/demo-second-run.txt

step "the gathered topology (linuxnet.ipvlan.ipvlan_info) and its picture (the topology_dot filter)"
out=${LAB_OUT:-$root/tests/lab/out}
mkdir -p "$out"
"$venv/ansible-playbook" "${run[@]}" -e "ipvlan_picture_dir=$out" docs/examples/picture.yml
if command -v dot >/dev/null; then
    dot -Tsvg "$out/localhost.dot" -o "$out/demo-topology.svg"
    picture="$out/demo-topology.svg (and its source, $out/localhost.dot)"
else
    picture="$out/localhost.dot (no Graphviz here to render it: apt-get install graphviz; dot -Tsvg)"
fi

step "ping from ns0 (10.0.0.10) to ns1 (10.0.0.11)"
ip netns exec ns0 ping -c 2 -W 2 10.0.0.11

step "clean up: the slaves (state deleted), then the namespaces"
"$venv/ansible-playbook" "${run[@]}" docs/examples/howto-cleanup.yml
ip link del demo0
ip netns list
echo "demo: done; the picture of what it built: $picture"
