"""EFS volumes: from a task definition's volume to its file system, the mount targets
the tasks can use, and the NFS flow to them (catalogue FG019, FG040, FG045, FG052).

A task mounts through the mount target in its own Availability Zone, on TCP 2049.
File systems, mount targets and their groups outside the files are unknown, and so
is "which mount targets exist" when mount targets may be counted or added
elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from linter import model as m
from linter.addresses import Peer
from linter.findings import Step
from linter.values import V, prop, ref_id, text

NFS = 2049
MOUNT_TARGET_TYPES = ("AWS::EFS::MountTarget", "aws_efs_mount_target")


# CloudFormation's own spellings of two keys
_CFN_SPELLING = {"fileSystemId": "FilesystemId", "iam": "IAM"}


def setting(cfg: V | None, camel: str) -> V | None:
    """One key of an EFS volume configuration, however the format spells it."""
    got = prop(cfg, camel)
    if got is None and camel in _CFN_SPELLING and cfg is not None:
        got = cfg.get(_CFN_SPELLING[camel])
    if got is not None and isinstance(got.value, list) and len(got.value) == 1:
        return got.value[0]  # a Terraform nested block is a list of one
    return got


@dataclass(frozen=True)
class Volume:
    """An EFS volume of a task definition whose file system is defined in the files."""

    config: V
    fs: m.FileSystem
    targets: list[m.MountTarget] | None  # None: others may exist out of sight
    assumed: tuple[str, ...] = ()  # mount targets left out on a default (count = 0)


def volumes(tpl: m.Template, td: m.TaskDefinition) -> Iterator[Volume]:
    for cfg in td.efs_volumes:
        fs = tpl.deref(setting(cfg, "fileSystemId"), m.FileSystem)
        if fs is not None:
            dropped = tuple(a for t in MOUNT_TARGET_TYPES for a in tpl.dropped.get(t, ()))
            yield Volume(cfg, fs, mount_targets(tpl, fs), dropped)


def mount_targets(tpl: m.Template, fs: m.FileSystem) -> list[m.MountTarget] | None:
    """The file system's mount targets, or None when more may exist than we can see."""
    if any(t in tpl.uncertain for t in MOUNT_TARGET_TYPES):
        return None
    if fs.id in tpl.exported or fs.id in tpl.handed:
        return None  # another stack or module may add mount targets
    out = []
    for mt in tpl.of(m.MountTarget):
        fid = ref_id(mt.file_system)
        if fid == fs.id:
            out.append(mt)
        elif fid is None:
            return None  # a mount target of a file system we cannot tell
    return out


def target_peer(tpl: m.Template, mt: m.MountTarget) -> Peer | None:
    """The mount target as the far end of the NFS flow: its subnet's range and groups."""
    subnet = tpl.deref(mt.subnet, m.Subnet)
    cidr = text(subnet.cidr) if subnet is not None else None
    found = groups(tpl, mt)
    if cidr is None and found is None:
        return None
    ids = frozenset(g.id for g in found) if found is not None else None
    return Peer(f"mount target {mt.id}", cidrs=(cidr,) if cidr else None, groups=ids)


def groups(tpl: m.Template, mt: m.MountTarget) -> list[m.SecurityGroup] | None:
    """The mount target's own groups when all are defined here (None: unknown or none)."""
    v = mt.security_groups
    if v is None or not v.known:
        return None
    out = [tpl.deref(g, m.SecurityGroup) for g in v.items()]
    return None if not out or any(g is None for g in out) else out


def in_vpc(tpl: m.Template, targets: list[m.MountTarget], vpc_id: str) -> list[m.MountTarget]:
    """The mount targets whose subnet is in the VPC (by the subnets defined here)."""
    out = []
    for mt in targets:
        subnet = tpl.deref(mt.subnet, m.Subnet)
        if subnet is not None and ref_id(subnet.vpc) == vpc_id:
            out.append(mt)
    return out


def volume_step(td: m.TaskDefinition, vol: Volume) -> Step:
    return Step(f"{td.id} mounts EFS file system {vol.fs.id}", vol.config.loc)
