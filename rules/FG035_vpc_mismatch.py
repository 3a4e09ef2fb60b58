"""FG035 — Service subnets, security groups, target group and load balancer in different VPCs

## What it does
Works out the VPC of a service's tasks from its subnets and checks that everything
the tasks are wired to is in that VPC:

- the service's subnets are all in one VPC;
- its security groups belong to that VPC (a group written without `VpcId` /
  `vpc_id` is created in the account's default VPC);
- the target groups it registers in, and the subnets of the load balancers that
  forward to them, are in that VPC;
- `awsvpcConfiguration` names at most 16 subnets and 5 security groups;
- no security-group rule names a group of another VPC (unless a peering is in the
  files).

## Why is this bad?
ECS rejects the service: `Security group sg-… does not appear to belong to the same
VPC as the input subnets`; a target group in another VPC takes no task IPs, so the
targets are never healthy; more than 16 subnets or 5 groups is an
`InvalidParameterException`.

## Example
```yaml
TaskSecurityGroup:
  Type: AWS::EC2::SecurityGroup
  Properties:
    GroupDescription: tasks    # no VpcId: the default VPC
Service:
  Properties:
    NetworkConfiguration:
      AwsvpcConfiguration:
        Subnets: [!Ref PrivateSubnet]          # in Vpc
        SecurityGroups: [!Ref TaskSecurityGroup]
```
```hcl
resource "aws_security_group" "tasks" {
  name = "tasks"               # no vpc_id: the default VPC
}
```

## Use instead
```yaml
    VpcId: !Ref Vpc
```
```hcl
  vpc_id = aws_vpc.main.id
```

## Known problems
VPCs are compared by the resource they reference, or by literal `vpc-` ids; values
from parameters, imports or data sources are not compared. IP targets in a peered
VPC are legitimate and not modelled: a target group in another VPC is reported
only when both VPCs are defined in the files.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/load-balancer-types.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking-awsvpc.html
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-securitygroup.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter import model as m
from linter.findings import Finding, RuleMeta, Step
from linter.rulekit import Context, Placement, bound, finding, placements
from linter.values import V, ref_id
from linter.vpcs import same_vpc, vpc_key

META = RuleMeta(
    id="FG035",
    name="vpc-mismatch",
    severity="error",
    summary="service subnets, security groups, target group or load balancer in different VPCs",
    formats=("cloudformation", "terraform"),
)

MAX_SUBNETS, MAX_GROUPS = 16, 5


def check(ctx: Context) -> Iterator[Finding]:
    for p in placements(ctx):
        yield from _limits(p)
        home = _home(ctx, p)
        if home is None:
            continue
        yield from _groups(ctx, p, home)
    for p, b, tg in bound(ctx):
        home = _home(ctx, p)
        if home is not None:
            yield from _balancing(ctx, p, b, tg, home)
    yield from _cross_references(ctx)


def _cross_references(ctx: Context) -> Iterator[Finding]:
    """(e) A rule naming a group of another VPC: both VPCs defined here, none peered."""
    if _peered(ctx):
        return
    for sg in ctx.tpl.of(m.SecurityGroup):
        if ctx.tpl.deref(sg.vpc, m.Vpc) is None:
            continue
        for rule in (*sg.ingress, *sg.egress):
            for g in rule.peer_group.items() if rule.peer_group is not None else ():
                other = ctx.tpl.deref(g, m.SecurityGroup)
                if other is None or ctx.tpl.deref(other.vpc, m.Vpc) is None:
                    continue
                if same_vpc(ctx.tpl, sg.vpc, other.vpc) is not False:
                    continue
                yield finding(
                    META,
                    f"a rule of security group {sg.id} ({_name(sg.vpc)}) names group "
                    f"{other.id} of {_name(other.vpc)}; groups may only reference groups of "
                    "their own or a peered VPC, so creating the rule fails",
                    rule.loc,
                    sg.id,
                    path=(
                        Step(f"{sg.id} is in {_name(sg.vpc)}", (sg.vpc or sg).loc),
                        Step(f"{other.id} is in {_name(other.vpc)}", (other.vpc or other).loc),
                    ),
                    fix=f"Reference a group of {_name(sg.vpc)}, or peer the two VPCs.",
                )


def _home(ctx: Context, p: Placement) -> tuple[m.Subnet, V] | None:
    """The placement's first subnet in scope whose VPC can be told, and that VPC."""
    subs = [(ref, s) for ref, s in ctx.net.placement_subnets(p.svc) if vpc_key(ctx.tpl, s.vpc)]
    return (subs[0][1], subs[0][1].vpc) if subs else None


def _limits(p: Placement) -> Iterator[Finding]:
    for v, limit, what in (
        (p.svc.subnets, MAX_SUBNETS, "subnets"),
        (p.svc.security_groups, MAX_GROUPS, "security groups"),
    ):
        if v is None or not v.known or not isinstance(v.value, list) or len(v.value) <= limit:
            continue
        yield finding(
            META,
            f"{p.svc.id} names {len(v.value)} {what} in its awsvpc configuration; ECS allows "
            f"at most {limit}, so it rejects the service",
            v.loc,
            p.svc.id,
            assumed=p.assumed,
            fix=f"Name at most {limit} {what}.",
        )


def _groups(ctx: Context, p: Placement, home: tuple[m.Subnet, V]) -> Iterator[Finding]:
    subnet, vpc = home
    here = Step(f"{p.svc.id} places tasks in {subnet.id}, in {_name(vpc)}", subnet.loc)
    for ref, other in ctx.net.placement_subnets(p.svc):
        if same_vpc(ctx.tpl, other.vpc, vpc) is False:
            yield finding(
                META,
                f"{p.svc.id} places tasks in subnets of two VPCs ({subnet.id} in "
                f"{_name(vpc)}, {other.id} in {_name(other.vpc)}); a service's subnets must "
                "share one VPC",
                ref.loc,
                p.svc.id,
                path=(here, Step(f"{other.id} is in {_name(other.vpc)}", other.loc)),
                assumed=p.assumed,
                fix="Use subnets of one VPC.",
            )
            return
    groups = p.svc.security_groups
    for g in groups.items() if groups is not None and groups.known else ():
        sg = ctx.tpl.deref(g, m.SecurityGroup)
        if sg is None or sg.vpc_default:
            continue
        if sg.vpc is None:
            if ctx.tpl.deref(vpc, m.Vpc) is None:
                continue  # a VPC by id may be the default one
            where = "the default VPC"
            why = f"{sg.id} names no VPC, so it is created in the default VPC"
        elif same_vpc(ctx.tpl, sg.vpc, vpc) is False:
            where, why = _name(sg.vpc), f"{sg.id} belongs to {_name(sg.vpc)}"
        else:
            continue
        yield finding(
            META,
            f"{p.svc.id} attaches security group {sg.id}, which is in {where}, to tasks in "
            f"{_name(vpc)}; ECS rejects the service ('does not appear to belong to the same "
            "VPC as the input subnets')",
            g.loc,
            p.svc.id,
            path=(here, Step(why, (sg.vpc or sg).loc)),
            assumed=p.assumed + ctx.net.exported(sg),
            fix=f"Create {sg.id} in {_name(vpc)} (VpcId / vpc_id).",
        )


def _balancing(ctx, p, b, tg, home) -> Iterator[Finding]:
    subnet, vpc = home
    here = Step(f"{p.svc.id} places tasks in {subnet.id}, in {_name(vpc)}", subnet.loc)
    if same_vpc(ctx.tpl, tg.vpc, vpc) is False and _both_defined(ctx, tg.vpc, vpc):
        peered = _peered(ctx)
        yield finding(
            META,
            f"{p.svc.id} registers tasks of {_name(vpc)} in target group {tg.id} of "
            f"{_name(tg.vpc)}; the tasks and the load balancer must share a VPC, or the "
            "targets never become healthy",
            b.target_group.loc,
            p.svc.id,
            path=(here, Step(f"target group {tg.id} is in {_name(tg.vpc)}", tg.vpc.loc)),
            assumed=p.assumed,
            # IP targets in a peered VPC can be registered: then it may be by design.
            severity="warning" if peered else None,
            fix=f"Create the target group in {_name(vpc)}"
            + (" (or make sure the peering routes the tasks' addresses)." if peered else "."),
        )
        return
    for lb, lst in ctx.lb.balancers(tg):
        for s in ctx.lb.subnets(lb) or ():
            if same_vpc(ctx.tpl, s.vpc, vpc) is False and _both_defined(ctx, s.vpc, vpc):
                yield finding(
                    META,
                    f"load balancer {lb.id}, which forwards to {p.svc.id}'s target group "
                    f"{tg.id}, is in {_name(s.vpc)} while the tasks are in {_name(vpc)}; the "
                    "tasks and the load balancer must share a VPC",
                    b.target_group.loc,
                    p.svc.id,
                    path=(
                        here,
                        Step(f"{lst.id} forwards to {tg.id}", lst.loc),
                        Step(f"{lb.id} stands in {s.id}, in {_name(s.vpc)}", s.loc),
                    ),
                    assumed=p.assumed,
                    fix="Put the load balancer in subnets of the tasks' VPC.",
                )
                return


_LINKS = (
    "AWS::EC2::VPCPeeringConnection",
    "AWS::EC2::TransitGatewayAttachment",
    "AWS::EC2::TransitGatewayVpcAttachment",
    "aws_vpc_peering_connection",
    "aws_ec2_transit_gateway_vpc_attachment",
)


def _peered(ctx: Context) -> bool:
    """A peering or transit-gateway attachment in the files may join the VPCs."""
    return any(t in _LINKS for t in ctx.tpl.types.values())


def _both_defined(ctx: Context, a: V | None, b: V) -> bool:
    """Both VPCs are defined here: IP targets in a peered VPC are legitimate, and a VPC
    given by id may be peered for all we know."""
    return ctx.tpl.deref(a, m.Vpc) is not None and ctx.tpl.deref(b, m.Vpc) is not None


def _name(v: V | None) -> str:
    return ref_id(v) or (str(v.value) if v is not None and v.known else "an unknown VPC")
