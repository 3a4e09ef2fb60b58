"""Terraform semantics the evaluator must share with terraform, each one found missing
on a public repository: try() and can() over errors, nullable variables, a lone
interpolation, a task definition named by family and revision, template_file over a
JSON file, module defaults, uncountable services and empty module directories."""

from __future__ import annotations

import json
import pathlib

from linter.rules import RULES
from test_modules import NETWORK, SERVICE, line_of, root_tf, where, write

from linter.engine import Result, run
from linter.values import V

STRANDED_AT = "subnets ="


def lint(root: pathlib.Path) -> Result:
    result = run([str(root)], RULES)
    assert result.internal_errors == 0, [f.message for f in result.findings]
    return result


def _network(count: str) -> str:
    """The stranded network, its subnet counted by `count`."""
    return NETWORK.replace(
        'resource "aws_subnet" "private" {\n',
        f'resource "aws_subnet" "private" {{\n  count = {count}\n',
    ).replace("aws_subnet.private.id", "aws_subnet.private[0].id")


def _fires(tmp_path, head: str, count: str) -> list[tuple[str, str, int]]:
    main = root_tf(head + _network(count), "[aws_subnet.private[0].id]")
    write(tmp_path, {"main.tf": main.replace("var.cidr", '"10.0.0.0/16"')})
    return where(lint(tmp_path))


def test_try_moves_past_a_missing_attribute(tmp_path) -> None:
    head = 'locals {\n  o = { image = "nginx" }\n}\n'
    assert [r for r, _, _ in _fires(tmp_path, head, "try(local.o.create, true) ? 1 : 0")] == [
        "FG010"
    ]


def test_try_of_an_unknown_stays_unknown(tmp_path) -> None:
    head = 'variable "create" {}\n'
    assert _fires(tmp_path, head, "try(var.create, true) ? 1 : 0") == []


def test_can_of_a_missing_attribute_is_false(tmp_path) -> None:
    head = 'locals {\n  o = { image = "nginx" }\n}\n'
    assert _fires(tmp_path, head, "can(local.o.create) ? 0 : 1") != []


def test_a_null_argument_to_a_non_nullable_variable_takes_the_default(tmp_path) -> None:
    module = 'variable "create" {\n  type     = bool\n  default  = true\n  nullable = false\n}\n'
    module += _network("var.create ? 1 : 0").replace("var.cidr", '"10.0.0.0/16"')
    module += 'output "subnet_id" {\n  value = aws_subnet.private[0].id\n}\n'
    call = 'module "network" {\n  source = "./modules/network"\n  create = null\n}\n'
    main = root_tf(call, "[module.network.subnet_id]")
    write(tmp_path, {"main.tf": main, "modules/network/main.tf": module})
    assert where(lint(tmp_path)) == [("FG010", "main.tf", line_of(main, STRANDED_AT))]


def test_a_lone_interpolation_is_the_value_itself(tmp_path) -> None:
    main = root_tf(NETWORK, '["${aws_subnet.private.id}"]').replace("var.cidr", '"10.0.0.0/16"')
    write(tmp_path, {"main.tf": main})
    assert where(lint(tmp_path)) == [("FG010", "main.tf", line_of(main, STRANDED_AT))]


def test_family_and_revision_name_the_task_definition(tmp_path) -> None:
    main = root_tf(NETWORK, "[aws_subnet.private.id]").replace("var.cidr", '"10.0.0.0/16"')
    main = main.replace(
        "task_definition = aws_ecs_task_definition.app.arn",
        'task_definition = "${aws_ecs_task_definition.app.family}:'
        '${max(aws_ecs_task_definition.app.revision, 1)}"',
    )
    write(tmp_path, {"main.tf": main})
    result = lint(tmp_path)
    assert where(result) == [("FG010", "main.tf", line_of(main, STRANDED_AT))]
    assert [c.decided for c in result.coverage] == [True]


def test_template_file_over_a_json_file_is_rendered(tmp_path) -> None:
    main = root_tf(NETWORK, "[aws_subnet.private.id]").replace("var.cidr", '"10.0.0.0/16"')
    main = main.replace(
        'container_definitions = jsonencode([{ name = "app", image = "nginx" }])',
        "container_definitions = data.template_file.td.rendered",
    )
    main += 'data "template_file" "td" {\n  template = file("td.json")\n'
    main += '  vars = { IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1" }\n}\n'
    td = [{"name": "app", "image": "${IMAGE}"}]
    write(tmp_path, {"main.tf": main, "td.json": json.dumps(td)})
    result = lint(tmp_path)
    assert [c.decided for c in result.coverage] == [True]
    # the rendered image is a private ECR image: without an execution role, FG080 too
    assert where(result) == [
        ("FG010", "main.tf", line_of(main, STRANDED_AT)),
        ("FG080", "td.json", 1),
    ]


def test_a_module_default_is_no_assumption(tmp_path) -> None:
    """A root variable's default may be overridden (a warning rests on it); a module's,
    which its caller leaves alone, is fixed by the code: the NAT route it leaves out is
    an error, as the same count written with a literal would be."""
    module = NETWORK.replace(
        'variable "cidr" {\n  type = string\n}', 'variable "cidr" {\n  default = "10.0.0.0/16"\n}'
    )
    module += 'variable "nat" {\n  default = false\n}\n'
    module += 'resource "aws_route" "nat" {\n  count                  = var.nat ? 1 : 0\n'
    module += "  route_table_id         = aws_route_table.private.id\n"
    module += '  destination_cidr_block = "0.0.0.0/0"\n  nat_gateway_id         = "nat-1"\n}\n'
    module += 'output "subnet_id" {\n  value = aws_subnet.private.id\n}\n'
    call = 'module "network" {\n  source = "./modules/network"\n}\n'
    main = root_tf(call, "[module.network.subnet_id]")
    write(tmp_path, {"main.tf": main, "modules/network/main.tf": module})
    result = lint(tmp_path)
    assert [(f.rule, f.severity) for f in result.findings] == [("FG010", "error")]
    # The same route left out by a root variable's default: an assumption, a warning.
    root = module.replace('variable "cidr" {', 'variable "unused" {', 1)
    write(tmp_path, {"main.tf": root_tf(root, "[aws_subnet.private.id]")})
    (tmp_path / "modules" / "network" / "main.tf").unlink()
    result = lint(tmp_path)
    assert [(f.rule, f.severity) for f in result.findings] == [("FG010", "warning")]


def test_a_service_that_cannot_be_counted_is_named(tmp_path) -> None:
    main = 'variable "enabled" {}\n' + SERVICE.replace(
        'resource "aws_ecs_service" "app" {\n',
        'resource "aws_ecs_service" "app" {\n  count = var.enabled ? 1 : 0\n',
    ).replace("SUBNETS", '["subnet-1"]')
    write(tmp_path, {"main.tf": main})
    result = lint(tmp_path)
    assert [(b.loc.line, b.what) for b in result.unseen] == [
        (
            line_of(main, 'resource "aws_ecs_service"'),
            "aws_ecs_service.app could not be counted: the count of aws_ecs_service.app "
            "(a condition on variable enabled has no value)",
        )
    ]


def test_a_downloaded_module_without_terraform_files_is_not_read(tmp_path) -> None:
    call = 'module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n'
    manifest = {"Modules": [{"Key": "vpc", "Source": "x", "Dir": ".terraform/modules/vpc"}]}
    write(
        tmp_path,
        {
            "main.tf": root_tf(call, "module.vpc.private_subnets"),
            ".terraform/modules/vpc/README.md": "no code here\n",
            ".terraform/modules/modules.json": json.dumps(manifest),
        },
    )
    ((what),) = [b.what for b in lint(tmp_path).unseen]
    assert what == (
        "module.vpc was not read: terraform-aws-modules/vpc/aws has no Terraform files "
        "where terraform init put it"
    )


def _eval(text: str) -> dict:
    """Each attribute of `text` evaluated alone, as a plain value."""
    from linter.sources.hcl_eval import RESOURCE_KEY, Evaluator, Scope, children
    from linter.sources.hcl_parse import parse_hcl
    from linter.values import plain

    ev = Evaluator(".")
    for name in ("aws_subnet.a", "aws_subnet.b"):
        ev.resources[name] = lambda loc, name=name: V({RESOURCE_KEY: V(name, loc)}, loc)
    out = {}
    for attr in children(children(parse_hcl(text))[0]):
        out[str(children(attr)[0].children[0])] = plain(ev.eval(children(attr)[-1], Scope()))
    return out


def test_functions_the_registry_modules_use() -> None:
    from linter.values import Failed, Unknown

    got = _eval(
        'a = anytrue([false, "true"])\n'
        "b = alltrue([true, false])\n"
        "c = coalescelist([], [1])\n"
        'd = startswith("vpc-1", "vpc-")\n'
        'e = sort(["b", "a"])\n'
        "f = length(slice(data.aws_availability_zones.x.names, 0, 3))\n"
        "g = slice(data.aws_availability_zones.x.names, 0, 3)[0]\n"
        "h = distinct([aws_subnet.a.id, aws_subnet.a.id, aws_subnet.b.id])\n"
        "i = try(local.missing, 2)\n"
    )
    assert got["a"] is True and got["b"] is False and got["c"] == [1] and got["d"] is True
    assert got["e"] == ["a", "b"]
    assert got["f"] == 3  # terraform plans slice(x, 0, 3) only if x holds three
    assert isinstance(got["g"], Unknown) and not isinstance(got["g"], Failed)
    assert [r.id for r in got["h"]] == ["aws_subnet.a", "aws_subnet.b"]
    assert isinstance(got["i"], Unknown)  # an undeclared local: unknown, not an error


def test_an_error_is_not_an_unknown() -> None:
    from linter.values import Failed

    got = _eval('a = try({ x = 1 }.y, 5)\nb = can([1][3])\nc = "a" + 1\n')
    assert got["a"] == 5 and got["b"] is False and isinstance(got["c"], Failed)


def test_terraform_011_lists_and_template_blocks(tmp_path) -> None:
    """`["${var.ids}"]` is one flat list, and `vars { }` a block, as 0.11 wrote them."""
    main = root_tf(NETWORK, '["${local.ids}"]').replace("var.cidr", '"10.0.0.0/16"')
    main += "locals {\n  ids = [aws_subnet.private.id]\n}\n"
    main = main.replace(
        'container_definitions = jsonencode([{ name = "app", image = "nginx" }])',
        "container_definitions = data.template_file.td.rendered",
    )
    main += 'data "template_file" "td" {\n  template = file("td.json")\n  vars {\n'
    main += '    IMAGE = "nginx"\n  }\n}\n'
    write(tmp_path, {"main.tf": main, "td.json": '[{"name": "app", "image": "${IMAGE}"}]'})
    result = lint(tmp_path)  # located where the list is written, as any local list is
    assert where(result) == [("FG010", "main.tf", line_of(main, "ids = [aws_subnet"))]
    assert [c.decided for c in result.coverage] == [True]


def test_endpoint_service_names_from_the_data_source(tmp_path) -> None:
    """The registry vpc-endpoints module names each endpoint's service through
    data.aws_vpc_endpoint_service: its service decides which need it serves."""
    from linter import model as m
    from linter.network import endpoint_service
    from linter.sources import terraform

    write(
        tmp_path,
        {
            "main.tf": 'data "aws_vpc_endpoint_service" "this" {\n'
            '  for_each     = toset(["ecr.dkr", "logs"])\n'
            "  service      = each.key\n"
            "  service_name = null\n}\n\n"
            'resource "aws_vpc_endpoint" "this" {\n'
            '  for_each     = toset(["ecr.dkr", "logs"])\n'
            '  vpc_id       = "vpc-1"\n'
            "  service_name = data.aws_vpc_endpoint_service.this[each.key].service_name\n}\n"
        },
    )
    tpl = terraform.load(str(tmp_path)).template
    assert sorted(endpoint_service(e) for e in tpl.of(m.VpcEndpoint)) == ["ecr.dkr", "logs"]


def test_a_legacy_splat_then_an_index_picks_from_the_list(tmp_path) -> None:
    """`aws_subnet.p.*.id[count.index]`: HCL's attribute-only splat takes the attributes,
    the index then picks an element of the list (a full splat `[*]` would index each id)."""
    from linter import model as m
    from linter.sources import terraform

    (tmp_path / "main.tf").write_text(
        'resource "aws_subnet" "p" {\n  count = 2\n  vpc_id = "vpc-1"\n}\n'
        'resource "aws_route_table" "r" {\n  vpc_id = "vpc-1"\n}\n'
        'resource "aws_route_table_association" "a" {\n  count = 2\n'
        "  subnet_id      = aws_subnet.p.*.id[count.index]\n"
        "  route_table_id = aws_route_table.r.id\n}\n"
    )
    tpl = terraform.load(str(tmp_path)).template
    got = sorted((a.id, a.subnet.value.id) for a in tpl.of(m.RouteTableAssociation))
    assert got == [
        ("aws_route_table_association.a[0]", "aws_subnet.p[0]"),
        ("aws_route_table_association.a[1]", "aws_subnet.p[1]"),
    ]
