"""Shared pieces of the rnnkit.text tests: one BLAS thread (the tests run two at a time under
xdist, and tiny GEMMs only lose from threads fighting over two cores) and small helpers."""
import pytest
from threadpoolctl import threadpool_limits


@pytest.fixture(autouse=True)
def _one_blas_thread():
    with threadpool_limits(limits=1):
        yield
