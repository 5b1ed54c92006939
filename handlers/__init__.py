"""The Telegram conversation: thin handlers over the share desk, and the bot's runner.

``python main.py run`` calls :func:`handlers.runner.run_bot`.
"""
