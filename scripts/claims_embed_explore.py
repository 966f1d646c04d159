"""Do static MiniLM word vectors help the claim detector?

Usage: python3 scripts/claims_embed_explore.py TSV WORDS.bin
(WORDS.bin from scripts/distill_word_vectors.py). Features: the mean of the
vectors of a sentence's words, standardised; alone (LR) and appended to
TF-IDF word 1-2-grams (LinearSVC) at a few weights. Prints CV out-of-fold F1
with the deterministic folds of train_claims.

Result on claimbuster-crowdsourced.tsv: vectors alone 0.561; n-grams 0.680;
n-grams + vectors 0.681-0.683.
"""
import sys, struct, re, time
sys.path.insert(0, __file__.rsplit("/", 1)[0])
from claims_explore import *
from sklearn.preprocessing import StandardScaler
def read_table(p):
    b=open(p,'rb').read(); assert b[:8]==b'CWWV0001'
    n,d,scale=struct.unpack('<IIf',b[8:20]); o=20; tab={}
    for _ in range(n):
        l=b[o]; w=b[o+1:o+1+l].decode(); o+=1+l
        tab[w]=np.frombuffer(b[o:o+d],np.int8).astype(np.float32)*scale; o+=d
    return tab,d
tab,d=read_table(sys.argv[2])
xs, labs = load(sys.argv[1])
def mv(s):
    ws=[w for w in re.findall(r"[a-z][a-z']*", s.lower())]
    v=[tab[w] for w in ws if w in tab]
    return np.mean(v,0) if v else np.zeros(d,np.float32)
E=np.array([mv(s) for s in xs]); print('coverage', np.mean([np.any(e!=0) for e in E]))
idx={s:i for i,s in enumerate(xs)}
def emb_only(C=1.0):
    def make(tx,tl):
        sc=StandardScaler().fit(E[[idx[s] for s in tx]])
        clf=LogisticRegression(C=C,max_iter=2000).fit(sc.transform(E[[idx[s] for s in tx]]), tl=="CFS")
        return lambda ex: clf.predict_proba(sc.transform(E[[idx[s] for s in ex]]))[:,1]
    return make
def svm_plus(C=0.2, ew=0.1, word_ng=(1,2)):
    def make(tx,tl):
        v=TfidfVectorizer(ngram_range=word_ng, sublinear_tf=True, token_pattern=r"(?u)\b\w+\b|[$%?£€]")
        sc=StandardScaler().fit(E[[idx[s] for s in tx]])
        f=lambda ex, fit=False: sparse.hstack([v.fit_transform(ex) if fit else v.transform(ex), sparse.csr_matrix(ew*sc.transform(E[[idx[s] for s in ex]]))]).tocsr()
        clf=LinearSVC(C=C).fit(f(tx,True), tl=="CFS")
        return lambda ex: clf.decision_function(f(ex))
    return make
for name,mk in [('emb_lr',emb_only()),('svm12+emb.05',svm_plus(ew=0.05)),('svm12+emb.1',svm_plus(ew=0.1)),('svm12+emb.2',svm_plus(ew=0.2))]:
    t=time.time(); f,_=quick(mk,xs,labs); print(f"{name:20s} CV-oof F1 {f:.3f} ({time.time()-t:.0f}s)",flush=True)
