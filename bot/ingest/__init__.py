"""Ingestion: fetch pages safely, decode them, extract clean articles.

``sources`` holds the entry points (URL, HTML file, pasted text, lead image); ``fetch`` and
``netguard`` download within limits and refuse private addresses; ``charset`` decodes;
``extract``, ``blocks``, ``pagemeta`` and ``boilerplate`` turn HTML into an Article.
"""
