"""Model cards and pushing saved models to the Hugging Face Hub."""

from .card import ModelCardData, render_model_card, write_model_card
from .push import HubError, PushConfig, check_model_dir, push_to_hub

__all__ = ["ModelCardData", "render_model_card", "write_model_card", "HubError", "PushConfig", "check_model_dir",
           "push_to_hub"]
