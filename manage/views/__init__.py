"""Management pages for leaders and administrators, one module per sub-resource:
programmes, partnerships (with the audit log and deleting), members, rounds (with response
tracking), survey invitations, the partner map, and accepting an account invitation. Every
partnership route goes through auth.access with the leader role; every change is written to
the audit log.

Importing the modules registers their routes on the two blueprints of common.py."""

from . import (  # noqa: F401 (registers the routes)
    accept,
    invitations,
    members,
    partners,
    partnerships,
    programmes,
    rounds,
)
from .common import bp, welcome

__all__ = ["bp", "welcome"]
