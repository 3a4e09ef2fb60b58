"""FG072 — endpoint type wrong or defaulted (Gateway vs Interface)

## What it does
Finds VPC endpoints for services other than S3 and DynamoDB whose
`VpcEndpointType` is `Gateway` or omitted (CloudFormation and Terraform both
default to Gateway), and Fargate tasks in endpoint-only subnets that need S3
for image layers while the VPC's only S3 endpoint is an Interface endpoint
without private DNS.

## Why is this bad?
Only S3 and DynamoDB offer gateway endpoints: an `ecr.dkr` or `logs` endpoint
without `VpcEndpointType: Interface` fails to create. ECR cannot fetch layers
through an S3 interface endpoint the SDK does not resolve to: the layer
download times out.

## Example
```yaml
EcrDkrEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: !Ref Vpc
    ServiceName: !Sub com.amazonaws.${AWS::Region}.ecr.dkr   # type defaults to Gateway
```
```hcl
resource "aws_vpc_endpoint" "ecr_dkr" {
  vpc_id       = aws_vpc.main.id
  service_name = "com.amazonaws.eu-west-1.ecr.dkr"   # type defaults to Gateway
}
```

## Use instead
```yaml
    VpcEndpointType: Interface
    PrivateDnsEnabled: true
```
```hcl
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
```

## References
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-vpcendpoint.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html
- https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter import model as m
from linter import reach
from linter.findings import Finding, RuleMeta, Step
from linter.network import endpoint_service
from linter.rulekit import Context, endpoint_gaps, finding
from linter.values import text

META = RuleMeta(
    id="FG072",
    name="endpoint-type",
    severity="error",
    summary="An interface-only service declared (or defaulted) as a Gateway endpoint",
    formats=("cloudformation", "terraform"),
)

GATEWAY_SERVICES = ("s3", "dynamodb", "s3express")


def check(ctx: Context) -> Iterator[Finding]:
    for ep in ctx.tpl.of(m.VpcEndpoint):
        service = endpoint_service(ep)
        if service is None or service in GATEWAY_SERVICES or reach.is_interface(ep) is not False:
            continue
        if ep.endpoint_type is not None and (text(ep.endpoint_type) or "").lower() != "gateway":
            continue  # GatewayLoadBalancer, Resource, ServiceNetwork...
        said = "is declared Gateway" if ep.endpoint_type else "defaults to Gateway"
        yield finding(
            META,
            f"endpoint {ep.id} for {service} {said}, but only S3 and DynamoDB offer gateway "
            "endpoints: it will fail to create",
            ep.endpoint_type.loc if ep.endpoint_type else ep.service.loc,
            ep.id,
            path=(Step(f"{ep.id} names service {service}", ep.service.loc),),
            assumed=ep.endpoint_type.assumed if ep.endpoint_type else (),
            fix='Set VpcEndpointType: Interface (vpc_endpoint_type = "Interface") and '
            "enable private DNS.",
        )
    yield from endpoint_gaps(
        ctx,
        META,
        (reach.S3,),
        "ECR cannot download image layers through an S3 interface endpoint without private DNS",
        "Create a Gateway endpoint for S3 on the task subnets' route tables.",
        reasons=(reach.INTERFACE_S3,),
    )
