"""A per-epoch tqdm progress bar for gensim training (a ``CallbackAny2Vec``)."""

from __future__ import annotations

from gensim.models.callbacks import CallbackAny2Vec


class EpochProgressBar(CallbackAny2Vec):
    """Advance a tqdm bar once per epoch; shows the epoch's Word2Vec loss when it is tracked."""

    def __init__(self, epochs: int, description: str = "adapt", disable: bool = False):
        self.epochs = epochs
        self.description = description
        self.disable = disable
        self._bar = None
        self._previous_loss = 0.0

    def on_train_begin(self, model) -> None:
        from tqdm.auto import tqdm

        self._bar = tqdm(total=self.epochs, desc=self.description, unit="epoch", disable=self.disable)
        self._previous_loss = 0.0

    def on_epoch_end(self, model) -> None:
        if self._bar is None:
            return
        if getattr(model, "compute_loss", False):
            total = float(model.get_latest_training_loss())
            self._bar.set_postfix(loss=f"{total - self._previous_loss:,.0f}")
            self._previous_loss = total
        self._bar.update(1)

    def on_train_end(self, model) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
