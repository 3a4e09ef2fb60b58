"""FG013 — endpoint-only egress without a usable S3 gateway endpoint

## What it does
Finds Fargate services whose subnets have no internet egress in a VPC that
relies on VPC endpoints, that need S3 (a private ECR image, whose layers live in
S3, or S3 `environmentFiles`), and where no S3 gateway endpoint exists or none
is associated with the route table of every task subnet.

## Why is this bad?
ECR serves image layers from S3. The manifest pull succeeds through the ECR
endpoints, then the layer download times out:
`CannotPullContainerError: ... error pulling image configuration: Get
https://prod-<region>-starport-layer-bucket.s3.amazonaws.com/...`.

## Example
```yaml
S3Endpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: !Ref Vpc
    ServiceName: !Sub com.amazonaws.${AWS::Region}.s3
    RouteTableIds: [!Ref PublicRouteTable]   # not the tasks' route table
```
```hcl
resource "aws_vpc_endpoint" "s3" {
  vpc_id          = aws_vpc.main.id
  service_name    = "com.amazonaws.eu-west-1.s3"
  route_table_ids = [aws_route_table.public.id]   # not the tasks' route table
}
```

## Use instead
```yaml
    RouteTableIds: [!Ref PrivateRouteTable]
```
```hcl
  route_table_ids = [aws_route_table.private.id]
```

## Known problems
An S3 interface endpoint is reported by FG072. A task subnet that falls back to
the CloudFormation main route table cannot be associated with a gateway
endpoint at all.

## References
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/taskdef-envfiles.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter import reach
from linter.findings import Finding, RuleMeta
from linter.rulekit import Context, endpoint_gaps

META = RuleMeta(
    id="FG013",
    name="missing-s3-gateway-endpoint",
    severity="error",
    summary="Endpoint-only subnets needing S3 with no S3 gateway endpoint on their route tables",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    yield from endpoint_gaps(
        ctx,
        META,
        (reach.S3,),
        "image layers (or environment files) cannot be downloaded from S3",
        "Create a Gateway endpoint for com.amazonaws.<region>.s3 and associate it with the "
        "route table of every task subnet.",
        reasons=(reach.MISSING, reach.UNROUTED),
    )
