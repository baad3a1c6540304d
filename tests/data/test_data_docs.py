"""The examples in rnnkit.data docstrings run and print what they claim."""
import doctest
import importlib

import pytest

MODULES = ["rnnkit.data", "rnnkit.data.datasets", "rnnkit.data.windows", "rnnkit.data.splits",
           "rnnkit.data.synthetic"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
