#!/bin/bash
# Runs on the GPU machine (see scripts/prepare_gpu_carry.sh): NLI cross-encoders and PolNeAR attribution
# taggers, all side by side on the one GPU (MiniLM leaves it mostly idle; each run is bound by its own
# Python loop). Env:
#   NLI_RUNS, TAGGER_RUNS  one run per line: "NAME ARGS..." (ARGS go to verify.training.nli_trainer / .attribution_tagger)
#   BUDGET                 seconds per run before it is stopped (every NLI epoch is checkpointed)
#   DEVICE                 cuda (default), or cpu for a dry run
#   STAGE_ONLY=1           only stage what this call carries (base parts, mix) in /tmp and stop: a base
#                          too large for one call (mpnet) travels in int8 parts (verify.training.transfer)
#                          over several calls to the same warm machine, .carry/base-parts/part-K each
# Returns, without their frozen word embeddings (restored with `python -m verify.training.export`) and
# gzipped and split into 15 MB parts (the device returns at most 8 files, 16 MiB each, 64 MiB in all):
#   nli-NAME   the best epoch of each NLI run by mean dev accuracy over the four floor sets
#   tagger     the best tagger run by its dev margin over the attribution targets
# and logs.tar with every log.
set -u
export PYTHONUNBUFFERED=1 PYTHONPATH=$PWD TOKENIZERS_PARALLELISM=true OMP_NUM_THREADS=3
DEVICE=${DEVICE:-cuda}
DEV=${DEV:-.carry/dev}  # a smaller copy for a dry run
nvidia-smi --query-gpu=name,memory.total --format=csv > /tmp/gpu.txt 2>&1
python3 -c "import torch, transformers; print(torch.__version__, transformers.__version__)" >> /tmp/gpu.txt
cat /tmp/gpu.txt
mkdir -p /tmp/mix /tmp/data /tmp/base-parts
if [ -f .carry/mix/train.jsonl.xz ]; then xz -dc .carry/mix/train.jsonl.xz > /tmp/mix/train.jsonl && cp .carry/mix/mix.json /tmp/mix/; fi
if [ -d .carry/base-parts ]; then cp -r .carry/base-parts/part-* /tmp/base-parts/; fi
ls -la /tmp/mix /tmp/base-parts/*
if [ "${STAGE_ONLY:-0}" = 1 ]; then exit 0; fi
BASE=.carry/base
if ls /tmp/base-parts/part-* > /dev/null 2>&1; then
  python3 -m verify.training.transfer unpack /tmp/base-parts/part-* --out /tmp/base || exit 1
  BASE=/tmp/base
fi
if [ -n "${TAGGER_RUNS:-}" ]; then xz -dc .carry/polnear.tar.xz | tar -C /tmp/data -xf -; fi
while read -r name args; do
  [ -n "$name" ] || continue
  timeout $BUDGET python3 -m verify.training.nli_trainer --mix /tmp/mix --base $BASE --dev $DEV \
    --out /tmp/nli-$name --device $DEVICE $args > /tmp/nli-$name.log 2>&1 &
done <<< "${NLI_RUNS:-}"
while read -r name args; do
  [ -n "$name" ] || continue
  timeout $BUDGET python3 -m verify.training.attribution_tagger --data /tmp/data/polnear --base $BASE \
    --out /tmp/tagger-$name --device $DEVICE $args > /tmp/tagger-$name.log 2>&1 &
done <<< "${TAGGER_RUNS:-}"
wait
for f in /tmp/nli-*.log /tmp/tagger-*.log; do
  echo "== $f"; grep -v -E "Writing|UNEXPECTED|MISSING|^\s*$" $f | tail -n 6 | cut -c1-400
done
python3 - <<'PY' | tee /tmp/chosen.txt
import glob, json, os
from verify.training.attribution_tagger import selection_score

floors = ["snli", "vitaminc", "lingnli", "counterfactual_snli"]
for log in sorted(glob.glob("/tmp/nli-*/log.jsonl")):
    epochs = [r for r in map(json.loads, open(log)) if "dev_accuracy" in r]
    if epochs:
        best = max(epochs, key=lambda r: sum(r["dev_accuracy"].get(k, 0) for k in floors))
        name = best.get("checkpoint", f"epoch-{best['epoch']}")
        print("PACK", os.path.basename(os.path.dirname(log)), os.path.dirname(log) + "/" + name)
taggers = []
for path in glob.glob("/tmp/tagger-*/training.json"):
    taggers.append((selection_score(json.load(open(path))["result"]["dev"], "targets"), os.path.dirname(path)))
if taggers:
    print("PACK tagger", max(taggers)[1])
PY
# Word embeddings were frozen (identical to the base): leave them out. A LoRA adapter travels as it is.
grep ^PACK /tmp/chosen.txt | while read -r _ name src; do
  if [ -f "$src/adapter_config.json" ]; then cp -r "$src" "/tmp/pack-$name"; else
    python3 -c "import sys; from pathlib import Path; from verify.training.export import strip; strip(Path(sys.argv[1]), Path(sys.argv[2]))" \
      "$src" "/tmp/pack-$name"
  fi
  tar -C /tmp/pack-$name -cf - . | gzip -1 | split -b 15M - $OUT/$name.tgz.part-
done
tar -cf $OUT/logs.tar /tmp/gpu.txt /tmp/chosen.txt /tmp/*.log /tmp/nli-*/log.jsonl /tmp/tagger-*/log.jsonl \
  /tmp/tagger-*/training.json 2>/dev/null
ls -la $OUT
