"""Helpers for calling a comune's JSON API in tests."""

from tests.conftest import host_client


class Api:
    def __init__(self, host: str, user=None):
        self.client = host_client(host, user)

    def get(self, path, **params):
        return self.client.get(f"/api/v1/{path}", params)

    def post(self, path, data):
        return self.client.post(f"/api/v1/{path}", data, content_type="application/json")

    def patch(self, path, data):
        return self.client.patch(f"/api/v1/{path}", data, content_type="application/json")

    def put(self, path, data):
        return self.client.put(f"/api/v1/{path}", data, content_type="application/json")

    def delete(self, path):
        return self.client.delete(f"/api/v1/{path}")


def cesena_api(user=None) -> Api:
    return Api("cesena.localhost", user)


def sarsina_api(user=None) -> Api:
    return Api("sarsina.localhost", user)
