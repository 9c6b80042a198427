"""Replace the machine-local path model2vec writes into config.json with the base model's public name."""
import json
import sys

p = sys.argv[1]
c = json.load(open(p))
c["tokenizer_name"] = "sentence-transformers/all-MiniLM-L6-v2"
c["base_model"] = sys.argv[2] if len(sys.argv) > 2 else "sentence-transformers/all-MiniLM-L6-v2"
with open(p, "w") as f:
    json.dump(c, f, indent=4)
    f.write("\n")
