"""Model files: safetensors read back whatever bytes their header length starts with."""
import numpy as np
import pytest

from rnnkit import io


def test_a_header_length_starting_with_0x80_is_not_taken_for_a_pickle(tmp_path):
    """Regression: the first byte of the 8-byte header length was read as pickle's 0x80 opcode,
    so one file in 256 was refused ("looks like a pickle") depending on its metadata size."""
    path = tmp_path / "m.safetensors"
    for pad in range(600):
        io.save_model(path, {"w": np.zeros(3, np.float32)}, kind="test", metadata={"pad": "x" * pad})
        if path.read_bytes()[0] == 0x80:
            break
    else:
        pytest.fail("no padding gave a header length whose first byte is 0x80")
    tensors, meta = io.load_model(path, kind="test")
    assert meta["pad"] == "x" * pad and tensors["w"].shape == (3,)


def test_a_real_pickle_is_still_refused(tmp_path):
    path = tmp_path / "m.safetensors"
    path.write_bytes(b"\x80\x04\x95pickle-ish bytes")
    with pytest.raises(ValueError, match="pickle"):
        io.load_model(path)
