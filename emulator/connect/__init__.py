"""Pipedream Connect's trigger API: projects, OAuth clients, external users, accounts, deployed triggers."""
