#!/usr/bin/env python3
"""Generate the tiny random BERT that SPUSim's accuracy tests run (the real weights stay out of git).

Same architecture and file layout as all-MiniLM-L6-v2 (``config.json``, ``vocab.txt``,
``model.safetensors``, ``sentence_bert_config.json``, ``1_Pooling/config.json``, ``modules.json``)
at 2 layers, hidden 32, 4 heads, FFN 64, a 96-token vocabulary and 32 positions, with seeded
random weights; plus ``expected.json``: token ids and float64 numpy embeddings
(``scripts/bert_numpy.py``) of a few sentences. Run from the repository root with numpy and
safetensors installed (``.venv-minilm`` from ``scripts/minilm_reference.py`` has them)::

    .venv-minilm/bin/python scripts/make_tiny_bert.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "Tests" / "SPUSimTests" / "Data" / "tiny-bert"
sys.path.insert(0, str(REPO / "scripts"))
import bert_numpy  # noqa: E402

SENTENCES = [
    "The cat sat on the mat.",
    "A cat is sitting on a mat!",
    "Dogs run fast in the park.",
    "The dog runs quickly through the park.",
    "Café naïve résumé, ZEBRA?",
    "Matrix multiply: the cost of inference.",
]

WORDS = ["the", "a", "cat", "sat", "on", "mat", "is", "sit", "dog", "run", "fast", "in", "park", "quick",
         "through", "cafe", "naive", "matrix", "multi", "cost", "of", "in", "fer", "ence"]
PIECES = ["##s", "##ting", "##ly", "##ply", "##ence", "##e", "##sume", "##ume"]


def main() -> None:
    rng = np.random.default_rng(20240615)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab += list(".,!?:;'-")
    vocab += [chr(c) for c in range(ord("a"), ord("z") + 1)]
    vocab += ["##" + chr(c) for c in range(ord("a"), ord("z") + 1)]
    for w in WORDS + PIECES:
        if w not in vocab:
            vocab.append(w)
    hidden, heads, ffn, layers, positions = 32, 4, 64, 2, 32
    config = {"architectures": ["BertModel"], "hidden_act": "gelu", "hidden_size": hidden, "intermediate_size": ffn,
              "layer_norm_eps": 1e-12, "max_position_embeddings": positions, "model_type": "bert",
              "num_attention_heads": heads, "num_hidden_layers": layers, "pad_token_id": 0,
              "position_embedding_type": "absolute", "type_vocab_size": 2, "vocab_size": len(vocab)}
    f32 = lambda a: np.asarray(a, dtype=np.float32)
    t = {
        "embeddings.word_embeddings.weight": f32(rng.normal(0, 0.5, (len(vocab), hidden))),
        "embeddings.position_embeddings.weight": f32(rng.normal(0, 0.2, (positions, hidden))),
        "embeddings.token_type_embeddings.weight": f32(rng.normal(0, 0.1, (2, hidden))),
        "embeddings.LayerNorm.weight": f32(rng.uniform(0.6, 1.4, hidden)),
        "embeddings.LayerNorm.bias": f32(rng.normal(0, 0.05, hidden)),
    }
    for i in range(layers):
        p = f"encoder.layer.{i}."
        for name, (o, n) in {"attention.self.query": (hidden, hidden), "attention.self.key": (hidden, hidden),
                             "attention.self.value": (hidden, hidden), "attention.output.dense": (hidden, hidden),
                             "intermediate.dense": (ffn, hidden), "output.dense": (hidden, ffn)}.items():
            t[p + name + ".weight"] = f32(rng.normal(0, 1 / np.sqrt(n), (o, n)))
            t[p + name + ".bias"] = f32(rng.normal(0, 0.05, o))
        # One outlier weight per layer, as real checkpoints have.
        t[p + "output.dense.weight"][3, 7] = 4.0
        for ln in ("attention.output.LayerNorm", "output.LayerNorm"):
            t[p + ln + ".weight"] = f32(rng.uniform(0.6, 1.4, hidden))
            t[p + ln + ".bias"] = f32(rng.normal(0, 0.05, hidden))
    (OUT / "1_Pooling").mkdir(parents=True, exist_ok=True)
    save_file(t, str(OUT / "model.safetensors"), metadata={"provenance": "random tiny BERT, scripts/make_tiny_bert.py"})
    (OUT / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    (OUT / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    (OUT / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": 24, "do_lower_case": False}, indent=2) + "\n")
    (OUT / "1_Pooling" / "config.json").write_text(json.dumps({"word_embedding_dimension": hidden, "pooling_mode_cls_token": False,
                                                               "pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": False}, indent=2) + "\n")
    (OUT / "modules.json").write_text(json.dumps([{"idx": 0, "path": "", "type": "sentence_transformers.models.Transformer"},
                                                  {"idx": 1, "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
                                                  {"idx": 2, "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}], indent=2) + "\n")
    cfg, weights, vmap, max_len = bert_numpy.load_model(OUT)
    expected = []
    for s in SENTENCES:
        ids = bert_numpy.tokenize(s, vmap, max_len)
        expected.append({"sentence": s, "ids": ids, "embedding": [float(x) for x in bert_numpy.embed(cfg, weights, ids)]})
    (OUT / "expected.json").write_text(json.dumps({"note": "float64 numpy reference, scripts/make_tiny_bert.py", "sentences": expected}, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
