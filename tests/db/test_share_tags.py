"""A saved share keeps its article's publisher tags, so drafts composed again put them first."""

from __future__ import annotations

import dataclasses

from db import ShareRepository
from db.database import Database
from tests.db.test_shares import make_result


async def test_publisher_tags_survive_a_round_trip(database: Database) -> None:
    db = database
    result = make_result()
    tagged = dataclasses.replace(
        result, article=dataclasses.replace(result.article, tags=("ميناء الساحل", "الاستثمار"))
    )
    repository = ShareRepository(db)
    saved = await repository.save(tagged)
    found = await repository.by_id(saved.id)
    assert found is not None
    assert found.result.article.tags == ("ميناء الساحل", "الاستثمار")
    untagged = await repository.save(make_result("https://akhbar-sahel.ma/other"))
    again = await repository.by_id(untagged.id)
    assert again is not None and again.result.article.tags == ()
