"""Draw the figures of docs/guide.md with values computed by Logits itself.

    make plots        # installs matplotlib with pip if needed, then runs this

Writes docs/sigmoid.png and docs/softmax_temperature.png. The benchmark plot,
docs/benchmarks.png, is written by `make bench`, not here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import logits  # noqa: E402

DOCS = Path(__file__).resolve().parent
# No timestamps or version strings in the files: the same data gives the same bytes.
SAVE = dict(dpi=110, bbox_inches="tight", metadata={"Software": None})


def sigmoid_figure(path: Path) -> None:
    x = np.linspace(-10, 10, 801)
    s = logits.sigmoid(x)
    ds = logits.sigmoid_backward(s, np.ones_like(s))      # sigma * (1 - sigma)

    wide = np.linspace(0, 40, 1601)
    d64 = logits.sigmoid_backward(logits.sigmoid(wide), np.ones_like(wide))
    s32 = logits.sigmoid(wide.astype(np.float32))
    d32 = logits.sigmoid_backward(s32, np.ones_like(s32))
    # First x where float32 sigmoid rounds to exactly 1: the gradient computed
    # from the output is 0 from there on.
    x_one = float(wide[np.argmax(s32 == 1)])
    x_one64 = float(wide[np.argmax(logits.sigmoid(wide) == 1)])

    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4))
    a.plot(x, s, label=r"$\sigma(x) = 1/(1+e^{-x})$", color="C0", lw=2)
    a.plot(x, ds, label=r"$\sigma'(x) = \sigma(x)\,(1-\sigma(x))$", color="C3", lw=2)
    a.axhline(0.25, color="C3", ls=":", lw=1)
    a.annotate("at most 0.25, at x = 0", (0, 0.25), (2.0, 0.38), color="C3",
               arrowprops=dict(arrowstyle="->", color="C3"))
    for side in (-1, 1):
        a.axvspan(side * 4, side * 10, color="0.92", zorder=0)
    a.text(7, 0.55, "saturated:\n" r"$\sigma' < 0.018$", ha="center", color="0.3")
    a.text(-7, 0.55, "saturated:\n" r"$\sigma' < 0.018$", ha="center", color="0.3")
    a.set(xlabel="x (logit)", title="Sigmoid and its derivative", xlim=(-10, 10), ylim=(-0.02, 1.05))
    a.legend(loc="upper left", fontsize=9)
    a.grid(alpha=0.3)

    b.semilogy(wide, d64, label="float64: $\\sigma'(x) \\approx e^{-x}$", color="C3", lw=2)
    b.semilogy(wide[d32 > 0], d32[d32 > 0], label="float32", color="C1", lw=2, ls="--")
    b.axvline(x_one, color="C1", lw=1, ls=":")
    b.annotate(f"float32 $\\sigma(x)$ rounds to 1.0\nfrom x ≈ {x_one:.1f}: gradient 0",
               (x_one, 1e-7), (x_one + 2.5, 1e-4), color="C1",
               arrowprops=dict(arrowstyle="->", color="C1"))
    b.axvline(x_one64, color="C3", lw=1, ls=":")
    b.annotate(f"float64: from x ≈ {x_one64:.1f}", (x_one64, 1e-15), (x_one64 - 14, 1e-13), color="C3",
               arrowprops=dict(arrowstyle="->", color="C3"))
    b.set(xlabel="x (logit)", ylabel=r"$\sigma'(x)$ from the output",
          title="Why it saturates: the gradient decays like $e^{-|x|}$", xlim=(0, 40))
    b.legend(loc="lower left", fontsize=9)
    b.grid(alpha=0.3, which="both")
    fig.tight_layout()
    fig.savefig(path, **SAVE)
    plt.close(fig)


def softmax_temperature_figure(path: Path) -> None:
    scores = np.array([3.0, 2.0, 1.0, 0.5, -1.0])
    temps = [0.25, 0.5, 1.0, 2.0, 5.0]
    probs = [logits.softmax(scores, temperature=t) for t in temps]

    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4), gridspec_kw=dict(width_ratios=[3, 2]))
    width = 0.8 / len(temps)
    colors = plt.cm.viridis(np.linspace(0.1, 0.9, len(temps)))
    for i, (t, p) in enumerate(zip(temps, probs)):
        a.bar(np.arange(len(scores)) + (i - (len(temps) - 1) / 2) * width, p, width,
              label=f"T = {t:g}", color=colors[i])
    a.axhline(1 / len(scores), color="0.4", ls=":", lw=1)
    a.text(len(scores) - 0.6, 1 / len(scores) + 0.02, "uniform (T → ∞)", ha="right", color="0.3", fontsize=9)
    a.set_xticks(range(len(scores)), [f"{s:g}" for s in scores])
    a.set(xlabel="logit", ylabel="probability", ylim=(0, 1.02),
          title="softmax(x / T) for x = [3, 2, 1, 0.5, -1]")
    a.legend(fontsize=9)
    a.grid(alpha=0.3, axis="y")

    t = np.geomspace(0.05, 50, 300)
    top = np.array([logits.softmax(scores, temperature=v)[0] for v in t])
    lp = np.array([logits.log_softmax(scores, temperature=v) for v in t])
    entropy = -(np.exp(lp) * lp).sum(axis=1)
    b.semilogx(t, top, color="C0", lw=2, label="p(top class)")
    b.semilogx(t, entropy / np.log(len(scores)), color="C2", lw=2, label="entropy / log 5")
    b.axvline(1, color="0.4", ls=":", lw=1)
    b.set(xlabel="temperature T", ylim=(0, 1.02), title="Low T sharpens, high T flattens")
    b.legend(fontsize=9, loc="center right")
    b.grid(alpha=0.3, which="both")
    fig.tight_layout()
    fig.savefig(path, **SAVE)
    plt.close(fig)


def main() -> int:
    out = [DOCS / "sigmoid.png", DOCS / "softmax_temperature.png"]
    sigmoid_figure(out[0])
    softmax_temperature_figure(out[1])
    for p in out:
        print(f"wrote {p.relative_to(DOCS.parent)}")
    if not (DOCS / "benchmarks.png").exists():
        print("note: docs/benchmarks.png is not there yet; `make bench` writes it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
