"""Endpoint policies on the way: whether the policy of each VPC endpoint a task's calls
go through lets them pass, for the role that makes them (catalogue FG073, FG074).

An endpoint policy is a resource policy evaluated for the caller: the execution role
for image pulls, secrets and logs, the task role for ECS Exec. A private-DNS
interface endpoint carries its service's calls even when a NAT exists, and the S3
gateway endpoint carries every S3 request from the subnets whose route tables it is
on, ECR's layer downloads included. Without a policy an endpoint allows everything;
a policy that cannot be read, a `Condition` or a principal written as an ARN leave
the answer open, and an open answer is never a finding.

https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from linter import grants
from linter import model as m
from linter.addresses import NO
from linter.policy import RESOURCE, Decision, Request, Target, evaluate
from linter.reach import Flow, SubnetReach


@dataclass(frozen=True)
class Denial:
    """A call one endpoint's policy does not let through."""

    placement: object  # rulekit.Placement
    subnet: SubnetReach
    flow: Flow
    endpoint: m.VpcEndpoint
    call: grants.Call
    action: str
    decision: Decision
    role: m.Role | None


def denials(ctx) -> Iterator[Denial]:
    tpl = ctx.tpl
    if "aws_vpc_endpoint_policy" in tpl.uncertain:
        return  # a policy we cannot place may replace any endpoint's
    seen: set[tuple[str, str, str, str]] = set()
    for p in ctx.placements:
        if p.td is None or not p.td.containers:
            continue
        calls = grants.calls(tpl, p.td, p.launch == "FARGATE", [p.svc])
        for sr in ctx.reach(p).subnets:
            for flow in sr.flows:
                ep = flow.endpoint
                if ep is None or ep.policy is None or ep.id in tpl.handed:
                    continue  # none (full access), or a module not read may replace it
                for call in calls:
                    if call.service != flow.need.service:
                        continue
                    role = ctx.roles.role(getattr(p.td, grants.ROLE_FIELD[call.role]))
                    # ECR's layer downloads are presigned: whose request it is, is ECR's.
                    who = ctx.roles.principal(role) if call.identity else Target(None)
                    for action in call.actions:
                        key = (p.svc.id, ep.id, action, call.what)
                        if key in seen:
                            continue
                        seen.add(key)
                        req = Request(action, call.resource, who)
                        decision = evaluate([ep.policy], req, RESOURCE)
                        if decision.answer == NO:
                            yield Denial(p, sr, flow, ep, call, action, decision, role)
