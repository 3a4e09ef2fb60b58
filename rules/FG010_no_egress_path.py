"""FG010 — Fargate task has no egress path at all

## What it does
Finds Fargate services (and task sets, scheduled tasks) with a subnet whose
route table has no `0.0.0.0/0` route, in a VPC that has no interface endpoints
(gateway endpoints for S3 or DynamoDB serve neither ECR's API, logs nor secrets)
and no IPv6 way out either. Every subnet of the service is checked: the scheduler
spreads tasks, so one bad subnet is enough. The explanation names each hop:
subnet, route table association, route table.

## Why is this bad?
Since platform version 1.4.0 all task traffic, including the ECR image pull,
Secrets Manager and SSM lookups and `awslogs`, leaves through the task's ENI.
With no route out and no endpoints, tasks never start:
`CannotPullContainerError: ... dial tcp ...:443: i/o timeout` or
`ResourceInitializationError: unable to pull secrets or registry auth`.

## Example
```yaml
PrivateSubnet:
  Type: AWS::EC2::Subnet
  Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24}
PrivateRouteTable:          # no 0.0.0.0/0 route
  Type: AWS::EC2::RouteTable
  Properties: {VpcId: !Ref Vpc}
Service:
  Type: AWS::ECS::Service
  Properties:
    LaunchType: FARGATE
    NetworkConfiguration:
      AwsvpcConfiguration:
        Subnets: [!Ref PrivateSubnet]
```
```hcl
resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id   # no route block, no aws_route
}
resource "aws_ecs_service" "app" {
  launch_type = "FARGATE"
  network_configuration { subnets = [aws_subnet.private.id] }
}
```

## Use instead
Give the private route table a default route to a NAT gateway in a public subnet:
```yaml
PrivateDefaultRoute:
  Type: AWS::EC2::Route
  Properties:
    RouteTableId: !Ref PrivateRouteTable
    DestinationCidrBlock: 0.0.0.0/0
    NatGatewayId: !Ref NatGateway
```
```hcl
resource "aws_route" "private_nat" {
  route_table_id         = aws_route_table.private.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.main.id
}
```
Or run the tasks in a public subnet with `AssignPublicIp: ENABLED`, or add the
VPC endpoints the tasks need (ECR api/dkr, the S3 gateway, logs, secrets).

## Known problems
Silent when the subnets, route tables or VPC come from parameters, imports,
`data` sources or modules, and when the default route goes to a transit gateway,
peering connection, firewall or instance: those may well lead out. The same
outcome with another root cause is reported once, by its own rule: a subnet on
the main route table (FG060), a NAT that cannot reach the internet (FG061), a
detached internet gateway (FG062), a public subnet without a public IP (FG011),
endpoints that miss a need (FG012-FG016).

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_cannot_pull_image.html
- https://repost.aws/knowledge-center/fargate-connection-issues
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.findings import Finding, RuleMeta
from linter.network import MAIN, NONE
from linter.rulekit import Context, finding, stranded

META = RuleMeta(
    id="FG010",
    name="no-egress-path",
    severity="error",
    summary="A Fargate task subnet with no route out and no interface endpoints",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    for s in stranded(ctx):
        if s.route.kind != NONE or ctx.net.route_table(s.subnet)[1] == MAIN:
            continue  # the other root causes are FG011's and FG060's
        p = s.placement
        yield finding(
            META,
            f"Fargate tasks of {p.svc.id} in subnet {s.subnet.id} have no way out "
            f"({s.egress.why}) and the VPC has {s.endpoints}: image pulls, secrets and "
            "logs will time out and tasks will never start",
            s.ref.loc,
            p.svc.id,
            path=s.path,
            assumed=s.assumed,
            fix="Route 0.0.0.0/0 to a public NAT gateway, use a public subnet with "
            "AssignPublicIp ENABLED, or add the VPC endpoints the tasks need.",
        )
