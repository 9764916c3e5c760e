"""Whole-process timing helpers for compare.sh.

    python3 hf.py summary EXPORT.json
        one line per command of a hyperfine --export-json file:
        mean<TAB>stddev<TAB>min<TAB>runs<TAB>user<TAB>system<TAB>command
        (user and system: mean CPU seconds, -1 when unknown)
    python3 hf.py run EXPORT.json WARMUP RUNS CMD [CMD...]
        a stand-in for `hyperfine -N -i` when hyperfine cannot be installed:
        runs each command (split like a shell would) and writes the same
        export format.
"""

import json
import shlex
import statistics
import subprocess
import sys
import time


def summary(path):
    for r in json.load(open(path))["results"]:
        print(
            f"{r['mean']}\t{r['stddev'] or 0}\t{r['min']}\t{len(r['times'])}\t"
            f"{r.get('user', -1)}\t{r.get('system', -1)}\t{r['command']}"
        )


def run(path, warmup, runs, commands):
    results = []
    for cmd in commands:
        argv = shlex.split(cmd)
        times = []
        for i in range(warmup + runs):
            t0 = time.perf_counter()
            subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if i >= warmup:
                times.append(time.perf_counter() - t0)
        results.append(
            {
                "command": cmd,
                "mean": statistics.fmean(times),
                "stddev": statistics.stdev(times) if len(times) > 1 else 0.0,
                "min": min(times),
                "max": max(times),
                "times": times,
            }
        )
    json.dump({"results": results}, open(path, "w"))


if __name__ == "__main__":
    if sys.argv[1] == "summary":
        summary(sys.argv[2])
    else:
        run(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5:])
