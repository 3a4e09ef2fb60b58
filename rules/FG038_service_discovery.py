"""FG038 — Service discovery (Cloud Map) registration that ECS rejects or DNS cannot resolve

## What it does
Follows each `ServiceRegistries` entry of a service to its Cloud Map service and
namespace, and checks:

- (a) the combination ECS accepts for the network mode: `awsvpc` takes `A`/`AAAA`
  records, or `SRV` with a `Port` or a `ContainerName` + `ContainerPort` (never
  both); `bridge` and `host` take only `SRV` records, with `ContainerName` +
  `ContainerPort`; `none` takes no registry (error);
- (b) a private DNS namespace in another VPC than the tasks (warning);
- (c) a VPC whose DNS attributes (`EnableDnsSupport`, `EnableDnsHostnames`) are off,
  so private hosted-zone names do not resolve (warning).

## Why is this bad?
(a) CreateService fails with `InvalidParameterException`. (b, c) The service is
created, but its callers get `NXDOMAIN` for `<service>.<namespace>` and fail to
connect.

## Example
```yaml
Discovery:
  Type: AWS::ServiceDiscovery::Service
  Properties:
    DnsConfig:
      NamespaceId: !Ref Namespace
      DnsRecords: [{Type: A, TTL: 60}]    # bridge tasks have no address of their own
Service:
  Properties:
    TaskDefinition: !Ref BridgeTask
    ServiceRegistries:
      - RegistryArn: !GetAtt Discovery.Arn
```
```hcl
resource "aws_service_discovery_private_dns_namespace" "internal" {
  name = "internal"
  vpc  = aws_vpc.other.id          # the tasks run in aws_vpc.main
}
```

## Use instead
`A` records for awsvpc tasks, `SRV` with `ContainerName` and `ContainerPort` for
bridge and host tasks; the namespace in the tasks' VPC; both VPC DNS attributes on.

## Known problems
Silent when the Cloud Map service or namespace is not in the files. HTTP
namespaces resolve through the API only: (b) and (c) do not apply to them. Fargate
platform versions older than 1.1.0 are FG095's.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-discovery.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service_definition_parameters.html#sd-serviceregistries
- https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zone-private-considerations.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter import model as m
from linter.findings import Finding, RuleMeta, Step
from linter.rulekit import Context, Placement, finding, placements
from linter.values import V, assumptions, prop, ref_id, text, truth
from linter.vpcs import same_vpc, single_vpc

META = RuleMeta(
    id="FG038",
    name="service-discovery",
    severity="error",
    summary="a Cloud Map registration ECS rejects for the network mode, or names the tasks' "
    "VPC cannot resolve",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    for p in placements(ctx):
        regs = p.svc.service_registries
        if regs is None or not regs.known:
            continue
        for reg in regs.items():
            disc = ctx.tpl.deref(prop(reg, "registryArn"), m.DiscoveryService)
            if p.mode is not None:
                yield from _combination(p, reg, disc)
            if disc is not None:
                yield from _resolution(ctx, p, reg, disc)


_ZONE_LINKS = ("aws_route53_zone_association", "aws_route53_vpc_association_authorization")


_BOTH_FIX = "Give the registry Port, or ContainerName and ContainerPort, not both."
_RECORD_FIX = (
    "Use A records for awsvpc tasks; SRV records with ContainerName and ContainerPort for "
    "bridge and host tasks."
)


def _given(reg: V, key: str) -> V | None:
    """A registry property, None when left out or null (Terraform writes null for it)."""
    v = prop(reg, key)
    return None if v is None or v.value is None else v


def _types(disc: m.DiscoveryService | None) -> set[str] | None:
    if disc is None or disc.record_types is None or not disc.record_types.known:
        return None
    found = [text(t) for t in disc.record_types.items()]
    return None if None in found else {t.upper() for t in found if t}


def _combination(p: Placement, reg: V, disc: m.DiscoveryService | None) -> Iterator[Finding]:
    port, name, cport = (_given(reg, k) for k in ("port", "containerName", "containerPort"))
    types = _types(disc)
    problem = ""
    if p.mode == "none":
        problem = "tasks with network mode none cannot be registered"
    elif p.mode in ("bridge", "host"):
        if types is not None and types & {"A", "AAAA"}:
            problem = f"{p.mode} tasks can only be registered with SRV records, not A or AAAA"
        elif name is None or cport is None:
            problem = f"{p.mode} tasks need ContainerName and ContainerPort in the registry"
    elif p.mode == "awsvpc":
        if types is not None and "SRV" in types and port is not None and (name or cport):
            problem = "the registry gives both Port and ContainerName/ContainerPort"
        elif types == {"SRV"} and port is None and (name is None or cport is None):
            problem = (
                "an SRV record for awsvpc tasks needs Port, or ContainerName and ContainerPort"
            )
    if not problem:
        return
    steps = [p.mode_step]
    if disc is not None and disc.record_types is not None and types:
        steps.append(
            Step(
                f"{disc.id} registers {', '.join(sorted(types or ()))} records",
                disc.record_types.loc,
            )
        )
    yield finding(
        META,
        f"{p.svc.id} registers its tasks in Cloud Map, but {problem}; ECS rejects the service",
        reg.loc,
        p.svc.id,
        path=tuple(steps),
        assumed=p.assumed + assumptions(port, name, cport),
        fix=_BOTH_FIX if "both" in problem else _RECORD_FIX,
    )


def _resolution(ctx: Context, p: Placement, reg: V, disc: m.DiscoveryService) -> Iterator[Finding]:
    ns = ctx.tpl.deref(disc.namespace, m.Namespace)
    if ns is None or ns.kind != "private":
        return
    # Its hosted zone may be associated with other VPCs.
    linked = any(t in _ZONE_LINKS for t in ctx.tpl.types.values())
    placed = ctx.net.placement_subnets(p.svc)
    vpc = single_vpc(ctx.tpl, [s for _, s in placed])
    if vpc is None:
        return
    registered = Step(f"{p.svc.id} registers its tasks in {disc.id} of namespace {ns.id}", reg.loc)
    other = same_vpc(ctx.tpl, ns.vpc, placed[0][1].vpc) is False
    if other and not linked and ctx.tpl.deref(ns.vpc, m.Vpc) is not None:
        yield finding(
            META,
            f"Cloud Map namespace {ns.id} is a private DNS namespace of {ref_id(ns.vpc)}, but "
            f"{p.svc.id}'s tasks and their callers run in {vpc.id}: its names do not resolve there",
            reg.loc,
            p.svc.id,
            path=(registered, Step(f"{ns.id} is attached to {ref_id(ns.vpc)}", ns.vpc.loc)),
            assumed=p.assumed,
            severity="warning",
            fix=f"Create the namespace in {vpc.id}, or associate its hosted zone with it.",
        )
        return
    for attr, value in (
        ("EnableDnsSupport", vpc.dns_support),
        ("EnableDnsHostnames", vpc.dns_hostnames),
    ):
        on = truth(value) if value is not None else attr == "EnableDnsSupport"
        if on is not False:
            continue
        yield finding(
            META,
            f"{vpc.id} has {attr} off, so the private DNS namespace {ns.id} that {p.svc.id} "
            "registers in does not resolve in it: callers get NXDOMAIN",
            reg.loc,
            p.svc.id,
            path=(
                registered,
                Step(
                    f"{attr} of {vpc.id} is {'false' if value else 'left out (false)'}",
                    (value or vpc).loc,
                ),
            ),
            assumed=p.assumed + assumptions(value),
            severity="warning",
            fix="Turn on EnableDnsSupport and EnableDnsHostnames on the VPC.",
        )
        return
