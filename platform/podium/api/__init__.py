"""The REST API (v1): thin DRF views over the services and selectors of the other apps."""
