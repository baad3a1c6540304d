"""Hostile model files: every file is validated before anything is allocated from it.

Each case starts from a real file written by rnnkit, changes one thing (a tensor, a metadata
value) the way a corrupted or malicious file would, and checks that loading refuses it with one
``ValueError`` naming the file, instead of predicting NaN, allocating what the metadata claims,
or failing with the wrong kind of exception. A sweep sets every metadata leaf to each of a list
of hostile values; Hypothesis then changes leaves at random.
"""
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from safetensors import safe_open
from safetensors.numpy import save_file

from rnnkit.forecast import Forecaster
from rnnkit.text import CharLM, ModelConfig, Vocab

INVALID = "not a valid rnnkit model file"


def read(path):
    with safe_open(str(path), framework="numpy") as fh:
        meta = json.loads(fh.metadata()["rnnkit"])
        tensors = {k: fh.get_tensor(k) for k in fh.keys()}
    return tensors, meta


def write(path, tensors, meta):
    save_file(tensors, str(path), metadata={"rnnkit": json.dumps(meta)})


@pytest.fixture(scope="module")
def forecaster_file(tmp_path_factory):
    t = np.arange(60)
    y = pd.Series(10 + np.sin(2 * np.pi * t / 12) + 0.05 * t,
                  index=pd.date_range("2015-01-01", periods=60, freq="MS"), name="y")
    model = Forecaster(horizon=3, n_models=2, max_steps=20, eval_every=10, hidden_size=4, seed=0).fit(y)
    path = tmp_path_factory.mktemp("files") / "forecaster.safetensors"
    model.save(path)
    return path


@pytest.fixture(scope="module")
def charlm_file(tmp_path_factory):
    model = CharLM(Vocab("\n abc"), ModelConfig(hidden_size=6, num_layers=1, embedding_dim=3))
    path = tmp_path_factory.mktemp("files") / "charlm.safetensors"
    model.save(path)
    return path


def _nan_weight(t, m):
    t["m0.rnn.weight_hh_l0"] = t["m0.rnn.weight_hh_l0"].copy()
    t["m0.rnn.weight_hh_l0"][0, 0] = np.nan


def _zero_scale(t, m):
    m["pipelines"][0]["normalisers"][0]["scale"] = 0.0


def _inf_calibration(t, m):
    t["calibration.scaled_errors"] = np.full_like(t["calibration.scaled_errors"], np.inf)


def _float32_index(t, m):
    t["history.0.index"] = t["history.0.index"].astype(np.float32)


def _reversed_index(t, m):
    t["history.0.index"] = t["history.0.index"][::-1].copy()


def _extra_tensor(t, m):
    t["m9.head.weight"] = np.zeros((3, 4), np.float32)


def _wrong_point_count(t, m):
    m["data"]["series"][0]["points"] += 1


def _huge_hidden(t, m):
    m["config"]["hidden_size"] = 30_000


def _huge_horizon(t, m):
    m["config"]["horizon"] = 10**9


def _no_series(t, m):
    m["data"]["series"] = []


def _nan_season(t, m):
    m["pipelines"][0]["transforms"][0]["tails"] = [[float("nan")] * 12]
    m["pipelines"][0]["transforms"][0]["fitted_periods"] = [12]


def _zero_calibration_scale(t, m):
    t["calibration.scales"] = np.zeros_like(t["calibration.scales"])


@pytest.mark.parametrize("corrupt", [_nan_weight, _zero_scale, _inf_calibration, _float32_index, _reversed_index,
                                     _extra_tensor, _wrong_point_count, _huge_hidden, _huge_horizon, _no_series,
                                     _nan_season, _zero_calibration_scale])
def test_a_corrupted_forecaster_file_is_refused(forecaster_file, tmp_path, corrupt):
    tensors, meta = read(forecaster_file)
    corrupt(tensors, meta)
    bad = tmp_path / "bad.safetensors"
    write(bad, tensors, meta)
    with pytest.raises(ValueError, match=f"bad.safetensors': {INVALID}"):
        Forecaster.load(bad)


def test_the_untouched_file_still_loads_and_predicts_finite(forecaster_file):
    assert np.all(np.isfinite(Forecaster.load(forecaster_file).predict(level=[80]).to_numpy()))


@pytest.mark.parametrize("metadata", ['[1]', '"text"', "[" * 100_000 + "]" * 100_000])
def test_metadata_that_is_not_an_object_is_refused(forecaster_file, tmp_path, metadata):
    tensors, _ = read(forecaster_file)
    bad = tmp_path / "bad.safetensors"
    save_file(tensors, str(bad), metadata={"rnnkit": metadata})
    with pytest.raises(ValueError, match=INVALID):
        Forecaster.load(bad)


def test_a_text_model_claiming_a_huge_hidden_size_is_refused_before_allocating(charlm_file, tmp_path):
    tensors, meta = read(charlm_file)
    meta["model"]["hidden_size"] = 200_000  # 200,000 x 600,000 floats if it were built
    bad = tmp_path / "bad.safetensors"
    write(bad, tensors, meta)
    with pytest.raises(ValueError, match=f"{INVALID}: tensor 'rnn.weight_ih_l0' has shape"):
        CharLM.load(bad)


def test_a_text_model_with_a_nan_weight_or_an_extra_tensor_is_refused(charlm_file, tmp_path):
    tensors, meta = read(charlm_file)
    for change, message in [({"head.bias": np.full(5, np.nan, np.float32)}, "NaN or infinite"),
                            ({"extra": np.zeros(2, np.float32)}, "unexpected 'extra'")]:
        bad = tmp_path / "bad.safetensors"
        write(bad, tensors | change, meta)
        with pytest.raises(ValueError, match=message):
            CharLM.load(bad)


def _leaves(value, path=()):
    """Every (path, leaf) of a JSON document."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _leaves(v, path + (i,))
    else:
        yield path, value


def _set(doc, path, value):
    for key in path[:-1]:
        doc = doc[key]
    doc[path[-1]] = value


JSON_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                        st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=8),
                        st.lists(st.integers(-3, 3), max_size=3), st.dictionaries(st.text(max_size=3), st.none(),
                                                                                   max_size=2))


# Values that broke loaders before: bools read as 0/1 (a season of 0 steps), floats read as
# ints, a claim of 10**12 networks (the loader listed every tensor it implied and ran out of
# memory), a frequency that is no string.
HOSTILE = [None, True, False, 0, -1, 2, 10**12, 0.5, float("nan"), float("inf"), "", "x", [], [0], {}]


def _loads_and_predicts_or_refuses(cls, path):
    """The file is refused with a ValueError, or loads and predicts finite values, or refuses
    to hand on a forecast that overflows (weights near float32's limit make one)."""
    try:
        model = cls.load(path)
    except ValueError:
        return
    if isinstance(model, Forecaster):
        try:
            out = model.predict()
        except (ValueError, FloatingPointError):
            return
        assert np.all(np.isfinite(out.to_numpy(dtype=float)))


def _representative_leaves(meta):
    """Every leaf, but of a long list of numbers (a seasonal tail) only the first two and the last."""
    groups: dict[tuple, list] = {}
    for path, _ in _leaves(meta):
        groups.setdefault(tuple(k if isinstance(k, str) else 0 for k in path), []).append(path)
    return [p for ps in groups.values() for p in (ps[:2] + ps[-1:] if len(ps) > 3 else ps)]


@pytest.mark.parametrize("which", ["forecaster_file", "charlm_file"])
def test_every_metadata_leaf_set_to_each_hostile_value_loads_or_is_refused_with_a_value_error(which, request,
                                                                                            tmp_path):
    """The deterministic sweep behind the fuzz test below: every leaf, every value of HOSTILE."""
    path = request.getfixturevalue(which)
    cls = Forecaster if which == "forecaster_file" else CharLM
    tensors, meta = read(path)
    bad = tmp_path / "bad.safetensors"
    for leaf in _representative_leaves(meta):
        for value in HOSTILE:
            changed = json.loads(json.dumps(meta))
            _set(changed, leaf, value)
            write(bad, tensors, changed)
            try:
                _loads_and_predicts_or_refuses(cls, bad)
            except Exception as exc:  # AssertionError too: say which change made it
                raise AssertionError(f"{leaf} = {value!r}: {type(exc).__name__}: {exc}") from exc


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzzed_forecaster_metadata_loads_or_is_refused_with_a_value_error(forecaster_file, tmp_path, data):
    """Any metadata leaf replaced by any JSON value: the file loads (and then predicts finite
    values or refuses with a ValueError) or is refused with a ValueError; nothing else."""
    tensors, meta = read(forecaster_file)
    leaves = [p for p, _ in _leaves(meta)]
    path = data.draw(st.sampled_from(leaves))
    _set(meta, path, data.draw(JSON_LEAVES))
    bad = tmp_path / "fuzz.safetensors"
    save_file(tensors, str(bad), metadata={"rnnkit": json.dumps(meta)})
    _loads_and_predicts_or_refuses(Forecaster, bad)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzzed_text_model_metadata_loads_or_is_refused_with_a_value_error(charlm_file, tmp_path, data):
    tensors, meta = read(charlm_file)
    path = data.draw(st.sampled_from([p for p, _ in _leaves(meta)]))
    _set(meta, path, data.draw(JSON_LEAVES))
    bad = tmp_path / "fuzz.safetensors"
    save_file(tensors, str(bad), metadata={"rnnkit": json.dumps(meta)})
    try:
        CharLM.load(bad)
    except ValueError:
        pass
