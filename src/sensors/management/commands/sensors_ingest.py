"""`manage.py sensors_ingest`: the ingestion service (src/sensors/ingest.py), a process of its own.

Subscribes to the broker (MQTT_URL) and writes each comune's readings in batches; prints
its progress (messages, rate, refusals by reason) every --progress seconds; serves its
counters as Prometheus text on --metrics-port when given. Stops on SIGTERM or Ctrl-C after
storing the batch in hand.
"""

import signal
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.core.management.base import BaseCommand

from src.sensors.ingest import Ingestor, metrics_text


class Command(BaseCommand):
    help = "Ingest the hubs' sensor readings from the MQTT broker into each comune's tables."

    def add_arguments(self, parser):
        parser.add_argument("--url", help="Broker URL (default: MQTT_URL).")
        parser.add_argument("--topic", help="Topic filter (default: SENSORS_TOPIC, +/+/+/+).")
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument("--flush-interval", type=float, default=0.5, help="Seconds a batch waits to fill.")
        parser.add_argument("--progress", type=float, default=10.0, help="Seconds between progress lines.")
        parser.add_argument("--metrics-port", type=int, help="Serve /metrics (Prometheus text) on 127.0.0.1:PORT.")

    def handle(self, *args, **options):
        ingestor = Ingestor(
            url=options["url"],
            topic=options["topic"],
            batch_size=options["batch_size"],
            flush_interval=options["flush_interval"],
        )
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        if options["metrics_port"]:
            self._serve_metrics(ingestor, options["metrics_port"])
        self.stdout.write(f"Connecting to {ingestor.url} ...")
        ingestor.start(wait=0)  # paho keeps trying until the broker answers
        self.stdout.write(f"Ingesting {ingestor.topic} (batches of {ingestor.batch_size}); Ctrl-C to stop.")

        def progress(total, rate, counters):
            refused = (
                ", ".join(f"{k} {v}" for k, v in sorted(counters.items()) if k not in ("accepted", "database_retries"))
                or "none"
            )
            self.stdout.write(
                f"{total} messages, {rate:.0f}/s; accepted {counters.get('accepted', 0)}; refused: {refused}; "
                f"database retries {counters.get('database_retries', 0)}"
            )

        try:
            ingestor.run_forever(stop=stop, progress=progress, every=options["progress"])
        finally:
            ingestor.stop()
            self.stdout.write(f"Stopped after {ingestor.received} messages.")

    def _serve_metrics(self, ingestor, port):
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path != "/metrics":
                    self.send_error(404)
                    return
                body = metrics_text(ingestor.counters).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; version=0.0.4")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.stdout.write(f"Metrics on http://127.0.0.1:{port}/metrics")
