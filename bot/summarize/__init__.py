"""Summaries of Arabic articles: the offline extractive engine and the optional LLM backend."""

from bot.summarize.base import Fits, Summarizer
from bot.summarize.batch import summarize_records, within_chars
from bot.summarize.extractive import ExtractiveConfig, ExtractiveSummarizer
from bot.summarize.llm import LLMResult, LLMSummarizer
from bot.summarize.prompts import PromptLibrary
from bot.summarize.validate import FallbackReason, validate_summary

__all__ = [
    "ExtractiveConfig",
    "ExtractiveSummarizer",
    "FallbackReason",
    "Fits",
    "LLMResult",
    "LLMSummarizer",
    "PromptLibrary",
    "Summarizer",
    "summarize_records",
    "validate_summary",
    "within_chars",
]
