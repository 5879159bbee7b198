"""nlptransfer: transfer learning for NLP text classification.

Stages, one subpackage each: ``data`` (loading, labels, sampling, tokenizer), ``vectors`` (pretrained
static vectors and OOV policies), ``adapt`` (continued embedding training), ``features`` (featurizers,
heads, embedding-initialised networks), ``finetune`` (transformer fine-tuning on Accelerate),
``evaluation`` (metrics, transfer-vs-scratch studies), ``hub`` (model cards, push) and ``cli``.
"""

__version__ = "0.1.0"

from .base import Prediction, TransferClassifier  # noqa: E402
from .classifiers import load_classifier  # noqa: E402
from .data.labels import LabelSchema  # noqa: E402
from .data.tokenize import TokenizerConfig, WordTokenizer  # noqa: E402
from .errors import DataError, NLPTransferError, UsageError  # noqa: E402

__all__ = [
    "__version__", "Prediction", "TransferClassifier", "LabelSchema", "TokenizerConfig", "WordTokenizer",
    "DataError", "NLPTransferError", "UsageError", "load_classifier",
]
