#!/bin/sh
# Prints the docs/accuracy.md results table: every uniform recipe with fp32 and exact accumulation,
# on the shipped sentence set, with the release build. Needs the model in $SPUSIM_MINILM_DIR or
# .cache/minilm (scripts/minilm_reference.py extracts it).
set -e
bin=${SPUSIM:-.build/release/spusim}
echo "| format (w = a = kv) | accumulation | cosine min | cosine mean | similarity Spearman | NN agreement | pair recall@1 | weight SQNR dB (min / median) | activation SQNR dB (min / median) | time s |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
row() {
    "$bin" accuracy --weights $1 --activations $1 --kv $1 $2 --json | python3 -c '
import json, statistics, sys
r = json.load(sys.stdin)
def s(d):
    v = [x for x in d.values() if x is not None]
    return "inf" if not v else f"{min(v):.1f} / {statistics.median_low(v):.1f}"
q = r["recipe"]
acc = q["accumulation"] + ("-w%d" % q["accumulator_bits"] if q["accumulator_bits"] else "")
print("| %s | %s | %.6f | %.6f | %.6f | %.3f | %.3f | %s | %s | %.2f |" % (q["weights"], acc, r["cosine_min"], r["cosine_mean"],
      r["similarity_spearman"], r["nearest_neighbour_agreement"], r["pair_recall"], s(r["weight_sqnr_db"]), s(r["activation_sqnr_db"]), r["seconds"]))'
}
for f in fp32 bf16 fp16 fp8-e4m3 fp8-e5m2 int8 pal16 pal8 lns8 mxfp8 mxfp4; do
  for acc in fp32 exact; do
    row $f "--accumulation $acc"
  done
done
# The priced registers: each fixed-point format on its default accumulator (AccumulatorSpec.default,
# what the shipped chips declare): 32 bits for 8-bit formats, 48 for 16-bit log formats.
for spec in "int8 32" "pal8 32" "lns8 32" "pal16 48"; do
  set -- $spec
  row $1 "--accumulation exact --accumulator-bits $2"
done
