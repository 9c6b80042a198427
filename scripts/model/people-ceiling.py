"""How far reading by meaning alone gets on the people's-words development set, and with the right occupation
given: the ceiling of the current encoder (BENCHMARKS.md, "Understanding people's words: the encoder's ceiling").

Run with the model venv (scripts/model/build.sh makes it) and the float fine-tuned model:
    ~/.cache/guild/model-venv/bin/python scripts/model/people-ceiling.py [MODEL_DIR]
Reads eval/people/dev.jsonl (Guild's own development texts) and ESCO from ../shared/data; caches the label
embeddings under /tmp/pp. Prints P@10 per language for each reading.
"""
import json, csv, re, sys, numpy as np, os
from sentence_transformers import SentenceTransformer
MODEL = sys.argv[1] if len(sys.argv) > 1 else os.path.expanduser('~/.cache/guild/model-work/minilm-esco-onet')
os.makedirs('/tmp/pp', exist_ok=True)
HERE = os.path.dirname(os.path.abspath(__file__))
m = SentenceTransformer(MODEL, device='cpu')
rows=[json.loads(l) for l in open(os.path.join(HERE, '../../eval/people/dev.jsonl'))]
sk=list(csv.DictReader(open(os.path.join(HERE, '../../../shared/data/esco-1.2/skills_en.csv'))))
uris=[s['conceptUri'] for s in sk]; labels=[s['preferredLabel'] for s in sk]
descs=[s['description'] for s in sk]
f='/tmp/pp/L.npy'
if os.path.exists(f): L=np.load(f)
else:
    L=m.encode(labels,batch_size=128,normalize_embeddings=True,show_progress_bar=False); np.save(f,L)
f='/tmp/pp/D.npy'
if os.path.exists(f): D=np.load(f)
else:
    D=m.encode([l+'. '+d for l,d in zip(labels,descs)],batch_size=64,normalize_embeddings=True,show_progress_bar=False); np.save(f,D)
def units(t):
    sents=[s.strip() for s in re.split(r'(?<=[.!?])\s+|\n',t) if s.strip()]
    cl=[]
    for s in sents:
        parts=[p.strip() for p in re.split(r'[,;()\u2013-]',s) if len(p.strip().split())>=2]
        if len(parts)>1: cl+=parts
    return sents, cl
res={}
for r in rows:
    s,c=units(r['text'])
    U=m.encode(s+c+[r['text']],normalize_embeddings=True,show_progress_bar=False)
    res[r['id']]=(U,len(s),len(c))
np.save('/tmp/pp/units.npy',res,allow_pickle=True)
def score(variant):
    out={'en':[], 'nl':[]}
    for r in rows:
        U,ns,nc=res[r['id']]
        gold=set(r['skills'])
        S=U@L.T
        if variant=='max': sc=S[:-1].max(0)
        elif variant=='max+whole': sc=S[:-1].max(0)+0.5*S[-1]
        elif variant=='maxD': sc=(U@D.T)[:-1].max(0)
        elif variant=='maxLD': sc=np.maximum(S[:-1].max(0),(U@D.T)[:-1].max(0))
        elif variant=='sentonly': sc=S[:ns].max(0)
        top=np.argsort(-sc)[:10]
        out[r['lang']].append(sum(uris[i] in gold for i in top)/10)
    return {k:round(float(np.mean(v)),3) for k,v in out.items()}
for v in ['max','max+whole','maxD','maxLD','sentonly']: print(v, score(v))

import collections
occsk=collections.defaultdict(dict)
for x in csv.DictReader(open(os.path.join(HERE, '../../../shared/data/esco-1.2/occupationSkillRelations_en.csv'))):
    occsk[x['occupationUri']][x['skillUri']]=1.0 if x['relationType']=='essential' else 0.5
pos={u:i for i,u in enumerate(uris)}
def oracle(w, nocc=1):
    out={'en':[], 'nl':[]}; cover=[]
    for r in rows:
        U,ns,nc=res[r['id']]; gold=set(r['skills'])
        S=U@L.T; sc=S[:-1].max(0)+0.5*S[-1]
        need=np.zeros(len(uris))
        for o in r['occupations'][:nocc]:
            for s,wt in occsk[o].items():
                if s in pos: need[pos[s]]=max(need[pos[s]],wt)
        cover.append(len([g for g in gold if need[pos.get(g,0)]>0])/len(gold))
        sc=sc+w*need
        top=np.argsort(-sc)[:10]
        out[r['lang']].append(sum(uris[i] in gold for i in top)/10)
    return {k:round(float(np.mean(v)),3) for k,v in out.items()}, round(float(np.mean(cover)),3)
for w in [0.1,0.2,0.3,0.5]:
    for n in [1,3]: print('oracle occ',w,n,oracle(w,n))
