"""FG018 — EC2 container instances that cannot reach the ECS control plane

## What it does
Follows each cluster's EC2 capacity providers to their Auto Scaling groups and
checks, for every subnet the instances launch in, that an instance there reaches
ECS: through a NAT gateway, through an internet gateway with a public IP (from the
launch template, or the subnet's `MapPublicIpOnLaunch`), or through interface
endpoints for all three of `ecs`, `ecs-agent` and `ecs-telemetry`.

A warning when the subnet's way out cannot be followed (a transit gateway, a
firewall) and only some of the three endpoints exist: "if you do not configure
all of the endpoints, your traffic will go over the public endpoints".

## Why is this bad?
The ECS agent never registers the instance, so the cluster has no capacity:
service events read `unable to place a task because no container instance met all
of its requirements … No Container Instances were found in your cluster`, and
nothing runs.

## Example
```yaml
Asg:
  Type: AWS::AutoScaling::AutoScalingGroup
  Properties:
    VPCZoneIdentifier: [!Ref PrivateSubnet]   # no NAT, no ECS endpoints
    LaunchTemplate: {LaunchTemplateId: !Ref LaunchTemplate, Version: "1"}
CapacityProvider:
  Type: AWS::ECS::CapacityProvider
  Properties:
    AutoScalingGroupProvider: {AutoScalingGroupArn: !Ref Asg}
```
```hcl
resource "aws_autoscaling_group" "ecs" {
  vpc_zone_identifier = [aws_subnet.public.id]   # an IGW route, but no public IP
}
```

## Use instead
Launch the instances in subnets with a NAT route, give them public IPs in public
subnets, or create the `ecs`, `ecs-agent` and `ecs-telemetry` interface endpoints
(with ECR and the S3 gateway for the images).

## Known problems
Instances joined to a cluster by user data alone (`ECS_CLUSTER=` without a
capacity provider) are not followed. User data that sets a proxy (`HTTP_PROXY`), or
that cannot be read, keeps the rule silent.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ECS_instances.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-event-messages.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter import instances
from linter.findings import Finding, RuleMeta, Step
from linter.network import NO, YES
from linter.rulekit import Context, finding

META = RuleMeta(
    id="FG018",
    name="instances-cannot-reach-ecs",
    severity="error",
    summary="EC2 container instances in subnets with no way to the ECS endpoints",
    formats=("cloudformation", "terraform"),
)

ECS_ENDPOINTS = ("ecs", "ecs-agent", "ecs-telemetry")


def check(ctx: Context) -> Iterator[Finding]:
    net = ctx.net
    for fleet in instances.fleets(ctx.tpl):
        used = instances.in_use(fleet.cluster, ctx.placements)
        if not used or instances.proxied(fleet) is not False:
            continue  # nothing to run, or a proxy in the user data may carry the calls
        for ref, subnet in instances.subnets(ctx.tpl, fleet.asg):
            fact = instances.egress(net, fleet, subnet)
            vpc = net.vpc_of(subnet)
            if fact.answer == YES or vpc is None or net.ipv6_path(subnet) is not False:
                continue
            found = {s: net.endpoints_for(vpc, s) for s in ECS_ENDPOINTS}
            if any(v is None for v in found.values()):
                continue
            missing = [s for s, eps in found.items() if not eps]
            if not missing:
                continue
            if fact.answer != NO:
                # Another way out may exist (a transit gateway...); but a partial set
                # sends the missing services to their public endpoints that way.
                if len(missing) < len(ECS_ENDPOINTS):
                    yield _partial(fleet, used[0], ref, subnet, vpc, missing)
                continue
            yield finding(
                META,
                f"container instances of {fleet.asg.id} in subnet {subnet.id} cannot reach ECS "
                f"({fact.why}, and no {', '.join(missing)} endpoint in {vpc.id}): they never "
                f"register with {fleet.cluster.id}, so {used[0].svc.id} gets no capacity",
                ref.loc,
                fleet.asg.id,
                path=(
                    Step(
                        f"{used[0].svc.id} runs on the EC2 capacity of {fleet.cluster.id}",
                        used[0].svc.loc,
                    ),
                    Step(
                        f"{fleet.provider.id} puts {fleet.asg.id}'s instances in the cluster",
                        fleet.provider.loc,
                    ),
                    Step(f"{fleet.asg.id} launches instances in {subnet.id}", ref.loc),
                    *fact.steps,
                    Step(f"{vpc.id} has no {', '.join(missing)} interface endpoint", vpc.loc),
                ),
                assumed=used[0].assumed + fact.assumed + net.isolation_assumed(vpc),
                fix="Route the subnet to a NAT gateway, give the instances public IPs, or add "
                "the ecs, ecs-agent and ecs-telemetry interface endpoints.",
            )


def _partial(fleet, p, ref, subnet, vpc, missing: list[str]) -> Finding:
    return finding(
        META,
        f"{vpc.id} has some ECS interface endpoints but no {', '.join(missing)}: container "
        f"instances of {fleet.asg.id} in {subnet.id} reach those over their public "
        "endpoints, which works only if the subnet's other way out reaches the internet",
        ref.loc,
        fleet.asg.id,
        path=(
            Step(f"{fleet.asg.id} launches instances in {subnet.id}", ref.loc),
            Step(f"{vpc.id} has no {', '.join(missing)} interface endpoint", vpc.loc),
        ),
        assumed=p.assumed,
        severity="warning",
        fix="Create all three of the ecs, ecs-agent and ecs-telemetry endpoints, or none.",
    )
