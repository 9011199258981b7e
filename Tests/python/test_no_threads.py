"""Where the system refuses threads, every call still succeeds with the same
result, on the caller's thread, and get_num_threads says so (include/logits.h,
logits_set_num_threads). A preloaded shim makes pthread_create fail for calls
from liblogits only (the interpreter and numpy keep theirs)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BINDING = Path(__file__).resolve().parents[2] / "bindings" / "python"

SHIM = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <string.h>
int pthread_create(pthread_t *t, const pthread_attr_t *a, void *(*f)(void *), void *arg)
{
    static int (*real)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
    Dl_info info;
    if (dladdr(__builtin_return_address(0), &info) && info.dli_fname
        && strstr(info.dli_fname, "liblogits"))
        return EAGAIN;
    if (!real) *(void **)(&real) = dlsym(RTLD_NEXT, "pthread_create");
    return real(t, a, f, arg);
}
"""

CHECK = r"""
import numpy as np, logits
x = np.random.default_rng(1).normal(size=(64, 8192))  # 2^19 elements: a call that splits
logits.set_num_threads(1)
ref = logits.softmax(x)
logits.set_num_threads(4)
got = logits.softmax(x)
print(np.array_equal(got, ref), logits.get_num_threads())
"""


@pytest.mark.skipif(shutil.which(os.environ.get("CC", "cc")) is None, reason="no C compiler")
def test_calls_succeed_when_threads_are_refused(tmp_path):
    src = tmp_path / "shim.c"
    src.write_text(SHIM)
    so = tmp_path / "shim.so"
    subprocess.run([os.environ.get("CC", "cc"), "-shared", "-fPIC", "-o", str(so), str(src)],
                   check=True)
    env = dict(os.environ, PYTHONPATH=str(BINDING), LD_PRELOAD=str(so))
    out = subprocess.run([sys.executable, "-c", CHECK], env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "1"]
