"""Helpers shared by the test suites: free ports, waiting for servers, real service processes."""
