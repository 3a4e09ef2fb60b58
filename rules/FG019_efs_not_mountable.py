"""FG019 — EFS volume not mountable from where the tasks run

## What it does
For each service whose task definition mounts an EFS file system defined in the
files, checks that:

- the file system has a mount target in the tasks' VPC, and one in every
  Availability Zone the tasks' subnets use;
- the VPC resolves the file system's DNS name (`EnableDnsSupport` and
  `EnableDnsHostnames` both on);
- IAM authorization is used only with transit encryption.

Fargate platform versions older than 1.4.0 are FG095's; security groups on port
2049 are FG040's and FG045's.

## Why is this bad?
The task never starts: `ResourceInitializationError: failed to invoke EFS utils
commands to set up EFS volumes` with `Connection timed out` (no mount target in
the zone) or `Failed to resolve "fs-….efs.<region>.amazonaws.com"` (DNS). ECS
rejects a task definition that asks for IAM authorization without transit
encryption.

## Example
```yaml
MountTargetA:
  Type: AWS::EFS::MountTarget
  Properties:
    FileSystemId: !Ref FileSystem
    SubnetId: !Ref PrivateSubnetA      # the tasks also run in PrivateSubnetB
    SecurityGroups: [!Ref EfsSg]
```
```hcl
  volume {
    name = "data"
    efs_volume_configuration {
      file_system_id = aws_efs_file_system.data.id
      authorization_config { iam = "ENABLED" }   # transit_encryption left out
    }
  }
```

## Use instead
A mount target in every zone the tasks use, both DNS attributes on, and
`TransitEncryption: ENABLED` with IAM authorization.

## Known problems
Silent when the file system, its mount targets or the tasks' subnets are defined
elsewhere, or when zones cannot be compared (see FG036). A One Zone file system is
reported as a warning: tasks in other zones cannot use it.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/efs-volumes.html
- https://docs.aws.amazon.com/efs/latest/ug/mounting-fs-mount-cmd-dns-name.html
- https://repost.aws/knowledge-center/fargate-unable-to-mount-efs
"""

from __future__ import annotations

from collections.abc import Iterator

from linter import efs
from linter import model as m
from linter.findings import Finding, RuleMeta, Step
from linter.rulekit import Context, Placement, finding, placements
from linter.values import assumptions, ref_id, text, truth
from linter.vpcs import single_vpc, uncovered, zone_text

META = RuleMeta(
    id="FG019",
    name="efs-not-mountable",
    severity="error",
    summary="an EFS volume the tasks cannot mount: no mount target in their VPC or zone, VPC "
    "DNS off, or IAM without transit encryption",
    formats=("cloudformation", "terraform", "taskdef"),
)


def check(ctx: Context) -> Iterator[Finding]:
    for td in ctx.tpl.of(m.TaskDefinition):
        yield from _iam_without_tls(td)
    for p in placements(ctx):
        if p.td is None:
            continue
        for vol in efs.volumes(ctx.tpl, p.td):
            yield from _placement(ctx, p, vol)


def _iam_without_tls(td: m.TaskDefinition) -> Iterator[Finding]:
    for cfg in td.efs_volumes:
        auth = efs.setting(cfg, "authorizationConfig")
        iam = efs.setting(auth, "iam")
        if (text(iam) or "").upper() != "ENABLED":
            continue
        tls = efs.setting(cfg, "transitEncryption")
        if tls is not None and (not tls.known or (text(tls) or "").upper() == "ENABLED"):
            continue
        yield finding(
            META,
            f"an EFS volume of {td.id} uses IAM authorization without transit encryption; "
            "ECS requires TransitEncryption ENABLED with IAM, so the task definition is rejected",
            iam.loc,
            td.id,
            path=(Step(f"transit encryption is {'off' if tls else 'left out'}", (tls or cfg).loc),),
            assumed=assumptions(iam, tls),
            fix="Set TransitEncryption (transit_encryption) to ENABLED.",
        )


def _placement(ctx: Context, p: Placement, vol: efs.Volume) -> Iterator[Finding]:
    placed = ctx.net.placement_subnets(p.svc)
    vpc = single_vpc(ctx.tpl, [s for _, s in placed])
    if vpc is None:
        return
    mounts = efs.volume_step(p.td, vol)
    yield from _dns(p, vpc, mounts)
    if vol.targets is None:
        return
    here = efs.in_vpc(ctx.tpl, vol.targets, vpc.id)
    if not here:
        if any(ctx.tpl.deref(mt.subnet, m.Subnet) is None for mt in vol.targets):
            return  # a mount target in a subnet we cannot see may be in this VPC
        yield finding(
            META,
            f"EFS file system {vol.fs.id} has no mount target in {vpc.id}, where {p.svc.id} runs "
            "its tasks: the mount times out and the tasks never start",
            p.where,
            p.svc.id,
            path=(mounts, Step(f"no mount target of {vol.fs.id} is in {vpc.id}", vol.fs.loc)),
            assumed=p.assumed + ctx.net.exported(vpc) + vol.assumed,
            fix=f"Create a mount target of {vol.fs.id} in each subnet (zone) the tasks use.",
        )
        return
    if any(ctx.tpl.deref(mt.subnet, m.Subnet) is None for mt in vol.targets):
        return  # a mount target in a subnet we cannot see may serve any zone
    covering = [s for mt in here if (s := ctx.tpl.deref(mt.subnet, m.Subnet)) is not None]
    for ref, s, z in uncovered(covering, placed):
        where = zone_text(z)
        yield finding(
            META,
            f"{p.svc.id} runs tasks in {s.id} ({where}), where EFS file system {vol.fs.id} has "
            "no mount target: those tasks cannot mount it and never start",
            ref.loc,
            p.svc.id,
            path=(
                mounts,
                *(Step(f"{mt.id} is in {ref_id(mt.subnet)}", mt.loc) for mt in here),
            ),
            assumed=p.assumed + vol.assumed,
            # One Zone file systems serve one zone by design; zones known only by their
            # index in the Region's list may be laid out differently in another account.
            severity="warning" if vol.fs.one_zone is not None or z[0] == "index" else None,
            fix=f"Add a mount target of {vol.fs.id} in {s.id}'s zone.",
        )


def _dns(p: Placement, vpc: m.Vpc, mounts: Step) -> Iterator[Finding]:
    for attr, value, default_on in (
        ("EnableDnsSupport", vpc.dns_support, True),
        ("EnableDnsHostnames", vpc.dns_hostnames, False),
    ):
        on = truth(value) if value is not None else default_on
        if on is not False:
            continue
        written = "is false" if value is not None else "is left out (false by default)"
        yield finding(
            META,
            f"{vpc.id}, where {p.svc.id} mounts EFS, has {attr} off: the tasks cannot resolve the "
            "file system's DNS name and never start",
            (value or vpc).loc,
            p.svc.id,
            path=(mounts, Step(f"{attr} of {vpc.id} {written}", (value or vpc).loc)),
            assumed=p.assumed + assumptions(value),
            # Left out, the attribute is off in both formats; a warning, as it may be
            # turned on outside the template.
            severity=None if value is not None else "warning",
            fix="Turn on EnableDnsSupport and EnableDnsHostnames (enable_dns_support, "
            "enable_dns_hostnames) on the VPC.",
        )
        return
