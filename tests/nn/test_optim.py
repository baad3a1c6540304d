"""rnnkit.nn.optim and rnnkit.nn.clip against torch.optim and torch.nn.utils, in float64."""
import itertools
import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from rnnkit.nn.clip import clip_grad_norm_, clip_grad_value_  # noqa: E402
from rnnkit.nn.module import Module, Parameter  # noqa: E402
from rnnkit.nn.optim import SGD, Adagrad, Adam, AdamW, RMSprop  # noqa: E402

SHAPES = [(3, 4), (4,), (2, 3)]


def _grid(**axes):
    return [dict(zip(axes, values)) for values in itertools.product(*axes.values())]


# {} checks that the defaults match torch's; betas/alpha below 0.5 reach torch's other lerp form.
CASES = (
    [(SGD, {})]
    + [(SGD, o) for o in _grid(lr=[0.1], momentum=[0.0, 0.9], dampening=[0.0, 0.5],
                              weight_decay=[0.0, 0.1], nesterov=[False, True])
       if not o["nesterov"] or (o["momentum"] > 0 and o["dampening"] == 0)]
    + [(Adagrad, {})]
    + [(Adagrad, o) for o in _grid(lr=[0.1], lr_decay=[0.0, 0.1],
                                  initial_accumulator_value=[0.0, 0.5], weight_decay=[0.0, 0.1])]
    + [(RMSprop, {})]
    + [(RMSprop, o) for o in _grid(alpha=[0.99, 0.3], centered=[False, True], momentum=[0.0, 0.9],
                                  weight_decay=[0.0, 0.1])]
    + [(cls, {}) for cls in (Adam, AdamW)]
    + [(cls, o) for cls in (Adam, AdamW) for o in _grid(lr=[0.01], betas=[(0.9, 0.999), (0.3, 0.6)],
                                                       amsgrad=[False, True], weight_decay=[0.0, 0.1])]
)


def _case_id(case):
    cls, options = case
    return cls.__name__ + "".join(f"-{k}={v}" for k, v in options.items())


def _pair(seed=0, dtype=np.float64):
    """The same initial values as rnnkit Parameters and torch leaf tensors."""
    rng = np.random.default_rng(seed)
    init = [rng.standard_normal(shape).astype(dtype) for shape in SHAPES]
    return [Parameter(a.copy()) for a in init], [torch.tensor(a, requires_grad=True) for a in init]


def _gradients(steps, seed=1, dtype=np.float64):
    # magnitudes vary by step so that amsgrad's running maximum matters
    rng = np.random.default_rng(seed)
    return [[(10.0 ** rng.uniform(-1, 1) * rng.standard_normal(s)).astype(dtype) for s in SHAPES]
            for _ in range(steps)]


def _set_grads(ours, theirs, grads):
    for p, t, g in zip(ours, theirs, grads):
        p.grad[...] = g
        t.grad = torch.tensor(g)


def _run_both(cls, options, steps=5, dtype=np.float64, new_lr_at=None):
    """``steps`` steps of rnnkit and torch.optim (single-tensor path) on the same gradients."""
    ours, theirs = _pair(dtype=dtype)
    opt = cls(ours, **options)
    ref = getattr(torch.optim, cls.__name__)(theirs, foreach=False, **options)
    for step, grads in enumerate(_gradients(steps, dtype=dtype)):
        if step == new_lr_at:
            opt.lr = ref.param_groups[0]["lr"] = opt.lr / 4
        _set_grads(ours, theirs, grads)
        opt.step()
        ref.step()
        for p, g in zip(ours, grads):
            np.testing.assert_array_equal(p.grad, g)  # a step must not touch the gradient
    return [p.data for p in ours], [t.detach().numpy() for t in theirs]


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_matches_torch_for_five_steps(case):
    for ours, theirs in zip(*_run_both(*case)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=0)


FULL_STATE = [(SGD, dict(lr=0.1, momentum=0.9)), (Adagrad, dict(lr_decay=0.1)),
              (RMSprop, dict(momentum=0.9, centered=True)), (Adam, dict(amsgrad=True)),
              (AdamW, dict(amsgrad=True))]
by_class = pytest.mark.parametrize("cls, options", FULL_STATE, ids=lambda x: getattr(x, "__name__", ""))


@by_class
def test_lr_change_between_steps_matches_torch(cls, options):
    for ours, theirs in zip(*_run_both(cls, options, new_lr_at=2)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=0)


@by_class
def test_float32_parameters_stay_float32(cls, options):
    for ours, theirs in zip(*_run_both(cls, options, steps=3, dtype=np.float32)):
        assert ours.dtype == np.float32
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


def _steps(opt, params, grads):
    for g in grads:
        for p, x in zip(params, g):
            p.grad[...] = x
        opt.step()


@by_class
def test_state_dict_round_trip_continues_identically(cls, options):
    grads = _gradients(5)
    a, _ = _pair()
    opt_a = cls(a, **options)
    _steps(opt_a, a, grads[:3])
    saved = opt_a.state_dict()
    json.dumps({k: v for k, v in saved.items() if not isinstance(v, np.ndarray)})
    b = [Parameter(p.data.copy()) for p in a]
    opt_b = cls(b, lr=0.5).load_state_dict(saved)  # lr and the rest come from the state dict
    for v in saved.values():  # the loaded state must not alias the dict
        if isinstance(v, np.ndarray):
            v.fill(np.nan)
    _steps(opt_a, a, grads[3:])
    _steps(opt_b, b, grads[3:])
    assert opt_b.step_count == opt_a.step_count == 5
    for pa, pb in zip(a, b):
        np.testing.assert_array_equal(pa.data, pb.data)


def test_state_dict_survives_safetensors(tmp_path):
    st = pytest.importorskip("safetensors")
    save_file = pytest.importorskip("safetensors.numpy").save_file
    ours, _ = _pair()
    opt = Adam(ours, betas=(0.8, 0.9), amsgrad=True)
    _steps(opt, ours, _gradients(2))
    saved = opt.state_dict()
    arrays = {k: v for k, v in saved.items() if isinstance(v, np.ndarray)}
    meta = {k: v for k, v in saved.items() if k not in arrays}
    save_file(arrays, tmp_path / "opt.safetensors", metadata={"rnnkit": json.dumps(meta)})
    with st.safe_open(tmp_path / "opt.safetensors", "np") as f:
        restored = {k: f.get_tensor(k) for k in f.keys()} | json.loads(f.metadata()["rnnkit"])
    fresh = Adam([Parameter(p.data.copy()) for p in ours]).load_state_dict(restored)
    assert fresh.betas == (0.8, 0.9) and fresh.amsgrad and fresh.step_count == 2
    np.testing.assert_array_equal(fresh.state[2]["max_exp_avg_sq"], opt.state[2]["max_exp_avg_sq"])


def _adam_state():
    ours, _ = _pair()
    opt = Adam(ours)
    opt.step()
    return ours, opt.state_dict()


@pytest.mark.parametrize("change, message", [
    (lambda s: s.update(optimizer="SGD"), r"state_dict\['optimizer'\]: expected 'Adam', got 'SGD'"),
    (lambda s: s.pop("eps"), r"state_dict: missing entries \['eps'\]"),
    (lambda s: s.update(step=-1), r"state_dict\['step'\]: expected a non-negative integer, got -1"),
    (lambda s: s.update({"state.3.exp_avg": np.zeros(4)}), r"unexpected entry 'state.3.exp_avg'"),
    (lambda s: s.update({"state.0.velocity": np.zeros((3, 4))}), "unexpected entry 'state.0.velocity'"),
    (lambda s: s.update({"state.1.exp_avg": np.zeros(5)}),
     r"state_dict\['state.1.exp_avg'\]: expected shape \(4,\), got \(5,\)"),
    (lambda s: s.update(lr=-1.0), "lr: expected a non-negative number, got -1.0"),
    (lambda s: s.update(betas=[0.9, 1.5]), r"betas\[1\]: expected a number in \[0, 1\), got 1.5"),
])
def test_load_state_dict_refusals_change_nothing(change, message):
    ours, saved = _adam_state()
    change(saved)
    opt = Adam(ours, lr=0.25)
    with pytest.raises(ValueError, match=message):
        opt.load_state_dict(saved)
    assert opt.lr == 0.25 and opt.step_count == 0 and opt.state == [{}, {}, {}]


@pytest.mark.parametrize("cls, options, message", [
    (SGD, dict(lr=-1), "lr: expected a non-negative number, got -1"),
    (SGD, dict(lr="0.1"), "lr: expected a non-negative number, got '0.1'"),
    (SGD, dict(lr=float("nan")), "lr: expected a non-negative number, got nan"),
    (SGD, dict(momentum=-0.5), r"momentum: expected a number in \[0, 1\), got -0.5"),
    (SGD, dict(dampening=2), r"dampening: expected a number in \[0, 1\], got 2"),
    (SGD, dict(weight_decay=-0.1), "weight_decay: expected a non-negative number, got -0.1"),
    (SGD, dict(nesterov=True), "nesterov: requires momentum > 0 and dampening = 0, got momentum=0.0"),
    (SGD, dict(momentum=0.9, dampening=0.1, nesterov=True), "nesterov: requires momentum > 0"),
    (SGD, dict(momentum=0.9, nesterov=1), "nesterov: expected True or False, got 1"),
    (Adagrad, dict(lr_decay=-0.1), "lr_decay: expected a non-negative number, got -0.1"),
    (Adagrad, dict(initial_accumulator_value=-1), "initial_accumulator_value: expected a non-negative"),
    (Adagrad, dict(eps=-1e-10), "eps: expected a non-negative number, got -1e-10"),
    (RMSprop, dict(alpha=1.0), r"alpha: expected a number in \[0, 1\), got 1.0"),
    (RMSprop, dict(momentum=1.5), r"momentum: expected a number in \[0, 1\), got 1.5"),
    (RMSprop, dict(centered="yes"), "centered: expected True or False, got 'yes'"),
    (Adam, dict(betas=(1.0, 0.999)), r"betas\[0\]: expected a number in \[0, 1\), got 1.0"),
    (Adam, dict(betas=(0.9, -0.1)), r"betas\[1\]: expected a number in \[0, 1\), got -0.1"),
    (Adam, dict(betas=0.9), r"betas: expected a pair of numbers in \[0, 1\), got 0.9"),
    (Adam, dict(amsgrad=None), "amsgrad: expected True or False, got None"),
    (AdamW, dict(weight_decay=-0.01), "weight_decay: expected a non-negative number, got -0.01"),
], ids=lambda x: getattr(x, "__name__", None))
def test_argument_refusals(cls, options, message):
    with pytest.raises(ValueError, match=message):
        cls(_pair()[0], **options)


class _Tiny(Module):
    def __init__(self):
        super().__init__()
        self.weight = Parameter(np.ones((2, 2)))
        self.bias = Parameter(np.zeros(2))


def test_params_refusals():
    with pytest.raises(ValueError, match="params: expected at least one Parameter, got an empty list"):
        SGD([], lr=0.1)
    with pytest.raises(ValueError, match="params: expected at least one Parameter"):
        Adam(p for p in [])
    with pytest.raises(TypeError, match=r"params: expected an iterable of Parameter \(e.g. model.parameters"):
        SGD(_Tiny(), lr=0.1)
    with pytest.raises(TypeError, match=r"params\[1\]: expected a Parameter, got ndarray"):
        SGD([Parameter(np.ones(2)), np.ones(2)], lr=0.1)
    model = _Tiny()
    with pytest.raises(ValueError, match="params: expected each Parameter once"):
        SGD([model.weight, model.bias, model.weight], lr=0.1)
    with pytest.raises(ValueError, match=r"params\[0\]: expected float32 or float64 data, got int64"):
        SGD([Parameter(np.ones(2, dtype=np.int64))], lr=0.1)


def test_hyperparameters_are_checked_on_assignment_and_zero_grad_clears():
    model = _Tiny()
    opt = SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="lr: expected a non-negative number, got -1"):
        opt.lr = -1
    assert opt.lr == 0.1
    model.weight.grad[...] = 3.0
    opt.zero_grad()
    assert not model.weight.grad.any()


def _grad_pair(scale, seed=2):
    rng = np.random.default_rng(seed)
    grads = [scale * rng.standard_normal(s) for s in SHAPES]
    ours = [Parameter(np.zeros(s)) for s in SHAPES]
    theirs = [torch.zeros(s, dtype=torch.float64, requires_grad=True) for s in SHAPES]
    _set_grads(ours, theirs, grads)
    return ours, theirs


@pytest.mark.parametrize("norm_type", [2.0, float("inf"), "inf", 1, 3.0])
@pytest.mark.parametrize("max_norm", [0.5, 1e3])  # clipping, and below the threshold
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    ours, theirs = _grad_pair(scale=2.0)
    total = clip_grad_norm_(ours, max_norm, norm_type)
    expected = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type)
    assert isinstance(total, float)
    assert total == pytest.approx(expected.item(), rel=1e-12)
    for p, t in zip(ours, theirs):
        np.testing.assert_allclose(p.grad, t.grad.numpy(), rtol=1e-12, atol=0)


def test_clip_grad_norm_below_threshold_leaves_grads_untouched():
    ours, _ = _grad_pair(scale=1e-3)
    before = [p.grad.copy() for p in ours]
    total = clip_grad_norm_(ours, max_norm=1.0)
    assert 0 < total < 1
    for p, b in zip(ours, before):
        np.testing.assert_array_equal(p.grad, b)


def test_clip_grad_norm_single_parameter_and_nonfinite():
    p = Parameter(np.array([3.0, 4.0]))
    p.grad[...] = [3.0, 4.0]
    assert clip_grad_norm_(p, 1.0) == 5.0
    np.testing.assert_allclose(p.grad, [0.6, 0.8], rtol=1e-6)
    p.grad[0] = np.inf
    with pytest.raises(RuntimeError, match="total norm of order 2.0 of the gradients is inf"):
        clip_grad_norm_(p, 1.0, error_if_nonfinite=True)


def test_clip_grad_value_matches_torch():
    ours, theirs = _grad_pair(scale=2.0)
    clip_grad_value_(ours, 0.7)
    torch.nn.utils.clip_grad_value_(theirs, 0.7)
    for p, t in zip(ours, theirs):
        np.testing.assert_array_equal(p.grad, t.grad.numpy())


def test_clip_refusals():
    ours, _ = _grad_pair(scale=1.0)
    with pytest.raises(ValueError, match="max_norm: expected a non-negative number, got -1"):
        clip_grad_norm_(ours, -1)
    with pytest.raises(ValueError, match="norm_type: expected a positive number or inf, got 0"):
        clip_grad_norm_(ours, 1.0, norm_type=0)
    with pytest.raises(ValueError, match="norm_type: expected a positive number or inf, got 'two'"):
        clip_grad_norm_(ours, 1.0, norm_type="two")
    with pytest.raises(ValueError, match="clip_value: expected a non-negative number, got -0.5"):
        clip_grad_value_(ours, -0.5)
    with pytest.raises(TypeError, match=r"parameters\[0\]: expected a Parameter, got ndarray"):
        clip_grad_value_([np.ones(2)], 1.0)
