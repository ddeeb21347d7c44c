"""Predictions: the OpenAI-compatible /v1 surface and Vi runs, models and predictions."""
