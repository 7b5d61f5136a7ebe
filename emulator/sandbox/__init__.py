"""The Node.js sandbox that runs sources: one supervised Node process per source."""
from __future__ import annotations

from .host import SandboxHost
from .invocation import Invocation, InvocationResult, SandboxLimits

__all__ = ["Invocation", "InvocationResult", "SandboxHost", "SandboxLimits"]
