"""Container definitions, shared by all three formats.

CloudFormation writes them in PascalCase, Terraform and task-definition JSON in
camelCase; `key()` accepts both so one builder serves every reader.
"""

from __future__ import annotations

from linter.model import Container, PortMapping
from linter.values import Unknown, V, prop


def key(v: V | None, name: str) -> V | None:
    """A property by its camelCase name, also found when written in PascalCase."""
    return prop(v, name, snake=False)


def unknown_why(defs: V | None) -> str:
    """Why a container-definitions value is not a list we can read, or ""."""
    if defs is not None and isinstance(defs.value, list):
        inner = next((c for c in defs.value if isinstance(c.value, Unknown)), None)
        return f"a container definition: {inner.value.reason}" if inner is not None else ""
    if defs is None:
        return ""
    if isinstance(defs.value, Unknown):
        return defs.value.reason
    return "they are not a list"


def containers(defs: V) -> tuple[Container, ...] | None:
    """Model a container-definitions list; None when the list itself is unknown."""
    if not isinstance(defs.value, list):
        return None
    if any(isinstance(c.value, Unknown) for c in defs.value):
        return None  # a container we cannot read may be any of them
    out = []
    for c in defs.value:
        if not isinstance(c.value, dict):
            continue
        mappings = []
        pm = key(c, "portMappings")
        for m in pm.items() if pm is not None else ():
            if isinstance(m.value, dict):
                mappings.append(_mapping(m))
        log = key(c, "logConfiguration")
        secrets = [
            key(x, "valueFrom")
            for group in (key(c, "secrets"), key(log, "secretOptions"))
            if group is not None
            for x in group.items()
        ]
        env_files = key(c, "environmentFiles")
        out.append(
            Container(
                loc=c.loc,
                name=key(c, "name"),
                image=key(c, "image"),
                port_mappings=tuple(mappings),
                init_process=key(key(c, "linuxParameters"), "initProcessEnabled"),
                readonly_root=key(c, "readonlyRootFilesystem"),
                network_mode=key(c, "networkMode"),
                log_driver=key(log, "logDriver"),
                log_options=key(log, "options"),
                environment=key(c, "environment"),
                secrets=tuple(x for x in secrets if x is not None),
                secret_names=tuple(
                    n
                    for x in (key(c, "secrets").items() if key(c, "secrets") is not None else ())
                    if (n := key(x, "name")) is not None
                ),
                credentials=key(key(c, "repositoryCredentials"), "credentialsParameter"),
                environment_files=tuple(
                    f
                    for x in (env_files.items() if env_files is not None else ())
                    if (f := key(x, "value")) is not None
                ),
                port_mappings_value=pm,
                **_networking(c),
            )
        )
    return tuple(out)


def _mapping(m: V) -> PortMapping:
    return PortMapping(
        m.loc,
        key(m, "containerPort"),
        key(m, "hostPort"),
        protocol=key(m, "protocol"),
        name=key(m, "name"),
        app_protocol=key(m, "appProtocol"),
        port_range=key(m, "containerPortRange"),
    )


def _networking(c: V) -> dict:
    """The container's networking parameters and what FG095-FG097 read besides."""
    secrets = key(c, "secrets")
    written = next((k for k in ("portMappings", "PortMappings") if k in c.value), "")
    return {
        "env_secrets": tuple(
            f
            for x in (secrets.items() if secrets is not None else ())
            if (f := key(x, "valueFrom")) is not None
        ),
        "port_mappings_key": written,
        "links": key(c, "links"),
        "hostname": key(c, "hostname"),
        "dns_servers": key(c, "dnsServers"),
        "dns_search_domains": key(c, "dnsSearchDomains"),
        "extra_hosts": key(c, "extraHosts"),
        "disable_networking": key(c, "disableNetworking"),
        "command": key(c, "command"),
        "entry_point": key(c, "entryPoint"),
    }


def efs_volumes(volumes: V | None) -> tuple[V, ...]:
    """The EFS configurations of a task definition's volumes (JSON efsVolumeConfiguration,
    CloudFormation EFSVolumeConfiguration)."""
    out = []
    for vol in volumes.items() if volumes is not None else ():
        efs = vol.get("efsVolumeConfiguration") or vol.get("EFSVolumeConfiguration")
        if efs is not None and efs.value is not None:
            out.append(efs)
    return tuple(out)
