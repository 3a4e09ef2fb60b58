"""FG074 — Secrets Manager, SSM, Logs, KMS or ssmmessages endpoint policy denies the call

## What it does
Finds interface endpoints with private DNS on the tasks' path whose policy does not
let the calling role through: `secretsmanager:GetSecretValue` and
`ssm:GetParameters` on the task's secrets and `logs:CreateLogStream` /
`logs:PutLogEvents` on its log group (execution role), the four
`ssmmessages:*Channel` actions and `kms:Decrypt` for ECS Exec (task role). A
private-DNS endpoint carries these calls even when the subnet also has a NAT.

## Why is this bad?
The task stops with `ResourceInitializationError: unable to pull secrets or
registry auth: … AccessDeniedException: … is not authorized to perform:
secretsmanager:GetSecretValue … with an explicit deny in a VPC endpoint policy`
(the same shape for SSM and Logs), or Exec fails with
`TargetNotConnectedException`.

## Example
```yaml
SecretsEndpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    VpcEndpointType: Interface
    PrivateDnsEnabled: true
    PolicyDocument:
      Statement:
        - {Effect: Deny, Principal: "*", Action: "secretsmanager:GetSecretValue", Resource: "*"}
```
```hcl
resource "aws_vpc_endpoint" "secrets" {
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  policy = jsonencode({ Statement = [{
    Effect = "Deny", Principal = "*", Action = "secretsmanager:GetSecretValue", Resource = "*"
  }] })
}
```

## Use instead
```yaml
        - {Effect: Allow, Principal: "*", Action: "secretsmanager:GetSecretValue", Resource: "*"}
```
```hcl
  policy = jsonencode({ Statement = [{
    Effect = "Allow", Principal = "*", Action = "secretsmanager:GetSecretValue", Resource = "*"
  }] })
```

## Known problems
Silent when a `Condition` decides (`aws:PrincipalAccount`, `aws:ResourceAccount`,
`aws:SourceVpc` are not evaluated) or when the principal is written as an ARN the
linter cannot compare.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html
- https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.findings import Finding, RuleMeta
from linter.rulekit import Context, denial_findings

META = RuleMeta(
    id="FG074",
    name="endpoint-policy-denies-service",
    severity="error",
    summary="a Secrets Manager, SSM, Logs, KMS or ssmmessages endpoint policy denies the "
    "task's call",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    yield from denial_findings(
        ctx,
        META,
        {
            **dict.fromkeys(
                ("secretsmanager", "ssm", "logs"),
                "the task stops with ResourceInitializationError (denied by a VPC endpoint policy)",
            ),
            **dict.fromkeys(
                ("ssmmessages", "kms"),
                "ECS Exec cannot connect (TargetNotConnectedException)",
            ),
        },
        "Allow the action for the calling role (or Principal *) in the endpoint policy, and "
        "scope Deny statements so they exclude it.",
    )
