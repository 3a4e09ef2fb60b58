"""FG073 — ECR or S3 endpoint policy blocks the image pull

## What it does
Finds `ecr.api`, `ecr.dkr` and S3 gateway endpoints on the tasks' path whose
`PolicyDocument` / `policy` does not let the execution role call
`ecr:GetAuthorizationToken`, `ecr:BatchGetImage` and `ecr:GetDownloadUrlForLayer`,
or read ECR's layer bucket (`s3:GetObject` on
`arn:aws:s3:::prod-<region>-starport-layer-bucket/*`) and the task's S3
environment files. An explicit `Deny` wins over any `Allow`; without an `Allow`
the endpoint denies.

## Why is this bad?
The pull fails inside the VPC: `CannotPullContainerError: … 403 Forbidden`, or
`AccessDenied … with an explicit deny in a VPC endpoint policy` /
`… because no VPC endpoint policy allows the … action`. The usual cause is an
"only our buckets" S3 policy that leaves out the AWS-owned layer bucket.

## Example
```yaml
S3Endpoint:
  Type: AWS::EC2::VPCEndpoint
  Properties:
    ServiceName: !Sub com.amazonaws.${AWS::Region}.s3
    PolicyDocument:
      Statement:
        - {Effect: Allow, Principal: "*", Action: "s3:*", Resource: "arn:aws:s3:::my-app-*"}
```
```hcl
resource "aws_vpc_endpoint" "s3" {
  service_name = "com.amazonaws.eu-west-1.s3"
  policy = jsonencode({ Statement = [{
    Effect = "Allow", Principal = "*", Action = "s3:*", Resource = "arn:aws:s3:::my-app-*"
  }] })
}
```

## Use instead
```yaml
        - Effect: Allow
          Principal: "*"
          Action: s3:GetObject
          Resource: !Sub arn:aws:s3:::prod-${AWS::Region}-starport-layer-bucket/*
```
```hcl
  policy = jsonencode({ Statement = [{
    Effect = "Allow", Principal = "*", Action = "s3:GetObject"
    Resource = "arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*"
  }] })
```

## Known problems
Silent when a statement's `Condition` decides (such as `aws:SourceVpc`), when the
principal is written as an ARN the linter cannot compare, or when a statement names
the layer bucket for one Region (the deploy Region is not known).

## References
- https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html
- https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshoot-403-errors.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.findings import Finding, RuleMeta
from linter.rulekit import Context, denial_findings

META = RuleMeta(
    id="FG073",
    name="endpoint-policy-blocks-pull",
    severity="error",
    summary="an ECR or S3 endpoint policy on the tasks' path denies the image pull",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    yield from denial_findings(
        ctx,
        META,
        {
            **dict.fromkeys(
                ("ecr.api", "ecr.dkr"),
                "the image pull fails (CannotPullContainerError, denied by a VPC endpoint policy)",
            ),
            "s3": "the task cannot download {what} (CannotPullContainerError or "
            "ResourceInitializationError, denied by a VPC endpoint policy)",
        },
        "Allow the ECR pull actions for the execution role (or Principal *) and s3:GetObject "
        "on arn:aws:s3:::prod-<region>-starport-layer-bucket/* in the endpoint policy.",
    )
