"""FG095 — Fargate platform version too old for a feature the task uses

## What it does
Finds Fargate services, task sets and scheduled tasks pinned to a literal Linux
platform version older than the features their task definition or launcher uses:

- before 1.4.0: EFS volumes, task-level ephemeral storage, `environmentFiles`, Service
  Connect, and secrets that select a JSON key or a version of a Secrets Manager secret
  (`arn:…:secret:name:json-key:version-stage:version-id`);
- before 1.3.0: any `secrets` or log-driver `secretOptions`;
- before 1.1.0: service discovery (`ServiceRegistries`).

ECS Exec on an old platform is FG003's.

## Why is this bad?
ECS refuses to run the task on that platform version (for example the
`PlatformTaskDefinitionIncompatibility` RunTask failure), so the service or
scheduled task never starts a task, or the feature does not work.

## Example
```yaml
Service:
  Type: AWS::ECS::Service
  Properties:
    LaunchType: FARGATE
    PlatformVersion: 1.3.0
    TaskDefinition: !Ref TaskDefWithEfsVolume
```
```hcl
resource "aws_ecs_service" "app" {
  launch_type      = "FARGATE"
  platform_version = "1.2.0"
  task_definition  = aws_ecs_task_definition.with_secrets.arn
}
```

## Use instead
```yaml
    PlatformVersion: LATEST
```
```hcl
  platform_version = "LATEST"
```

## Known problems
Only literal versions are read: `LATEST`, an omitted version, a parameter or a
variable pass. Windows task definitions, and those whose operating system family is
unknown, are not checked. NLB UDP listeners are not checked.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/platform-linux-fargate.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/efs-volumes.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/taskdef-envfiles.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-discovery.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.findings import Finding, RuleMeta, Step
from linter.rulekit import Context, Placement, finding, placements
from linter.taskfacts import against_defaults, platform_version
from linter.values import V, assumptions, prop, shape, text, truth

META = RuleMeta(
    id="FG095",
    name="platform-too-old-for-feature",
    severity="error",
    summary="A Fargate platform version older than a feature the task uses",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    for p in placements(ctx):
        if p.launch != "FARGATE" or p.td is None:
            continue
        pv = p.svc.platform_version
        version = platform_version(pv)
        if version is None:
            continue
        family = p.td.os_family
        if family is not None and not (text(family) or "").upper().startswith("LINUX"):
            continue  # Windows has its own platform versions; an unknown family may be it
        needs = [(what, need, v) for what, need, v in _features(p) if version < need]
        if not needs:
            continue
        assumed = p.assumed + pv.assumed + assumptions(*(v for _, _, v in needs))
        if against_defaults(p.svc, assumed):
            continue
        names = ", ".join(dict.fromkeys(f"{w} (needs {_dotted(n)})" for w, n, _ in needs))
        yield finding(
            META,
            f"{p.svc.id} pins Fargate platform version {text(pv)}, but uses {names}; "
            "ECS cannot run the task on that platform version",
            pv.loc,
            p.svc.id,
            path=tuple(dict.fromkeys(Step(f"{w} (here)", v.loc) for w, _, v in needs)),
            assumed=assumed,
            fix="Set PlatformVersion / platform_version to LATEST (or 1.4.0), or remove it.",
        )


def _dotted(v: tuple[int, ...]) -> str:
    return ".".join(str(x) for x in v)


def _features(p: Placement) -> Iterator[tuple[str, tuple[int, int, int], V]]:
    """(feature, the first platform version with it, where it is used)."""
    td = p.td
    for efs in td.efs_volumes:
        yield f"an EFS volume in {td.id}", (1, 4, 0), efs
    eph = td.ephemeral_storage
    if eph is not None and eph.value is not None:
        yield f"ephemeral storage in {td.id}", (1, 4, 0), eph
    for c in td.containers or ():
        name = text(c.name) or "?"
        for f in c.environment_files:
            yield f"environment files in '{name}'", (1, 4, 0), f
        for v in c.env_secrets:
            if _json_key_or_version(v):
                yield f"a secret's JSON key or version in '{name}'", (1, 4, 0), v
        for v in c.secrets:
            yield f"secrets in '{name}'", (1, 3, 0), v
    sc = p.svc.service_connect
    enabled = prop(sc, "enabled")
    if truth(enabled) is True:
        yield f"Service Connect on {p.svc.id}", (1, 4, 0), enabled
    reg = p.svc.service_registries
    if reg is not None and reg.known and any(True for _ in reg.items()):
        yield f"service discovery on {p.svc.id}", (1, 1, 0), reg


def _json_key_or_version(v: V) -> bool:
    """A Secrets Manager ARN with a JSON key, version stage or version id after the name
    (`arn:aws:secretsmanager:region:account:secret:name:key:stage:id`)."""
    s = shape(v)
    if s is None:
        return False
    parts = s.split(":")
    if len(parts) < 8 or parts[0] != "arn" or parts[2] != "secretsmanager" or parts[5] != "secret":
        return False
    if any("*" in x for x in parts[5:]):
        return False  # an unknown part may hold colons of its own
    return any(parts[7:])
