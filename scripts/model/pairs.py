"""Build (anchor, positive) training pairs for contrastive fine-tuning, from the taxonomies ONLY.

Sources: ESCO 1.2 (skills, skill groups, occupations, Dutch occupation labels, occupation-skill relations),
O*NET 29.3 (occupation titles, alternate titles, reported titles, tasks, DWAs, technology skills) and the
Nesta ESCO<->O*NET crosswalk. Nothing from SkillSpan, green-skill-extraction or shared/eval is read here.

Each source is capped (see CAPS) and sampled with a fixed seed, so the output is deterministic.
Usage: python pairs.py DATA_DIR OUT.tsv
"""
import csv
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

SEED = 0
# maximum number of pairs taken from each source (after de-duplication), chosen to fit a ~40-minute CPU budget
CAPS = {
    "skill_pref_alt": 16000,
    "skill_desc_pref": 9000,
    "skill_group": 3000,
    "occ_pref_alt": 9000,
    "occ_desc_label": 2500,
    "occ_nl_en": 5000,
    "occ_essential_skill": 3000,
    "onet_alt_title": 7000,
    "onet_reported_title": 5000,
    "onet_task_dwa": 3000,
    "onet_task_title": 2000,
    "onet_tech_commodity": 2000,
    "crosswalk_esco_onet": 1680,
    "crosswalk_reported_esco": 2500,
}
MAX_CHARS = 300  # descriptions and tasks are cut at a word boundary near this length


def lines(s):
    return [x.strip() for x in (s or "").split("\n") if x.strip()]


def cut(s):
    s = " ".join(s.split())
    if len(s) <= MAX_CHARS:
        return s
    return s[:MAX_CHARS].rsplit(" ", 1)[0]


def read_csv(p):
    with open(p, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def read_tsv(p):
    with open(p, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def main(data, out):
    data = Path(data)
    rng = random.Random(SEED)
    pools = defaultdict(list)
    esco = data / "esco-1.2"

    skills = read_csv(esco / "skills_en.csv")
    skill_label = {r["conceptUri"]: r["preferredLabel"].strip() for r in skills}
    for r in skills:
        pref = r["preferredLabel"].strip()
        for alt in lines(r["altLabels"]) + lines(r["hiddenLabels"]):
            if alt.lower() != pref.lower():
                pools["skill_pref_alt"].append((alt, pref))
        if r["description"].strip():
            pools["skill_desc_pref"].append((cut(r["description"]), pref))

    groups = {r["conceptUri"]: r["preferredLabel"].strip() for r in read_csv(esco / "skillGroups_en.csv")}
    for r in read_csv(esco / "broaderRelationsSkillPillar_en.csv"):
        if r["conceptUri"] in skill_label and r["broaderUri"] in groups:
            pools["skill_group"].append((skill_label[r["conceptUri"]], groups[r["broaderUri"]]))

    occs = read_csv(esco / "occupations_en.csv")
    occ_label = {r["conceptUri"]: r["preferredLabel"].strip() for r in occs}
    for r in occs:
        pref = r["preferredLabel"].strip()
        alts = [a for a in lines(r["altLabels"]) + lines(r["hiddenLabels"]) if a.lower() != pref.lower()]
        for alt in alts:
            pools["occ_pref_alt"].append((alt, pref))
        if r["description"].strip():
            pools["occ_desc_label"].append((cut(r["description"]), rng.choice([pref] + alts)))
    for r in read_csv(esco / "occupations_nl.csv"):
        en = occ_label.get(r["conceptUri"])
        if not en:
            continue
        nl = [r["preferredLabel"].strip()] + lines(r["altLabels"])
        for i, lab in enumerate(nl):
            if lab.lower() != en.lower():
                pools["occ_nl_en"].append((lab, en))
    for r in read_csv(esco / "occupationSkillRelations_en.csv"):
        if r["relationType"] == "essential" and r["occupationUri"] in occ_label and r["skillUri"] in skill_label:
            pools["occ_essential_skill"].append((occ_label[r["occupationUri"]], skill_label[r["skillUri"]]))

    onet = data / "onet-29.3"
    for r in read_tsv(onet / "Alternate Titles.txt"):
        pools["onet_alt_title"].append((r["Alternate Title"].strip(), r["Title"].strip()))
    reported = read_tsv(onet / "Sample of Reported Titles.txt")
    for r in reported:
        pools["onet_reported_title"].append((r["Reported Job Title"].strip(), r["Title"].strip()))
    task_title = {}
    for r in read_tsv(onet / "Tasks to DWAs.txt"):
        pools["onet_task_dwa"].append((cut(r["Task"]), r["DWA Title"].strip()))
    for r in read_tsv(onet / "Task Statements.txt"):
        pools["onet_task_title"].append((cut(r["Task"]), r["Title"].strip()))
    for r in read_tsv(onet / "Technology Skills.txt"):
        pools["onet_tech_commodity"].append((r["Example"].strip(), r["Commodity Title"].strip()))

    cw = read_csv(data / "nesta-career-causeways" / "ONET_ESCO_crosswalk__esco_onet_crosswalk_Nov2020.csv")
    onet_to_esco = defaultdict(set)
    for r in cw:
        esco_lab = occ_label.get(r["concept_uri"], r["esco_occupation"]).strip()
        pools["crosswalk_esco_onet"].append((esco_lab, r["onet_occupation"].strip()))
        onet_to_esco[r["onet_code"]].add(esco_lab)
    # an O*NET reported title is paired with an ESCO label only where the O*NET occupation maps to one ESCO occupation
    for r in reported:
        es = onet_to_esco.get(r["O*NET-SOC Code"], set())
        if len(es) == 1:
            pools["crosswalk_reported_esco"].append((r["Reported Job Title"].strip(), next(iter(es))))

    out_rows = []
    counts = Counter()
    for name in CAPS:
        seen = set()
        uniq = []
        for a, b in pools[name]:
            key = (a.lower(), b.lower())
            if a and b and a.lower() != b.lower() and key not in seen:
                seen.add(key)
                uniq.append((a, b))
        rng.shuffle(uniq)
        take = uniq[: CAPS[name]]
        counts[name] = (len(take), len(uniq))
        out_rows += [(name, a, b) for a, b in take]
    rng.shuffle(out_rows)
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter="\t", quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        w.writerow(["source", "anchor", "positive"])
        w.writerows(out_rows)
    for name, (n, avail) in counts.items():
        print(f"{name}\t{n}\tof {avail}")
    print(f"total\t{len(out_rows)}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
