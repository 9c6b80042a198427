"""Print the markdown comparison table from evaluate.py result files.

Usage: python table.py results-a.json [results-b.json ...]
"""
import json
import sys

res = {}
for p in sys.argv[1:]:
    for name, r in json.load(open(p)).items():
        res.setdefault(name, {}).update(r)


def f(x):
    return f"{x:.3f}"


print("| model | skills as | house RP@5 | house RP@10 | house MRR | tech RP@5 | tech RP@10 | tech MRR |")
print("|---|---|---|---|---|---|---|---|")
for name, r in res.items():
    for v in r["extraction_house"]["variants"]:
        h = r["extraction_house"]["variants"][v]
        t = r["extraction_tech"]["variants"][v]
        print(f"| {name} | {v} | {f(h['RP@5'])} | {f(h['RP@10'])} | {f(h['MRR'])} | {f(t['RP@5'])} | {f(t['RP@10'])} | {f(t['MRR'])} |")
print()
print("| model | 5-fold choice of skill labels, held-out RP@5 house: mean (min-max) [choices] | tech |")
print("|---|---|---|")
for name, r in res.items():
    cells = []
    for s in ("house", "tech"):
        cv = r[f"extraction_{s}"].get("cv_RP@5")
        cells.append("n/a (one variant)" if not cv else
                     f"{f(cv['held_out_mean'])} ({f(cv['held_out_min'])}-{f(cv['held_out_max'])}) [{','.join(cv['chosen_per_fold'])}]")
    print(f"| {name} | {cells[0]} | {cells[1]} |")
print()
print("| model | titles | occupation as | MRR | R@1 | R@5 | R@10 | 5-fold held-out MRR: mean (min-max) [choices] |")
print("|---|---|---|---|---|---|---|---|")
for name, r in res.items():
    t = r["titles"]
    cv = t["cv_MRR"]
    for v, m in t["variants"].items():
        print(f"| {name} | {t['queries']} | {v} | {f(m['MRR'])} | {f(m['R@1'])} | {f(m['R@5'])} | {f(m['R@10'])} | "
              f"{f(cv['held_out_mean'])} ({f(cv['held_out_min'])}-{f(cv['held_out_max'])}) [{','.join(cv['chosen_per_fold'])}] |")
