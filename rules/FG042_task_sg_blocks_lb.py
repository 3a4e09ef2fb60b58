"""FG042 — Task security groups do not admit the load balancer

## What it does
Follows each load-balanced service from its target group to the listeners
and load balancers that forward to it, and checks that the union of the tasks'
security groups admits TCP from the load balancer on the container port and on
the health-check port when that is another port:

- an Application Load Balancer, or a Network Load Balancer with security groups,
  must be admitted by one of its groups or by a range covering its subnets;
- a Network Load Balancer without security groups sends from its nodes' private
  addresses (ip targets, client-IP preservation off): a range covering its
  subnets must be admitted.

A warning when a Service Connect server's groups do not admit the other services of
its namespace (in the files) on the port it serves (`ingressPortOverride`, else the
named port mapping's container port).

For bridge and host services behind `instance` target groups, the same is checked
on the container instances' security groups (from the launch template or
configuration of the cluster's EC2 capacity provider), on the host port, or on the
whole dynamic host-port range (32768–61000) when bridge mode leaves it to ECS.

## Why is this bad?
Health checks time out, every target is `unhealthy`, ECS drains and replaces the
tasks in a loop, and clients get 502/503/504 from the load balancer.

## Example
```yaml
TaskSecurityGroup:
  Type: AWS::EC2::SecurityGroup
  Properties:
    VpcId: !Ref Vpc
    SecurityGroupIngress:
      - {IpProtocol: tcp, FromPort: 443, ToPort: 443, SourceSecurityGroupId: !Ref LbSecurityGroup}
Service:
  Properties:
    LoadBalancers:
      - {ContainerName: web, ContainerPort: 8080, TargetGroupArn: !Ref TargetGroup}
```
```hcl
resource "aws_security_group" "tasks" {
  vpc_id = aws_vpc.main.id
  ingress {
    protocol        = "tcp"
    from_port       = 80
    to_port         = 80                          # the container listens on 8080
    security_groups = [aws_security_group.lb.id]
  }
}
```

## Use instead
```yaml
      - {IpProtocol: tcp, FromPort: 8080, ToPort: 8080, SourceSecurityGroupId: !Ref LbSecurityGroup}
```
```hcl
    from_port       = 8080
    to_port         = 8080
```

## Known problems
Instances joined to the cluster without a capacity provider (user data alone) are
not followed. Silent when a group or rule comes from outside the files.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/troubleshoot-service-load-balancers.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/load-balancer-types.html
- https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-register-targets.html#target-security-groups
"""

from __future__ import annotations

from collections.abc import Iterator

from linter import connect
from linter.addresses import Peer
from linter.findings import Finding, RuleMeta, Step
from linter.network import NO
from linter.rulekit import Context, finding, sg_explained
from linter.secgroups import admits_range
from linter.values import text

META = RuleMeta(
    id="FG042",
    name="task-sg-blocks-lb",
    severity="error",
    summary="the tasks' security groups do not admit the load balancer on the container or "
    "health-check port",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    for p, flow in ctx.lb_flows:
        groups = ctx.net.security_groups(p.svc.security_groups)
        peer = ctx.lb.source(flow.lb, flow.group)
        if groups is None or peer is None:
            continue
        verdict = ctx.net.sg_admits(groups, "ingress", flow.port.number, peer)
        if verdict.answer != NO:
            continue
        sg_steps, sg_assumed = sg_explained(ctx.net, groups, "ingress")
        source = _source(ctx, flow.lb)
        yield finding(
            META,
            f"the security groups of {p.svc.id}'s tasks do not admit load balancer "
            f"{flow.lb.id} ({source}) on TCP {flow.port.number}, the {flow.port.what}; "
            "targets never become healthy and the tasks are replaced in a loop",
            p.svc.security_groups.loc,
            p.svc.id,
            path=(
                *flow.steps,
                Step(f"{flow.lb.id} sends from {source}", flow.lb.loc),
                Step(f"the tasks receive on {flow.port.what}", flow.port.loc),
                *sg_steps,
            ),
            assumed=p.assumed + tuple(sg_assumed),
            fix=f"Admit TCP {flow.port.number} from the load balancer's security group (or "
            "its subnets' ranges) in the tasks' security group.",
        )
    yield from _instances(ctx)
    yield from _service_connect(ctx)


def _service_connect(ctx: Context) -> Iterator[Finding]:
    """Service Connect servers must admit their clients (the other services of the same
    namespace in the files) on the port they serve: a warning, since clients elsewhere
    are not seen and these may not call this one."""
    members = []
    for p in ctx.placements:
        sc = connect.enabled(p.svc)
        key = connect.namespace_key(sc) if sc is not None else None
        groups = ctx.net.security_groups(p.svc.security_groups)
        if key is not None and groups is not None and p.mode == "awsvpc":
            members.append((p, sc, key, groups))
    for server, sc, key, groups in members:
        for client, _, other, client_groups in members:
            if client is server or other != key:
                continue
            peer = Peer(
                f"the tasks of {client.svc.id}", groups=frozenset(g.id for g in client_groups)
            )
            for s in connect.served(sc, server.td):
                if s.port is None:
                    continue
                verdict = ctx.net.sg_admits(groups, "ingress", s.port, peer)
                if verdict.answer != NO:
                    continue
                sg_steps, sg_assumed = sg_explained(ctx.net, groups, "ingress")
                yield finding(
                    META,
                    f"the security groups of {server.svc.id}'s tasks do not admit "
                    f"{client.svc.id}, a Service Connect client in the same namespace, on TCP "
                    f"{s.port}, the port {text(s.port_name) or '?'} is served on; its calls "
                    "time out",
                    server.svc.security_groups.loc,
                    server.svc.id,
                    path=(
                        Step(
                            f"{server.svc.id} serves {text(s.port_name) or '?'} on {s.port}",
                            s.entry.loc,
                        ),
                        Step(f"{client.svc.id} joins the same namespace", client.svc.loc),
                        *sg_steps,
                    ),
                    assumed=server.assumed + client.assumed + tuple(sg_assumed),
                    severity="warning",
                    fix=f"Admit TCP {s.port} from the client services' security groups.",
                )


def _source(ctx: Context, lb) -> str:
    lb_groups = ctx.lb.security_groups(lb)
    if lb_groups:
        plural = "s" if len(lb_groups) > 1 else ""
        return f"its security group{plural} " + ", ".join(g.id for g in lb_groups)
    if ctx.lb.uses_groups(lb):
        return "its security groups"
    return "its nodes' addresses in its subnets"


def _instances(ctx: Context) -> Iterator[Finding]:
    """Bridge and host services: the container instances' groups must admit the load
    balancer on the host port, or on the whole dynamic host-port range."""
    for p, flow in ctx.instance_flows:
        peer = ctx.lb.source(flow.lb, flow.group)
        if peer is None:
            continue
        groups = flow.instance_groups
        verdict, port = admits_range(groups, "ingress", flow.ports, peer, ctx.net.sg_rules_open)
        if verdict.answer != NO:
            continue
        sg_steps, sg_assumed = sg_explained(ctx.net, groups, "ingress")
        source = _source(ctx, flow.lb)
        part = "" if flow.ports[0] == flow.ports[1] else f"port {port} of "
        yield finding(
            META,
            f"the security groups of {flow.fleet}'s container instances do not admit load "
            f"balancer {flow.lb.id} ({source}) on TCP {part}{flow.what}, where {p.svc.id}'s "
            f"{p.mode} tasks listen; targets never become healthy",
            groups[0].loc if len(groups) == 1 else flow.loc,
            p.svc.id,
            path=(
                *flow.steps,
                Step(f"the tasks listen on {flow.what} of the instances", flow.loc),
                *sg_steps,
            ),
            assumed=p.assumed + tuple(sg_assumed),
            fix=f"Admit TCP {flow.ports[0]}-{flow.ports[1]} from the load balancer's security "
            f"group in the instances' security group.",
        )
