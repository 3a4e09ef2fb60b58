"""FG007 — ECS Exec logging configured so that sessions cannot start

## What it does
Reads the cluster's ECS Exec logging (`ExecuteCommandConfiguration` /
`execute_command_configuration`) for services with ECS Exec on, and finds:
`Logging: OVERRIDE` without a `LogConfiguration`; `CloudWatchEncryptionEnabled: true`
for a log group created in the same files without a KMS key; a task role, created in
the same files, that does not allow `logs:DescribeLogGroups`,
`logs:CreateLogStream`, `logs:DescribeLogStreams` and `logs:PutLogEvents` on the log
group, or `s3:PutObject` under the bucket's prefix (and
`s3:GetEncryptionConfiguration` when `S3EncryptionEnabled`). `Logging: DEFAULT`
while no container uses the `awslogs` driver is an info: nothing is logged.

## Why is this bad?
The Exec agent checks its logging destination before it opens a session: "We
couldn't start the session because encryption is not set up on the selected
CloudWatch Logs log group", or the same refusal when the task role may not check
or write the destination. `OVERRIDE` without a log configuration is rejected by the
ECS API.

## Example
```yaml
Configuration:
  ExecuteCommandConfiguration:
    Logging: OVERRIDE
    LogConfiguration:
      CloudWatchLogGroupName: !Ref ExecLogs   # created without KmsKeyId
      CloudWatchEncryptionEnabled: true
```
```hcl
execute_command_configuration {
  logging = "OVERRIDE"
  log_configuration {
    cloud_watch_log_group_name     = aws_cloudwatch_log_group.exec.name
    cloud_watch_encryption_enabled = true
  }
}
```

## Use instead
```yaml
ExecLogs:
  Type: AWS::Logs::LogGroup
  Properties:
    KmsKeyId: !GetAtt ExecLogsKey.Arn
```
```hcl
resource "aws_cloudwatch_log_group" "exec" {
  kms_key_id = aws_kms_key.exec_logs.arn
}
```

## Known problems
Silent when the task role is not in the files or a policy of the role is not
known; the encryption check needs the log group in the files. A bucket policy
that grants the role is not read, so a bucket relying on one alone is reported.
Endpoints for the logging destination in endpoint-only subnets are not checked
yet.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html
- https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ExecuteCommandConfiguration.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter import model as m
from linter.findings import Finding, RuleMeta, Step
from linter.rulekit import Context, finding, lack_finding, lacks_by_need, with_exec
from linter.values import ref_id, text, truth

META = RuleMeta(
    id="FG007",
    name="exec-logging-blocks-sessions",
    severity="error",
    summary="ECS Exec logging that stops sessions: OVERRIDE without a configuration, "
    "encryption on an unencrypted group, or a task role that may not write it",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    for group in lacks_by_need(ctx, META.id):
        yield lack_finding(
            META,
            group,
            "the Exec agent cannot check or write its logging destination, so sessions do "
            "not start",
            "Allow the Exec logging actions on the destination in a policy of the task role.",
        )
    seen: set[str] = set()
    for p in with_exec(ctx):
        cluster = ctx.tpl.deref(p.svc.cluster, m.Cluster)
        conf = cluster.exec_logging if cluster is not None else None
        if conf is None:
            continue
        exec_step = Step(f"ECS Exec enabled on {p.svc.id}", p.svc.exec_enabled.loc)
        mode = (text(conf.logging) or ("DEFAULT" if conf.logging is None else "")).upper()
        if cluster.id not in seen:
            seen.add(cluster.id)
            yield from _configuration(ctx, cluster, conf, mode, exec_step)
        if mode == "DEFAULT" and _no_awslogs(p.td):
            yield finding(
                META,
                f"ECS Exec on {p.svc.id} logs with Logging DEFAULT, but no container of "
                f"{p.td.id} uses the awslogs driver: nothing of the sessions is logged",
                conf.logging.loc if conf.logging is not None else conf.loc,
                p.svc.id,
                path=(exec_step,),
                severity="info",
                fix="Use the awslogs driver, or set Logging to OVERRIDE with a log group "
                "or bucket.",
            )


def _no_awslogs(td: m.TaskDefinition | None) -> bool:
    if td is None or not td.containers:
        return False
    return not any(text(c.log_driver) == "awslogs" for c in td.containers)


def _configuration(ctx: Context, cluster, conf, mode: str, exec_step: Step) -> Iterator[Finding]:
    if mode == "OVERRIDE" and conf.configuration is None:
        yield finding(
            META,
            f"cluster {cluster.id} sets ECS Exec Logging to OVERRIDE without a log "
            "configuration: ECS rejects it (the logConfiguration is required)",
            conf.logging.loc,
            cluster.id,
            path=(exec_step,),
            fix="Add LogConfiguration with a CloudWatch log group or an S3 bucket, or set "
            "Logging to DEFAULT.",
        )
    if mode != "OVERRIDE" or truth(conf.log_encrypted) is not True:
        return
    group = _group(ctx, conf.log_group)
    if group is None or group.kms_key is not None:
        return
    yield finding(
        META,
        f"cluster {cluster.id} asks ECS Exec to encrypt its logs, but log group {group.id} "
        "has no KMS key: sessions do not start ('encryption is not set up on the selected "
        "CloudWatch Logs log group')",
        conf.log_encrypted.loc,
        cluster.id,
        path=(exec_step, Step(f"log group {group.id} is created without a KMS key", group.loc)),
        assumed=conf.log_encrypted.assumed,
        fix="Give the log group a KMS key (KmsKeyId / kms_key_id), or set "
        "CloudWatchEncryptionEnabled to false.",
    )


def _group(ctx: Context, v) -> m.LogGroup | None:
    """The log group in scope a configuration names, by reference or by its name."""
    if v is None:
        return None
    if ref_id(v) is not None:
        return ctx.tpl.deref(v, m.LogGroup)
    name = text(v)
    return next((g for g in ctx.tpl.of(m.LogGroup) if name and text(g.name) == name), None)
