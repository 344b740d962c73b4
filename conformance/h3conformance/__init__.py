"""The h3 session conformance kit: scenarios as data, runners, reports."""
