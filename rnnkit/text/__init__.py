"""rnnkit.text: character-level language models on the NumPy engine.

A vocabulary of characters, a model (embedding or one-hot -> RNN/LSTM/GRU -> Linear), training
with stateful truncated BPTT on parallel streams, loss in nats, bits per character and
perplexity, sampling with a prime, temperature and top-k, and one-file models
(``model.save(path)``, ``CharLM.load(path)``).

>>> from rnnkit.text import ModelConfig, TrainConfig, sample, train
>>> model = train("hello world", ModelConfig(hidden_size=32, num_layers=1),
...               TrainConfig(max_steps=300, seq_len=16)).model
>>> sample(model, "he", length=9, temperature=0)
'hello world'
"""
from rnnkit.text.data import Streams, read_text, split_train_val
from rnnkit.text.demo import DemoResult, pydoc_demo, pydoc_text
from rnnkit.text.evaluate import LossReport, evaluate, evaluate_ids
from rnnkit.text.files import load, save  # deprecated: CharLM.save / CharLM.load
from rnnkit.text.model import CharLM, ModelConfig
from rnnkit.text.sample import generate, sample
from rnnkit.text.train import History, TrainConfig, TrainResult, train
from rnnkit.text.vocab import Vocab

__all__ = [
    "CharLM",
    "DemoResult",
    "History",
    "LossReport",
    "ModelConfig",
    "Streams",
    "TrainConfig",
    "TrainResult",
    "Vocab",
    "evaluate",
    "evaluate_ids",
    "generate",
    "load",
    "pydoc_demo",
    "pydoc_text",
    "read_text",
    "sample",
    "save",
    "split_train_val",
    "train",
]
