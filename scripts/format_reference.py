#!/usr/bin/env python3
"""Generate bit-exact number-format reference data for SPUSim tests.

Writes one JSON file per format into ``Tests/SPUSimTests/Data/formats/``
(``<format>.json``), the MX block-quantization vectors ``mx-blocks.json`` and a
provenance ``README.md`` in the same folder.  Everything is deterministic: the
encode inputs come from the splitmix64 generator below, which the Swift tests
re-implement to regenerate exactly the same doubles.

Reference implementations
  * ml_dtypes  : fp8-e4m3, fp8-e5m2, fp8-e4m3fnuz, fp8-e5m2fnuz, bf16, fp6-e3m2,
                 fp6-e2m3, fp4-e2m1, e8m0 (numpy for fp16).
  * softposit  : posit8-es0 (posit8), posit16-es1 (posit16),
                 posit8-es2 / posit16-es2 (posit_2 with x=8 / x=16).
  * lns16f8, lns8f3 : no library; Python implementation of
                 stillwater-sc/universal ``lns<N,F>`` (number-formats.md §1.4 A).
  * mx-blocks  : no microxcaling package on PyPI; Python re-implementation of
                 microsoft/microxcaling ``_quantize_mx`` (round='nearest').

IMPORTANT finding (checked at run time, see ``check_double_rounding``):
ml_dtypes' numpy casts float64 -> custom float go through float32
(``static_cast<To>(static_cast<float>(f))`` in custom_float.h), i.e. they
DOUBLE ROUND.  The stored codes are therefore the *direct* float64 -> format
round-to-nearest-even results, obtained from ml_dtypes as
``round_to_odd_float32(x).astype(dtype)`` (round-to-odd to float32 followed by
one RNE rounding is exactly a single direct rounding because float32 keeps at
least 2 more bits than every target format) and cross-checked against (a) the
ml_dtypes *scalar* constructor ``dtype(python_float)``, which converts directly
from double for the float8/float6/float4/e8m0 types, and (b) an exact
table-driven RNE converter in this file.  fp16 uses numpy's direct
float64 -> float16 cast.

Usage:  .venv-formats/bin/python scripts/format_reference.py [--out DIR] [--check-only]
"""

import argparse
import ctypes
import ctypes.util
import datetime
import decimal
import hashlib
import json
import math
import os
import platform
import struct
import sys
from fractions import Fraction

import numpy as np
import ml_dtypes
import softposit as sp

try:
    from importlib.metadata import version as _pkg_version
except ImportError:  # pragma: no cover
    _pkg_version = None

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(REPO, "Tests", "SPUSimTests", "Data", "formats")

SEED = 0x5350555349
N_ENCODE = 1_000_000
N_FIRST = 10_000
N_FIRST_INPUTS = 16

MX_BLOCK = 32
MX_BLOCKS = 200
MX_EXP_MIN, MX_EXP_MAX = -20, 20

CANON_NAN = 0x7FF8000000000000


def pkg_version(name):
    try:
        return _pkg_version(name) if _pkg_version else "unknown"
    except Exception:
        return "unknown"


VERSIONS = {
    "python": platform.python_version(),
    "numpy": np.__version__,
    "ml_dtypes": ml_dtypes.__version__,
    "softposit": pkg_version("softposit"),
}


# ---------------------------------------------------------------------------
# float64 helpers
# ---------------------------------------------------------------------------
def d2b(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def b2d(b):
    return struct.unpack("<d", struct.pack("<Q", b))[0]


def hex64(x):
    """float64 -> '0x%016x' of its bit pattern, NaN -> 'nan'."""
    if math.isnan(x):
        return "nan"
    return "0x%016x" % d2b(x)


def canon_bits(x):
    return CANON_NAN if math.isnan(x) else d2b(x)


def exponent_of(x):
    """floor(log2(|x|)) exactly, for finite non-zero x."""
    return math.frexp(abs(x))[1] - 1


def sha256_of_codes(codes, bits):
    width = (bits + 7) // 8
    dt = {1: "<u1", 2: "<u2", 4: "<u4"}[width]
    return hashlib.sha256(np.asarray(codes, dtype=np.uint64).astype(dt).tobytes()).hexdigest()


def sha256_of_decodes(values):
    arr = np.array([canon_bits(v) for v in values], dtype="<u8")
    return hashlib.sha256(arr.tobytes()).hexdigest()


# ---------------------------------------------------------------------------
# Deterministic input generator (splitmix64); Swift re-implements this exactly
# ---------------------------------------------------------------------------
GAMMA = 0x9E3779B97F4A7C15
MIX1 = 0xBF58476D1CE4E5B9
MIX2 = 0x94D049BB133111EB
M64 = (1 << 64) - 1


def splitmix_stream(seed, count):
    k = np.arange(1, count + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = np.uint64(seed) + k * np.uint64(GAMMA)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(MIX1)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(MIX2)
        z = z ^ (z >> np.uint64(31))
    return z


def generate_input_bits(n, seed, exponent_min, exponent_max, tie_bits):
    """Vectorised generator; returns uint64 bit patterns of the n doubles."""
    assert -1022 <= exponent_min <= exponent_max <= 1023
    assert 0 <= tie_bits <= 51
    r = splitmix_stream(seed, 2 * n)
    r1, r2 = r[0::2], r[1::2]
    kind = r1 & np.uint64(0xFF)
    sign = (r1 >> np.uint64(8)) & np.uint64(1)
    span = np.uint64(exponent_max - exponent_min + 1)
    e = exponent_min + ((r1 >> np.uint64(16)) % span).astype(np.int64)
    m = r2 >> np.uint64(12)
    sh = np.uint64(52 - tie_bits)
    m_tie = ((m >> sh) << sh) | np.uint64(1 << (51 - tie_bits))
    m = np.where(kind < 64, m_tie, m)
    sbit = sign << np.uint64(63)
    bits = sbit | ((e + 1023).astype(np.uint64) << np.uint64(52)) | m
    bits = np.where(kind == 0, sbit, bits)
    bits = np.where(kind == 1, sbit | np.uint64(0x7FF0000000000000), bits)
    bits = np.where(kind == 2, sbit | np.uint64(0x7FF8000000000000), bits)
    bits = np.where(kind == 3, sbit | np.uint64(1), bits)
    return bits.astype(np.uint64)


def generate_input_bits_slow(n, seed, exponent_min, exponent_max, tie_bits):
    """Literal transcription of the specification (used to check the fast one)."""
    state = seed
    out = []

    def nxt():
        nonlocal state
        state = (state + GAMMA) & M64
        z = state
        z = ((z ^ (z >> 30)) * MIX1) & M64
        z = ((z ^ (z >> 27)) * MIX2) & M64
        return z ^ (z >> 31)

    for _ in range(n):
        r1 = nxt()
        r2 = nxt()
        kind = r1 & 0xFF
        sign = (r1 >> 8) & 1
        if kind == 0:
            bits = sign << 63
        elif kind == 1:
            bits = (sign << 63) | 0x7FF0000000000000
        elif kind == 2:
            bits = (sign << 63) | 0x7FF8000000000000
        elif kind == 3:
            bits = (sign << 63) | 1
        else:
            e = exponent_min + ((r1 >> 16) % (exponent_max - exponent_min + 1))
            m = r2 >> 12
            if kind < 64:
                m = ((m >> (52 - tie_bits)) << (52 - tie_bits)) | (1 << (51 - tie_bits))
            bits = (sign << 63) | ((e + 1023) << 52) | m
        out.append(bits)
    return out


def inputs_digest(bits):
    return hashlib.sha256(np.asarray(bits, dtype="<u8").tobytes()).hexdigest()


# ---------------------------------------------------------------------------
# ml_dtypes formats
# ---------------------------------------------------------------------------
def round_to_odd_f32(x64):
    """float64 array -> float32 array rounded to odd (sticky in the LSB)."""
    x64 = np.asarray(x64, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        f = x64.astype(np.float32)
    fb = f.view(np.uint32).copy()
    finite = np.isfinite(x64)
    back = f.astype(np.float64)
    with np.errstate(invalid="ignore"):
        inexact = finite & (back != x64)
        too_big = inexact & (np.abs(back) > np.abs(x64))  # includes RNE overflow to inf
    fb[too_big] -= np.uint32(1)  # step magnitude toward zero (inf -> FLT_MAX)
    fb[inexact] |= np.uint32(1)
    return fb.view(np.float32)


class MLFormat:
    """Format backed by ml_dtypes (or numpy float16)."""

    def __init__(self, name, dtype, bits, mantissa_bits, mode, nan_code, inf_code,
                 overflow, neg_zero, sign_bit, beyond_max_factor=None, zero_code=None,
                 negative_code=None, below_min="round", library="ml_dtypes"):
        self.name = name
        self.dtype = np.dtype(dtype)
        self.bits = bits
        self.mantissa_bits = mantissa_bits
        self.mode = mode
        self.nan_code = nan_code        # f(sign) -> code
        self.inf_code = inf_code        # f(sign) -> code
        self.overflow = overflow        # f(sign) -> code, or "saturate"
        self.neg_zero = neg_zero        # format has -0
        self.sign_bit = sign_bit        # mask or 0
        self.zero_code = zero_code      # f(sign) for +-0.0 input (None: sign|0)
        self.negative_code = negative_code  # code for negative non-zero finite (unsigned formats)
        self.below_min = below_min
        self.library = library
        self.uint = np.uint8 if self.dtype.itemsize == 1 else np.uint16
        self.ncodes = 1 << bits
        codes = np.arange(self.ncodes, dtype=self.uint)
        self.decode_values = codes.view(self.dtype).astype(np.float64)
        vals = []
        for c in range(self.ncodes):
            if self.sign_bit and (c & self.sign_bit):
                continue
            v = float(self.decode_values[c])
            if math.isfinite(v) and v >= 0 and not (v == 0 and math.copysign(1, v) < 0):
                vals.append((v, c))
        vals.sort()
        self.pos_vals = np.array([v for v, _ in vals])
        self.pos_codes = np.array([c for _, c in vals], dtype=np.int64)
        assert np.all(np.diff(self.pos_vals) > 0)
        self.max = float(self.pos_vals[-1])
        pos = self.pos_vals[self.pos_vals > 0]
        self.min_positive = float(pos[0])
        if beyond_max_factor is None:
            self.beyond_max = self.max + (self.max - float(self.pos_vals[-2]))
        else:
            self.beyond_max = self.max * beyond_max_factor

    # -- decode -------------------------------------------------------------
    def decode_all(self):
        return [float(v) for v in self.decode_values]

    # -- encode -------------------------------------------------------------
    def encode_reference(self, x64):
        """Direct float64 -> format RNE codes via ml_dtypes (round-to-odd trick)."""
        if self.dtype == np.float16:
            with np.errstate(over="ignore"):
                return np.asarray(x64, dtype=np.float64).astype(np.float16).view(np.uint16).astype(np.int64)
        with np.errstate(over="ignore", invalid="ignore"):
            return round_to_odd_f32(x64).astype(self.dtype).view(self.uint).astype(np.int64)

    def encode_astype_f64(self, x64):
        """Plain numpy float64 array .astype(dtype) (ml_dtypes: via float32)."""
        with np.errstate(over="ignore", invalid="ignore"):
            return np.asarray(x64, dtype=np.float64).astype(self.dtype).view(self.uint).astype(np.int64)

    def encode_scalar(self, x64):
        """ml_dtypes scalar constructor from a Python float, one value at a time."""
        t = self.dtype.type
        out = np.empty(len(x64), dtype=self.uint)
        view = out.view(self.dtype)
        for i, v in enumerate(x64.tolist()):
            view[i] = t(v)
        return out.astype(np.int64)

    def encode_exact(self, x64):
        """Independent exact RNE (ties to even code) from the decode table."""
        x = np.asarray(x64, dtype=np.float64)
        n = len(x)
        neg = np.signbit(x)
        ax = np.abs(x)
        isnan = np.isnan(x)
        isinf = np.isinf(x)
        fin = ~(isnan | isinf)
        vals, codes = self.pos_vals, self.pos_codes
        axf = np.where(fin, ax, 0.0)
        idx = np.searchsorted(vals, axf, side="right") - 1
        mag = np.zeros(n, dtype=np.int64)
        overflow = np.zeros(n, dtype=bool)
        # below the smallest table entry (only formats without zero)
        below = idx < 0
        mag[below] = codes[0]
        top = idx == len(vals) - 1
        mid_i = ~below & ~top
        i = idx[mid_i]
        lo, hi = vals[i], vals[i + 1]
        mid = (lo + hi) / 2.0  # exact: both have few significant bits
        a = axf[mid_i]
        lo_even = (codes[i] & 1) == 0
        pick_hi = (a > mid) | ((a == mid) & ~lo_even)
        mag[mid_i] = np.where(pick_hi, codes[i + 1], codes[i])
        # at or above max
        a = axf[top]
        mmid = (self.max + self.beyond_max) / 2.0
        max_even = (codes[-1] & 1) == 0
        ov = (a > mmid) | ((a == mmid) & (not max_even))
        mag[top] = codes[-1]
        overflow[np.where(top)[0][ov]] = True
        res = np.zeros(n, dtype=np.int64)
        for k in range(n):
            s = bool(neg[k])
            if isnan[k]:
                res[k] = self.nan_code(s)
            elif isinf[k]:
                res[k] = self.inf_code(s)
            elif x[k] == 0.0:
                res[k] = self.zero_code(s) if self.zero_code else ((self.sign_bit if s else 0))
            elif s and self.negative_code is not None:
                res[k] = self.negative_code
            elif overflow[k]:
                res[k] = (self.max_code(s) if self.overflow == "saturate" else self.overflow(s))
            else:
                c = int(mag[k])
                if s and self.sign_bit:
                    if c == 0 and not self.neg_zero:
                        res[k] = 0
                    else:
                        res[k] = c | self.sign_bit
                else:
                    res[k] = c
        return res

    def max_code(self, s):
        return int(self.pos_codes[-1]) | (self.sign_bit if s else 0)


class E8M0Format(MLFormat):
    """ml_dtypes float8_e8m0fnu: its rounding is not plain RNE (see mode string)."""

    def encode_exact(self, x64):
        out = np.empty(len(x64), dtype=np.int64)
        for k, v in enumerate(x64.tolist()):
            if not (v > 0.0) or math.isinf(v):  # NaN, +-0, negatives, +-inf
                out[k] = 0xFF
            elif v < 2.0 ** -126:
                out[k] = 1 if v > 2.0 ** -127 else 0
            else:
                e = exponent_of(v)
                if v >= 1.5 * 2.0 ** e:  # ties round up
                    e += 1
                out[k] = 0xFF if e > 127 else e + 127
        return out


def ml_formats():
    F = []
    F.append(MLFormat(
        "fp8-e4m3", ml_dtypes.float8_e4m3fn, 8, 3,
        "non-saturating (OCP E4M3 'fn', ml_dtypes float8_e4m3fn): |x| >= 464 "
        "(448 + half ulp; the tie at 464 rounds to 448 because 448's mantissa is even) "
        "-> NaN 0x7F/0xFF with the input's sign; +-inf -> NaN (sign kept); NaN -> 0x7F/0xFF (sign kept)",
        nan_code=lambda s: 0xFF if s else 0x7F, inf_code=lambda s: 0xFF if s else 0x7F,
        overflow=lambda s: 0xFF if s else 0x7F, neg_zero=True, sign_bit=0x80))
    F.append(MLFormat(
        "fp8-e5m2", ml_dtypes.float8_e5m2, 8, 2,
        "non-saturating, IEEE-like: |x| >= 61440 (57344 + half ulp, tie goes up since 57344's "
        "mantissa is odd) -> +-inf 0x7C/0xFC; +-inf -> +-inf; NaN -> 0x7E/0xFE (sign kept)",
        nan_code=lambda s: 0xFE if s else 0x7E, inf_code=lambda s: 0xFC if s else 0x7C,
        overflow=lambda s: 0xFC if s else 0x7C, neg_zero=True, sign_bit=0x80))
    F.append(MLFormat(
        "fp8-e4m3fnuz", ml_dtypes.float8_e4m3fnuz, 8, 3,
        "non-saturating FNUZ (bias 8, no inf, no -0, single NaN 0x80): |x| >= 248 -> NaN 0x80 "
        "(either sign); +-inf -> 0x80; NaN -> 0x80; -0.0 and negatives that round to zero -> 0x00",
        nan_code=lambda s: 0x80, inf_code=lambda s: 0x80, overflow=lambda s: 0x80,
        neg_zero=False, sign_bit=0x80, zero_code=lambda s: 0x00))
    F.append(MLFormat(
        "fp8-e5m2fnuz", ml_dtypes.float8_e5m2fnuz, 8, 2,
        "non-saturating FNUZ (bias 16, no inf, no -0, single NaN 0x80): |x| >= 61440 -> NaN 0x80; "
        "+-inf -> 0x80; NaN -> 0x80; -0.0 and negatives that round to zero -> 0x00",
        nan_code=lambda s: 0x80, inf_code=lambda s: 0x80, overflow=lambda s: 0x80,
        neg_zero=False, sign_bit=0x80, zero_code=lambda s: 0x00))
    F.append(MLFormat(
        "fp16", np.float16, 16, 10,
        "IEEE binary16 (numpy float16, direct float64 cast): |x| >= 65520 -> +-inf; NaN -> "
        "0x7E00/0xFE00 (sign kept)",
        nan_code=lambda s: 0xFE00 if s else 0x7E00, inf_code=lambda s: 0xFC00 if s else 0x7C00,
        overflow=lambda s: 0xFC00 if s else 0x7C00, neg_zero=True, sign_bit=0x8000,
        library="numpy"))
    F.append(MLFormat(
        "bf16", ml_dtypes.bfloat16, 16, 7,
        "IEEE-like bfloat16: overflow -> +-inf; NaN -> 0x7FC0/0xFFC0 (sign kept); subnormals kept",
        nan_code=lambda s: 0xFFC0 if s else 0x7FC0, inf_code=lambda s: 0xFF80 if s else 0x7F80,
        overflow=lambda s: 0xFF80 if s else 0x7F80, neg_zero=True, sign_bit=0x8000))
    F.append(MLFormat(
        "fp6-e3m2", ml_dtypes.float6_e3m2fn, 6, 2,
        "saturating (no inf/NaN): finite overflow and +-inf -> +-28 (0x1F/0x3F); NaN -> "
        "ml_dtypes quirk: +NaN -> 0x20 (-0), -NaN -> 0x00 (+0)",
        nan_code=lambda s: 0x00 if s else 0x20, inf_code=lambda s: 0x3F if s else 0x1F,
        overflow="saturate", neg_zero=True, sign_bit=0x20))
    F.append(MLFormat(
        "fp6-e2m3", ml_dtypes.float6_e2m3fn, 6, 3,
        "saturating (no inf/NaN): finite overflow and +-inf -> +-7.5 (0x1F/0x3F); NaN -> "
        "ml_dtypes quirk: +NaN -> 0x20 (-0), -NaN -> 0x00 (+0)",
        nan_code=lambda s: 0x00 if s else 0x20, inf_code=lambda s: 0x3F if s else 0x1F,
        overflow="saturate", neg_zero=True, sign_bit=0x20))
    F.append(MLFormat(
        "fp4-e2m1", ml_dtypes.float4_e2m1fn, 4, 1,
        "saturating (no inf/NaN): finite overflow and +-inf -> +-6 (0x7/0xF); NaN -> "
        "ml_dtypes quirk: +NaN -> 0x8 (-0), -NaN -> 0x0 (+0)",
        nan_code=lambda s: 0x0 if s else 0x8, inf_code=lambda s: 0xF if s else 0x7,
        overflow="saturate", neg_zero=True, sign_bit=0x8))
    F.append(E8M0Format(
        "e8m0", ml_dtypes.float8_e8m0fnu, 8, 0,
        "unsigned power of two 2^(code-127), codes 0..254, NaN 0xFF, no zero, no inf. ml_dtypes "
        "rounding: for x >= 2^-126 round to nearest power of two in the linear domain with ties "
        "(x = 1.5*2^k) always UP (not to even); x >= 1.5*2^127 -> NaN 0xFF; quirk below 2^-126: "
        "code 0 is rounded as if it were zero (subnormal path), so 2^-127 < x < 2^-126 -> 0x01 "
        "(2^-126) and 0 < x <= 2^-127 -> 0x00 (2^-127); +-0.0, negatives, +-inf, NaN -> 0xFF",
        nan_code=lambda s: 0xFF, inf_code=lambda s: 0xFF, overflow=lambda s: 0xFF,
        neg_zero=False, sign_bit=0, beyond_max_factor=2.0, zero_code=lambda s: 0xFF,
        negative_code=0xFF))
    return F


# ---------------------------------------------------------------------------
# Posits (softposit) + independent exact encoder
# ---------------------------------------------------------------------------
def posit_encode_exact(x, n, es):
    """Posit standard rounding (RNE on the encoding, never to 0 / NaR)."""
    if math.isnan(x) or math.isinf(x):
        return 1 << (n - 1)
    if x == 0:
        return 0
    neg = x < 0
    m, e = math.frexp(abs(x))
    mi = int(m * (1 << 53))
    k = e - 1
    frac = mi - (1 << 52)
    r = k >> es
    ex = k - (r << es)
    if r >= 0:
        reg, rlen = ((1 << (r + 1)) - 1) << 1, r + 2
    else:
        reg, rlen = 1, -r + 1
    bits = (((reg << es) | ex) << 52) | frac
    length = rlen + es + 52
    keep = n - 1
    if length > keep:
        sh = length - keep
        kept = bits >> sh
        rem = bits & ((1 << sh) - 1)
        half = 1 << (sh - 1)
        if rem > half or (rem == half and (kept & 1)):
            kept += 1
    else:
        kept = bits << (keep - length)
    kept = min(max(kept, 1), (1 << keep) - 1)
    if neg:
        kept = ((1 << n) - kept) & ((1 << n) - 1)
    return kept


def posit_decode_exact(c, n, es):
    if c == 0:
        return 0.0
    if c == 1 << (n - 1):
        return math.nan
    neg = bool(c >> (n - 1))
    if neg:
        c = ((1 << n) - c) & ((1 << n) - 1)
    s = format(c, "0%db" % n)[1:]
    first = s[0]
    run = len(s) - len(s.lstrip(first))
    r = run - 1 if first == "1" else -run
    rest = s[run + 1:]
    ebits = (rest[:es] + "0" * es)[:es]
    ex = int(ebits, 2) if es else 0
    fbits = rest[es:]
    f = Fraction(int(fbits, 2), 1 << len(fbits)) if fbits else Fraction(0)
    v = (1 + f) * Fraction(2) ** (r * (1 << es) + ex)
    v = float(v)
    return -v if neg else v


class PositFormat:
    def __init__(self, name, n, es, kind):
        self.name, self.n, self.es, self.kind = name, n, es, kind
        self.bits = n
        self.mantissa_bits = n - 3 - es
        if kind == "p8":
            self.enc = lambda v: sp.posit8(v).v.v
            self.dec = lambda c: sp.convertP8ToDouble(sp.posit8(bits=c).v)
            self.api = "softposit.posit8(float) / convertDoubleToP8; decode convertP8ToDouble"
        elif kind == "p16":
            self.enc = lambda v: sp.posit16(v).v.v
            self.dec = lambda c: sp.convertP16ToDouble(sp.posit16(bits=c).v)
            self.api = "softposit.posit16(float) / convertDoubleToP16; decode convertP16ToDouble"
        else:
            sh = 32 - n
            self.enc = lambda v: sp.posit_2(v, n).v.v >> sh
            self.dec = lambda c: sp.convertPX2ToDouble(sp.posit_2(bits=c, x=n).v)
            self.api = ("softposit.posit_2(float, x=%d) / convertDoubleToPX2(v, %d); decode "
                        "convertPX2ToDouble" % (n, n))
        useed_exp = (n - 2) * (1 << es)
        self.max = 2.0 ** useed_exp
        self.min_positive = 2.0 ** (-useed_exp)
        self.mode = ("posit (es=%d): saturating, never rounds to 0 or NaR: |x| > maxpos -> +-maxpos, "
                     "0 < |x| < minpos -> +-minpos; +-0.0 -> 0; NaN and +-inf -> NaR 0x%X; "
                     "RNE on the encoding bit string; negatives are two's complement"
                     % (es, 1 << (n - 1)))

    def decode_all(self):
        out = []
        nar = 1 << (self.n - 1)
        for c in range(1 << self.n):
            out.append(math.nan if c == nar else float(self.dec(c)))
        return out

    def encode_reference(self, x64):
        enc = self.enc
        return np.array([enc(v) for v in x64.tolist()], dtype=np.int64)

    def encode_exact(self, x64):
        n, es = self.n, self.es
        return np.array([posit_encode_exact(v, n, es) for v in x64.tolist()], dtype=np.int64)


# ---------------------------------------------------------------------------
# LNS <N,F> (stillwater-sc/universal lns semantics, number-formats.md §1.4 A)
# ---------------------------------------------------------------------------
decimal.getcontext().prec = 80
_LN2 = decimal.Decimal(2).ln()


class LNSFormat:
    def __init__(self, name, N, F):
        self.name, self.N, self.F = name, N, F
        self.bits = N
        self.mantissa_bits = F
        self.Lmax = (1 << (N - 2)) - 1
        self.Lmin = -self.Lmax
        self.mask = (1 << (N - 1)) - 1
        self.zero_code = 1 << (N - 2)
        self.nan_code = (1 << (N - 1)) | self.zero_code
        self.scale = float(1 << F)
        self.max = 2.0 ** (self.Lmax / self.scale)
        self.min_positive = 2.0 ** (self.Lmin / self.scale)
        self.near_ties = 0
        self.mode = ("lns<%d,%d> (universal Saturating): L = RNE(log2|x| * 2^%d) decided exactly; "
                     "L > %d (and +-inf) -> +-maxpos; L < %d (i.e. |x| <= minpos of lns<%d,%d>) -> "
                     "zero 0x%X (sign dropped); NaN -> 0x%X; +-0.0 -> zero 0x%X"
                     % (N, F, F, self.Lmax, self.Lmin, N + 1, F + 1, self.zero_code,
                        self.nan_code, self.zero_code))

    def code_of(self, neg, L):
        return ((1 << (self.N - 1)) if neg else 0) | (L & self.mask)

    def L_of(self, code):
        raw = code & self.mask
        return raw - (1 << (self.N - 1)) if raw >= (1 << (self.N - 2)) else raw

    def round_log(self, a):
        t = math.log2(a) * self.scale
        fl = math.floor(t)
        fr = t - fl
        if abs(fr - 0.5) < 1e-9:
            self.near_ties += 1
            exact = decimal.Decimal(a).ln() / _LN2 * (1 << self.F)
            half = decimal.Decimal(fl) + decimal.Decimal("0.5")
            assert exact != half, "exact log-domain tie is impossible for finite doubles"
            return fl + 1 if exact > half else fl
        return fl + 1 if fr > 0.5 else fl

    def encode_one(self, v):
        if math.isnan(v):
            return self.nan_code
        if math.isinf(v):
            return self.code_of(v < 0, self.Lmax)
        if v == 0.0:
            return self.zero_code
        L = self.round_log(abs(v))
        if L > self.Lmax:
            L = self.Lmax
        if L < self.Lmin:
            return self.zero_code
        return self.code_of(v < 0, L)

    def encode_universal_literal(self, v):
        """Transliteration of universal's convert_ieee754 (double log2, RNE of its bits)."""
        if math.isnan(v):
            return self.nan_code
        if math.isinf(v):
            return self.code_of(v < 0, self.Lmax)
        if v == 0.0:
            return self.zero_code
        maxpos = 2.0 ** (self.Lmax / self.scale)
        if v > 0 and v >= maxpos:
            return self.code_of(False, self.Lmax)
        if v < 0 and v <= -maxpos:
            return self.code_of(True, self.Lmax)
        half_minpos = 2.0 ** (-((1 << (self.N - 1)) - 1) / (2.0 * self.scale))
        minpos = 2.0 ** (self.Lmin / self.scale)
        a = abs(v)
        if a <= half_minpos:
            return self.zero_code
        if a <= minpos:
            return self.code_of(v < 0, self.Lmin)
        logv = math.log2(a)
        if logv == 0.0:
            return self.code_of(v < 0, 0)
        L = round(logv * self.scale)  # exact RNE of the double's bits
        return self.code_of(v < 0, L)

    def decode(self, code):
        if code == self.nan_code:
            return math.nan
        if code == self.zero_code:
            return 0.0
        L = self.L_of(code)
        v = 2.0 ** (L / self.scale)
        return -v if code >> (self.N - 1) else v

    def decode_all(self):
        return [self.decode(c) for c in range(1 << self.N)]

    def encode_reference(self, x64):
        return np.array([self.encode_one(v) for v in x64.tolist()], dtype=np.int64)

    def encode_exact(self, x64):
        return np.array([self.encode_universal_literal(v) for v in x64.tolist()], dtype=np.int64)


def lns_decode_checks(fmt):
    """Compare pow(2,y) with libm exp2(y) and with the correctly rounded 2^y."""
    libm = ctypes.CDLL(ctypes.util.find_library("m"))
    libm.exp2.restype = ctypes.c_double
    libm.exp2.argtypes = [ctypes.c_double]
    pow_vs_exp2, pow_vs_cr, exp2_vs_cr = [], [], []
    for L in range(fmt.Lmin, fmt.Lmax + 1):
        y = L / fmt.scale
        p = 2.0 ** y
        q = libm.exp2(y)
        cr = float((decimal.Decimal(L) / decimal.Decimal(1 << fmt.F) * _LN2).exp())
        if p != q:
            pow_vs_exp2.append(L)
        if p != cr:
            pow_vs_cr.append(L)
        if q != cr:
            exp2_vs_cr.append(L)
    return {"pow_vs_libm_exp2": pow_vs_exp2, "pow_vs_correctly_rounded": pow_vs_cr,
            "libm_exp2_vs_correctly_rounded": exp2_vs_cr}


# ---------------------------------------------------------------------------
# Per-format JSON
# ---------------------------------------------------------------------------
def exponent_range(min_positive, max_value):
    emin = max(exponent_of(min_positive) - 3, -1022)
    emax = min(exponent_of(max_value) + 2, 1023)
    return emin, emax


def check_spot_vectors(fmt, encode_one, decode_one):
    """Assert the hand vectors of number-formats.md §1.4 / §3.6 (where they apply)."""
    name = fmt.name
    vec = {
        "lns16f8": [(1.0, 0x0000, 1.0), (-1.0, 0x8000, -1.0), (2.0, 0x0100, 2.0), (0.5, 0x7F00, 0.5),
                    (3.0, 0x0196, 3.00202814), (0.1, 0x7CAE, 0.100112047),
                    (-0.1, 0xFCAE, -0.100112047), (0.0, 0x4000, 0.0), (math.nan, 0xC000, None),
                    (1e30, 0x3FFF, 1.8397e19), (1e-30, 0x4000, 0.0),
                    (math.inf, 0x3FFF, 1.8397e19), (-math.inf, 0xBFFF, -1.8397e19)],
        "lns8f3": [(1.0, 0x00, 1.0), (1.5, 0x05, 1.54221), (0.3, 0x72, 0.297302),
                   (3.0, 0x0D, 3.08442), (100.0, 0x35, 98.7015), (300.0, 0x3F, 234.753),
                   (-2.5, 0x8B, -2.59368)],
        "fp8-e4m3": [(1.0, 0x38, 1.0), (1.0625, 0x38, 1.0), (1.1875, 0x3A, 1.25),
                     (0.0146484375, 0x08, 0.015625), (2.0 ** -10, 0x00, 0.0),
                     (0.00146484375, 0x01, 2.0 ** -9), (240.0, 0x77, 240.0), (448.0, 0x7E, 448.0),
                     (464.0, 0x7E, 448.0), (465.0, 0x7F, None), (480.0, 0x7F, None),
                     (-3.3, 0xC5, -3.25)],
        "fp8-e5m2": [(1.0, 0x3C, 1.0), (1.0625, 0x3C, 1.0), (1.1875, 0x3D, 1.25),
                     (0.0146484375, 0x24, 0.015625), (2.0 ** -10, 0x14, 2.0 ** -10),
                     (0.00146484375, 0x16, 0.00146484375), (240.0, 0x5C, 256.0),
                     (448.0, 0x5F, 448.0), (464.0, 0x5F, 448.0), (465.0, 0x5F, 448.0),
                     (480.0, 0x60, 512.0), (57344.0, 0x7B, 57344.0), (61439.0, 0x7B, 57344.0),
                     (61440.0, 0x7C, math.inf), (-3.3, 0xC3, -3.5)],
        "fp8-e4m3fnuz": [(1.0, 0x40, 1.0), (1.0625, 0x40, 1.0), (1.1875, 0x42, 1.25),
                         (0.0146484375, 0x0F, 0.0146484375), (2.0 ** -10, 0x01, 2.0 ** -10),
                         (0.00146484375, 0x02, 2.0 ** -9), (240.0, 0x7F, 240.0),
                         (448.0, 0x80, None), (-3.3, 0xCD, -3.25)],
        "fp6-e2m3": [(0.0625, 0x00, 0.0), (0.1875, 0x02, 0.25), (0.25, 0x02, 0.25),
                     (0.75, 0x06, 0.75), (1.125, 0x09, 1.125), (2.5, 0x12, 2.5), (5.0, 0x1A, 5.0),
                     (7.5, 0x1F, 7.5), (30.0, 0x1F, 7.5), (-0.75, 0x26, -0.75)],
        "fp6-e3m2": [(0.0625, 0x01, 0.0625), (0.1875, 0x03, 0.1875), (0.25, 0x04, 0.25),
                     (0.75, 0x0A, 0.75), (1.125, 0x0C, 1.0), (2.5, 0x11, 2.5), (5.0, 0x15, 5.0),
                     (7.5, 0x18, 8.0), (30.0, 0x1F, 28.0), (-0.75, 0x2A, -0.75)],
        "fp4-e2m1": [(0.0625, 0x0, 0.0), (0.25, 0x0, 0.0), (0.75, 0x2, 1.0), (1.125, 0x2, 1.0),
                     (2.5, 0x4, 2.0), (5.0, 0x6, 4.0), (7.5, 0x7, 6.0), (30.0, 0x7, 6.0),
                     (-0.75, 0xA, -1.0)],
        "fp8-e5m2fnuz": [(1.0, 0x40, 1.0), (57344.0, 0x7F, 57344.0), (61439.0, 0x7F, 57344.0),
                         (61440.0, 0x80, None), (-0.0, 0x00, 0.0), (2.0 ** -17, 0x01, 2.0 ** -17),
                         (2.0 ** -18, 0x00, 0.0), (-(2.0 ** -18), 0x00, 0.0),
                         (math.inf, 0x80, None)],
        "fp16": [(1.0, 0x3C00, 1.0), (65504.0, 0x7BFF, 65504.0), (65519.0, 0x7BFF, 65504.0),
                 (65520.0, 0x7C00, math.inf), (2.0 ** -24, 0x0001, 2.0 ** -24),
                 (2.0 ** -25, 0x0000, 0.0), (1.5 * 2.0 ** -25, 0x0001, 2.0 ** -24),
                 (-0.0, 0x8000, 0.0)],
        "e8m0": [(1.0, 0x7F, 1.0), (1.5, 0x80, 2.0), (0.75, 0x7F, 1.0), (1.4999, 0x7F, 1.0),
                 (2.0 ** -127, 0x00, 2.0 ** -127), (1.25 * 2.0 ** -127, 0x01, 2.0 ** -126),
                 (2.0 ** -140, 0x00, 2.0 ** -127), (2.0 ** 127, 0xFE, 2.0 ** 127),
                 (1.5 * 2.0 ** 127, 0xFF, None), (0.0, 0xFF, None), (-1.0, 0xFF, None)],
        "posit16-es1": [(1.0, 0x4000, 1.0), (-1.0, 0xC000, -1.0), (1e30, 0x7FFF, 2.0 ** 28),
                        (1e-30, 0x0001, 2.0 ** -28), (-1e30, 0x8001, -(2.0 ** 28))],
        "posit16-es2": [(1.0, 0x4000, 1.0), (-1.0, 0xC000, -1.0), (1e30, 0x7FFF, 2.0 ** 56),
                        (1e-30, 0x0001, 2.0 ** -56), (math.nan, 0x8000, None)],
        "posit8-es0": [(1.0, 0x40, 1.0), (1.5, 0x50, 1.5), (0.3, 0x13, 0.296875), (3.0, 0x68, 3.0),
                       (100.0, 0x7F, 64.0), (1e-9, 0x01, None), (1e9, 0x7F, None),
                       (-2.5, 0x9C, -2.5)],
        "posit8-es2": [(1.0, 0x40, 1.0), (1.5, 0x44, 1.5), (0.3, 0x32, 0.3125), (3.0, 0x4C, 3.0),
                       (100.0, 0x6A, 96.0), (1e-9, 0x01, None), (1e9, 0x7F, None),
                       (-2.5, 0xB6, -2.5)],
    }.get(name, [])
    for x, code, val in vec:
        got = encode_one(x)
        assert got == code, "%s: encode(%r) = 0x%X, expected 0x%X" % (name, x, got, code)
        if val is not None:
            d = decode_one(code)
            if val == 0.0 or math.isinf(val):
                assert d == val, (name, x, d, val)
            else:
                assert abs(d - val) <= 1e-5 * abs(val), "%s: decode(0x%X) = %r, expected ~%r" % (
                    name, code, d, val)
    if name == "bf16":  # §3.6 bf16 table: fp32 bit patterns
        for f32bits, want in [(0x3F808000, 0x3F80), (0x3F818000, 0x3F82), (0x3F808001, 0x3F81),
                              (0x7F7FFFFF, 0x7F80), (0x00000001, 0x0000)]:
            x = float(np.array([f32bits], dtype=np.uint32).view(np.float32)[0])
            got = encode_one(x)
            assert got == want, ("bf16", hex(f32bits), hex(got), hex(want))
        return 5
    return len(vec)


def build_format(fmt, out_dir, log):
    name = fmt.name
    bits = fmt.bits
    log("== %s" % name)
    # ---- decode
    dec = fmt.decode_all()
    if isinstance(fmt, PositFormat):
        for c, v in enumerate(dec):
            e = posit_decode_exact(c, fmt.n, fmt.es)
            assert (math.isnan(v) and math.isnan(e)) or d2b(v) == d2b(e), (name, c, v, e)
    # ---- encode inputs
    emin, emax = exponent_range(fmt.min_positive, fmt.max)
    tie_bits = fmt.mantissa_bits
    in_bits = generate_input_bits(N_ENCODE, SEED, emin, emax, tie_bits)
    x64 = in_bits.view(np.float64)
    codes = fmt.encode_reference(x64)
    checks = {}
    # ---- cross-checks
    if isinstance(fmt, MLFormat):
        exact = fmt.encode_exact(x64)
        nbad = int(np.count_nonzero(exact != codes))
        checks["independent_exact_converter_mismatches"] = nbad
        assert nbad == 0, "%s: reference vs exact RNE disagree on %d inputs (first %s)" % (
            name, nbad, np.nonzero(exact != codes)[0][:10])
        if fmt.dtype != np.float16 and fmt.dtype != np.dtype(ml_dtypes.bfloat16):
            sc = fmt.encode_scalar(x64)
            bad = np.nonzero(sc != codes)[0]
            checks["ml_dtypes_scalar_constructor_mismatches"] = int(len(bad))
            if name == "e8m0":
                # ml_dtypes' direct double -> e8m0 scalar conversion wraps overflow from
                # |x| >= 2^128 (beyond float32) to code 0x00; the float32 path gives NaN 0xFF.
                assert np.all(np.abs(x64[bad]) >= 2.0 ** 128), (name, "scalar")
                checks["ml_dtypes_scalar_constructor_mismatch_note"] = (
                    "all at x >= 2^128, where ml_dtypes' direct double scalar conversion "
                    "returns 0x00 for some inputs (overflow wrap); stored codes give 0xFF")
                checks["ml_dtypes_scalar_constructor_mismatch_examples"] = [
                    {"index": int(i), "input": hex64(float(x64[i])), "scalar_code": int(sc[i]),
                     "stored_code": int(codes[i])} for i in bad[:5]]
            else:
                assert len(bad) == 0, (name, "scalar", len(bad))
        # tie probe: midpoint between 1.0 and its successor, nudged by +-2^-40 (far below
        # float32 resolution): a direct conversion must leave the tie, float32 can't see it
        i1 = int(np.searchsorted(fmt.pos_vals, 1.0))
        tie = (fmt.pos_vals[i1] + fmt.pos_vals[i1 + 1]) / 2.0
        probe = np.array([tie + 2.0 ** -40, tie - 2.0 ** -40])
        pr_ref, pr_ast = fmt.encode_reference(probe), fmt.encode_astype_f64(probe)
        assert pr_ref[0] == fmt.pos_codes[i1 + 1] and pr_ref[1] == fmt.pos_codes[i1], name
        checks["tie_probe"] = {
            "inputs": [hex64(v) for v in probe],
            "stored_codes": [int(c) for c in pr_ref],
            "plain_astype_from_float64_codes": [int(c) for c in pr_ast],
            "plain_astype_is_direct": bool(np.all(pr_ref == pr_ast))}
        if fmt.library != "numpy" and fmt.dtype != np.dtype(ml_dtypes.bfloat16):
            checks["tie_probe"]["scalar_constructor_codes"] = [
                int(c) for c in fmt.encode_scalar(probe)]
        ast = fmt.encode_astype_f64(x64)
        diff = np.nonzero(ast != codes)[0]
        checks["plain_astype_from_float64_mismatches"] = int(len(diff))
        checks["plain_astype_from_float64_mismatch_examples"] = [
            {"index": int(i), "input": hex64(float(x64[i])), "astype_code": int(ast[i]),
             "direct_code": int(codes[i])} for i in diff[:5]]
        enc1 = lambda v: int(fmt.encode_reference(np.array([v]))[0])
        dec1 = lambda c: float(fmt.decode_values[c])
        ref_desc = {"library": fmt.library,
                    "version": VERSIONS["numpy"] if fmt.library == "numpy" else VERSIONS["ml_dtypes"],
                    "dtype": ("numpy.float16" if fmt.library == "numpy"
                              else "ml_dtypes." + fmt.dtype.name),
                    "decode": "np.arange(2**bits).astype(uint).view(dtype).astype(float64)",
                    "encode": ("np.float64 array .astype(np.float16) (numpy converts float64 -> "
                               "float16 directly)" if fmt.library == "numpy" else
                               "round_to_odd_float32(x).astype(dtype): equals a single direct "
                               "float64 -> format RNE; plain float64 .astype(dtype) double-rounds "
                               "through float32 in ml_dtypes")}
    elif isinstance(fmt, PositFormat):
        exact = fmt.encode_exact(x64)
        diff = np.nonzero(exact != codes)[0]
        checks["exact_posit_rne_mismatches"] = int(len(diff))
        checks["exact_posit_rne_mismatch_examples"] = [
            {"index": int(i), "input": hex64(float(x64[i])), "softposit": int(codes[i]),
             "exact": int(exact[i])} for i in diff[:20]]
        enc1 = lambda v: int(fmt.enc(float(v)))
        dec1 = lambda c: dec[c]
        ref_desc = {"library": "softposit", "version": VERSIONS["softposit"],
                    "function": fmt.api, "n": fmt.n, "es": fmt.es}
    else:  # LNS
        lit = fmt.encode_exact(x64)
        diff = np.nonzero(lit != codes)[0]
        checks["near_ties_decided_exactly"] = fmt.near_ties
        checks["universal_double_log2_literal_mismatches"] = int(len(diff))
        checks["universal_double_log2_literal_mismatch_examples"] = [
            {"index": int(i), "input": hex64(float(x64[i])), "exact": int(codes[i]),
             "universal_literal": int(lit[i])} for i in diff[:20]]
        dchk = lns_decode_checks(fmt)
        checks["decode_pow_vs_libm_exp2_mismatch_L"] = dchk["pow_vs_libm_exp2"]
        checks["decode_pow_vs_correctly_rounded_mismatch_L"] = dchk["pow_vs_correctly_rounded"]
        checks["decode_libm_exp2_vs_correctly_rounded_mismatch_L"] = dchk[
            "libm_exp2_vs_correctly_rounded"]
        enc1 = fmt.encode_one
        dec1 = fmt.decode
        ref_desc = {"library": "none (Python re-implementation in scripts/format_reference.py)",
                    "semantics": "stillwater-sc/universal lns<%d,%d> Saturating, "
                                 "number-formats.md section 1.4 (A)" % (fmt.N, fmt.F),
                    "decode": "(-1)^s * (2.0 ** (L / 2**F)) in CPython (C pow); universal's own "
                              "to_ieee754 also uses std::pow(2.0, L/2^F)"}
    nspot = check_spot_vectors(fmt, enc1, dec1)
    checks["spot_vectors_asserted"] = nspot
    log("   checks: %s" % json.dumps({k: v for k, v in checks.items()
                                       if not isinstance(v, list)}))
    # ---- JSON
    doc = {
        "format": name,
        "bits": bits,
        "reference": ref_desc,
        "mode": fmt.mode,
        "max": hex64(fmt.max),
        "min_positive": hex64(fmt.min_positive),
    }
    if bits <= 8:
        doc["decode"] = [hex64(v) for v in dec]
    else:
        doc["decode_digest"] = sha256_of_decodes(dec)
        doc["decode_sample"] = [[c, hex64(dec[c])] for c in range(0, 1 << bits, 64)]
    if isinstance(fmt, LNSFormat):
        doc["decode_note"] = (
            "Decodes are CPython 2.0 ** (L / 2**F) (glibc pow). See checks.decode_* for the L "
            "values (if any) where that differs from glibc exp2 or from the correctly rounded "
            "2^(L/2^F); where a list is non-empty compare decodes with a 1-ulp tolerance.")
    doc["encode"] = {
        "n": N_ENCODE,
        "seed": SEED,
        "seed_hex": "0x%X" % SEED,
        "exponent_min": emin,
        "exponent_max": emax,
        "tie_bits": tie_bits,
        "inputs_digest": inputs_digest(in_bits),
        "first_inputs": ["0x%016x" % int(b) for b in in_bits[:N_FIRST_INPUTS]],
        "codes_digest": sha256_of_codes(codes, bits),
        "first_codes": [int(c) for c in codes[:N_FIRST]],
    }
    doc["checks"] = checks
    path = os.path.join(out_dir, name + ".json")
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    return doc


# ---------------------------------------------------------------------------
# MX blocks (microsoft/microxcaling _quantize_mx, round='nearest')
# ---------------------------------------------------------------------------
FP32_MIN_NORMAL = 2.0 ** -126

MX_FORMATS = [
    # name, element dtype (None: int8), ebits, mbits(incl. sign+implicit), emax, max_norm, tie_bits
    ("mxfp8-e4m3", ml_dtypes.float8_e4m3fn, 4, 5, 8, 448.0, 3),
    ("mxfp8-e5m2", ml_dtypes.float8_e5m2, 5, 4, 15, 57344.0, 2),
    ("mxfp6-e3m2", ml_dtypes.float6_e3m2fn, 3, 4, 4, 28.0, 2),
    ("mxfp6-e2m3", ml_dtypes.float6_e2m3fn, 2, 5, 2, 7.5, 3),
    ("mxfp4-e2m1", ml_dtypes.float4_e2m1fn, 2, 3, 2, 6.0, 1),
    ("mxint8", None, 0, 8, 0, 127.0 / 64.0, 6),
]


def mx_shared_exp(xs, emax):
    amax = max(abs(x) for x in xs)
    e = -126 if amax == 0 else exponent_of(amax)  # log2(FP32_MIN_NORMAL) for all-zero
    s = e - emax
    if s > 127:
        raise ValueError("shared exponent overflow -> NaN scale (not generated here)")
    return max(s, -127)


def mx_quantize_exact(xs, ebits, mbits, emax, max_norm):
    """Exact rational transcription of microxcaling _quantize_mx (round='nearest')."""
    s = mx_shared_exp(xs, emax)
    frac_bits = mbits - 2
    q = []
    for x in xs:
        # A / 2**shared_exp is a float64 division: exact unless it underflows (only the
        # +-5e-324 inputs here), and an element that is +-0 at this point becomes +0
        # because torch.sign(+-0) == +0.
        yf = math.ldexp(x, -s)
        if yf == 0.0:
            q.append(0.0)
            continue
        y = Fraction(yf)
        if ebits:
            min_exp = 2 - (1 << (ebits - 1))
            pe = max(exponent_of(yf), min_exp)
            step = Fraction(2) ** (pe - frac_bits)
        else:
            step = Fraction(1, 1 << frac_bits)
        n = abs(y) / step
        qi = math.floor(n + Fraction(1, 2))  # round half away from zero (on |y|)
        qv = min(qi * step, Fraction(max_norm))
        v = float(qv)
        if ebits == 0 and v == 0.0:
            q.append(0.0)  # int8 has no -0 code: dequant is decode(code) * 2^s = +0
        else:
            q.append(-v if x < 0 else v)  # negative that rounds to 0 -> -0.0 like torch
    return s, q


def mx_quantize_literal(xs, ebits, mbits, emax, max_norm):
    """Float64 numpy transliteration of microxcaling (for cross-checking only)."""
    A = np.array(xs, dtype=np.float64)
    amax = np.max(np.abs(A))
    se = np.floor(np.log2(amax + FP32_MIN_NORMAL * float(amax == 0))) - emax
    se = min(max(se, -127.0), 127.0)
    A = A / (2.0 ** se)
    if ebits:
        pe = np.floor(np.log2(np.abs(A) + (A == 0).astype(np.float64)))
        pe = np.maximum(pe, float(2 - (1 << (ebits - 1))))
        out = A / (2.0 ** pe) * (2.0 ** (mbits - 2))
    else:
        out = A * (2.0 ** (mbits - 2))
    sgn = (out > 0).astype(np.float64) - (out < 0).astype(np.float64)  # torch.sign
    out = sgn * np.floor(np.abs(out) + 0.5)
    if ebits:
        out = out / (2.0 ** (mbits - 2)) * (2.0 ** pe)
    else:
        out = out / (2.0 ** (mbits - 2))
    out = np.minimum(np.maximum(out, -max_norm), max_norm)
    return int(se), [float(v) for v in out * (2.0 ** se)]


def mx_element_code(v, dtype):
    if dtype is None:
        qi = v * 64.0
        assert qi == int(qi) and -127 <= qi <= 127
        return int(qi) & 0xFF
    arr = np.array([v], dtype=np.float64).astype(dtype)
    c = int(arr.view(np.uint8)[0])
    back = float(arr.astype(np.float64)[0])
    assert d2b(back) == d2b(v), ("element not exactly representable", v, back)
    return c


def mx_block_record(xs, spec, stats):
    name, dtype, ebits, mbits, emax, max_norm, _ = spec
    s, q = mx_quantize_exact(xs, ebits, mbits, emax, max_norm)
    s2, deq2 = mx_quantize_literal(xs, ebits, mbits, emax, max_norm)
    deq = [math.ldexp(v, s) for v in q]
    if ebits == 0:  # microxcaling's float output may be -0.0 here; MXINT8 code 0 is +0
        deq2 = [0.0 if v == 0.0 else v for v in deq2]
    if s2 != s or any(d2b(a) != d2b(b) for a, b in zip(deq, deq2)):
        stats["literal_mismatch_blocks"] += 1
    codes = [mx_element_code(v, dtype) for v in q]
    return {"inputs": [hex64(x) for x in xs], "scale_exp": s, "scale_code": s + 127,
            "codes": codes, "dequant": [hex64(v) for v in deq]}


def build_mx(out_dir, log):
    doc = {
        "description": "OCP MX v1.0 block quantization vectors (block size 32), microxcaling "
                       "semantics with round='nearest' (half away from zero), "
                       "saturate_normals=True, allow_denorm=True",
        "reference": "Python re-implementation of microsoft/microxcaling mx/mx_ops.py "
                     "_quantize_mx + mx/elemwise_ops.py _quantize_elemwise_core (no microxcaling "
                     "package on PyPI), computed exactly with fractions on float64 inputs; "
                     "cross-checked against a float64 numpy transliteration of the same code",
        "block_size": MX_BLOCK,
        "n_blocks": MX_BLOCKS,
        "seed": SEED,
        "seed_hex": "0x%X" % SEED,
        "exponent_min": MX_EXP_MIN,
        "exponent_max": MX_EXP_MAX,
        "rules": [
            "shared_exp = floor(log2(max_i |x_i|)) - emax_elem; an all-zero block uses "
            "log2(2^-126) = -126 (microxcaling adds FP32_MIN_NORMAL), so its shared_exp is "
            "-126 - emax_elem (-127 after clamping for every FP element; -126 for MXINT8)",
            "shared_exp < -127 -> -127; shared_exp > 127 -> NaN scale (E8M0 0xFF, all outputs "
            "NaN) -- never produced by these inputs",
            "scale_code = shared_exp + 127 (E8M0)",
            "y = x / 2^shared_exp; FP elements: private_exp = max(floor(log2|y|), "
            "2 - 2^(ebits-1)); q = sign(y) * floor(|y| / 2^(private_exp - m) + 1/2) * "
            "2^(private_exp - m) with m explicit mantissa bits (round half away from zero, "
            "subnormals kept); then clamp to +-max_norm (448, 57344, 28, 7.5, 6)",
            "MXINT8: q = sign(y) * floor(|y| * 64 + 1/2) / 64 clamped to +-127/64; code = "
            "two's complement int8 byte of q*64 (-128 never produced)",
            "y = x / 2^shared_exp is a float64 division (exact here except that the +-5e-324 "
            "inputs underflow to +-0 when shared_exp > 0)",
            "sign of zero: torch.sign(+-0) = +0, so an element whose y is +-0 (a +-0.0 input, or "
            "an underflowed +-5e-324) gives +0 (code 0); a negative non-zero y that rounds to zero "
            "gives -0.0 (FP code with the sign bit set; MXINT8 code 0)",
            "dequant = q * 2^shared_exp (exact in float64) = decode(code) * 2^shared_exp; for "
            "MXINT8 a negative element that rounds to 0 has code 0 and dequant +0.0 (microxcaling's "
            "float tensor output would carry -0.0 there)",
            "element codes are unsigned bit patterns: fp8 0..255, fp6 0..63, fp4 0..15, int8 "
            "byte 0..255",
            "inputs: generator of the per-format files with exponent range [-20, 20], "
            "tie_bits = element mantissa bits (6 for MXINT8), N = 32*200, +-inf/NaN replaced "
            "by +0.0; block b = inputs[32b : 32b+32]",
        ],
        "formats": {},
    }
    for spec in MX_FORMATS:
        name, dtype, ebits, mbits, emax, max_norm, tie_bits = spec
        stats = {"literal_mismatch_blocks": 0}
        bits = generate_input_bits(MX_BLOCK * MX_BLOCKS, SEED, MX_EXP_MIN, MX_EXP_MAX, tie_bits)
        xs = [float(v) for v in bits.view(np.float64)]
        xs = [0.0 if (math.isnan(v) or math.isinf(v)) else v for v in xs]
        blocks = [mx_block_record(xs[b * MX_BLOCK:(b + 1) * MX_BLOCK], spec, stats)
                  for b in range(MX_BLOCKS)]
        # edge blocks
        edge_inputs = [
            ("all +0.0", [0.0] * MX_BLOCK),
            ("all -0.0", [-0.0] * MX_BLOCK),
            ("tiny: max 1.75*2^-130 -> shared_exp clamped to -127",
             [math.ldexp(1.0 + (i % 8) / 8.0, -130 - (i % 12)) * (-1 if i % 3 == 0 else 1)
              for i in range(MX_BLOCK)]),
            ("ties/saturation around the element max",
             [math.ldexp(1.0 + i / 32.0, emax) * (-1 if i % 2 else 1) for i in range(MX_BLOCK)]),
        ]
        edges = []
        for label, ex in edge_inputs:
            rec = mx_block_record(ex, spec, stats)
            rec = {"label": label, **rec}
            edges.append(rec)
        assert stats["literal_mismatch_blocks"] == 0, (name, stats)
        log("== %s: %d blocks, scale range [%d, %d], literal-transliteration mismatches %d" % (
            name, len(blocks), min(b["scale_exp"] for b in blocks),
            max(b["scale_exp"] for b in blocks), stats["literal_mismatch_blocks"]))
        doc["formats"][name] = {
            "element": "int8" if dtype is None else np.dtype(dtype).name,
            "ebits": ebits,
            "mantissa_bits": mbits - 2,
            "emax_elem": emax,
            "max_norm": hex64(max_norm),
            "tie_bits": tie_bits,
            "inputs_digest": inputs_digest(bits),
            "blocks": blocks,
            "edge_blocks": edges,
        }
    path = os.path.join(out_dir, "mx-blocks.json")
    with open(path, "w") as f:
        # one block per line keeps the file greppable and diffable
        text = json.dumps(doc, separators=(",", ":"))
        f.write(text.replace('{"inputs"', '\n{"inputs"').replace('{"label"', '\n{"label"'))
        f.write("\n")
    return doc


# ---------------------------------------------------------------------------
# Self-check: re-read the JSON files and verify digests / internal consistency
# ---------------------------------------------------------------------------
def all_formats():
    fm = ml_formats()
    fm += [PositFormat("posit8-es0", 8, 0, "p8"), PositFormat("posit16-es1", 16, 1, "p16"),
           PositFormat("posit8-es2", 8, 2, "pX2"), PositFormat("posit16-es2", 16, 2, "pX2")]
    fm += [LNSFormat("lns16f8", 16, 8), LNSFormat("lns8f3", 8, 3)]
    return fm


def self_check(out_dir, log):
    nfiles = 0
    for fmt in all_formats():
        path = os.path.join(out_dir, fmt.name + ".json")
        with open(path) as f:
            doc = json.load(f)
        bits = doc["bits"]
        dec = fmt.decode_all()
        if bits <= 8:
            assert doc["decode"] == [hex64(v) for v in dec], fmt.name
            assert len(doc["decode"]) == 1 << bits
        else:
            assert doc["decode_digest"] == sha256_of_decodes(dec), fmt.name
            for c, h in doc["decode_sample"]:
                assert h == hex64(dec[c])
        enc = doc["encode"]
        in_bits = generate_input_bits(enc["n"], enc["seed"], enc["exponent_min"],
                                      enc["exponent_max"], enc["tie_bits"])
        assert inputs_digest(in_bits) == enc["inputs_digest"], fmt.name
        assert enc["first_inputs"] == ["0x%016x" % int(b) for b in in_bits[:N_FIRST_INPUTS]]
        slow = generate_input_bits_slow(2000, enc["seed"], enc["exponent_min"],
                                        enc["exponent_max"], enc["tie_bits"])
        assert slow == [int(b) for b in in_bits[:2000]], "fast generator != literal spec"
        codes = fmt.encode_reference(in_bits.view(np.float64))
        assert sha256_of_codes(codes, bits) == enc["codes_digest"], fmt.name
        assert enc["first_codes"] == [int(c) for c in codes[:N_FIRST]], fmt.name
        assert sha256_of_codes(enc["first_codes"], bits) == sha256_of_codes(codes[:N_FIRST], bits)
        nfiles += 1
    with open(os.path.join(out_dir, "mx-blocks.json")) as f:
        mx = json.load(f)
    for spec in MX_FORMATS:
        name, dtype, ebits, mbits, emax, max_norm, tie_bits = spec
        entry = mx["formats"][name]
        bits = generate_input_bits(MX_BLOCK * MX_BLOCKS, mx["seed"], mx["exponent_min"],
                                   mx["exponent_max"], entry["tie_bits"])
        assert inputs_digest(bits) == entry["inputs_digest"]
        xs = [float(v) for v in bits.view(np.float64)]
        xs = [0.0 if (math.isnan(v) or math.isinf(v)) else v for v in xs]
        for b, blk in enumerate(entry["blocks"] + entry["edge_blocks"]):
            ins = [b2d(int(h, 16)) for h in blk["inputs"]]
            if b < MX_BLOCKS:
                assert [d2b(v) for v in ins] == [d2b(v) for v in xs[b * 32:(b + 1) * 32]]
            s, q = mx_quantize_exact(ins, ebits, mbits, emax, max_norm)
            assert s == blk["scale_exp"] and blk["scale_code"] == s + 127
            for c, dq, qq in zip(blk["codes"], blk["dequant"], q):
                if dtype is None:
                    ev = (c - 256 if c >= 128 else c) / 64.0
                else:
                    ev = float(np.array([c], dtype=np.uint8).view(dtype).astype(np.float64)[0])
                assert d2b(ev) == d2b(qq) or (ev == 0 and qq == 0 and dtype is None)
                assert hex64(math.ldexp(ev, s)) == dq, (name, b)
    log("self-check OK: %d format files + mx-blocks.json re-read and verified" % nfiles)


# ---------------------------------------------------------------------------
# README
# ---------------------------------------------------------------------------
def write_readme(out_dir, docs, mx_doc, cmd):
    today = datetime.date.today().isoformat()
    lns_empty = all(not d["checks"][k] for d in docs if d["format"].startswith("lns")
                    for k in d["checks"] if k.startswith("decode_"))
    lns_note = ("In this run all those lists are empty: for every code of lns16f8 and lns8f3, "
                "pow, glibc exp2 and the correctly rounded 2^(L/2^F) are the same double, so "
                "the decodes can be compared bit-exactly (checked on glibc only; another libm "
                "may differ by 1 ulp)." if lns_empty else
                "In this run some lists are NON-EMPTY: compare LNS decodes with 1-ulp tolerance.")
    lines = []
    A = lines.append
    A("# Number-format reference data (bit-exact)")
    A("")
    A("Generated by `scripts/format_reference.py` on %s with:" % today)
    A("")
    A("```")
    A("python3 -m venv .venv-formats")
    A(".venv-formats/bin/pip install ml_dtypes softposit numpy")
    A(cmd)
    A("```")
    A("")
    A("Versions: python %s, numpy %s, ml_dtypes %s, softposit %s (PyPI)." % (
        VERSIONS["python"], VERSIONS["numpy"], VERSIONS["ml_dtypes"], VERSIONS["softposit"]))
    A("The script re-reads every file at the end and verifies all digests "
      "(`--check-only` runs just that).")
    A("")
    A("## Files")
    A("")
    A("| file | bits | reference | encode inputs: exponent range, tie_bits | mode |")
    A("|---|---|---|---|---|")
    for d in docs:
        ref = d["reference"]
        refs = "%s %s `%s`" % (ref.get("library"), ref.get("version", ""),
                               ref.get("dtype", ref.get("function", "")))
        if "semantics" in ref:
            refs = "Python re-implementation of " + ref["semantics"]
        e = d["encode"]
        A("| `%s.json` | %d | %s | [%d, %d], %d | %s |" % (
            d["format"], d["bits"], refs, e["exponent_min"], e["exponent_max"], e["tie_bits"],
            d["mode"].replace("|", "\\|")))
    A("| `mx-blocks.json` | - | Python re-implementation of microsoft/microxcaling "
      "`_quantize_mx` (round='nearest') | [-20, 20], element mantissa bits | see rules in file |")
    A("")
    A("## Per-format file contents")
    A("")
    A("* `format`, `bits`, `reference` (library, version, dtype/function), `mode` "
      "(saturation / special-value behaviour of the encoder), `max` (largest finite value) and "
      "`min_positive` (smallest positive value, subnormals included) as float64 bit-pattern "
      "hex strings.")
    A("* Decode, formats of <= 8 bits: `decode` = float64 bit pattern (`\"0x3ff0000000000000\"`) "
      "of every code 0 .. 2^bits-1; NaN is written `\"nan\"`; -0.0 is kept as "
      "`0x8000000000000000`.")
    A("* Decode, 16-bit formats: `decode_digest` = sha256 (hex) of the concatenation, for codes "
      "0..65535 in order, of the 8-byte little-endian float64 bit pattern (NaN canonicalised to "
      "0x7ff8000000000000, -0.0 kept as 0x8000000000000000); `decode_sample` = `[code, hex]` for "
      "every 64th code.")
    A("* Encode: `encode.n` = 1,000,000 doubles from the generator below with `seed`, "
      "`exponent_min`, `exponent_max`, `tie_bits`; `inputs_digest` = sha256 of the inputs' "
      "8-byte little-endian bit patterns and `first_inputs` = the first 16 bit patterns (to check a "
      "port of the generator); `codes_digest` = sha256 of the codes written as little-endian "
      "unsigned integers of ceil(bits/8) bytes; `first_codes` = the first 10,000 codes.")
    A("* `checks`: results of the cross-checks run while generating (see below).")
    A("")
    A("### Input generator (all arithmetic mod 2^64)")
    A("")
    A("```")
    A("next(): state += 0x9E3779B97F4A7C15; z = state;")
    A("        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9; z = (z ^ (z >> 27)) * 0x94D049BB133111EB;")
    A("        return z ^ (z >> 31)            # state starts at seed = 0x5350555349")
    A("for i in 0..<N: r1 = next(); r2 = next(); kind = r1 & 0xFF; sign = (r1 >> 8) & 1")
    A("  kind 0: +-0.0   kind 1: +-inf   kind 2: NaN 0x7FF8000000000000|sign<<63   kind 3: +-5e-324")
    A("  else: e = exponent_min + ((r1 >> 16) % (exponent_max - exponent_min + 1)); m = r2 >> 12")
    A("        if kind < 64: m = (m >> (52-tie_bits)) << (52-tie_bits) | (1 << (51-tie_bits))")
    A("        bits = sign<<63 | (e+1023)<<52 | m")
    A("```")
    A("")
    A("exponent_min = floor(log2(min_positive)) - 3 and exponent_max = floor(log2(max)) + 2 "
      "(clamped to [-1022, 1023]); tie_bits = explicit mantissa bits (posits n-3-es, LNS F, "
      "e8m0 0).")
    A("")
    A("## How the codes were produced, and what was verified")
    A("")
    A("* **ml_dtypes converts float64 arrays through float32 (double rounding).** "
      "`np.array(x, float64).astype(dtype)` runs `static_cast<To>(static_cast<float>(x))`. For "
      "example `1.0625 + 2^-40` gives e4m3 1.0 instead of 1.125. The stored `codes` are therefore "
      "the direct float64 -> format round-to-nearest-even results. They come from "
      "`round_to_odd_float32(x).astype(dtype)`, so ml_dtypes still does the rounding: rounding "
      "to odd into float32 and then rounding once more to the target equals one direct rounding, "
      "because float32 keeps at least 2 more bits than every target. Cross-checks, all on the "
      "full 1M inputs: (a) the ml_dtypes *scalar* constructor `dtype(python_float)`, which "
      "converts directly from double for the float8/float6/float4/e8m0 types; (b) an independent "
      "exact table-driven RNE converter in the script (for e8m0 an explicit model of ml_dtypes' "
      "non-RNE e8m0 rounding, see its `mode`). Both agree with the stored codes on every input, "
      "with one exception: for e8m0 the scalar constructor returns 0x00 for some inputs >= 2^128 "
      "(an overflow wrap in ml_dtypes' direct double path; the float32 path and the stored codes "
      "give NaN 0xFF). For bfloat16 the scalar constructor also goes through float32, so only "
      "(b) applies. "
      "`checks.plain_astype_from_float64_mismatches` counts the inputs where the plain "
      "`.astype` would differ, with examples.")
    A("* fp16 uses numpy's float64 -> float16 cast, which is direct. It was checked against the "
      "exact converter.")
    A("* Posits: each double is converted by SoftPosit's constructor from a Python float "
      "(`convertDoubleToP8/P16/PX2`, which take a double). Every code is compared with an "
      "independent exact posit encoder (RNE on the encoding, never to 0 or NaR), and all 2^n "
      "decodes with an exact decoder; see `checks.exact_posit_rne_mismatches`.")
    A("* Posit configurations: SoftPosit provides `posit8` (es=0), `posit16` (es=1), `posit32` "
      "(es=2) and `posit_2` (es=2, any n from 2 to 32). So posit8-es0, posit16-es1, posit8-es2 "
      "and posit16-es2 all have SoftPosit references. Other configurations (for example "
      "posit8-es1, or posit16-es0/es3) have no SoftPosit type and are not generated.")
    A("* LNS (`lns16f8`, `lns8f3`): no library; see the script. L = RNE(log2|x| * 2^F) uses "
      "`math.log2`. Whenever the scaled value lies within 1e-9 of a .5 tie it is decided with "
      "80-digit `decimal` logarithms. An exact tie is impossible for a finite double. Saturation "
      "and flush follow universal: L > Lmax or +-inf -> +-maxpos; L < -Lmax -> zero, which is "
      "exactly |x| <= minpos of lns<N+1,F+1>. universal's own code rounds the *double* "
      "`std::log2(x)`; `checks.universal_double_log2_literal_mismatches` counts the inputs where "
      "that literal transcription differs from the exact rule. Decodes are CPython "
      "`2.0 ** (L / 2**F)`, i.e. C `pow`, the same as universal's `std::pow(2.0, L/2^F)`. "
      "`checks.decode_*_mismatch_L` list the L values where pow differs from glibc `exp2` or "
      "from the correctly rounded value (80-digit `decimal`). Swift code that uses `exp2` must "
      "compare with a 1-ulp tolerance exactly when those lists are non-empty. %s" % lns_note)
    A("* Spot vectors from number-formats.md §1.4 (LNS) and §3.6 (FP8, MX element types, bf16, "
      "posit8) are asserted by the script.")
    A("")
    A("### Reference behaviour worth knowing (all reproduced in the data)")
    A("")
    ast = {d["format"]: d["checks"]["plain_astype_from_float64_mismatches"] for d in docs
           if "plain_astype_from_float64_mismatches" in d["checks"]}
    A("* ml_dtypes `astype` from float64 double-rounds through float32. This holds for all "
      "ml_dtypes types, bfloat16 included, and the bfloat16 scalar constructor does the same. "
      "The stored codes are the direct roundings. Number of the 1M inputs where the plain "
      "astype differs: %s. For e8m0 these are mostly 5e-324 -> 0xFF via a float32 zero (see "
      "below). The random fp8/fp6/fp4 inputs almost never hit the double-rounding window, so "
      "`checks.tie_probe` shows the effect explicitly." % ", ".join(
          "%s %d" % kv for kv in ast.items()))
    A("* fp6/fp4 (no NaN encoding): ml_dtypes maps +NaN to the *negative* zero code (0x20 / 0x8) "
      "and -NaN to +0 (0x00): the sign is inverted. +-inf and finite overflow saturate to +-max.")
    A("* FNUZ: -0.0, and negative values that round to zero, give 0x00. NaN, +-inf and "
      "overflow give 0x80 regardless of sign. e4m3fnuz: |x| >= 248 gives NaN (the tie at 248 "
      "goes up because 240 = 0x7F has an odd mantissa).")
    A("* e4m3fn is non-saturating: 464 (the tie) -> 448 and anything above -> NaN; +-inf -> "
      "NaN with the sign kept. e5m2: 61440 (the tie) -> inf.")
    A("* e8m0 (float8_e8m0fnu) rounding is not RNE. Ties 1.5*2^k always round *up*. 0 < x <= "
      "2^-127 -> 0x00, and 2^-127 < x < 2^-126 -> 0x01, because code 0 takes part in rounding as "
      "if it were zero. 0, negatives, +-inf and NaN -> 0xFF. The direct scalar path wraps some "
      "x >= 2^128 to 0x00 (not used). The float32 path turns 5e-324 into 0xFF (via 0.0), while the "
      "direct conversion stored here gives 0x00.")
    A("* numpy float16 keeps NaN payload bits (a signalling 0x7FF0000000000001 -> 0x7C01). The "
      "generator only produces quiet NaNs (0x7FF8000000000000 with either sign), which map to "
      "0x7E00 / 0xFE00.")
    A("* Posits: SoftPosit's double conversions agreed with the exact posit encoder on all 4M "
      "inputs and decodes. NaN and +-inf -> NaR. Tiny non-zero values -> +-minpos and huge values "
      "-> +-maxpos, never 0 or NaR.")
    A("")
    A("### Cross-check results")
    A("")
    for d in docs:
        c = {k: v for k, v in d["checks"].items() if not k.endswith("examples")}
        A("* `%s`: %s" % (d["format"], json.dumps(c)))
    A("")
    A("## mx-blocks.json")
    A("")
    A("No `microxcaling` or `mx` package exists on PyPI, so the script re-implements the rules of "
      "microsoft/microxcaling `mx/mx_ops.py::_quantize_mx` and "
      "`mx/elemwise_ops.py::_quantize_elemwise_core`, with round='nearest', "
      "saturate_normals=True and allow_denorm=True. The arithmetic is exact (fractions) on the "
      "float64 inputs, i.e. what microxcaling computes on a float64 tensor. A float64 numpy "
      "transliteration of microxcaling's floating-point code (log2/floor/floor(|x|+0.5)) agrees "
      "bit-for-bit on every block. For each of mxfp8-e4m3, mxfp8-e5m2, mxfp6-e3m2, mxfp6-e2m3, "
      "mxfp4-e2m1 and mxint8 the file holds 200 blocks of 32 elements plus 4 labelled "
      "`edge_blocks`. Each block gives `inputs` (float64 hex), `scale_exp` (int), `scale_code` "
      "(E8M0 = scale_exp + 127), `codes` (element bit patterns) and `dequant` (float64 hex). "
      "Rules:")
    A("")
    for r in mx_doc["rules"]:
        A("* " + r)
    A("")
    with open(os.path.join(out_dir, "README.md"), "w") as f:
        f.write("\n".join(lines))


# ---------------------------------------------------------------------------
def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--check-only", action="store_true")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    log = lambda s: print(s, flush=True)
    log("versions: %s" % json.dumps(VERSIONS))
    if not args.check_only:
        docs = [build_format(fmt, args.out, log) for fmt in all_formats()]
        mx_doc = build_mx(args.out, log)
        cmd = ".venv-formats/bin/python scripts/format_reference.py"
        if os.path.abspath(args.out) != os.path.abspath(DEFAULT_OUT):
            cmd += " --out " + args.out
        write_readme(args.out, docs, mx_doc, cmd)
    self_check(args.out, log)


if __name__ == "__main__":
    main()
