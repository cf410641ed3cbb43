"""tests/molecule-run --digest: what the end of a failed molecule run says
again (the part of a long output that CI keeps is its end)."""

import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

LOG = """\
TASK [Read the network with ip -j] *********************************************
ok: [lab1]
ok: [lab2]

TASK [Run contain_run.yml with ansible-playbook] *******************************
changed: [localhost]

TASK [Show what the run printed] ***********************************************
ok: [localhost] => {
    "fleet_run.stdout_lines": [
        "fatal: [lab2]: FAILED! => {\\"msg\\": \\"expected, and indented\\"}",
    ]
}

TASK [Converge] ****************************************************************
fatal: [lab1]: FAILED! => {"msg": "ignored"} ...ignoring

TASK [Check a host that failed is as it was] ***********************************
ok: [lab1]
fatal: [lab2]: FAILED! => {"assertion": "fleet_changes | length == 0", "msg": "lab2 changed"}

TASK [Check what each ping did] ************************************************
failed: [lab1] (item=fa1 -> 10.41.0.2) => {"msg": "fa1 -> 10.41.0.2: unreachable"}
CRITICAL Idempotence test failed because of the following tasks:
*  => linuxnet.ipvlan.topology : Converge the IPvlan topology
WARNING  An error occurred during the test sequence action: 'idempotence'.
"""


def test_the_digest_names_each_failed_task_and_molecule_s_complaint(tmp_path):
    log = tmp_path / "fleet.log"
    log.write_text(LOG)
    out = subprocess.run([os.path.join(ROOT, "tests", "molecule-run"), "--digest", str(log)],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[:4] == [
        "TASK [Check a host that failed is as it was] ***********************************",
        'fatal: [lab2]: FAILED! => {"assertion": "fleet_changes | length == 0", '
        '"msg": "lab2 changed"}',
        "TASK [Check what each ping did] ************************************************",
        'failed: [lab1] (item=fa1 -> 10.41.0.2) => {"msg": "fa1 -> 10.41.0.2: unreachable"}',
    ]
    assert out[4:6] == ["CRITICAL Idempotence test failed because of the following tasks:",
                        "*  => linuxnet.ipvlan.topology : Converge the IPvlan topology"]
    assert not any("indented" in line or "ignored" in line for line in out)


def test_a_clean_log_has_no_digest(tmp_path):
    log = tmp_path / "default.log"
    log.write_text("TASK [x] ***\nok: [lab1]\n")
    out = subprocess.run([os.path.join(ROOT, "tests", "molecule-run"), "--digest", str(log)],
                         capture_output=True, text=True, check=True).stdout
    assert out == ""
