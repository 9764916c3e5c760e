"""Render the comparison table from the results of compare.sh.

    python3 table.py RESULTS.jsonl MACHINE.json

Each line of RESULTS is one row: group, tool, what, seconds (or null),
status ("ok", "FAILED: …", "not installable: …", "skipped: …"), ref (the
sealtoken row the group's ratios are against), note, load (1-minute load
average when it was measured). Ratios are time / sealtoken's time in the
same group: above 1 means slower than sealtoken.
"""

import json
import sys


def fmt_time(s):
    if s is None:
        return ""
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.2f} ms"
    return f"{s * 1e6:.1f} µs"


def main():
    rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
    machine = json.load(open(sys.argv[2]))
    refs = {r["group"]: r["seconds"] for r in rows if r.get("ref") and r.get("seconds")}
    print(
        f"Machine: {machine['cpu']}, nproc {machine['nproc']}, {machine['os']}; "
        f"load average at start {machine['load_start']}, at end {machine['load_end']}; "
        f"sealtoken: {machine.get('commit', 'unknown')}."
    )
    print()
    print("| Group | Tool | Workload | Time | × sealtoken | Load | Notes |")
    print("|---|---|---|---:|---:|---:|---|")
    for r in rows:
        status = r.get("status", "ok")
        s = r.get("seconds")
        if status != "ok":
            time_cell, ratio = f"**{status}**", ""
        else:
            time_cell = fmt_time(s)
            ref = refs.get(r["group"])
            ratio = f"{s / ref:.2f}×" if ref and s is not None and r.get("ratio", True) else ""
        print(
            f"| {r['group']} | {r['tool']} | {r['what']} | {time_cell} | {ratio} "
            f"| {r.get('load', '')} | {r.get('note', '')} |"
        )


if __name__ == "__main__":
    main()
