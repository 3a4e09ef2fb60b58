"""FG012 — endpoint-only egress without the ECR interface endpoints

## What it does
Finds Fargate services whose subnets have no internet egress (no NAT route, no
public IP) in a VPC that relies on VPC endpoints, whose tasks run a private ECR
image, and whose VPC has no `ecr.api` or no `ecr.dkr` endpoint. Platform
versions 1.3.0 and older need only `ecr.dkr`.

## Why is this bad?
Fargate pulls the image through the task's ENI. Without the ECR endpoints the
registry-auth call and the manifest fetch have nowhere to go:
`ResourceInitializationError: unable to pull secrets or registry auth: ...
unable to retrieve ecr registry auth ... dial tcp ...:443: i/o timeout`.

## Example
```yaml
EcrDkrEndpoint:            # ecr.api is missing
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: !Ref Vpc
    ServiceName: !Sub com.amazonaws.${AWS::Region}.ecr.dkr
    VpcEndpointType: Interface
    PrivateDnsEnabled: true
```
```hcl
resource "aws_vpc_endpoint" "ecr_dkr" {   # no ecr.api endpoint
  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.eu-west-1.ecr.dkr"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
}
```

## Use instead
Create both `ecr.api` and `ecr.dkr` interface endpoints with private DNS in the
task VPC (and the S3 gateway endpoint, FG013), or give the subnets a NAT route.

## Known problems
Endpoints that exist but are unusable are reported by FG041 (security group),
FG071 (private DNS off) and FG072 (wrong type), not here. Silent when the image
comes from a parameter or variable, or the VPC's endpoints are not all in scope.

## References
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/platform-linux-fargate.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.findings import Finding, RuleMeta
from linter.rulekit import Context, endpoint_gaps

META = RuleMeta(
    id="FG012",
    name="missing-ecr-endpoints",
    severity="error",
    summary="Endpoint-only subnets, a private ECR image, and no ecr.api / ecr.dkr endpoint",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    yield from endpoint_gaps(
        ctx,
        META,
        ("ecr.api", "ecr.dkr"),
        "the image pull will time out and tasks will never start",
        "Create the ecr.api and ecr.dkr interface endpoints with private DNS in the task "
        "VPC, or route the subnets to a NAT gateway.",
    )
