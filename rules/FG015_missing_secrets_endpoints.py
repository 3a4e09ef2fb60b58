"""FG015 — endpoint-only egress without the Secrets Manager / SSM endpoint

## What it does
Finds Fargate services whose subnets have no internet egress in a VPC that
relies on VPC endpoints, whose containers read `secrets` (or
`repositoryCredentials`, or log `secretOptions`) from Secrets Manager or SSM
Parameter Store, and whose VPC has no `secretsmanager` or `ssm` endpoint.

## Why is this bad?
The secrets are fetched through the task's ENI before any container starts:
`ResourceInitializationError: unable to pull secrets or registry auth: ...
unable to retrieve secret from asm: service call has been retried 5 time(s)`.
The task stops without ever running.

## Example
```yaml
ContainerDefinitions:
  - Name: app
    Secrets:
      - Name: DB_PASSWORD
        ValueFrom: !Ref DbSecret     # Secrets Manager, no secretsmanager endpoint
```
```hcl
secrets = [{
  name      = "DB_PASSWORD"
  valueFrom = aws_secretsmanager_secret.db.arn   # no secretsmanager endpoint
}]
```

## Use instead
```yaml
SecretsEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcId: !Ref Vpc
    ServiceName: !Sub com.amazonaws.${AWS::Region}.secretsmanager
    VpcEndpointType: Interface
    PrivateDnsEnabled: true
```
```hcl
resource "aws_vpc_endpoint" "secretsmanager" {
  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.eu-west-1.secretsmanager"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
}
```

## Known problems
A `valueFrom` that is a reference to a resource whose type we cannot read
(a parameter) is unknown and ignored. KMS-encrypted secrets need no KMS
endpoint: Secrets Manager and SSM decrypt server-side.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html
- https://repost.aws/knowledge-center/ecs-unable-to-pull-secrets
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.findings import Finding, RuleMeta
from linter.rulekit import Context, endpoint_gaps

META = RuleMeta(
    id="FG015",
    name="missing-secrets-endpoint",
    severity="error",
    summary="Endpoint-only subnets, secrets from Secrets Manager or SSM, and no such endpoint",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    yield from endpoint_gaps(
        ctx,
        META,
        ("secretsmanager", "ssm"),
        "retrieving the secrets will time out and tasks will stop before starting",
        "Create the secretsmanager / ssm interface endpoints with private DNS in the task "
        "VPC, or route the subnets to a NAT gateway.",
    )
