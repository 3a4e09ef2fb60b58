"""FG071 — interface endpoint the tasks depend on with private DNS off

## What it does
Finds interface endpoints for a service the tasks call (ECR, Logs, Secrets
Manager, SSM, ssmmessages, KMS) whose `PrivateDnsEnabled` is false or omitted —
both CloudFormation and Terraform default it to false. It is an error when a
task subnet has no other way out, and info when a NAT or public IP carries the
traffic anyway (the endpoint is then simply unused).

## Why is this bad?
The ECS agent and the AWS SDKs call the services' default public names. Without
private DNS those names resolve to public addresses, the endpoint is bypassed,
and in an endpoint-only subnet every call times out.

## Example
```yaml
EcrApiEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: !Ref Vpc
    ServiceName: !Sub com.amazonaws.${AWS::Region}.ecr.api
    VpcEndpointType: Interface     # PrivateDnsEnabled defaults to false
```
```hcl
resource "aws_vpc_endpoint" "ecr_api" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.eu-west-1.ecr.api"
  vpc_endpoint_type = "Interface"   # private_dns_enabled defaults to false
}
```

## Use instead
```yaml
    PrivateDnsEnabled: true
```
```hcl
  private_dns_enabled = true
```

## References
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-vpcendpoint.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.findings import Finding, RuleMeta, Step
from linter.network import YES
from linter.reach import UNUSABLE, is_interface, private_dns
from linter.rulekit import Context, finding, placements

META = RuleMeta(
    id="FG071",
    name="endpoint-private-dns-off",
    severity="error",
    summary="An interface endpoint the tasks need with private DNS off",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    for p in placements(ctx):
        r = ctx.reach(p)
        if r.vpc is None or not r.subnets:
            continue
        for need in r.needs:
            for ep in ctx.net.endpoints_for(r.vpc, need.service) or ():
                if not is_interface(ep) or private_dns(ep) is not False:
                    continue
                blocked = next(
                    (
                        sr
                        for sr in r.subnets
                        if any(g.need == need and g.reason == UNUSABLE for g in sr.gaps)
                    ),
                    None,
                )
                if blocked is not None:
                    yield _finding(p, blocked, need, ep, True)
                elif all(sr.egress.answer == YES for sr in r.subnets):
                    yield _finding(p, r.subnets[0], need, ep, False)


def _finding(p, sr, need, ep, blocking: bool) -> Finding:
    where = ep.private_dns.loc if ep.private_dns is not None else ep.loc
    steps = (
        Step(f"{need.why} needs {need.service} (here)", need.loc),
        Step(f"interface endpoint {ep.id} has private DNS off", where),
    )
    if blocking:
        return finding(
            META,
            f"interface endpoint {ep.id} ({need.service}) has private DNS off, so tasks of "
            f"{p.svc.id} resolve the public {need.service} name, which subnet "
            f"{sr.subnet.id} cannot reach ({sr.egress.why}): calls will time out",
            where,
            ep.id,
            path=(*steps, *sr.egress.steps),
            assumed=p.assumed + sr.egress.assumed,
            fix="Set PrivateDnsEnabled: true (private_dns_enabled = true).",
        )
    return finding(
        META,
        f"interface endpoint {ep.id} ({need.service}) has private DNS off: tasks of "
        f"{p.svc.id} bypass it and reach {need.service} over the internet instead",
        where,
        ep.id,
        path=steps,
        severity="info",
        fix="Set PrivateDnsEnabled: true if the endpoint is meant to carry the traffic.",
    )
