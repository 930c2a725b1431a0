#!/usr/bin/env python3
"""Prints a markdown table of element throughput from criterion's saved estimates.

Usage: criterion-table.py GROUP_PREFIX... (e.g. add mul fma); reads target/criterion.
Each group `OP_FORMAT/IMPL` becomes a row per (OP, FORMAT) with one column per IMPL
and the ratio of every lowprec implementation to every peer.
"""
import json
import sys
from pathlib import Path

ELEMENTS = 4096  # elements per iteration in benches/arith.rs


def main():
    root = Path("target/criterion")
    rows = {}
    impls = []
    for prefix in sys.argv[1:]:
        for group in sorted(root.glob(f"{prefix}_*")):
            for impl in sorted(p for p in group.iterdir() if (p / "new/estimates.json").exists()):
                est = json.loads((impl / "new/estimates.json").read_text())
                ns = est["median"]["point_estimate"]
                rows.setdefault(group.name, {})[impl.name] = ELEMENTS / ns * 1e3  # M elements/s
                if impl.name not in impls:
                    impls.append(impl.name)
    ours = [i for i in impls if i.startswith("lowprec")]
    peers = [i for i in impls if not i.startswith("lowprec")]
    pairs = [(o, p) for o in ours for p in peers]
    print("| op / format | " + " | ".join(f"{i} (M op/s)" for i in impls)
          + " | " + " | ".join(f"{o} / {p}" for o, p in pairs) + " |")
    print("|---" * (1 + len(impls) + len(pairs)) + "|")
    for name, vals in rows.items():
        cells = [f"{vals[i]:.1f}" if i in vals else "—" for i in impls]
        ratios = [f"{vals[o] / vals[p]:.1f}×" if o in vals and p in vals else "—" for o, p in pairs]
        print(f"| {name.replace('_', ' ')} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")

if __name__ == "__main__":
    main()
