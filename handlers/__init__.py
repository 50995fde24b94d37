"""Telegram adapters: one module per dialog or command family, each exposing its handlers."""
