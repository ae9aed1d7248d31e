from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle


class VisitorThrottle(AnonRateThrottle):
    """Requests per client address (``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"]``);
    the rate is read for each request, so a change of the settings takes effect at once."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]
