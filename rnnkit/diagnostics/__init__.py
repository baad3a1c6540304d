"""rnnkit.diagnostics: see the gradient. Gradient flow through time, Jacobian norms by lag,
spectral radius of the recurrent weights and the memory horizon of a recurrent model, all
computed exactly with NumPy on the engine's modules (docs/diagnostics.md).

Figures live in ``rnnkit.diagnostics.figures`` (imports matplotlib when used)."""
from rnnkit.diagnostics.flow import gradient_flow
from rnnkit.diagnostics.jacobian import JacobianNorms, jacobian_norms
from rnnkit.diagnostics.memory import Memory, horizon_of, memory_horizon
from rnnkit.diagnostics.report import COLUMNS, Diagnosis, diagnose
from rnnkit.diagnostics.spectral import recurrent_spectral_radii, spectral_radius
from rnnkit.diagnostics.steps import StepTrace

__all__ = ["COLUMNS", "Diagnosis", "JacobianNorms", "Memory", "StepTrace", "diagnose", "gradient_flow",
           "horizon_of", "jacobian_norms", "memory_horizon", "recurrent_spectral_radii", "spectral_radius"]
