"""FG016 — endpoint-only egress without the CloudWatch Logs endpoint

## What it does
Finds Fargate services whose subnets have no internet egress in a VPC that
relies on VPC endpoints, whose containers use the `awslogs` log driver, and
whose VPC has no `logs` interface endpoint.

## Why is this bad?
The awslogs driver checks the log group before the container starts. Without a
route to CloudWatch Logs the task fails:
`ResourceInitializationError: failed to validate logger args: The task cannot
find the Amazon CloudWatch log group defined in the task definition. There is a
connection issue between the task and Amazon CloudWatch.`

## Example
```yaml
LogConfiguration:
  LogDriver: awslogs       # and no com.amazonaws.<region>.logs endpoint
```
```hcl
logConfiguration = {
  logDriver = "awslogs"    # and no com.amazonaws.<region>.logs endpoint
}
```

## Use instead
```yaml
LogsEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: !Ref Vpc
    ServiceName: !Sub com.amazonaws.${AWS::Region}.logs
    VpcEndpointType: Interface
    PrivateDnsEnabled: true
```
```hcl
resource "aws_vpc_endpoint" "logs" {
  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.eu-west-1.logs"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
}
```

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.findings import Finding, RuleMeta
from linter.rulekit import Context, endpoint_gaps

META = RuleMeta(
    id="FG016",
    name="missing-logs-endpoint",
    severity="error",
    summary="Endpoint-only subnets, the awslogs driver, and no logs endpoint",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    yield from endpoint_gaps(
        ctx,
        META,
        ("logs",),
        "the awslogs driver cannot reach CloudWatch Logs and tasks will fail to start",
        "Create a logs interface endpoint with private DNS in the task VPC, or route the "
        "subnets to a NAT gateway.",
    )
