"""A numpy implementation of the BERT sentence encoder SPUSim emulates (all-MiniLM-L6-v2 layout).

Shared by ``scripts/minilm_reference.py`` (the real model) and ``scripts/make_tiny_bert.py`` (the
tiny test model). Same pipeline as sentence-transformers for this model: BERT encoder (post-LN,
exact-erf GELU), mean pooling over the attention mask, L2 normalisation. Runs in float64 by default.
"""

from __future__ import annotations

import json
import math
import unicodedata
from pathlib import Path

import numpy as np


def load_model(model_dir: Path, dtype=np.float64):
    from safetensors.numpy import load_file

    config = json.loads((model_dir / "config.json").read_text())
    weights = {k: v.astype(dtype) for k, v in load_file(str(model_dir / "model.safetensors")).items() if v.dtype.kind == "f"}
    vocab = [line.rstrip("\r") for line in (model_dir / "vocab.txt").read_text(encoding="utf-8").split("\n")]
    if vocab and vocab[-1] == "":
        vocab.pop()
    max_len = config["max_position_embeddings"]
    sbert = model_dir / "sentence_bert_config.json"
    if sbert.exists():
        max_len = json.loads(sbert.read_text()).get("max_seq_length", max_len)
    return config, weights, {tok: i for i, tok in reversed(list(enumerate(vocab)))}, max_len


def _is_punct(ch: str) -> bool:
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp: int) -> bool:
    return any(a <= cp <= b for a, b in [(0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F),
                                          (0x2B740, 0x2B81F), (0x2B820, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)])


def tokenize(text: str, vocab: dict[str, int], max_len: int) -> list[int]:
    """BERT uncased BasicTokenizer + WordPiece (the same steps as SPUAccuracy.WordPieceTokenizer)."""
    out = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or (ch not in "\t\n\r" and unicodedata.category(ch) in ("Cc", "Cf")):
            continue
        if ch in " \t\n\r" or unicodedata.category(ch) == "Zs":
            out.append(" ")
        elif _is_cjk(cp):
            out += [" ", ch, " "]
        else:
            out.append(ch)
    text = unicodedata.normalize("NFD", "".join(out).lower())
    words, cur = [], ""
    for ch in text:
        if unicodedata.category(ch) == "Mn":
            continue
        if ch in " \t\n\r" or unicodedata.category(ch) == "Zs":
            if cur:
                words.append(cur)
            cur = ""
        elif _is_punct(ch):
            if cur:
                words.append(cur)
            words.append(ch)
            cur = ""
        else:
            cur += ch
    if cur:
        words.append(cur)
    ids = [vocab["[CLS]"]]
    for w in words:
        if len(w) > 100:
            ids.append(vocab["[UNK]"])
            continue
        start, pieces = 0, []
        while start < len(w):
            end, found = len(w), None
            while start < end:
                piece = ("##" if start > 0 else "") + w[start:end]
                if piece in vocab:
                    found = vocab[piece]
                    break
                end -= 1
            if found is None:
                pieces = [vocab["[UNK]"]]
                break
            pieces.append(found)
            start = end
        ids += pieces
    return ids[: max_len - 1] + [vocab["[SEP]"]]


def _layer_norm(x, g, b, eps):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * g + b


_erf = np.vectorize(math.erf)


def embed(config: dict, w: dict, ids: list[int]) -> np.ndarray:
    """Sentence embedding of one (unpadded) token sequence."""
    p = "bert." if "bert.embeddings.word_embeddings.weight" in w else ""
    eps = config.get("layer_norm_eps", 1e-12)
    heads = config["num_attention_heads"]
    t = len(ids)
    x = w[p + "embeddings.word_embeddings.weight"][ids] + w[p + "embeddings.position_embeddings.weight"][:t] \
        + w[p + "embeddings.token_type_embeddings.weight"][0]
    x = _layer_norm(x, w[p + "embeddings.LayerNorm.weight"], w[p + "embeddings.LayerNorm.bias"], eps)
    h = x.shape[1]
    d = h // heads
    for i in range(config["num_hidden_layers"]):
        q_ = f"{p}encoder.layer.{i}."
        lin = lambda v, n: v @ w[q_ + n + ".weight"].T + w[q_ + n + ".bias"]
        q, k, v = lin(x, "attention.self.query"), lin(x, "attention.self.key"), lin(x, "attention.self.value")
        q, k, v = (m.reshape(t, heads, d).transpose(1, 0, 2) for m in (q, k, v))
        s = q @ k.transpose(0, 2, 1) / math.sqrt(d)
        s = np.exp(s - s.max(-1, keepdims=True))
        s = s / s.sum(-1, keepdims=True)
        ctx = (s @ v).transpose(1, 0, 2).reshape(t, h)
        x = _layer_norm(lin(ctx, "attention.output.dense") + x, w[q_ + "attention.output.LayerNorm.weight"],
                        w[q_ + "attention.output.LayerNorm.bias"], eps)
        u = lin(x, "intermediate.dense")
        u = 0.5 * u * (1 + _erf(u / math.sqrt(2)))
        x = _layer_norm(lin(u, "output.dense") + x, w[q_ + "output.LayerNorm.weight"], w[q_ + "output.LayerNorm.bias"], eps)
    pooled = x.mean(0)
    return pooled / max(np.linalg.norm(pooled), 1e-12)
