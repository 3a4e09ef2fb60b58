"""What each role of a task must be allowed to call, and on what (catalogue §A, §H).

The ECS agent uses the task's **execution role** to pull private ECR images, read
`secrets` and `repositoryCredentials`, download `environmentFiles` and write
`awslogs`; the application and the ECS Exec agent use the **task role**. Each
call here names its role, actions, the resource they act on (as far as the
template tells: an ARN with unknown parts, or the resource in scope), the line
that makes the task need it, and the endpoint service that carries it, so the
same calls serve the role rules (FG002, FG082–FG085) and the endpoint-policy
rules (FG073, FG074).

https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from linter import model as m
from linter.addresses import NO, YES
from linter.iam import Roles, Verdict, others_of
from linter.policy import Request, Target
from linter.reach import ECR_IMAGE
from linter.values import Loc, V, ref_id, shape, text, truth, unset

EXECUTION, TASK = "execution", "task"
EXEC_CHANNELS = (
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
)
# Where ECR keeps image layers: the S3 gateway endpoint's policy must let tasks read it.
# https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html
LAYER_BUCKET = "arn:*:s3:::prod-*-starport-layer-bucket/**"
ROLE_FIELD = {EXECUTION: "execution_role", TASK: "task_role"}

# A Secrets Manager ARN ends with "-" and six random characters; a valueFrom may add
# ":json-key:version-stage:version-id" after it.
_SECRET_ARN = re.compile(r"^(arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:[^:]+)")
_SUFFIXED = re.compile(r"-[A-Za-z0-9]{6}$")
_IMAGE = re.compile(r"^([^.]+)\.dkr\.ecr(?:-fips)?\.([^.]+)\.[^/]+/([^:@]+)")


@dataclass(frozen=True)
class Call:
    role: str  # EXECUTION or TASK
    actions: tuple[str, ...]
    resource: Target
    what: str  # what needs it: "the private ECR image app:1"
    loc: Loc  # where the task definition (or launcher) creates the need
    rule: str  # the rule that reports a role lacking it
    service: str  # the endpoint service that carries it (ecr.api, s3, logs...)
    # False: no identity policy is asked (ECR's layer bucket takes presigned requests),
    # only the endpoint policy on the way
    identity: bool = True


@dataclass(frozen=True)
class Lack:
    """Actions a role does not allow (NO), for one call of one task definition."""

    td: m.TaskDefinition
    call: Call
    role: m.Role
    missing: tuple[tuple[str, Verdict], ...]
    other: m.Role | None = None  # the task's other role, when it allows them all
    elsewhere: tuple[tuple[str, Verdict], ...] = ()  # what the other role answers


def calls(
    tpl: m.Template, td: m.TaskDefinition, fargate: bool, launchers: list[m.Service]
) -> list[Call]:
    """The calls the task definition's roles make; `fargate`: its tasks run on Fargate
    (the agent then uses the execution role for images and logs, with no fallback)."""
    out: list[Call] = []
    for c in td.containers or ():
        image = shape(c.image)
        if fargate and image and ECR_IMAGE.match(image):
            what = f"the private ECR image {image}"
            out.append(
                Call(
                    EXECUTION,
                    ("ecr:GetAuthorizationToken",),
                    Target("*"),
                    what,
                    c.image.loc,
                    "FG082",
                    "ecr.api",
                )
            )
            repo = _repository(image)
            out.append(
                Call(
                    EXECUTION,
                    ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"),
                    repo,
                    what,
                    c.image.loc,
                    "FG082",
                    "ecr.dkr",
                )
            )
            out.append(
                Call(
                    EXECUTION,
                    ("s3:GetObject",),
                    Target(LAYER_BUCKET),
                    what + " (its layers)",
                    c.image.loc,
                    "FG073",
                    "s3",
                    identity=False,
                )
            )
        if fargate and text(c.log_driver) == "awslogs":
            group = c.log_options.get("awslogs-group") if c.log_options else None
            target = _log_group(tpl, group)
            actions = ("logs:CreateLogStream", "logs:PutLogEvents")
            if truth(c.log_options.get("awslogs-create-group") if c.log_options else None):
                actions = ("logs:CreateLogGroup", *actions)
            name = shape(group) or "its log group"
            out.append(
                Call(
                    EXECUTION,
                    actions,
                    target,
                    f"awslogs to {name}",
                    c.log_driver.loc,
                    "FG084",
                    "logs",
                )
            )
        for s in (*c.secrets, *([c.credentials] if c.credentials else [])):
            out.extend(_secret(tpl, s))
        for f in c.environment_files:
            arn = shape(f) or ""
            if re.match(r"arn:[^:]+:s3:::", arn):
                what = f"the environment file {arn}"
                target = _s3(arn, f.known)
                out.append(Call(EXECUTION, ("s3:GetObject",), target, what, f.loc, "FG083", "s3"))
                bucket = _s3(arn.split("/", 1)[0], f.known)
                actions = ("s3:GetBucketLocation",)
                out.append(Call(EXECUTION, actions, bucket, what, f.loc, "FG083", "s3"))
    for svc in launchers:
        if truth(svc.exec_enabled) is not True:
            continue
        what = f"ECS Exec on {svc.id}"
        out.append(
            Call(
                TASK, EXEC_CHANNELS, Target("*"), what, svc.exec_enabled.loc, "FG002", "ssmmessages"
            )
        )
        cluster = tpl.deref(svc.cluster, m.Cluster)
        if cluster is not None and cluster.exec_logging is not None:
            out.extend(_exec_logging(tpl, cluster.exec_logging, what))
        key = cluster.exec_kms_key if cluster is not None else None
        if not unset(key):
            target = _kin(tpl, key, "arn:*:kms:*:*:key/*")
            out.append(
                Call(
                    TASK,
                    ("kms:Decrypt",),
                    target,
                    f"{what}, encrypted with a KMS key",
                    key.loc,
                    "FG006",
                    "kms",
                )
            )
    return out


def _exec_logging(tpl: m.Template, conf: m.ExecLogging, what: str) -> list[Call]:
    """What the task role needs to log Exec sessions where the cluster sends them."""
    if (text(conf.logging) or "").upper() != "OVERRIDE":
        return []
    out = []
    # A destination not known may not be configured at all: only a written name or a
    # reference to a resource is one.
    if not unset(conf.log_group) and conf.log_group.known:
        group = ref_id(conf.log_group) or shape(conf.log_group) or "its log group"
        where = f"{what}, logging to {group}"
        loc = conf.log_group.loc
        out.append(
            Call(TASK, ("logs:DescribeLogGroups",), Target("*"), where, loc, "FG007", "logs")
        )
        actions = ("logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents")
        target = _log_group(tpl, conf.log_group)
        out.append(Call(TASK, actions, target, where, loc, "FG007", "logs"))
    bucket = text(conf.bucket) or ("*" if ref_id(conf.bucket) else None)
    if bucket is not None:
        where, loc = f"{what}, logging to the S3 bucket {bucket}", conf.bucket.loc
        prefix = text(conf.prefix) if conf.prefix is not None else ""
        if prefix is not None:
            objects = _s3(f"arn:*:s3:::{bucket}/{prefix.strip('/')}", True)
            objects = Target(objects.arn + "**") if objects.arn else objects
            out.append(Call(TASK, ("s3:PutObject",), objects, where, loc, "FG007", "s3"))
        if truth(conf.bucket_encrypted):
            target = Target(f"arn:*:s3:::{bucket}")
            actions = ("s3:GetEncryptionConfiguration",)
            out.append(Call(TASK, actions, target, where, loc, "FG007", "s3"))
    return out


def lacks(tpl: m.Template, roles: Roles, placements: list) -> Iterator[Lack]:
    """Every call a role in scope certainly does not allow; a call its other role
    allows says so (FG085: the permission is on the wrong role)."""
    granting = _resource_policies(tpl)
    by_td: dict[str, list] = {}
    for p in placements:
        if p.td is not None:
            by_td.setdefault(p.td.id, []).append(p)
    for td in tpl.of(m.TaskDefinition):
        ps = by_td.get(td.id, [])
        # On EC2 the instance role pulls and logs: Fargate when a launcher says so, or
        # when the task definition allows it and no launcher in scope says otherwise.
        launches = {p.launch for p in ps}
        fargate = "FARGATE" in launches or (
            m.fargate_compatible(td) and (not ps or None in launches)
        )
        seen: set[tuple] = set()
        for call in calls(tpl, td, fargate, [p.svc for p in ps]):
            if not call.identity or call.service in granting:
                continue
            key = (call.role, call.actions, call.resource, call.what)
            if key in seen:
                continue
            seen.add(key)
            role = roles.role(getattr(td, ROLE_FIELD[call.role]))
            if role is None:
                continue
            missing = []
            for action in call.actions:
                v = roles.allows(role, Request(action, call.resource))
                if v.answer == NO:
                    missing.append((action, v))
            if not missing:
                continue
            other = roles.role(
                getattr(td, ROLE_FIELD[TASK if call.role == EXECUTION else EXECUTION])
            )
            if other is not None and other.id != role.id:
                there = [(a, roles.allows(other, Request(a, call.resource))) for a, _ in missing]
                if all(v.answer == YES for _, v in there):
                    yield Lack(td, call, role, tuple(missing), other, tuple(there))
                    continue
            yield Lack(td, call, role, tuple(missing))


# Resource policies that can grant a role of the same account what its own policies do
# not: while the files hold one (not read yet), that service's calls stay open.
_GRANTING = {
    "secretsmanager": ("AWS::SecretsManager::ResourcePolicy", "aws_secretsmanager_secret_policy"),
    "s3": ("AWS::S3::BucketPolicy", "aws_s3_bucket_policy"),
    "kms": ("aws_kms_grant",),
}


def _resource_policies(tpl: m.Template) -> set[str]:
    present = set(tpl.types.values()) | tpl.uncertain
    return {svc for svc, types in _GRANTING.items() if present.intersection(types)}


def _repository(image: str) -> Target:
    """The repository ARN of an ECR image URI (unknown parts stay `*`)."""
    mt = _IMAGE.match(image)
    if mt is None:
        return Target("arn:*:ecr:*:*:repository/*")
    account, region, name = mt.groups()
    return Target(f"arn:{_partition(region)}:ecr:{region}:{account}:repository/{name}")


def _s3(arn: str, known: bool) -> Target:
    """An S3 ARN as a target: an object key may hold `:`, so its unknown parts are any
    run (`**`); one that holds a character targets use as markers is not compared."""
    if "|" in arn or "?" in arn or (known and "*" in arn):
        return Target(None)
    return Target(arn if known else arn.replace("*", "**"))


def _partition(region: str) -> str:
    """The partition of a Region's ARNs (`*`: not known, or an isolated partition)."""
    if "*" in region or "iso" in region:
        return "*"
    if region.startswith("cn-"):
        return "aws-cn"
    return "aws-us-gov" if region.startswith("us-gov-") else "aws"


def _secret(tpl: m.Template, s: V) -> list[Call]:
    rtype = tpl.types.get(ref_id(s) or "", "")
    arn = shape(s) or ""
    named = ref_id(s) or arn  # a secret in scope by its id, else as written
    what = f"the secret {named}" if named else "a secret"
    if rtype in ("AWS::SecretsManager::Secret", "aws_secretsmanager_secret") or (
        ":secretsmanager:" in arn
    ):
        if ref_id(s) is not None:
            target = _kin(tpl, s, "arn:*:secretsmanager:*:*:secret:*")
        else:
            mt = _SECRET_ARN.match(arn)
            if mt is None:
                return []
            base = mt.group(1)
            # A partial ARN (no random suffix) names a suffixed secret; one that looks
            # suffixed (`db-config`) may still be partial.
            full = f"{base}|{base}-??????"
            target = Target(full if _SUFFIXED.search(base) else base + "-??????")
        return [
            Call(
                EXECUTION,
                ("secretsmanager:GetSecretValue",),
                target,
                what,
                s.loc,
                "FG083",
                "secretsmanager",
            )
        ]
    if rtype in ("AWS::SSM::Parameter", "aws_ssm_parameter"):
        target = _kin(tpl, s, "arn:*:ssm:*:*:parameter/*")
    elif arn.startswith("arn:") and ":ssm:" in arn:
        target = Target(arn)
    elif isinstance(s.value, str) and not arn.startswith("arn:"):
        # A parameter named without its ARN: the leading slash is not doubled.
        target = Target(f"arn:*:ssm:*:*:parameter/{arn.lstrip('/')}")
    else:
        return []
    named = ref_id(s) or arn
    what = f"the SSM parameter {named}" if named else "an SSM parameter"
    return [Call(EXECUTION, ("ssm:GetParameters",), target, what, s.loc, "FG083", "ssm")]


def _log_group(tpl: m.Template, group: V | None) -> Target:
    # CreateLogStream acts on the group, PutLogEvents on a stream in it (stream names hold
    # no colon); either ARN may be the one IAM sees.
    in_scope = tpl.deref(group, m.LogGroup)
    name = text(in_scope.name if in_scope is not None else group) or "*"
    arn = f"arn:*:logs:*:*:log-group:{name}"
    target = Target(f"{arn}|{arn}:log-stream:*")
    if ref_id(group) is not None:
        return _kin(tpl, group, target.arn)
    return target


def _kin(tpl: m.Template, v: V, arn: str) -> Target:
    """A resource in scope named by reference: other resources of its type are not it."""
    rid = ref_id(v)
    if rid is None or rid not in tpl.types:
        return Target(arn)
    return Target(arn, ref=rid, others=others_of(tpl, rid))
