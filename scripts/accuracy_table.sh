#!/bin/sh
# Prints the docs/accuracy.md results table: every uniform recipe with fp32 and exact accumulation,
# on the shipped sentence set, with the release build. Needs the model in $SPUSIM_MINILM_DIR or
# .cache/minilm (scripts/minilm_reference.py extracts it).
set -e
bin=${SPUSIM:-.build/release/spusim}
echo "| format (w = a = kv) | accumulation | cosine min | cosine mean | similarity Spearman | NN agreement | pair recall@1 | weight SQNR dB (min / median) | activation SQNR dB (min / median) | time s |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for f in fp32 bf16 fp16 fp8-e4m3 fp8-e5m2 int8 pal16 pal8 lns8 mxfp8 mxfp4; do
  for acc in fp32 exact; do
    "$bin" accuracy --weights $f --activations $f --kv $f --accumulation $acc --json | python3 -c '
import json, statistics, sys
r = json.load(sys.stdin)
def s(d):
    v = [x for x in d.values() if x is not None]
    return "inf" if not v else f"{min(v):.1f} / {statistics.median_low(v):.1f}"
q = r["recipe"]
print("| %s | %s | %.6f | %.6f | %.6f | %.3f | %.3f | %s | %s | %.2f |" % (q["weights"], q["accumulation"], r["cosine_min"], r["cosine_mean"],
      r["similarity_spearman"], r["nearest_neighbour_agreement"], r["pair_recall"], s(r["weight_sqnr_db"]), s(r["activation_sqnr_db"]), r["seconds"]))'
  done
done
