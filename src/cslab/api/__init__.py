"""The HTTP API: the NinjaAPI instance, authentication, error mapping, pagination."""
