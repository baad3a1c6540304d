"""Shared pieces of the torch backend tests: one thread per process for torch and BLAS (the
tests run two at a time under xdist on two cores, and tiny ops only lose from threads fighting
for them: OpenMP spin-waiting under contention made a small fit 10x slower). Session scope, so
that module-scoped fixtures (which run before function-scoped ones) get it too."""
import pytest
from threadpoolctl import threadpool_limits


@pytest.fixture(autouse=True, scope="session")
def _one_thread():
    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    with threadpool_limits(limits=1):
        yield
    torch.set_num_threads(before)
