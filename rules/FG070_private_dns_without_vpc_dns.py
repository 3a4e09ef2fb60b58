"""FG070 — interface endpoint with private DNS in a VPC without DNS support or hostnames

## What it does
Finds interface endpoints with `PrivateDnsEnabled: true` in a VPC defined in
scope whose `EnableDnsSupport` is false or whose `EnableDnsHostnames` is false
or omitted. Both CloudFormation and Terraform default `EnableDnsHostnames` to
false.

## Why is this bad?
The endpoint fails to create: `InvalidParameter: Enabling private DNS requires
both enableDnsSupport and enableDnsHostnames VPC attributes set to true`.

## Example
```yaml
Vpc:
  Type: AWS::EC2::VPC
  Properties:
    CidrBlock: 10.0.0.0/16      # EnableDnsHostnames defaults to false
```
```hcl
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"    # enable_dns_hostnames defaults to false
}
```

## Use instead
```yaml
    EnableDnsSupport: true
    EnableDnsHostnames: true
```
```hcl
  enable_dns_support   = true
  enable_dns_hostnames = true
```

## References
- https://docs.aws.amazon.com/vpc/latest/userguide/vpc-dns.html
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-vpc.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter import model as m
from linter.findings import Finding, RuleMeta, Step
from linter.reach import is_interface, private_dns
from linter.rulekit import Context, finding
from linter.values import assumptions, truth

META = RuleMeta(
    id="FG070",
    name="private-dns-without-vpc-dns",
    severity="error",
    summary="An endpoint with private DNS in a VPC whose DNS support or hostnames is off",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    for ep in ctx.tpl.of(m.VpcEndpoint):
        if not is_interface(ep) or private_dns(ep) is not True:
            continue
        vpc = ctx.tpl.deref(ep.vpc, m.Vpc)
        if vpc is None:
            continue
        off = []
        # EnableDnsSupport defaults to true, EnableDnsHostnames to false.
        if vpc.dns_support is not None and truth(vpc.dns_support) is False:
            off.append(("DNS support", vpc.dns_support.loc))
        if vpc.dns_hostnames is None:
            off.append(("DNS hostnames (off by default)", vpc.loc))
        elif truth(vpc.dns_hostnames) is False:
            off.append(("DNS hostnames", vpc.dns_hostnames.loc))
        if not off:
            continue
        yield finding(
            META,
            f"interface endpoint {ep.id} enables private DNS but VPC {vpc.id} has "
            f"{' and '.join(name for name, _ in off)} turned off: the endpoint will fail to create",
            ep.private_dns.loc,
            ep.id,
            path=tuple(Step(f"{vpc.id}: {name} is off", loc) for name, loc in off),
            assumed=assumptions(vpc.dns_support, vpc.dns_hostnames, ep.private_dns)
            + ctx.net.exported(vpc),
            fix=f"Set EnableDnsSupport and EnableDnsHostnames to true on {vpc.id}.",
        )
