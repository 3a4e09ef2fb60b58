"""FG045 — EFS mount-target security groups do not admit NFS from the tasks

## What it does
For each awsvpc service whose task definition mounts an EFS file system defined in
the files, checks that the security groups of the file system's mount targets in
the tasks' VPC admit TCP 2049 (NFS) from the tasks' security groups or subnets.

## Why is this bad?
The task never starts: `ResourceInitializationError: failed to invoke EFS utils
commands to set up EFS volumes: … mount.nfs4: Connection timed out` (or
`Connection reset by peer`).

## Example
```yaml
EfsSecurityGroup:
  Type: AWS::EC2::SecurityGroup
  Properties:
    VpcId: !Ref Vpc
    SecurityGroupIngress:
      - {IpProtocol: tcp, FromPort: 2049, ToPort: 2049, CidrIp: 10.0.9.0/24}  # not the tasks
MountTarget:
  Type: AWS::EFS::MountTarget
  Properties:
    FileSystemId: !Ref FileSystem
    SubnetId: !Ref PrivateSubnet
    SecurityGroups: [!Ref EfsSecurityGroup]
```
```hcl
resource "aws_security_group" "efs" {
  vpc_id = aws_vpc.main.id           # no ingress at all
}
```

## Use instead
```yaml
      - {IpProtocol: tcp, FromPort: 2049, ToPort: 2049, SourceSecurityGroupId: !Ref TaskSg}
```
```hcl
  ingress {
    protocol        = "tcp"
    from_port       = 2049
    to_port         = 2049
    security_groups = [aws_security_group.tasks.id]
  }
```

## Known problems
Bridge and host tasks mount from their container instances, which are not modelled:
only awsvpc services are checked. The tasks' own egress to 2049 is FG040's.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/tutorial-efs-volumes.html
- https://docs.aws.amazon.com/efs/latest/ug/network-access.html
- https://repost.aws/knowledge-center/fargate-unable-to-mount-efs
"""

from __future__ import annotations

from collections.abc import Iterator

from linter import efs
from linter.findings import Finding, RuleMeta, Step
from linter.network import NO
from linter.rulekit import Context, finding, placements, sg_explained

META = RuleMeta(
    id="FG045",
    name="efs-sg-blocks-nfs",
    severity="error",
    summary="EFS mount-target security groups do not admit TCP 2049 from the tasks",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    for p in placements(ctx):
        if p.td is None or p.mode != "awsvpc":
            continue
        reach = ctx.reach(p)
        if reach.vpc is None or reach.task_groups is None:
            continue
        reported: set[frozenset[str]] = set()
        for vol in efs.volumes(ctx.tpl, p.td):
            for mt in efs.in_vpc(ctx.tpl, vol.targets or [], reach.vpc.id):
                groups = efs.groups(ctx.tpl, mt)
                if groups is None or frozenset(g.id for g in groups) in reported:
                    continue
                verdict = ctx.net.sg_admits(groups, "ingress", efs.NFS, reach.task_peer)
                if verdict.answer != NO:
                    continue
                reported.add(frozenset(g.id for g in groups))
                sg_steps, sg_assumed = sg_explained(ctx.net, groups, "ingress")
                yield finding(
                    META,
                    f"the security groups of EFS mount target {mt.id} do not admit TCP 2049 from "
                    f"the tasks of {p.svc.id}: mounting {vol.fs.id} times out and the tasks "
                    "never start",
                    mt.security_groups.loc,
                    p.svc.id,
                    path=(
                        efs.volume_step(p.td, vol),
                        Step(f"{mt.id} serves {vol.fs.id} in the tasks' VPC", mt.loc),
                        *sg_steps,
                    ),
                    assumed=p.assumed + tuple(sg_assumed),
                    fix="Admit TCP 2049 from the tasks' security group in the mount target's "
                    "security group.",
                )
