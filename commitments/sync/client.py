"""HTTP for the register: timeouts, and retries with exponential backoff for network
failures, timeouts, HTTP 429/5xx and pages that do not parse. After the last attempt the
run stops with a ``SyncError`` that names the page."""

import time

import httpx

from . import SyncError

BASE = "https://gegevensmagazijn.tweedekamer.nl"
USER_AGENT = "toezeggingen-tracker (register sync)"


class RefusedError(SyncError):
    """HTTP 4xx other than 429: asking again will not help."""


class RegisterClient:
    def __init__(self, *, http=None, attempts=4, backoff=2.0, timeout=30.0, sleep=time.sleep):
        self.http = http or httpx.Client(
            timeout=timeout, follow_redirects=True, headers={"User-Agent": USER_AGENT}
        )
        self.attempts = attempts
        self.backoff = backoff
        self.sleep = sleep

    def close(self):
        self.http.close()

    def fetch_page(self, url, parse):
        """GET ``url`` and ``parse(content, url)``; both are retried together."""
        return self._retry(url, lambda response: parse(response.content, url))

    def _retry(self, url, handle):
        last = ""
        for attempt in range(1, self.attempts + 1):
            try:
                response = self.http.get(url)
                if response.status_code == 429 or response.status_code >= 500:
                    last = f"HTTP {response.status_code}"
                elif response.status_code >= 400:
                    raise RefusedError(f"{url} answered HTTP {response.status_code}.")
                else:
                    return handle(response)
            except httpx.TimeoutException as exc:
                last = f"timed out ({type(exc).__name__})"
            except httpx.TransportError as exc:
                last = f"network error: {exc}"
            except RefusedError:
                raise
            except SyncError as exc:  # a page that does not parse
                last = str(exc)
            if attempt < self.attempts:
                self.sleep(self.backoff * 2 ** (attempt - 1))
        raise SyncError(f"Gave up on {url} after {self.attempts} attempts: {last}")
