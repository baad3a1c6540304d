"""Model files: round trip, names, the torch contract, and refusal of anything else."""
import json
import pickle

import numpy as np
import pytest

from rnnkit import io
from rnnkit.text import CharLM, ModelConfig, Vocab, sample


@pytest.fixture
def lm():
    m = CharLM(Vocab.from_text("Grüße, hello world!\n"),
               ModelConfig(cell="lstm", hidden_size=8, num_layers=2, embedding_dim=4), seed=3)
    m.summary = {"steps": 12, "val_loss": 1.5}
    return m


@pytest.mark.parametrize("embedding_dim", [4, 0])
@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_round_trip_gives_identical_logits_and_samples(tmp_path, cell, embedding_dim):
    m = CharLM(Vocab.from_text("abc de\n"), ModelConfig(cell=cell, hidden_size=6, num_layers=2,
                                                         embedding_dim=embedding_dim), seed=1)
    path = tmp_path / "m.safetensors"
    m.save(path)
    back = CharLM.load(path)
    assert back.vocab == m.vocab and back.config == m.config
    ids = m.vocab.encode("abc de\nabc")[:, None]
    np.testing.assert_array_equal(back(ids)[0], m(ids)[0])
    assert sample(back, "ab", 50, seed=4) == sample(m, "ab", 50, seed=4)


def test_file_holds_torch_names_vocab_config_and_summary(tmp_path, lm):
    path = tmp_path / "m.safetensors"
    lm.save(path, train_config={"seq_len": 100})
    tensors, meta = io.load_model(path, kind="charlm")
    assert {"embedding.weight", "rnn.weight_ih_l0", "rnn.weight_hh_l1", "rnn.bias_hh_l1",
            "head.weight", "head.bias"} <= set(tensors)
    assert meta["kind"] == "charlm" and meta["vocab"] == lm.vocab.chars
    assert meta["model"] == {"cell": "lstm", "hidden_size": 8, "num_layers": 2, "embedding_dim": 4,
                             "dropout": 0.0}
    assert meta["train"] == {"seq_len": 100} and meta["summary"] == {"steps": 12, "val_loss": 1.5}
    assert CharLM.load(path).summary == {"steps": 12, "val_loss": 1.5}


def test_layers_load_into_torch_by_name(tmp_path, lm):
    torch = pytest.importorskip("torch")
    path = tmp_path / "m.safetensors"
    lm.save(path)
    tensors, _ = io.load_model(path)
    rnn = torch.nn.LSTM(4, 8, num_layers=2)
    rnn.load_state_dict({k[4:]: torch.from_numpy(v) for k, v in tensors.items() if k.startswith("rnn.")})
    x = lm.embedding.weight.data[lm.vocab.encode("hello")][:, None, :]
    ours, _ = lm.rnn(x)
    with torch.no_grad():
        theirs, _ = rnn(torch.from_numpy(x))
    np.testing.assert_allclose(theirs.numpy(), ours, rtol=1e-5, atol=1e-6)


def _write(path, tensors, meta):
    from safetensors.numpy import save_file

    save_file(tensors, str(path), metadata={"rnnkit": json.dumps(meta)})


def test_refusals(tmp_path, lm):
    good = tmp_path / "good.safetensors"
    lm.save(good)
    tensors, meta = io.load_model(good)

    truncated = tmp_path / "truncated.safetensors"
    truncated.write_bytes(good.read_bytes()[:-50])
    pickled = tmp_path / "model.pt"
    pickled.write_bytes(pickle.dumps({"weights": [1, 2, 3]}))
    foreign = tmp_path / "foreign.safetensors"
    from safetensors.numpy import save_file
    save_file({"w": np.zeros(3, np.float32)}, str(foreign))
    text_file = tmp_path / "notes.txt"
    text_file.write_text("just some text, not a model at all")
    other_kind = tmp_path / "other.safetensors"
    io.save_model(other_kind, {"w": np.zeros(2, np.float32)}, kind="forecaster", metadata={})
    small_vocab = tmp_path / "vocab.safetensors"
    _write(small_vocab, tensors, {**meta, "vocab": "abc"})
    missing = tmp_path / "missing.safetensors"
    _write(missing, {k: v for k, v in tensors.items() if k != "head.bias"}, meta)
    bad_config = tmp_path / "config.safetensors"
    _write(bad_config, tensors, {**meta, "model": {**meta["model"], "cell": "tcn"}})
    nan = tmp_path / "nan.safetensors"
    _write(nan, {**tensors, "head.bias": np.full_like(tensors["head.bias"], np.nan)}, meta)

    cases = [(tmp_path / "absent.safetensors", "no such file"), (truncated, "truncated"),
             (pickled, "pickle"), (foreign, "not written by rnnkit"), (text_file, "safetensors"),
             (other_kind, "expected a charlm model"), (small_vocab, "shape"),
             (missing, "missing.*head.bias"), (bad_config, "cell"), (nan, "NaN")]
    for path, match in cases:
        with pytest.raises(ValueError, match=match):
            CharLM.load(path)


def test_save_is_atomic_and_leaves_no_temporary_files(tmp_path, lm):
    path = tmp_path / "m.safetensors"
    lm.save(path)
    lm.save(path)  # overwrite in place
    assert [p.name for p in tmp_path.iterdir()] == ["m.safetensors"]


def test_the_old_functions_still_work_and_point_at_the_methods(tmp_path, lm):
    import rnnkit.text as text
    from rnnkit.text import files

    path = tmp_path / "m.safetensors"
    with pytest.warns(DeprecationWarning, match=r"use model\.save\(path\)"):
        text.save(lm, path, train_config={"seq_len": 7})
    with pytest.warns(DeprecationWarning, match=r"use rnnkit\.text\.CharLM\.load\(path\)"):
        back = text.load(path)
    assert type(back) is CharLM and back.vocab == lm.vocab and back.summary == lm.summary
    assert io.load_model(path)[1]["train"] == {"seq_len": 7}
    assert files.save is text.save and files.load is text.load and files.KIND == "charlm"


def test_load_is_a_classmethod_that_builds_the_subclass(tmp_path, lm):
    class Mine(CharLM):
        pass

    path = tmp_path / "m.safetensors"
    lm.save(path)
    assert type(Mine.load(path)) is Mine
