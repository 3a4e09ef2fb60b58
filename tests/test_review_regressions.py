"""Faults a review of the Terraform work found, each pinned: false findings from lost
assumptions or references taken for errors, unbounded work, reads outside the
repository, and blind spots reported as decided."""

from __future__ import annotations

import json

from linter.rules import RULES
from test_modules import NETWORK, line_of, root_tf, write

from linter.engine import Result, run

NET = NETWORK.replace("var.cidr", '"10.0.0.0/16"')


def lint(root) -> Result:
    result = run([str(root)], RULES)
    assert result.internal_errors == 0, [f.message for f in result.findings]
    return result


def severities(result: Result) -> list[tuple[str, str]]:
    return [(f.rule, f.severity) for f in result.findings]


def test_a_dynamic_block_left_empty_by_a_default_is_an_assumption(tmp_path) -> None:
    net = NET.replace(
        'resource "aws_route_table" "private" {\n  vpc_id = aws_vpc.this.id\n}',
        'resource "aws_route_table" "private" {\n  vpc_id = aws_vpc.this.id\n'
        '  dynamic "route" {\n    for_each = var.nat_routes\n    content {\n'
        '      cidr_block     = "0.0.0.0/0"\n      nat_gateway_id = "nat-1"\n    }\n  }\n}',
    )
    head = 'variable "nat_routes" {\n  default = []\n}\n' + net
    write(tmp_path, {"main.tf": root_tf(head, "[aws_subnet.private.id]")})
    assert severities(lint(tmp_path)) == [("FG010", "warning")]


def test_subnets_chosen_by_a_default_are_an_assumption(tmp_path) -> None:
    head = 'variable "subnet_ids" {\n  default = []\n}\n' + NET
    for subnets in (
        "coalescelist(var.subnet_ids, [aws_subnet.private.id])",
        "[try(var.subnet_ids[0], aws_subnet.private.id)]",
    ):
        write(tmp_path, {"main.tf": root_tf(head, subnets)})
        assert severities(lint(tmp_path)) == [("FG010", "warning")], subnets


def test_a_value_known_after_apply_is_unknown_not_an_error(tmp_path) -> None:
    """can(lower(<an id>)) is unknown at plan: the route it counts may exist."""
    net = NET + (
        'resource "aws_route" "out" {\n'
        "  count                  = can(lower(aws_vpc.this.id)) ? 1 : 0\n"
        "  route_table_id         = aws_route_table.private.id\n"
        '  destination_cidr_block = "0.0.0.0/0"\n  nat_gateway_id         = "nat-1"\n}\n'
    )
    write(tmp_path, {"main.tf": root_tf(net, "[aws_subnet.private.id]")})
    result = lint(tmp_path)
    assert result.findings == []
    assert [c.decided for c in result.coverage] == [False]


def test_a_main_table_replaced_by_one_we_cannot_follow_is_unknown(tmp_path) -> None:
    net = NET.replace(
        'resource "aws_route_table_association" "private" {',
        'resource "aws_main_route_table_association" "m" {\n  vpc_id         = aws_vpc.this.id\n'
        "  route_table_id = var.main_table\n}\n\n"
        'resource "aws_route_table_association" "unused" {',
    ).replace("subnet_id      = aws_subnet.private.id", 'subnet_id      = "subnet-other"')
    head = 'variable "main_table" {}\n' + net
    write(tmp_path, {"main.tf": root_tf(head, "[aws_subnet.private.id]")})
    result = lint(tmp_path)
    assert result.findings == []
    (cov,) = result.coverage
    assert [b.what for b in cov.blinds] == [
        "the main route table of aws_vpc.this: variable main_table has no value"
    ]


def test_a_module_handed_our_network_is_a_blind_spot(tmp_path) -> None:
    call = 'module "endpoints" {\n  source = "acme/endpoints/aws"\n  vpc_id = aws_vpc.this.id\n}\n'
    main = root_tf(NET + call, "[aws_subnet.private.id]")
    write(tmp_path, {"main.tf": main})
    result = lint(tmp_path)
    assert severities(result) == [("FG010", "warning")]  # it may add the endpoints
    (cov,) = result.coverage
    assert [b.what for b in cov.blinds] == [
        "aws_vpc.this is handed to module.endpoints, which was not read"
    ]


def test_hostile_configurations_end_cleanly(tmp_path) -> None:
    nested = "locals {\n  l = range(1000)\n}\n" + (
        'resource "aws_security_group" "sg" {\n  dynamic "ingress" {\n    for_each = local.l\n'
        '    content {\n      dynamic "a" {\n        for_each = local.l\n        content {\n'
        '          dynamic "b" {\n            for_each = local.l\n            content {}\n'
        "          }\n        }\n      }\n    }\n  }\n}\n"
    )
    write(tmp_path / "nested", {"main.tf": nested})
    assert [f.message.split(":")[0] for f in lint(tmp_path / "nested").findings] == [
        "too complex to evaluate"
    ]
    deep = "".join(f"locals {{\n  a{k} = [local.a{k - 1}]\n}}\n" for k in range(1, 400))
    write(tmp_path / "deep", {"main.tf": "locals {\n  a0 = []\n}\n" + deep})
    lint(tmp_path / "deep")
    write(
        tmp_path / "manifest",
        {
            "main.tf": 'module "m" {\n  source = "acme/m/aws"\n}\n',
            ".terraform/modules/modules.json": json.dumps({"Modules": 5}),
        },
    )
    lint(tmp_path / "manifest")


def test_nothing_outside_the_repository_is_looked_at(tmp_path) -> None:
    (tmp_path / "outside").mkdir()
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    write(repo, {"main.tf": 'module "a" {\n  source = "../outside"\n}\n'})
    (what,) = [b.what for b in lint(repo).unseen]
    assert (
        what
        == "module.a was not read: local module ../outside is not read: it is outside the repository"
    )


def test_an_unparsed_file_with_a_header_we_cannot_read_hides_every_type(tmp_path) -> None:
    bad = 'resource /* egress */ "aws_route" "nat" {\n  x = %{ if true }\n}\n'
    main = root_tf(NET, "[aws_subnet.private.id]")
    write(tmp_path, {"main.tf": main, "nat.tf": bad})
    result = lint(tmp_path)
    assert severities(result) == [("FG000", "info")]
    assert [b.what.split(":")[0] for b in result.unseen] == ["nat.tf was not read"]
    assert line_of(main, "subnets =") > 0
