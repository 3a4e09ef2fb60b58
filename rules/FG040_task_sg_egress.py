"""FG040 — task security group egress blocks a required destination

## What it does
For each service, derives the HTTPS flows its tasks must open — to the
internet (through a NAT or public IP), to the interface endpoints that serve
them, to S3 through the gateway endpoint — and the NFS flows (TCP 2049) to the
mount targets of the EFS file systems they mount, and checks that the union of
the tasks' security groups lets each one out. Inline rules and separate rule
resources of both formats count; a Terraform `aws_security_group` has no egress
unless it declares some, a CloudFormation one keeps the default allow-all
egress unless it lists egress rules.

## Why is this bad?
Security groups drop what they do not allow. With no egress for TCP 443, image
pulls, secrets and logs time out (`dial tcp ...:443: i/o timeout`) and the task
never starts.

## Example
```yaml
TaskSg:
  Type: AWS::EC2::SecurityGroup
  Properties:
    VpcId: !Ref Vpc
    SecurityGroupEgress:
      - {IpProtocol: tcp, FromPort: 80, ToPort: 80, CidrIp: 0.0.0.0/0}
```
```hcl
resource "aws_security_group" "tasks" {
  vpc_id = aws_vpc.main.id
  ingress {                      # no egress block: Terraform removes the default
    protocol    = "tcp"
    from_port   = 8080
    to_port     = 8080
    cidr_blocks = ["10.0.0.0/16"]
  }
}
```

## Use instead
```yaml
      - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}
```
```hcl
  egress {
    protocol    = "tcp"
    from_port   = 443
    to_port     = 443
    cidr_blocks = ["0.0.0.0/0"]
  }
```

## Known problems
Rules naming a prefix list are taken as possibly allowing the flow (the list's
contents are not in the template). Services on the VPC default security group
are not judged.

## References
- https://repost.aws/knowledge-center/fargate-connection-issues
- https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ec2-security-group.html
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/platform-linux-fargate.html
"""

from __future__ import annotations

from collections.abc import Iterator

from linter import efs
from linter.findings import Finding, RuleMeta, Step
from linter.network import NO
from linter.rulekit import Context, finding, placements, sg_explained

META = RuleMeta(
    id="FG040",
    name="task-sg-egress-blocks",
    severity="error",
    summary="The tasks' security groups do not let out HTTPS the tasks need",
    formats=("cloudformation", "terraform"),
)


def check(ctx: Context) -> Iterator[Finding]:
    net = ctx.net
    for p in placements(ctx):
        r = ctx.reach(p)
        if r.task_groups is None:
            continue
        groups = list(r.task_groups)
        yield from _nfs(ctx, p, groups)
        blocked: dict[str, object] = {}
        for sr in r.subnets:
            for flow in sr.flows:
                if flow.peer.label in blocked:
                    continue
                if net.sg_admits(groups, "egress", 443, flow.peer).answer == NO:
                    blocked[flow.peer.label] = flow
        if not blocked:
            continue
        flows = list(blocked.values())
        steps = [Step(f"{f.need.why} needs {f.need.service} (here)", f.need.loc) for f in flows]
        steps += [s for f in flows for s in f.steps]
        sg_steps, sg_assumed = sg_explained(net, groups, "egress")
        steps += sg_steps
        peers = ", ".join(f"{f.peer.label} ({f.need.service})" for f in flows)
        yield finding(
            META,
            f"the security groups of {p.svc.id} do not allow outbound TCP 443 to {peers}: "
            "those calls will time out",
            p.svc.security_groups.loc,
            p.svc.id,
            path=tuple(dict.fromkeys(steps)),
            assumed=p.assumed + tuple(sg_assumed),
            fix="Allow egress TCP 443 to 0.0.0.0/0, or to the endpoints' security group and "
            "the S3 prefix list.",
        )


def _nfs(ctx: Context, p, groups) -> Iterator[Finding]:
    """TCP 2049 to the mount targets of the EFS file systems the tasks mount."""
    vpc = ctx.reach(p).vpc
    if p.td is None or p.mode != "awsvpc" or vpc is None:
        return
    for vol in efs.volumes(ctx.tpl, p.td):
        for mt in efs.in_vpc(ctx.tpl, vol.targets or [], vpc.id):
            peer = efs.target_peer(ctx.tpl, mt)
            if peer is None or ctx.net.sg_admits(groups, "egress", efs.NFS, peer).answer != NO:
                continue
            sg_steps, sg_assumed = sg_explained(ctx.net, groups, "egress")
            yield finding(
                META,
                f"the security groups of {p.svc.id} do not allow outbound TCP 2049 to EFS "
                f"mount target {mt.id}: mounting {vol.fs.id} times out and the tasks never start",
                p.svc.security_groups.loc,
                p.svc.id,
                path=(
                    efs.volume_step(p.td, vol),
                    Step(f"{mt.id} serves {vol.fs.id} in the tasks' VPC", mt.loc),
                    *sg_steps,
                ),
                assumed=p.assumed + tuple(sg_assumed),
                fix="Allow egress TCP 2049 to the mount targets' security group or subnets.",
            )
            return
