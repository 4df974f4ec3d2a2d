"""Trivsel. Before anything imports numpy: numpy asks the kernel for transparent huge pages
for large arrays, and where the kernel compacts memory for them on the spot (THP "defrag"
set to madvise, a common default) the first touch of each new array stalls — the results
build of a 45,000-person measurement took 4x longer for it (docs/architecture.md). An
operator can still choose otherwise by setting NUMPY_MADVISE_HUGEPAGE=1."""

import os

os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")
