"""Map vectors trained on the domain corpus into the pretrained space (orthogonal Procrustes).

With anchors ``X`` (domain vectors of shared words) and ``Y`` (their pretrained vectors), both
mean-centred, the rotation minimising ``||X W - Y||`` is ``W = U V^T`` where ``U S V^T = X^T Y``
(Schönemann 1966). An optional global scale ``s = trace(S) / ||X||^2`` gives mapped vectors the
pretrained norms. Words whose domain sense differs (the most drifting anchors after a first fit) are
excluded and the map refitted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import DataError

MIN_ANCHORS = 2


@dataclass
class ProcrustesMap:
    """``x -> ((x - source_mean) @ rotation) * scale + target_mean``."""

    rotation: np.ndarray
    scale: float
    source_mean: np.ndarray
    target_mean: np.ndarray

    def apply(self, vectors: np.ndarray) -> np.ndarray:
        mapped = (np.asarray(vectors, dtype=np.float64) - self.source_mean) @ self.rotation
        return (mapped * self.scale + self.target_mean).astype(np.float32)


def orthogonal_procrustes(source: np.ndarray, target: np.ndarray, *, scale: bool = True,
                          center: bool = True) -> ProcrustesMap:
    """Fit the orthogonal map (plus optional global scale and translation) from ``source`` to ``target``."""
    source = np.asarray(source, dtype=np.float64)
    target = np.asarray(target, dtype=np.float64)
    if source.shape != target.shape:
        raise DataError(f"Procrustes needs anchor matrices of the same shape, got {source.shape} and "
                        f"{target.shape}.")
    if source.shape[0] < MIN_ANCHORS:
        raise DataError(f"Procrustes needs at least {MIN_ANCHORS} anchor words, got {source.shape[0]}.")
    dim = source.shape[1]
    mu_s = source.mean(axis=0) if center else np.zeros(dim)
    mu_t = target.mean(axis=0) if center else np.zeros(dim)
    xs, yt = source - mu_s, target - mu_t
    u, singular, vt = np.linalg.svd(xs.T @ yt)
    rotation = u @ vt
    s = 1.0
    if scale:
        denom = float((xs * xs).sum())
        s = float(singular.sum() / denom) if denom > 0 else 1.0
    return ProcrustesMap(rotation=rotation, scale=s, source_mean=mu_s, target_mean=mu_t)


def _row_cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    na = np.linalg.norm(a, axis=1)
    nb = np.linalg.norm(b, axis=1)
    return (a * b).sum(axis=1) / np.maximum(na * nb, 1e-12)


def fit_alignment(anchor_words: list[str], source: np.ndarray, target: np.ndarray, *,
                  exclude_fraction: float = 0.1, scale: bool = True) -> tuple[ProcrustesMap, dict]:
    """Fit on all anchors, drop the ``exclude_fraction`` that drift most, refit. Returns the map and stats."""
    if len(anchor_words) < MIN_ANCHORS:
        raise DataError(f"align mode needs at least {MIN_ANCHORS} words shared by the corpus and the pretrained "
                        f"vectors (found {len(anchor_words)}); lower --min-count or use another mode.")
    first = orthogonal_procrustes(source, target, scale=scale)
    cos_first = _row_cosines(first.apply(source), target)
    n_exclude = int(len(anchor_words) * exclude_fraction)
    if n_exclude and len(anchor_words) - n_exclude >= MIN_ANCHORS:
        order = np.argsort(cos_first)
        excluded, kept = order[:n_exclude], np.sort(order[n_exclude:])
        final = orthogonal_procrustes(source[kept], target[kept], scale=scale)
    else:
        excluded, kept, final = np.array([], dtype=int), np.arange(len(anchor_words)), first
    cos_final = _row_cosines(final.apply(source), target)
    stats = {
        "anchors": len(anchor_words),
        "anchors_used": int(len(kept)),
        "anchors_excluded": int(len(excluded)),
        "mean_anchor_cosine_first_fit": float(cos_first.mean()),
        "mean_anchor_cosine": float(cos_final[kept].mean()),
        "scale": final.scale,
        "most_drifting_anchors": [anchor_words[i] for i in np.argsort(cos_final)[:20]],
    }
    return final, stats
