"""Fixtures shared by the render adapter tests: the Gemini API fake and a storyboard provider."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from services.render.providers import StoryboardProvider
from tests.fakes import gemini as fg


@pytest_asyncio.fixture
async def gem() -> AsyncIterator[fg.FakeGemini]:
    fake = fg.FakeGemini()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture(scope="module")
def storyboard() -> Iterator[StoryboardProvider]:
    provider = StoryboardProvider(1)
    yield provider
    provider.close()
