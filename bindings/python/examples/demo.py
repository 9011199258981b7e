"""Logits from Python: softmax for mutually exclusive classes, sigmoid for
independent labels. Run with `make demo`."""

import numpy as np

import logits

scores = np.array([1.0, 2.0, 3.0], dtype=np.float32)

p = logits.softmax(scores)
print(f"softmax([1, 2, 3]) = [{', '.join(f'{v:.4f}' for v in p)}]  (sums to {p.sum():.4f})")

s = logits.sigmoid(scores)
print(f"sigmoid([1, 2, 3]) = [{', '.join(f'{v:.4f}' for v in s)}]  "
      f"(each in (0,1); sum {s.sum():.4f}, not 1)")

print("""
Which one?
  softmax: the classes are mutually exclusive (exactly one is true, e.g. the
           digit in an image). Outputs compete and sum to 1.
  sigmoid: each label is an independent yes/no (several can be true, e.g. the
           tags of a photo). Each output is its own probability.""")
