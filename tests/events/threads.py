"""Run code on another thread's own database connection: it sees and makes only committed rows."""

import threading

from django.db import connections


def in_thread(fn):
    """Run `fn` on a fresh connection in another thread (autocommit), and return its result."""
    result = {}

    def run():
        try:
            result["value"] = fn()
        except Exception as error:  # re-raised in the test's thread
            result["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result.get("value")
