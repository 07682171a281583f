"""A printer with its own print queue, worker thread and status."""

import itertools
import logging
import threading
import time
from collections import OrderedDict

from .devices import DeviceError, transport_for
from .escpos_raster import receipt_to_escpos
from .escpos_status import QUERIES, parse_status
from .escpos_text import test_page, text_to_escpos

_logger = logging.getLogger(__name__)

# each ESC/POS drawer kick pulse on pin 2 and pin 5, as the IoT box sends them
CASHBOX = b"\x1b\x3d\x01" + b"\x1b\x70\x00\x19\x19" + b"\x1b\x70\x01\x19\x19"
RECEIPT_TTL = 3600.0  # a receipt nobody could print within an hour is stale
CASHBOX_TTL = 12.0  # opening the drawer later than this would surprise the cashier
KEEP_JOBS = 200
STATES = ("queued", "printing", "done", "failed", "expired")
_job_ids = itertools.count(1)


class Job:
    __slots__ = ("attempts", "created", "data", "error", "expires", "id", "kind", "state")

    def __init__(self, kind, data, ttl):
        self.id = f"{int(time.time())}-{next(_job_ids)}"
        self.kind = kind
        self.data = data
        self.state = "queued"
        self.created = time.time()
        self.expires = time.monotonic() + ttl
        self.attempts = 0
        self.error = ""

    def as_dict(self):
        return {
            "job_id": self.id,
            "kind": self.kind,
            "state": self.state,
            "attempts": self.attempts,
            "error": self.error,
            "created": self.created,
        }


class Printer:
    """Jobs run one at a time, oldest first, on the worker thread, so that status queries and
    jobs never share the printer's (often single) connection."""

    def __init__(self, uri, retry_interval=2.0, status_interval=10.0, timeout=3.0):
        self.uri = uri
        self.name = uri.name
        self.dots = uri.int_option("width", 576)
        self.encoding = uri.options.get("encoding", "gb18030")
        self.query_status = uri.options.get("status", "1") != "0"
        self.image_mode = uri.options.get("image", "raster")
        self.retry_interval = retry_interval
        self.status_interval = status_interval
        self.timeout = timeout
        self.jobs = OrderedDict()
        self.status = "connecting"
        self.messages = []
        self._cond = threading.Condition()
        self._stop = False
        self._thread = threading.Thread(target=self._run, name=f"printer {self.name}", daemon=True)

    # -- public API (request threads) ------------------------------------------------------
    def start(self):
        self._thread.start()

    def stop(self):
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        self._thread.join(timeout=5)

    def print_receipt(self, receipt_b64):
        """Convert (raises ImageError on bad input) and queue a receipt; returns the job."""
        return self._submit(
            "receipt", receipt_to_escpos(receipt_b64, self.dots, self.image_mode), RECEIPT_TTL
        )

    def print_text(self, text):
        return self._submit("text", text_to_escpos(text, self.encoding), RECEIPT_TTL)

    def print_test_page(self):
        return self._submit("text", test_page(self.name, self.dots, self.encoding), RECEIPT_TTL)

    def open_cashbox(self):
        return self._submit("cashbox", CASHBOX, CASHBOX_TTL)

    def wait(self, job, timeout):
        """Wait until the job leaves queued/printing or ``timeout`` passes."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while job.state in ("queued", "printing"):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
        return job

    def job(self, job_id):
        with self._cond:
            return self.jobs.get(job_id)

    def get_status(self):
        with self._cond:
            counts = dict.fromkeys(STATES, 0)
            for job in self.jobs.values():
                counts[job.state] += 1
            return {
                "status": self.status,
                "messages": list(self.messages),
                "name": self.name,
                "width": self.dots,
                "jobs": counts,
                "recent_jobs": [job.as_dict() for job in list(self.jobs.values())[-5:]],
            }

    # -- worker ---------------------------------------------------------------------------
    def _submit(self, kind, data, ttl):
        job = Job(kind, data, ttl)
        with self._cond:
            self.jobs[job.id] = job
            while len(self.jobs) > KEEP_JOBS:
                oldest = next(iter(self.jobs.values()))
                if oldest.state in ("queued", "printing"):
                    break
                self.jobs.popitem(last=False)
            self._cond.notify_all()
        return job

    def _next_job(self):
        now = time.monotonic()
        for job in self.jobs.values():
            if job.state != "queued":
                continue
            if job.expires <= now:
                job.state = "expired"
                job.data = b""
                _logger.warning("%s: job %s (%s) expired unprinted", self.name, job.id, job.kind)
                self._cond.notify_all()
                continue
            return job
        return None

    def _run(self):
        next_status = 0.0
        while True:
            with self._cond:
                if self._stop:
                    return
                job = self._next_job()
                if job is None:
                    timeout = max(0.05, next_status - time.monotonic())
                    self._cond.wait(min(timeout, 1.0))
                    if self._stop:
                        return
                    job = self._next_job()
                if job is not None:
                    job.state = "printing"
                    job.attempts += 1
            if job is not None:
                if not self._print(job):
                    next_status = time.monotonic() + self.retry_interval
                    self._sleep(self.retry_interval)
                continue
            if time.monotonic() >= next_status:
                self._refresh_status()
                next_status = time.monotonic() + self.status_interval

    def _sleep(self, seconds):
        with self._cond:
            if not self._stop:
                self._cond.wait(seconds)

    def _print(self, job):
        """Send one job. Returns False when the printer could not be reached (retry later)."""
        try:
            with transport_for(self.uri, self.timeout) as transport:
                transport.send(job.data)
                online, messages = self._query_after_job(transport)
        except DeviceError as exc:
            with self._cond:
                if exc.sent:
                    # some bytes may have been printed: retrying could print it twice
                    job.state = "failed"
                    job.data = b""
                else:
                    job.state = "queued"
                job.error = str(exc)
                self.status = "disconnected"
                self.messages = [str(exc)]
                self._cond.notify_all()
            _logger.warning("%s: job %s: %s", self.name, job.id, exc)
            return exc.sent
        with self._cond:
            job.state = "done"
            job.data = b""
            job.error = ""
            self.status = "connected" if online else "disconnected"
            self.messages = messages
            self._cond.notify_all()
        return True

    def _query_after_job(self, transport):
        # the job's bytes are out: a failing status query must not turn it into a failure
        try:
            return self._query(transport)
        except DeviceError as exc:
            return True, [str(exc)]

    def _query(self, transport):
        if not self.query_status:
            return True, []
        transport.send(QUERIES)
        parsed = parse_status(transport.receive(3, min(self.timeout, 1.0)))
        if parsed is None:
            return True, ["status not reported by printer"]
        return parsed

    def _refresh_status(self):
        try:
            with transport_for(self.uri, self.timeout) as transport:
                online, messages = self._query(transport)
        except DeviceError as exc:
            online, messages = False, [str(exc)]
        with self._cond:
            self.status = "connected" if online else "disconnected"
            self.messages = messages
