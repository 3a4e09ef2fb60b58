"""The static IAM evaluator (linter.policy): three-valued, explicit deny wins, and every
decision names the statement that makes it."""

from __future__ import annotations

from typing import Any

from linter.addresses import NO, UNKNOWN, YES
from linter.policy import RESOURCE, Request, Target, evaluate
from linter.values import Loc, Ref, Unknown, V, unknown


def doc(statements: list[Any]) -> V:
    """A policy document as a reader would give it: statement k sits on line k + 1."""

    def value(x: Any, line: int) -> V:
        if isinstance(x, V):
            return x
        if isinstance(x, dict):
            return V({k: value(v, line) for k, v in x.items()}, Loc("p.json", line))
        if isinstance(x, list):
            return V([value(v, line) for v in x], Loc("p.json", line))
        return V(x, Loc("p.json", line))

    items = [value(st, k + 1) for k, st in enumerate(statements)]
    return V(
        {"Version": V("2012-10-17", Loc("p.json")), "Statement": V(items, Loc("p.json"))},
        Loc("p.json"),
    )


ECR_AUTH = Request("ecr:GetAuthorizationToken", "*")
SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf"


def answer(docs, req, kind="identity") -> tuple[str, int | None]:
    d = evaluate(docs, req, kind)
    return d.answer, d.loc.line if d.loc else None


def test_an_allow_that_matches_decides_and_names_its_statement() -> None:
    policy = doc(
        [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
            {"Effect": "Allow", "Action": ["ECR:Get*", "ecr:BatchGetImage"], "Resource": "*"},
        ]
    )
    assert answer([policy], ECR_AUTH) == (YES, 2)  # actions match case-insensitively


def test_nothing_allows_is_an_implicit_deny() -> None:
    policy = doc([{"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}])
    assert answer([policy], ECR_AUTH) == (NO, None)


def test_an_explicit_deny_wins_over_an_allow() -> None:
    policy = doc(
        [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": "secretsmanager:*", "Resource": "*"},
        ]
    )
    assert answer([policy], Request("secretsmanager:GetSecretValue", SECRET)) == (NO, 2)


def test_resources_match_by_wildcards_and_not_resource_inverts() -> None:
    scoped = doc(
        [
            {
                "Effect": "Allow",
                "Action": "secretsmanager:GetSecretValue",
                "Resource": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-??????",
            }
        ]
    )
    assert answer([scoped], Request("secretsmanager:GetSecretValue", SECRET))[0] == YES
    other = Request("secretsmanager:GetSecretValue", SECRET.replace("db-", "api-"))
    assert answer([scoped], other)[0] == NO
    inverted = doc([{"Effect": "Allow", "Action": "secretsmanager:*", "NotResource": SECRET}])
    assert answer([inverted], Request("secretsmanager:GetSecretValue", SECRET))[0] == NO
    not_action = doc([{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}])
    assert answer([not_action], ECR_AUTH)[0] == YES


def test_conditions_unknown_arns_and_unreadable_documents_leave_it_open() -> None:
    conditional = doc(
        [
            {
                "Effect": "Allow",
                "Action": "ecr:*",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}},
            }
        ]
    )
    assert answer([conditional], ECR_AUTH) == (UNKNOWN, 1)
    scoped = doc([{"Effect": "Allow", "Action": "secretsmanager:*", "Resource": SECRET}])
    assert answer([scoped], Request("secretsmanager:GetSecretValue", None))[0] == UNKNOWN
    everything = doc([{"Effect": "Allow", "Action": "*", "Resource": "*"}])
    assert answer([everything], Request("secretsmanager:GetSecretValue", None))[0] == YES
    opaque = unknown("parameter PolicyJson, which has no default", Loc("t.yaml", 9))
    assert answer([everything, opaque], ECR_AUTH)[0] == UNKNOWN  # it may deny
    assert answer([opaque], ECR_AUTH)[0] == UNKNOWN  # or allow
    deny = doc([{"Effect": "Deny", "Action": "ecr:*", "Resource": "*"}])
    assert answer([deny, opaque], ECR_AUTH) == (NO, 1)  # an explicit deny stands
    open_action = doc(
        [{"Effect": "Allow", "Action": unknown("a parameter", Loc("t")), "Resource": "*"}]
    )
    assert answer([open_action], ECR_AUTH)[0] == UNKNOWN


def test_a_conditional_deny_leaves_an_allow_open() -> None:
    policy = doc(
        [
            {"Effect": "Allow", "Action": "ecr:*", "Resource": "*"},
            {
                "Effect": "Deny",
                "Action": "*",
                "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:SourceVpc": "vpc-1"}},
            },
        ]
    )
    assert answer([policy], ECR_AUTH) == (UNKNOWN, 2)


def test_endpoint_policies_match_the_principal() -> None:
    layer = "arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/sha256:ab"
    anyone = doc(
        [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::prod-*-starport-layer-bucket/*",
            }
        ]
    )
    assert answer([anyone], Request("s3:GetObject", layer), RESOURCE) == (YES, 1)
    ours = doc(
        [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:role/app"},
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::my-*/*",
            }
        ]
    )
    role = "arn:aws:iam::123456789012:role/app"
    assert answer([ours], Request("s3:GetObject", layer, role), RESOURCE) == (NO, None)
    assert answer([ours], Request("s3:GetObject", "arn:aws:s3:::my-b/k", role), RESOURCE)[0] == YES
    assert (
        answer([ours], Request("s3:GetObject", "arn:aws:s3:::my-b/k", None), RESOURCE)[0] == UNKNOWN
    )


def test_partly_known_targets_are_matched_only_where_every_value_would_be() -> None:
    """What a call acts on may be known only in part (`*` a run, `?` one character): a
    pattern covering every value allows it, one matching none denies, else it is open."""
    group = "arn:aws:logs:*:*:log-group:/ecs/app"
    logs = Target(f"{group}|{group}:log-stream:*")  # either may be what IAM sees
    action = "logs:PutLogEvents"

    def on(resource: str, target: Target = logs) -> str:
        policy = doc([{"Effect": "Allow", "Action": "logs:*", "Resource": resource}])
        return answer([policy], Request(action, target))[0]

    assert on("*") == YES
    assert on("arn:aws:logs:*:*:log-group:/ecs/*") == YES
    assert on("arn:aws:logs:*:*:log-group:/other/*") == NO
    assert on("arn:aws:logs:*:*:log-group:/ecs/app:*") == UNKNOWN  # the group's own ARN?
    assert on("arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/*") == UNKNOWN  # region
    unsuffixed = Target("arn:aws:secretsmanager:eu-west-1:1:secret:db-??????")
    policy = doc(
        [
            {
                "Effect": "Allow",
                "Action": "*",
                "Resource": "arn:aws:secretsmanager:eu-west-1:1:secret:db",
            }
        ]
    )
    assert answer([policy], Request("secretsmanager:GetSecretValue", unsuffixed))[0] == NO
    assert on("arn:aws:secretsmanager:eu-west-1:1:secret:db-*", unsuffixed) == YES


def test_references_name_the_resource_they_refer_to() -> None:
    ref = lambda rid: V(Ref(rid, "Arn"), Loc("p.json", 1))  # noqa: E731
    secret = Target("arn:aws:secretsmanager:*", ref="Db", others=frozenset({"Api"}))
    for resource, expected in ((ref("Db"), YES), (ref("Api"), NO), (ref("Elsewhere"), UNKNOWN)):
        policy = doc([{"Effect": "Allow", "Action": "secretsmanager:*", "Resource": resource}])
        assert answer([policy], Request("secretsmanager:GetSecretValue", secret))[0] == expected
    # a pattern partly unknown (built from the Region) can only rule a target out
    built = V(Unknown("Fn::Sub of AWS::Region", "arn:aws:ssm:*:1:parameter/other/*"), Loc("p", 1))
    policy = doc([{"Effect": "Allow", "Action": "ssm:*", "Resource": built}])
    param = Target("arn:aws:ssm:*:*:parameter/app/db")
    assert answer([policy], Request("ssm:GetParameters", param))[0] == NO
    mine = V(Unknown("Fn::Sub of AWS::Region", "arn:aws:ssm:*:1:parameter/app/*"), Loc("p", 1))
    policy = doc([{"Effect": "Allow", "Action": "ssm:*", "Resource": mine}])
    assert answer([policy], Request("ssm:GetParameters", param))[0] == UNKNOWN


def test_trust_policies_name_services_and_roles_apart() -> None:
    tasks = Target("ecs-tasks.amazonaws.com", service=True)

    def trusts(principal) -> str:
        policy = doc([{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}])
        return answer([policy], Request("sts:AssumeRole", "*", tasks), RESOURCE)[0]

    assert trusts({"Service": ["ecs.amazonaws.com", "ecs-tasks.amazonaws.com"]}) == YES
    assert trusts({"Service": "ec2.amazonaws.com"}) == NO
    assert trusts({"AWS": "arn:aws:iam::123456789012:root"}) == NO  # not a service
    assert trusts("*") == YES


def test_policy_variables_and_malformed_documents_leave_it_open() -> None:
    logs = Target("arn:aws:logs:*:*:log-group:/ecs/api")
    variable = doc(
        [
            {
                "Effect": "Allow",
                "Action": "logs:*",
                "Resource": "arn:aws:logs:*:*:log-group:/ecs/${aws:PrincipalTag/app}*",
            }
        ]
    )
    assert answer([variable], Request("logs:PutLogEvents", logs))[0] == UNKNOWN
    for statement in (V(5, Loc("p.json", 1)), None):
        body = {"Version": V("2012-10-17", Loc("p.json"))}
        if statement is not None:
            body["Statement"] = statement
        assert answer([V(body, Loc("p.json"))], ECR_AUTH)[0] == UNKNOWN


def test_many_wildcards_cost_their_length_not_an_exponent() -> None:
    """A pattern of many `*` against a long name that it nearly matches: a regular
    expression would backtrack for minutes; the table takes milliseconds."""
    import time

    pattern = "arn:*:logs:*:*:log-group:" + "*a" * 30 + "*b"
    target = Target("arn:aws:logs:eu-west-1:1:log-group:" + "a" * 200)
    policy = doc([{"Effect": "Allow", "Action": "logs:*", "Resource": pattern}])
    started = time.monotonic()
    assert answer([policy], Request("logs:PutLogEvents", target))[0] == NO
    assert time.monotonic() - started < 2
