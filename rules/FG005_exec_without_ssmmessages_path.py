"""FG005 — ECS Exec enabled with no path to ssmmessages

## What it does
Finds services with `EnableExecuteCommand` whose task subnets have no internet
egress in a VPC that relies on VPC endpoints, and whose VPC has no
`ssmmessages` endpoint (nor a `kms` endpoint when the cluster's exec
configuration names a KMS key).

## Why is this bad?
The SSM agent inside the task opens its Session Manager channel to
`ssmmessages`. Without a path there, `aws ecs execute-command` fails with
`TargetNotConnectedException`, although the service itself runs.

## Example
```yaml
Service:
  Type: AWS::ECS::Service
  Properties:
    EnableExecuteCommand: true   # VPC has ECR/logs endpoints but no ssmmessages
```
```hcl
resource "aws_ecs_service" "app" {
  enable_execute_command = true   # VPC has ECR/logs endpoints but no ssmmessages
}
```

## Use instead
```yaml
SsmMessagesEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: !Ref Vpc
    ServiceName: !Sub com.amazonaws.${AWS::Region}.ssmmessages
    VpcEndpointType: Interface
    PrivateDnsEnabled: true
```
```hcl
resource "aws_vpc_endpoint" "ssmmessages" {
  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.eu-west-1.ssmmessages"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
}
```

## Known problems
On the EC2 launch type with bridge or host networking the agent talks from the
instance, whose subnets are not analysed yet: silent there.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.findings import Finding, RuleMeta
from linter.rulekit import Context, endpoint_gaps

META = RuleMeta(
    id="FG005",
    name="exec-without-ssmmessages-path",
    severity="error",
    summary="ECS Exec on, endpoint-only subnets, and no ssmmessages (or kms) endpoint",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    yield from endpoint_gaps(
        ctx,
        META,
        ("ssmmessages", "kms"),
        "ECS Exec sessions will fail with TargetNotConnectedException",
        "Create an ssmmessages interface endpoint (and kms, when exec uses a KMS key) with "
        "private DNS in the task VPC, or route the subnets to a NAT gateway.",
    )
