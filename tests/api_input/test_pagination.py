"""?limit= on every list: capped (src/common/pagination.py); negative or garbage gives the default page."""

import pytest

from src.common.pagination import CappedLimitOffsetPagination

LISTS = ["hubs/", "spaces/", "seats/", "layouts/", "desks/"]


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("limit", ["100000000000000000000", "-5", "0", "abc", "1e400", "9223372036854775808"])
def test_any_limit_on_any_list_is_a_page_not_a_500(anonymous, path, limit):
    response = anonymous.get(f"/api/v1/{path}", {"limit": limit, "offset": "100000000000000000000"})
    assert response.status_code == 200, response.content[:300]
    assert response.json()["results"] == []
    response = anonymous.get(f"/api/v1/{path}", {"limit": limit})
    assert response.status_code == 200, response.content[:300]
    assert len(response.json()["results"]) == response.json()["count"]


def test_an_enormous_limit_is_cut_to_the_ceiling(anonymous):
    response = anonymous.get("/api/v1/spaces/", {"limit": "100000000000000000000", "offset": "1"})
    assert response.status_code == 200
    assert f"limit={CappedLimitOffsetPagination.max_limit}" in response.json()["previous"]
