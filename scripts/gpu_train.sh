#!/bin/bash
# Runs on the GPU machine (see scripts/prepare_gpu_carry.sh). Env: LRS (learning rates, run side by side),
# EPOCHS, TAGGER_EPOCHS, BUDGET (seconds per training before it is stopped; every epoch is checkpointed).
# Returns the best NLI epoch (by mean dev accuracy) and the tagger without their frozen word embeddings,
# split into 15 MB parts to fit the device's 16 MiB-per-file limit.
# One GPU call: NLI cross-encoder (two learning rates) and the PolNeAR attribution tagger, side by side.
set -u
export PYTHONUNBUFFERED=1 PYTHONPATH=$PWD TOKENIZERS_PARALLELISM=true
nvidia-smi --query-gpu=name,memory.total --format=csv | tee $OUT/gpu.txt
python3 -c "import torch, transformers; print(torch.__version__, transformers.__version__)" | tee -a $OUT/gpu.txt
mkdir -p /tmp/mix /tmp/data && xz -dc .carry/mix/train.jsonl.xz > /tmp/mix/train.jsonl && cp .carry/mix/mix.json /tmp/mix/
xz -dc .carry/polnear.tar.xz | tar -C /tmp/data -xf -
for LR in $LRS; do
  timeout $BUDGET python3 -m verify.training.nli --mix /tmp/mix --base .carry/base --dev .carry/dev \
    --out /tmp/run-$LR --lr $LR --epochs $EPOCHS --batch-size 64 --max-length 256 --device ${DEVICE:-cuda} ${NLI_ARGS:-} > /tmp/train-$LR.log 2>&1 &
done
timeout $BUDGET python3 -m verify.training.attribution_tagger --data /tmp/data/polnear --out /tmp/tagger \
  --base .carry/base --epochs $TAGGER_EPOCHS --device ${DEVICE:-cuda} ${TAGGER_ARGS:-} > /tmp/tagger.log 2>&1 &
wait
for f in /tmp/train-*.log /tmp/tagger.log; do echo "== $f"; grep -v -E "Writing|UNEXPECTED|MISSING|^\s*$" $f | tail -n 12 | cut -c1-600; done
python3 - <<'PY'
import json, glob, os
floors = ["snli", "vitaminc", "lingnli", "counterfactual_snli"]
best = None
for log in sorted(glob.glob("/tmp/run-*/log.jsonl")):
    for line in open(log):
        r = json.loads(line)
        if "dev_accuracy" not in r: continue
        score = sum(r["dev_accuracy"].get(k, 0) for k in floors) / len(floors)
        print(log, r["epoch"], round(score, 4), r["dev_accuracy"])
        if best is None or score > best[0]:
            best = (score, os.path.dirname(log) + f"/epoch-{r['epoch']}")
print("BEST", best)
open(os.environ["OUT"] + "/best.txt", "w").write(best[1] + "\n" if best else "none\n")
PY
# Word embeddings were frozen (identical to the base): leave them out, they are restored from the base.
python3 - <<'PY'
import os, shutil
from safetensors.torch import load_file, save_file
best = open(os.environ["OUT"] + "/best.txt").read().strip()
for name, src in (("nli", best), ("tagger", "/tmp/tagger")):
    if not os.path.exists(src + "/model.safetensors"): continue
    dst = f"/tmp/pack-{name}"; shutil.copytree(src, dst)
    sd = load_file(dst + "/model.safetensors")
    key = [k for k in sd if k.endswith("word_embeddings.weight")][0]
    sd.pop(key); os.remove(dst + "/model.safetensors")
    save_file(sd, dst + "/model.partial.safetensors", metadata={"format": "pt", "dropped": key})
PY
for name in nli tagger; do [ -d /tmp/pack-$name ] && tar -C /tmp/pack-$name -cf - . | split -b 15M - $OUT/$name.tar.part-; done
tar -cf $OUT/logs.tar /tmp/run-*/log.jsonl /tmp/train-*.log /tmp/tagger.log /tmp/tagger/log.jsonl 2>/dev/null
ls -la $OUT
