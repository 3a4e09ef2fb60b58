"""FG006 — ECS Exec encrypted with a KMS key the tasks cannot use

## What it does
Finds services with ECS Exec on whose cluster encrypts Exec sessions with a KMS key
(`ExecuteCommandConfiguration.KmsKeyId` / `execute_command_configuration.kms_key_id`)
when the task role, created in the same files, does not allow `kms:Decrypt` on that
key, or when the key, created in the same files, has a key policy that neither names
the task role nor lets IAM policies grant access (a statement for the account's
`root`).

## Why is this bad?
The Exec agent in the task fetches the session's data key with the task role. The
session fails during the handshake: "Encountered error while initiating handshake.
Fetching data key failed: Unable to retrieve data key, Error when decrypting data
key AccessDeniedException".

## Example
```yaml
Cluster:
  Type: AWS::ECS::Cluster
  Properties:
    Configuration:
      ExecuteCommandConfiguration:
        KmsKeyId: !Ref ExecKey
TaskRole:   # ssmmessages only, no kms:Decrypt
  Type: AWS::IAM::Role
```
```hcl
resource "aws_ecs_cluster" "main" {
  configuration {
    execute_command_configuration { kms_key_id = aws_kms_key.exec.arn }
  }
}
```

## Use instead
```yaml
            - Effect: Allow
              Action: kms:Decrypt
              Resource: !GetAtt ExecKey.Arn
```
```hcl
statement {
  actions   = ["kms:Decrypt"]
  resources = [aws_kms_key.exec.arn]
}
```

## Known problems
Silent when the key or the task role is not in the files, when a policy of the role
is not known, or when a `Condition` decides. In endpoint-only subnets a missing
`kms` endpoint is FG005's.

## References
- https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html
- https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from linter import model as m
from linter.addresses import NO, UNKNOWN
from linter.findings import Finding, RuleMeta, Step
from linter.policy import RESOURCE, Decision, Request, Target, evaluate
from linter.rulekit import Context, finding, lack_finding, lacks_by_need, with_exec
from linter.values import V, shape, text

META = RuleMeta(
    id="FG006",
    name="exec-kms-key-unusable",
    severity="error",
    summary="ECS Exec encrypted with a KMS key the task role may not decrypt with",
    formats=("cloudformation", "terraform"),
)

_ROOT = re.compile(r"^(arn:[^:]*:iam::[^:]*:root|\d{12}|\*)$")


def check(ctx: Context) -> Iterator[Finding]:
    for group in lacks_by_need(ctx, META.id):
        # A key policy naming the role grants it alone, without IAM: read it when the key
        # is in the files (the call names it), else assume it does not.
        key = ctx.tpl.get(group[0].call.resource.ref or "", m.KmsKey)
        if key is not None:
            if _key_policy(ctx, key, group[0].role).answer != NO:
                continue
            severity = None
        else:
            severity = "warning"
        yield lack_finding(
            META,
            group,
            "ECS Exec sessions fail in the handshake (Fetching data key failed)"
            + (
                ""
                if key is not None
                else ", unless the key's policy (not in the files) grants the role itself"
            ),
            "Allow kms:Decrypt on the key in a policy of the task role.",
            severity=severity,
        )
    seen: set[tuple[str, str]] = set()
    for p in with_exec(ctx):
        if p.td is None:
            continue
        cluster = ctx.tpl.deref(p.svc.cluster, m.Cluster)
        key = ctx.tpl.deref(cluster.exec_kms_key, m.KmsKey) if cluster else None
        role = ctx.roles.role(p.td.task_role)
        if key is None or role is None or key.policy is None or (key.id, role.id) in seen:
            continue
        seen.add((key.id, role.id))
        decision = _key_policy(ctx, key, role)
        if decision.answer != NO or _lets_iam_decide(key.policy):
            continue
        where = decision.loc or key.policy.loc
        yield finding(
            META,
            f"the key policy of {key.id}, which encrypts ECS Exec on {p.svc.id}, neither "
            f"allows the task role {role.id} to decrypt nor lets IAM policies grant it "
            f"({decision.why}): Exec sessions fail in the handshake",
            where,
            key.id,
            path=(
                Step(f"ECS Exec enabled on {p.svc.id}", p.svc.exec_enabled.loc),
                Step(f"cluster {cluster.id} encrypts Exec with {key.id}", cluster.exec_kms_key.loc),
                Step(f"task definition {p.td.id} uses {role.id} as its task role", p.td.loc),
                Step(f"the key policy of {key.id}: {decision.why}", where),
            ),
            fix="Add a key policy statement allowing kms:Decrypt to the task role, or one "
            "for the account's root (arn:aws:iam::<account>:root) so IAM policies apply.",
        )


def _key_policy(ctx: Context, key: m.KmsKey, role: m.Role) -> Decision:
    """Whether the key policy itself lets the role decrypt. A statement for the account
    (its root) grants nobody by itself: it lets IAM policies decide."""
    if key.policy is None or key.id in ctx.tpl.handed:
        return Decision(UNKNOWN, "the key policy is not given, or a module may replace it")
    st = key.policy.get("Statement")
    if st is None or not st.known:
        return Decision(UNKNOWN, "the key policy's statements are not known")
    own = [s for s in st.items() if not _for_account(s)]
    policy = V({**key.policy.value, "Statement": V(own, st.loc)}, key.policy.loc)
    this_key = Target("arn:*:kms:*:*:key/*", ref=key.id)  # a key policy's "*" is the key
    req = Request("kms:Decrypt", this_key, ctx.roles.principal(role))
    return evaluate([policy], req, RESOURCE)


def _for_account(s: V) -> bool:
    principal = s.get("Principal")
    if principal is None or not isinstance(principal.value, dict):
        return False
    ids = principal.get("AWS")
    entries = [] if ids is None else list(ids.items()) if ids.known else [ids]
    return bool(entries) and all(_ROOT.match(shape(x) or "") and text(x) != "*" for x in entries)


def _lets_iam_decide(policy: V) -> bool:
    """A statement allowing the account (its root) kms:Decrypt without a condition: IAM
    policies then decide (the default key policy)."""
    st = policy.get("Statement")
    for s in st.items() if st is not None and st.known else ():
        if text(s.get("Effect")) != "Allow" or s.get("Principal") is None:
            continue
        # Its action and resource, the principal aside (IDENTITY asks no principal).
        allowed = evaluate([V({"Statement": V([s], s.loc)}, s.loc)], Request("kms:Decrypt"))
        principal = s.get("Principal")
        ids = principal.get("AWS") if isinstance(principal.value, dict) else principal
        roots = [x for x in (ids.items() if ids is not None else ()) if _ROOT.match(shape(x) or "")]
        if roots and allowed.answer != NO:
            return True
        if ids is not None and not ids.known:
            return True  # may name the root
    return False
