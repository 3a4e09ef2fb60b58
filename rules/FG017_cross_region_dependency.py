"""FG017 — Cross-Region dependency from tasks that reach AWS only through endpoints

## What it does
For tasks whose subnets reach AWS only through VPC endpoints (no NAT, no internet
gateway), finds dependencies pinned to another Region than the one the tasks run
in: an ECR image of another Region, `awslogs-region`, secrets and SSM parameters
and registry credentials given by ARN.

## Why is this bad?
VPC endpoints serve only their own Region. The pull, the log stream or the secret
call goes to another Region's public endpoint, which these subnets cannot reach:
the task stops with the same timeouts as a missing endpoint
(`CannotPullContainerError … i/o timeout`, `ResourceInitializationError: unable
to pull secrets …`).

## Example
```hcl
provider "aws" { region = "eu-west-1" }

  container_definitions = jsonencode([{
    image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1"   # another Region
    logConfiguration = { logDriver = "awslogs", options = { awslogs-region = "us-east-1" } }
  }])
```

## Use instead
Replicate the image and the secrets into the tasks' Region (ECR replication,
Secrets Manager replicas) and log to the local Region, or give the tasks a NAT
gateway.

## Known problems
The deploy Region must be known: it is in Terraform, from the default `aws`
provider's literal `region`; CloudFormation's `AWS::Region` is not, so the rule is
silent there.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-ssm-paramstore.html
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from linter.findings import Finding, RuleMeta, Step
from linter.rulekit import Context, finding, placements
from linter.values import V, assumptions, shape, text

META = RuleMeta(
    id="FG017",
    name="cross-region-dependency",
    severity="error",
    summary="a task reaching AWS only through endpoints depends on another Region",
    formats=("terraform",),
)

_ECR_REGION = re.compile(r"^\d{12}\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/")
_ARN_REGION = re.compile(r"^arn:[a-z-]+:(secretsmanager|ssm):([a-z0-9-]+):")


def check(ctx: Context) -> Iterator[Finding]:
    home = text(ctx.tpl.region)
    if not home:
        return
    for p in placements(ctx):
        if p.td is None or p.launch != "FARGATE" or not p.td.containers:
            continue
        reach = ctx.reach(p)
        cut = [sr for sr in reach.subnets if sr.endpoint_only]
        if not cut:
            continue
        only = Step(
            f"{p.svc.id}'s subnet {cut[0].subnet.id} reaches AWS only through VPC endpoints",
            cut[0].ref.loc,
        )
        region_step = Step(f"the tasks run in {home}", ctx.tpl.region.loc)
        for what, v, region in _dependencies(p.td):
            if region == home:
                continue
            yield finding(
                META,
                f"{what} of {p.svc.id} is in {region}, but its tasks run in {home} and reach "
                f"AWS only through VPC endpoints, which serve no other Region: the call "
                "times out",
                v.loc,
                p.svc.id,
                path=(region_step, only, Step(f"{what} names {region}", v.loc)),
                assumed=p.assumed + assumptions(ctx.tpl.region, v) + cut[0].egress.assumed,
                fix=f"Keep the dependency in {home} (replicate it), or give the tasks a NAT route.",
            )


def _dependencies(td) -> Iterator[tuple[str, V, str]]:
    for c in td.containers or ():
        name = text(c.name) or "a container"
        m = _ECR_REGION.match(shape(c.image) or "")
        if m and c.image.known:
            yield f"the image of '{name}'", c.image, m.group(1)
        if text(c.log_driver) == "awslogs":
            opts = c.log_options
            region = opts.get("awslogs-region") if opts is not None else None
            if text(region):
                yield f"the awslogs destination of '{name}'", region, text(region)
        for s in (*c.secrets, *([c.credentials] if c.credentials else [])):
            m = _ARN_REGION.match(text(s) or "")
            if m:
                yield f"a secret of '{name}'", s, m.group(2)
