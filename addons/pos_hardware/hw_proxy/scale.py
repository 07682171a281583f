"""Serial scale (Toledo 8217 style: send ``W``, read the weight)."""

import re
import threading

from .devices import DeviceError, transport_for

WEIGHT = re.compile(rb"(\d+\.\d+|\d+)")


class SerialScale:
    def __init__(self, uri, timeout=1.0):
        self.uri = uri
        self.name = uri.name
        self.timeout = timeout
        self.status = "connecting"
        self.messages = []
        self._lock = threading.Lock()

    def start(self):
        threading.Thread(target=self.read_weight, daemon=True).start()

    def stop(self):
        return None

    def get_status(self):
        return {"status": self.status, "messages": list(self.messages), "name": self.name}

    def read_weight(self):
        """Weight in kg, or None when the scale does not answer."""
        with self._lock:
            try:
                with transport_for(self.uri, self.timeout) as transport:
                    transport.send(b"W")
                    answer = transport.receive(16, self.timeout)
            except DeviceError as exc:
                self.status, self.messages = "disconnected", [str(exc)]
                return None
            match = WEIGHT.search(answer)
            if not match:
                self.status, self.messages = "connected", ["no weight in scale answer"]
                return None
            self.status, self.messages = "connected", []
            return float(match.group(1))
