"""What a placement's tasks must reach, and how each need is served (catalogue §0.5).

For every subnet of a placement, each need (ECR, the S3 layer bucket, Logs,
Secrets Manager, SSM, ssmmessages, KMS, a public registry) is served by one of:

- an interface endpoint with private DNS in the task VPC (it captures the
  service's name even when a NAT exists);
- the S3 gateway endpoint, when it is on the subnet's route table;
- the internet, when the subnet has internet egress (IGW + public IP, or NAT);

or by nothing: a `Gap`. A gap is concluded only in the closed world (the VPC and
all its endpoints are defined in scope); anything open leaves the need unknown,
and unknown never yields a finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from linter import model as m
from linter.addresses import NO, UNKNOWN, YES, Peer
from linter.budget import spend
from linter.findings import Step
from linter.network import ENDPOINT_TYPES, Fact, Network, is_interface
from linter.values import Loc, V, ref_id, shape, text, truth, unset

# The domain may be written `${AWS::URLSuffix}` (the CDK does), hence `*` for it too.
ECR_IMAGE = re.compile(r"^(\d{12}|\*)\.dkr\.ecr(-fips)?\.[^./]+\.(amazonaws\.com(\.cn)?|\*)/")

S3 = "s3"
INTERNET = "internet"  # a registry other than private ECR: only the internet serves it

# How a need is served.
ENDPOINT, GATEWAY, VIA_INTERNET = "endpoint", "gateway", "internet"

# Why a need is not served, in an endpoint-only subnet.
MISSING = "missing"  # no endpoint for the service in the VPC
UNROUTED = "unrouted"  # S3 gateway endpoints exist, none on the subnet's route table
INTERFACE_S3 = "interface-s3"  # only an S3 interface endpoint without private DNS
UNUSABLE = "unusable"  # endpoints exist but are not usable (other rules say why)

# A valueFrom that references a resource: its type tells the service.
_SECRET_TYPES = {
    "AWS::SecretsManager::Secret": "arn:aws:secretsmanager:*",
    "aws_secretsmanager_secret": "arn:aws:secretsmanager:*",
    "AWS::SSM::Parameter": "arn:aws:ssm:*",
    "aws_ssm_parameter": "arn:aws:ssm:*",
}


@dataclass(frozen=True)
class Need:
    service: str  # an endpoint service name (ecr.dkr, s3, logs...) or INTERNET
    loc: Loc  # the line that creates the need
    why: str  # "private ECR image", "awslogs", ...


@dataclass(frozen=True)
class Flow:
    """A TCP/443 flow the tasks open for a need, and what carries it."""

    need: Need
    via: str  # ENDPOINT, GATEWAY or VIA_INTERNET
    peer: Peer
    endpoint: m.VpcEndpoint | None = None
    steps: tuple[Step, ...] = ()


@dataclass(frozen=True)
class Gap:
    need: Need
    reason: str  # MISSING, UNROUTED, INTERFACE_S3, UNUSABLE
    endpoints: tuple[m.VpcEndpoint, ...] = ()


@dataclass(frozen=True)
class SubnetReach:
    ref: V  # where the placement names the subnet
    subnet: m.Subnet
    egress: Fact  # internet egress (§0.4)
    endpoint_only: bool  # egress NO and no IPv6 way out
    flows: tuple[Flow, ...]
    gaps: tuple[Gap, ...]  # only in the closed world, only when endpoint-only


@dataclass(frozen=True)
class Reach:
    vpc: m.Vpc | None
    needs: tuple[Need, ...]
    subnets: tuple[SubnetReach, ...]
    task_groups: tuple[m.SecurityGroup, ...] | None  # None: unknown (or the default SG)
    task_peer: Peer  # the tasks as seen by an endpoint: their groups and subnet CIDRs
    assumed: tuple[str, ...]  # assumptions behind "no endpoint" (exported VPC...)


def needs(
    td: m.TaskDefinition, svc: m.Service, launch: str, mode: str | None, net: Network
) -> list[Need]:
    """Needs(P): what the tasks call, with the line that makes them call it. On the EC2
    launch type the instance pulls images, fetches secrets and ships logs; the task
    ENI keeps only ECS Exec (in awsvpc mode)."""
    out: dict[str, Need] = {}

    def add(service: str, loc: Loc, why: str) -> None:
        out.setdefault(service, Need(service, loc, why))

    exec_on = truth(svc.exec_enabled) is True
    if launch == "FARGATE":
        pv = text(svc.platform_version) or "LATEST"
        old = pv != "LATEST" and pv < "1.4.0"
        for c in td.containers or ():
            img = shape(c.image)
            if img and ECR_IMAGE.match(img):
                if not old:
                    add("ecr.api", c.image.loc, "a private ECR image")
                add("ecr.dkr", c.image.loc, "a private ECR image")
                add(S3, c.image.loc, "a private ECR image (its layers live in S3)")
            elif img is not None and c.image.known:
                add(INTERNET, c.image.loc, f"the image {img}")
            if text(c.log_driver) == "awslogs":
                add("logs", c.log_driver.loc, "the awslogs log driver")
            for s in (*c.secrets, *([c.credentials] if c.credentials else [])):
                ref = shape(s) or _SECRET_TYPES.get(net.tpl.types.get(ref_id(s) or ""), "")
                if ref.startswith("arn:") and ":secretsmanager:" in ref:
                    add("secretsmanager", s.loc, "a Secrets Manager secret")
                elif ":ssm:" in ref or (isinstance(s.value, str) and not ref.startswith("arn:")):
                    add("ssm", s.loc, "an SSM parameter")
                    if "/aws/reference/secretsmanager/" in ref:
                        add("secretsmanager", s.loc, "an SSM reference to Secrets Manager")
            for f in c.environment_files:
                if (shape(f) or "").startswith("arn:aws:s3:::"):
                    add(S3, f.loc, "an S3 environment file")
    if exec_on and (launch == "FARGATE" or mode == "awsvpc"):
        add("ssmmessages", svc.exec_enabled.loc, "ECS Exec")
        cluster = net.tpl.deref(svc.cluster, m.Cluster)
        if cluster is not None and not unset(cluster.exec_kms_key):
            add("kms", cluster.exec_kms_key.loc, "ECS Exec with a KMS key")
    return list(out.values())


def private_dns(ep: m.VpcEndpoint) -> bool | None:
    """PrivateDnsEnabled; both formats default it to false."""
    return False if ep.private_dns is None else truth(ep.private_dns)


def endpoint_peer(net: Network, ep: m.VpcEndpoint, service: str) -> Peer:
    """Who answers on the endpoint's ENIs: computed once per endpoint and service."""
    key = (ep.id, service)
    if key not in net.peers:
        net.peers[key] = _endpoint_peer(net, ep, service)
    return net.peers[key]


def _endpoint_peer(net: Network, ep: m.VpcEndpoint, service: str) -> Peer:
    spend(len(list(ep.subnets.items())) if ep.subnets is not None else 1)
    cidrs: tuple[str, ...] | None = None
    if ep.subnets is not None and ep.subnets.known:
        subnets = [net.tpl.deref(v, m.Subnet) for v in ep.subnets.items()]
        if subnets and all(s is not None for s in subnets):
            found = [text(s.cidr) for s in subnets]
            cidrs = None if None in found else tuple(found)
    found = net.security_groups(ep.security_groups)
    groups = frozenset(g.id for g in found) if found is not None else None
    return Peer(f"the {service} endpoint {ep.id}", cidrs=cidrs, groups=groups)


INTERNET_PEER = Peer("the internet", internet=True)
S3_PEER = Peer("S3 (through the gateway endpoint)", internet=True)


def analyse(net: Network, svc: m.Service, td: m.TaskDefinition | None, launch, mode) -> Reach:
    wanted = needs(td, svc, launch, mode, net) if td is not None and td.containers else []
    placed = net.placement_subnets(svc)
    vpcs = {net.vpc_of(s) for _, s in placed}
    vpc = vpcs.pop() if len(vpcs) == 1 else None
    groups = net.security_groups(svc.security_groups)
    cidrs = [text(s.cidr) for _, s in placed]
    task_peer = Peer(
        f"the tasks of {svc.id}",
        cidrs=None if None in cidrs else tuple(cidrs),
        groups=frozenset(g.id for g in groups) if groups is not None else None,
    )
    assumed = net.exported(vpc) + net.dropped(*ENDPOINT_TYPES) if vpc else ()
    subnets = []
    for ref, subnet in placed:
        egress, _ = net.internet_egress(svc, subnet, launch or "", mode)
        endpoint_only = egress.answer == NO and net.ipv6_path(subnet) is False
        flows, gaps = [], []
        for need in wanted:
            flow, gap = _serve(net, vpc, subnet, need, egress, endpoint_only)
            if flow is not None:
                flows.append(flow)
            if gap is not None:
                gaps.append(gap)
        subnets.append(SubnetReach(ref, subnet, egress, endpoint_only, tuple(flows), tuple(gaps)))
    return Reach(
        vpc, tuple(wanted), tuple(subnets), tuple(groups) if groups else None, task_peer, assumed
    )


def _serve(
    net: Network, vpc: m.Vpc | None, subnet: m.Subnet, need: Need, egress: Fact, only: bool
) -> tuple[Flow | None, Gap | None]:
    spend(4)  # weighed as the comparisons it costs in time
    if need.service == INTERNET:
        if egress.answer == YES:
            return Flow(need, VIA_INTERNET, INTERNET_PEER, steps=egress.steps), None
        return None, None  # no PrivateLink for other registries (FG014, not here)
    eps = net.endpoints_for(vpc, need.service) if vpc is not None else None
    if eps is None:
        # Endpoints we cannot see may capture the name: judge nothing.
        return None, None
    if need.service == S3:
        return _serve_s3(net, vpc, subnet, need, eps, egress, only)
    for ep in eps:
        if is_interface(ep) and private_dns(ep):
            step = Step(
                f"interface endpoint {ep.id} serves {need.service} with private DNS", ep.loc
            )
            return Flow(need, ENDPOINT, endpoint_peer(net, ep, need.service), ep, (step,)), None
    if any(
        is_interface(ep) is None or (is_interface(ep) and private_dns(ep) is None) for ep in eps
    ):
        return None, None
    if egress.answer == YES:
        return Flow(need, VIA_INTERNET, INTERNET_PEER, steps=egress.steps), None
    if not only:
        return None, None
    if net.has_interface_endpoints(vpc) is False:
        return None, None  # no interface endpoints: FG010/FG011/FG060-062 say why
    return None, Gap(need, UNUSABLE if eps else MISSING, tuple(eps))


def _serve_s3(
    net: Network,
    vpc: m.Vpc,
    subnet: m.Subnet,
    need: Need,
    eps: list[m.VpcEndpoint],
    egress: Fact,
    only: bool,
) -> tuple[Flow | None, Gap | None]:
    rt, status, _ = net.route_table(subnet)
    gateways = [e for e in eps if is_interface(e) is False]
    for ep in gateways:
        if ep.route_tables is None:
            continue
        if not ep.route_tables.known or status == UNKNOWN:
            return None, None
        if rt is not None and any(
            net.tpl.deref(v, m.RouteTable) is rt for v in ep.route_tables.items()
        ):
            step = Step(f"gateway endpoint {ep.id} is on route table {rt.id}", ep.loc)
            return Flow(need, GATEWAY, S3_PEER, ep, (step,)), None
        if rt is not None and any(not v.known for v in ep.route_tables.items()):
            return None, None
    if any(is_interface(e) is None for e in eps):
        return None, None
    if egress.answer == YES:
        return Flow(need, VIA_INTERNET, INTERNET_PEER, steps=egress.steps), None
    if not only or net.has_interface_endpoints(vpc) is False:
        return None, None
    if gateways:
        return None, Gap(need, UNROUTED, tuple(gateways))
    interfaces = [e for e in eps if is_interface(e)]
    if interfaces and all(private_dns(e) is False for e in interfaces):
        return None, Gap(need, INTERFACE_S3, tuple(interfaces))
    if interfaces:
        return None, None
    return None, Gap(need, MISSING)
