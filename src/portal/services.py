"""Writes of the comune's portal."""

from src.portal.models import PageRating


def page_rating_create(*, path: str, stars: int, aspect: str = "", detail: str = "") -> PageRating:
    rating = PageRating(path=path, stars=stars, aspect=aspect, detail=detail.strip())
    rating.full_clean()
    rating.save()
    return rating
