#!/usr/bin/env python3
"""Validate eval/people/dev.jsonl against ESCO v1.2.

Usage: python3 eval/people/check.py [ESCO_DIR] [--file PATH] [--show]

ESCO_DIR is the folder holding skills_en.csv and occupations_en.csv; it
defaults to ../shared/data/esco-1.2 relative to the repository root.
--show prints every entry with the preferred labels of its URIs, for review.
Exits 0 when every line passes, 1 otherwise.
"""
import argparse
import csv
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
FIELDS = {
    "id": str, "lang": str, "kind": str, "text": str, "skills": list,
    "key_skills": list, "occupations": list, "tasks": int,
    "place_based": bool, "notes": str,
}


def load_labels(path):
    csv.field_size_limit(sys.maxsize)
    with open(path, encoding="utf-8", newline="") as f:
        return {r["conceptUri"]: r["preferredLabel"] for r in csv.DictReader(f)}


def check_entry(e, skills, occs):
    errs = []
    for k, t in FIELDS.items():
        if k not in e:
            errs.append(f"missing field {k}")
        elif t is int and (isinstance(e[k], bool) or not isinstance(e[k], int)):
            errs.append(f"{k} must be an integer")
        elif not isinstance(e[k], t):
            errs.append(f"{k} must be {t.__name__}")
    extra = set(e) - set(FIELDS)
    if extra:
        errs.append(f"unknown fields {sorted(extra)}")
    if errs:
        return errs
    if e["lang"] not in ("en", "nl"):
        errs.append("lang must be en or nl")
    if e["kind"] not in ("worker", "client"):
        errs.append("kind must be worker or client")
    if not e["text"].strip() or not e["notes"].strip():
        errs.append("text and notes must not be empty")
    if not 5 <= len(e["skills"]) <= 15:
        errs.append(f"skills: {len(e['skills'])}, want 5 to 15")
    if not 2 <= len(e["key_skills"]) <= 5:
        errs.append(f"key_skills: {len(e['key_skills'])}, want 2 to 5")
    if not 1 <= len(e["occupations"]) <= 4:
        errs.append(f"occupations: {len(e['occupations'])}, want 1 to 4")
    if e["tasks"] < 0:
        errs.append("tasks must be >= 0")
    for name in ("skills", "key_skills", "occupations"):
        if len(set(e[name])) != len(e[name]):
            errs.append(f"duplicate URI in {name}")
    for u in e["skills"] + e["key_skills"]:
        if u not in skills:
            errs.append(f"skill URI not in skills_en.csv: {u}")
    for u in e["occupations"]:
        if u not in occs:
            errs.append(f"occupation URI not in occupations_en.csv: {u}")
    missing = set(e["key_skills"]) - set(e["skills"])
    if missing:
        errs.append(f"key_skills not in skills: {sorted(missing)}")
    return errs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("esco_dir", nargs="?", default=str(REPO.parent / "shared" / "data" / "esco-1.2"))
    ap.add_argument("--file", default=str(HERE / "dev.jsonl"))
    ap.add_argument("--show", action="store_true")
    a = ap.parse_args()
    esco = Path(a.esco_dir)
    skills = load_labels(esco / "skills_en.csv")
    occs = load_labels(esco / "occupations_en.csv")

    bad = 0
    entries = []
    ids = set()
    with open(a.file, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                print(f"line {n}: empty line")
                bad += 1
                continue
            try:
                e = json.loads(line)
            except json.JSONDecodeError as x:
                print(f"line {n}: invalid JSON: {x}")
                bad += 1
                continue
            if not isinstance(e, dict):
                print(f"line {n}: not a JSON object")
                bad += 1
                continue
            errs = check_entry(e, skills, occs)
            if e.get("id") in ids:
                errs.append(f"duplicate id {e.get('id')}")
            ids.add(e.get("id"))
            for msg in errs:
                print(f"line {n} ({e.get('id')}): {msg}")
            bad += bool(errs)
            entries.append(e)
            if a.show and not errs:
                print(f"\n[{e['id']}] {e['lang']} {e['kind']} tasks={e['tasks']} place_based={e['place_based']}")
                print("  " + e["text"])
                for u in e["skills"]:
                    print(f"  {'*' if u in e['key_skills'] else ' '} {skills[u]}")
                for u in e["occupations"]:
                    print(f"  @ {occs[u]}")

    total = len(entries)
    nl = sum(1 for e in entries if e.get("lang") == "nl")
    if total == 0:
        print("no entries")
        bad += 1
    elif 3 * nl < total:
        print(f"only {nl} of {total} texts are Dutch; want at least a third")
        bad += 1
    counts = {}
    for e in entries:
        k = (e.get("lang"), e.get("kind"))
        counts[k] = counts.get(k, 0) + 1
    summary = ", ".join(f"{l}/{k}: {c}" for (l, k), c in sorted(counts.items(), key=str))
    print(f"{total} texts ({summary}); {nl} Dutch")
    print("FAIL" if bad else "OK")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
