"""Zoho's official SDKs that zcrm is tested against, as data: each one's distribution, the version pinned here, the
API version its requests use and the top-level package it installs. The test suite runs each in an environment of
its own (tests/sdk/envs.py, tests/sdk/node_envs.py); docs/coverage.md lists each one's endpoints against the route
table (``zcrm.http.coverage``)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class PythonSdk:
    """An official Python SDK: its distribution on PyPI, the version pinned here, and the API version it calls."""

    distribution: str
    version: str
    api: str  # the path segment its requests use, e.g. "v2.1"
    package: str  # the top-level package it installs

    @property
    def requirement(self) -> str:
        return f"{self.distribution}=={self.version}"

    @property
    def label(self) -> str:
        return f"{self.distribution} {self.version}"


PYTHON_SDKS: dict[str, PythonSdk] = {
    sdk.api: sdk
    for sdk in (
        PythonSdk("zohocrmsdk2-0", "6.0.0", "v2", "zcrmsdk"),
        PythonSdk("zohocrmsdk2-1", "3.0.0", "v2.1", "zcrmsdk"),
        PythonSdk("zohocrmsdk5-0", "2.0.0", "v5", "zohocrmsdk"),
        PythonSdk("zohocrmsdk6-0", "8.0.0", "v6", "zohocrmsdk"),
        PythonSdk("zohocrmsdk7-0", "6.0.0", "v7", "zohocrmsdk"),
        PythonSdk("zohocrmsdk8-0", "7.0.0", "v8", "zohocrmsdk"),
    )
}


@dataclass(frozen=True, slots=True)
class NodeSdk:
    """An official Node SDK: its npm package, the version pinned here, the API version it calls, and whether its
    driver is TypeScript (compiled by tsc) with the further packages, pinned, that its project needs."""

    name: str  # the tests' id
    package: str
    version: str
    api: str
    typescript: bool = False
    tools: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.package} {self.version}"


NODE_SDKS: dict[str, NodeSdk] = {
    sdk.name: sdk
    for sdk in (
        # global-agent: the proxy tests route the SDK's token refresh, which ignores its RequestProxy, through the
        # process's global agent, as a user of proxy mode does (docs/proxy.md)
        NodeSdk("nodejs", "@zohocrm/nodejs-sdk-8.0", "2.0.0", "v8", tools=("global-agent@3.0.0",)),
        # The SDK depends on TypeScript 4.5, which cannot parse today's @types/node (pulled in by its @types/mysql):
        # a TypeScript user compiles with a current tsc and the @types/node of their Node.js (20).
        NodeSdk(
            "typescript",
            "@zohocrm/typescript-sdk-8.0",
            "3.0.0",
            "v8",
            typescript=True,
            tools=("typescript@5.6.3", "@types/node@20.17.58", "global-agent@3.0.0"),
        ),
    )
}


def cache_root() -> Path:
    """Where SDK environments and downloads are kept: ``ZCRM_SDK_ENVS``, else ``sdk-envs`` inside the running venv
    (``make clean`` removes it with the rest of ``.venv``)."""
    import os

    configured = os.environ.get("ZCRM_SDK_ENVS")
    return Path(configured) if configured else Path(sys.prefix) / "sdk-envs"
