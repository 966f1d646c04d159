"""Exploration of claim-detector recipes on the ClaimBuster dev TSV.

Usage: python3 scripts/claims_explore.py TSV [experiment ...]
       python3 scripts/claims_explore.py --quick TSV [experiment ...]

`--quick` ranks recipes by pooled 5-fold CV out-of-fold F1 with one
threshold chosen on those scores (slightly optimistic); the default runs the
honest protocol (held-out + CV, threshold by inner CV on training data).

Results (quick, claimbuster-crowdsourced.tsv, CFS F1):
  TF-IDF word 1-2 LR (honest protocol): held-out 0.682, CV 0.676
  TF-IDF word 1-2 LR, 3-class, P(CFS) 0.684
  NB-LR word 1-3 0.661
  LinearSVC word 1-2 0.680 (C=0.1: 0.673, C=0.2: 0.680), word 1-3 0.681
  LinearSVC word 1-3 + char_wb 2-5 0.688

Uses the same deterministic splits as `examples/train_claims.rs`:
held-out = fold_of(s, 5) == 0 (blake3 of the sentence), CV folds =
fold_of("cv:" + s, 5). Thresholds are chosen by inner 5-fold CV on the
training part only (fold_of(s, 5) of the training sentences), as in Rust.
"""
import sys
import numpy as np
import blake3
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer, CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC


def fold_of(s, k):
    return int.from_bytes(blake3.blake3(s.encode()).digest()[:8], "little") % k


def load(path):
    xs, ys = [], []
    with open(path, encoding="utf-8") as f:
        next(f)
        for line in f:
            line = line.rstrip("\n")
            if "\t" not in line:
                continue
            s, lab = line.rsplit("\t", 1)
            xs.append(s)
            ys.append(lab.strip())
    return xs, np.array(ys)


def best_threshold(scores, y):
    o = np.argsort(-scores)
    s, yy = scores[o], y[o]
    tp = np.cumsum(yy)
    fp = np.cumsum(~yy)
    p = tp / (tp + fp)
    r = tp / max(yy.sum(), 1)
    f1 = np.where(p + r > 0, 2 * p * r / np.maximum(p + r, 1e-12), 0)
    # only at positions where the score changes
    last = np.r_[s[1:] != s[:-1], True]
    f1 = np.where(last, f1, -1)
    i = int(np.argmax(f1))
    nxt = s[i + 1] if i + 1 < len(s) else s[i] - 1e-4
    return (s[i] + nxt) / 2, f1[i]


def prf(pred, y):
    tp = int((pred & y).sum()); fp = int((pred & ~y).sum()); fn = int((~pred & y).sum())
    p = tp / max(tp + fp, 1); r = tp / max(tp + fn, 1)
    f = 2 * p * r / (p + r) if p + r else 0
    return f, p, r, tp, fp, fn


def evaluate(make_scorer, xs, labs, inner=5):
    """make_scorer(train_x, train_labels) -> fn(test_x) -> scores."""
    y = labs == "CFS"
    xs = np.array(xs, dtype=object)

    def fit_with_threshold(idx):
        tx, tl = xs[idx], labs[idx]
        folds = np.array([fold_of("inner:" + s, inner) for s in tx])
        oof = np.zeros(len(idx))
        for k in range(inner):
            if not (folds == k).any():
                continue
            m = make_scorer(tx[folds != k], tl[folds != k])
            oof[folds == k] = m(tx[folds == k])
        t, _ = best_threshold(oof, tl == "CFS")
        return make_scorer(tx, tl), t

    res = {}
    held = np.array([fold_of(s, 5) == 0 for s in xs])
    m, t = fit_with_threshold(np.where(~held)[0])
    sc = m(xs[held])
    res["held"] = prf(sc >= t, y[held])
    res["held_oracle"] = best_threshold(sc, y[held])[1]
    cvf = np.array([fold_of("cv:" + s, 5) for s in xs])
    pred = np.zeros(len(xs), bool)
    per = []
    for k in range(5):
        m, t = fit_with_threshold(np.where(cvf != k)[0])
        sc = m(xs[cvf == k])
        pred[cvf == k] = sc >= t
        per.append(prf(sc >= t, y[cvf == k])[0])
    res["cv"] = prf(pred, y)
    res["per"] = per
    return res


def show(name, r):
    h, c = r["held"], r["cv"]
    print(f"{name:40s} held F1 {h[0]:.3f} P {h[1]:.3f} R {h[2]:.3f} (oracle {r['held_oracle']:.3f}) | "
          f"CV F1 {c[0]:.3f} P {c[1]:.3f} R {c[2]:.3f} | folds {' '.join(f'{f:.3f}' for f in r['per'])}",
          flush=True)


# ---- recipes -------------------------------------------------------------

def tfidf_lr(word_ng=(1, 2), char=None, C=4.0, three_class=False, min_df=1, cw=None):
    def make(tx, tl):
        vs = [TfidfVectorizer(ngram_range=word_ng, min_df=min_df, sublinear_tf=True,
                              token_pattern=r"(?u)\b\w+\b|[$%?£€]")]
        if char:
            vs.append(TfidfVectorizer(analyzer="char_wb", ngram_range=char, min_df=2, sublinear_tf=True))
        X = sparse.hstack([v.fit_transform(tx) for v in vs]).tocsr()
        yy = tl if three_class else (tl == "CFS")
        clf = LogisticRegression(C=C, max_iter=2000, class_weight=cw)
        clf.fit(X, yy)
        ci = list(clf.classes_).index("CFS" if three_class else True)

        def score(ex):
            Xe = sparse.hstack([v.transform(ex) for v in vs]).tocsr()
            return clf.predict_proba(Xe)[:, ci]
        return score
    return make


def tfidf_svm(word_ng=(1, 2), char=None, C=0.5):
    def make(tx, tl):
        vs = [TfidfVectorizer(ngram_range=word_ng, sublinear_tf=True,
                              token_pattern=r"(?u)\b\w+\b|[$%?£€]")]
        if char:
            vs.append(TfidfVectorizer(analyzer="char_wb", ngram_range=char, min_df=2, sublinear_tf=True))
        X = sparse.hstack([v.fit_transform(tx) for v in vs]).tocsr()
        clf = LinearSVC(C=C)
        clf.fit(X, tl == "CFS")

        def score(ex):
            Xe = sparse.hstack([v.transform(ex) for v in vs]).tocsr()
            return clf.decision_function(Xe)
        return score
    return make


def nblr(word_ng=(1, 3), C=4.0, alpha=1.0, char=None):
    def make(tx, tl):
        vs = [CountVectorizer(ngram_range=word_ng, binary=True,
                              token_pattern=r"(?u)\b\w+\b|[$%?£€]")]
        if char:
            vs.append(CountVectorizer(analyzer="char_wb", ngram_range=char, binary=True, min_df=2))
        X = sparse.hstack([v.fit_transform(tx) for v in vs]).tocsr().astype(np.float32)
        y = tl == "CFS"
        p = alpha + X[y].sum(0)
        q = alpha + X[~y].sum(0)
        r = np.asarray(np.log((p / p.sum()) / (q / q.sum()))).ravel()
        R = sparse.diags(r)
        clf = LogisticRegression(C=C, max_iter=3000)
        clf.fit(X @ R, y)

        def score(ex):
            Xe = sparse.hstack([v.transform(ex) for v in vs]).tocsr().astype(np.float32)
            return clf.predict_proba(Xe @ R)[:, 1]
        return score
    return make


EXPS = {
    "lr12": lambda: tfidf_lr((1, 2)),
    "lr13": lambda: tfidf_lr((1, 3)),
    "lr12_C1": lambda: tfidf_lr((1, 2), C=1.0),
    "lr12_C16": lambda: tfidf_lr((1, 2), C=16.0),
    "lr12_3c": lambda: tfidf_lr((1, 2), three_class=True),
    "lr12_char": lambda: tfidf_lr((1, 2), char=(2, 5)),
    "lr13_char_3c": lambda: tfidf_lr((1, 3), char=(2, 5), three_class=True),
    "svm12": lambda: tfidf_svm((1, 2)),
    "svm13_char": lambda: tfidf_svm((1, 3), char=(2, 5)),
    "nblr13": lambda: nblr((1, 3)),
    "nblr12": lambda: nblr((1, 2)),
    "nblr13_C1": lambda: nblr((1, 3), C=1.0),
}



def quick(make_scorer, xs, labs):
    """Fast ranking: 5-fold CV out-of-fold scores, one threshold chosen on
    the pooled out-of-fold scores (slightly optimistic; use `evaluate` for
    the honest number)."""
    y = labs == "CFS"
    xs = np.array(xs, dtype=object)
    cvf = np.array([fold_of("cv:" + s, 5) for s in xs])
    oof = np.zeros(len(xs))
    for k in range(5):
        m = make_scorer(xs[cvf != k], labs[cvf != k])
        oof[cvf == k] = m(xs[cvf == k])
    t, f = best_threshold(oof, y)
    return f, oof

EXPS.update({
    "svm13": lambda: tfidf_svm((1, 3)),
    "svm12_char": lambda: tfidf_svm((1, 2), char=(2, 5)),
    "svm12_C01": lambda: tfidf_svm((1, 2), C=0.1),
    "svm12_C02": lambda: tfidf_svm((1, 2), C=0.2),
    "svm_char": lambda: tfidf_svm((1, 1), char=(2, 5), C=0.2),
})


if __name__ == "__main__":
    args = sys.argv[1:]
    fast = args[:1] == ["--quick"]
    if fast:
        args = args[1:]
    xs, labs = load(args[0])
    for name in args[1:] or EXPS:
        if fast:
            f, _ = quick(EXPS[name](), xs, labs)
            print(f"{name:20s} CV-oof F1 {f:.3f}", flush=True)
        else:
            show(name, evaluate(EXPS[name](), xs, labs))
