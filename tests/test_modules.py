"""Terraform modules as nested units (sources/modules.py), Terraform's type conversions
(sources/tf_types.py) and routes on the VPC's main table (terraform.main_tables).

Each test writes a small tree in tmp_path and checks where the findings are (rule, file,
line), the explanation's steps, and the coverage / unseen entries of the run.
"""

from __future__ import annotations

import json
import pathlib

import pytest
from linter.rules import RULES

from linter.engine import Result, run
from linter.sources.tf_types import convert, to_bool, to_number
from linter.values import Loc, V

# -- building blocks --------------------------------------------------------------------------

SERVICE = """\
resource "aws_ecs_task_definition" "app" {
  family                = "app"
  network_mode          = "awsvpc"
  container_definitions = jsonencode([{ name = "app", image = "nginx" }])
}

resource "aws_ecs_service" "app" {
  name            = "app"
  launch_type     = "FARGATE"
  task_definition = aws_ecs_task_definition.app.arn
  network_configuration {
    subnets = SUBNETS
  }
}
"""

# A network whose private route table has no default route (lines matter: 5, 14, 18).
NETWORK = """\
variable "cidr" {
  type = string
}

resource "aws_vpc" "this" {
  cidr_block = var.cidr
}

resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.this.id
  cidr_block = cidrsubnet(var.cidr, 8, 1)
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.this.id
}

resource "aws_route_table_association" "private" {
  subnet_id      = aws_subnet.private.id
  route_table_id = aws_route_table.private.id
}

output "subnet_id" {
  value = aws_subnet.private.id
}
"""

# What turns NETWORK into one whose private subnet goes out through a public NAT.
NAT = """
resource "aws_internet_gateway" "gw" {
  vpc_id = aws_vpc.this.id
}

resource "aws_subnet" "public" {
  vpc_id     = aws_vpc.this.id
  cidr_block = cidrsubnet(var.cidr, 8, 0)
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.gw.id
  }
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

resource "aws_eip" "nat" {
  domain = "vpc"
}

resource "aws_nat_gateway" "nat" {
  subnet_id     = aws_subnet.public.id
  allocation_id = aws_eip.nat.id
}

resource "aws_route" "private_nat" {
  route_table_id         = aws_route_table.private.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.nat.id
}
"""

# A root network of its own (private table without a default route), for tests where a
# module only adds to it. The subnets line of the service is its line 40.
ROOT_NETWORK = """\
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "private" {
  subnet_id      = aws_subnet.private.id
  route_table_id = aws_route_table.private.id
}

"""

STRANDED = "Fargate tasks of aws_ecs_service.app in subnet {} have no way out (no default route) and the VPC has no endpoints: image pulls, secrets and logs will time out and tasks will never start"

REGISTRY_VPC = "terraform-aws-modules/vpc/aws"
NOT_DOWNLOADED = f"registry module {REGISTRY_VPC} is not downloaded: run terraform init"


def root_tf(head: str, subnets: str) -> str:
    """`head` (module calls, variables...), then the service placed in `subnets`."""
    return head + "\n" + SERVICE.replace("SUBNETS", subnets)


def write(root: pathlib.Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def lint(root: pathlib.Path) -> Result:
    result = run([str(root)], RULES)
    assert result.internal_errors == 0, [f.message for f in result.findings]
    return result


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the one line of `text` that holds `needle`."""
    (n,) = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    return n


def where(result: Result) -> list[tuple[str, str, int]]:
    return [(f.rule, f.loc.file, f.loc.line) for f in result.findings]


def steps(result: Result, index: int = 0) -> list[tuple[str, int, str]]:
    return [(s.loc.file, s.loc.line, s.message) for s in result.findings[index].path]


def unseen(result: Result) -> list[tuple[str, int, str]]:
    return [(b.loc.file, b.loc.line, b.what) for b in result.unseen]


def coverage(result: Result) -> list[tuple[str, bool, list[tuple[str, int, str]]]]:
    return [
        (c.id, c.decided, [(b.loc.file, b.loc.line, b.what) for b in c.blinds])
        for c in result.coverage
    ]


DECIDED = [("aws_ecs_service.app", True, [])]

# -- local modules ------------------------------------------------------------------------------

LOCAL_CALL = """\
module "network" {
  source = "./modules/network"
  cidr   = "10.0.0.0/16"
}
"""


def test_local_module_fires_at_the_service_and_explains_through_the_module(tmp_path) -> None:
    main = root_tf(LOCAL_CALL, "[module.network.subnet_id]")
    write(tmp_path, {"main.tf": main, "modules/network/main.tf": NETWORK})
    result = lint(tmp_path)
    at = line_of(main, "subnets =")
    assert where(result) == [("FG010", "main.tf", at)]
    (f,) = result.findings
    assert (f.severity, f.resource) == ("error", "aws_ecs_service.app")
    assert f.message == STRANDED.format("module.network.aws_subnet.private")
    assert f.loc.column == 16  # where `module.network.subnet_id` starts
    assert steps(result) == [
        ("main.tf", 1, "module.network is called here"),
        (
            "main.tf",
            at,
            "aws_ecs_service.app places tasks in subnet module.network.aws_subnet.private",
        ),
        (
            "modules/network/main.tf",
            18,
            "module.network.aws_subnet.private is associated with route table module.network.aws_route_table.private",
        ),
        (
            "modules/network/main.tf",
            14,
            "route table module.network.aws_route_table.private has no 0.0.0.0/0 route",
        ),
        ("modules/network/main.tf", 5, "VPC module.network.aws_vpc.this has no VPC endpoints"),
    ]
    assert coverage(result) == DECIDED
    assert unseen(result) == []
    # The walked module directory is evaluated through its caller, not as a unit of its own.
    assert result.units == 1
    assert sorted(result.files) == ["main.tf", "modules/network/main.tf"]


def test_local_module_with_a_nat_route_is_quiet_and_decided(tmp_path) -> None:
    main = root_tf(LOCAL_CALL, "[module.network.subnet_id]")
    write(tmp_path, {"main.tf": main, "modules/network/main.tf": NETWORK + NAT})
    result = lint(tmp_path)
    assert where(result) == []
    assert coverage(result) == DECIDED
    assert unseen(result) == []


def test_module_inside_a_module(tmp_path) -> None:
    platform = """\
variable "cidr" {}

module "network" {
  source = "../network"
  cidr   = var.cidr
}

output "subnet_id" {
  value = module.network.subnet_id
}
"""
    call = LOCAL_CALL.replace("network", "platform")
    main = root_tf(call, "[module.platform.subnet_id]")
    write(
        tmp_path,
        {
            "main.tf": main,
            "modules/platform/main.tf": platform,
            "modules/network/main.tf": NETWORK,
        },
    )
    result = lint(tmp_path)
    at = line_of(main, "subnets =")
    subnet = "module.platform.module.network.aws_subnet.private"
    assert where(result) == [("FG010", "main.tf", at)]
    assert result.findings[0].message == STRANDED.format(subnet)
    assert steps(result) == [
        ("main.tf", 1, "module.platform is called here"),
        ("modules/platform/main.tf", 3, "module.platform.module.network is called here"),
        ("main.tf", at, f"aws_ecs_service.app places tasks in subnet {subnet}"),
        (
            "modules/network/main.tf",
            18,
            f"{subnet} is associated with route table module.platform.module.network.aws_route_table.private",
        ),
        (
            "modules/network/main.tf",
            14,
            "route table module.platform.module.network.aws_route_table.private has no 0.0.0.0/0 route",
        ),
        (
            "modules/network/main.tf",
            5,
            "VPC module.platform.module.network.aws_vpc.this has no VPC endpoints",
        ),
    ]
    assert coverage(result) == DECIDED
    assert result.units == 1


def test_module_with_count_has_an_instance_per_index(tmp_path) -> None:
    call = """\
module "net" {
  count  = 2
  source = "./modules/network"
  cidr   = "10.${count.index}.0.0/16"
}
"""
    main = root_tf(call, "module.net[*].subnet_id")
    write(tmp_path, {"main.tf": main, "modules/network/main.tf": NETWORK})
    result = lint(tmp_path)
    at = line_of(main, "subnets =")
    # Each instance makes its own VPC, so the service spans two: a true FG035 beside them.
    assert where(result) == [
        ("FG010", "main.tf", at),
        ("FG010", "main.tf", at),
        ("FG035", "main.tf", at),
    ]
    assert [f.message for f in result.findings[:2]] == [
        STRANDED.format("module.net[0].aws_subnet.private"),
        STRANDED.format("module.net[1].aws_subnet.private"),
    ]
    assert [steps(result, i)[0] for i in (0, 1)] == [
        ("main.tf", 1, "module.net[0] is called here"),
        ("main.tf", 1, "module.net[1] is called here"),
    ]
    assert steps(result, 1)[-2] == (
        "modules/network/main.tf",
        14,
        "route table module.net[1].aws_route_table.private has no 0.0.0.0/0 route",
    )
    assert coverage(result) == DECIDED


FOR_EACH_CALL = """\
module "net" {
  for_each = { blue = "10.1.0.0/16", green = "10.2.0.0/16" }
  source   = "./modules/network"
  cidr     = each.value
}
"""


def test_module_with_for_each_has_an_instance_per_key(tmp_path) -> None:
    main = root_tf(FOR_EACH_CALL, '[module.net["blue"].subnet_id, module.net["green"].subnet_id]')
    write(tmp_path, {"main.tf": main, "modules/network/main.tf": NETWORK})
    result = lint(tmp_path)
    at = line_of(main, "subnets =")
    # Each instance makes its own VPC, so the service spans two: a true FG035 beside them.
    assert where(result) == [
        ("FG010", "main.tf", at),
        ("FG010", "main.tf", at),
        ("FG035", "main.tf", at),
    ]
    assert [f.loc.column for f in result.findings[:2]] == [16, 46]
    assert [f.message for f in result.findings[:2]] == [
        STRANDED.format('module.net["blue"].aws_subnet.private'),
        STRANDED.format('module.net["green"].aws_subnet.private'),
    ]
    assert steps(result, 1)[:3] == [
        ("main.tf", 1, 'module.net["green"] is called here'),
        (
            "main.tf",
            at,
            'aws_ecs_service.app places tasks in subnet module.net["green"].aws_subnet.private',
        ),
        (
            "modules/network/main.tf",
            18,
            'module.net["green"].aws_subnet.private is associated with route table module.net["green"].aws_route_table.private',
        ),
    ]
    assert coverage(result) == DECIDED


def test_for_expression_over_module_instances_is_located_at_the_service(tmp_path) -> None:
    main = root_tf(FOR_EACH_CALL, "[for m in module.net : m.subnet_id]")
    write(tmp_path, {"main.tf": main, "modules/network/main.tf": NETWORK})
    result = lint(tmp_path)
    at = line_of(main, "subnets =")
    # Each instance makes its own VPC, so the service spans two: a true FG035 beside them.
    assert where(result) == [
        ("FG010", "main.tf", at),
        ("FG010", "main.tf", at),
        ("FG035", "main.tf", at),
    ]


# -- downloaded modules -------------------------------------------------------------------------

REGISTRY_CALL = f"""\
module "vpc" {{
  source  = "{REGISTRY_VPC}"
  version = "5.0.0"
  cidr    = "10.0.0.0/16"
}}
"""

MANIFEST = {
    "Modules": [
        {"Key": "", "Source": "", "Dir": "."},
        {
            "Key": "vpc",
            "Source": f"registry.terraform.io/{REGISTRY_VPC}",
            "Version": "5.0.0",
            "Dir": ".terraform/modules/vpc",
        },
    ]
}


def test_downloaded_registry_module_is_read_from_the_manifest(tmp_path) -> None:
    main = root_tf(REGISTRY_CALL, "[module.vpc.subnet_id]")
    write(
        tmp_path,
        {
            "main.tf": main,
            ".terraform/modules/vpc/main.tf": NETWORK,
            ".terraform/modules/modules.json": json.dumps(MANIFEST),
        },
    )
    result = lint(tmp_path)
    at = line_of(main, "subnets =")
    assert where(result) == [("FG010", "main.tf", at)]
    assert result.findings[0].severity == "error"
    assert steps(result) == [
        ("main.tf", 1, "module.vpc is called here"),
        ("main.tf", at, "aws_ecs_service.app places tasks in subnet module.vpc.aws_subnet.private"),
        (
            ".terraform/modules/vpc/main.tf",
            18,
            "module.vpc.aws_subnet.private is associated with route table module.vpc.aws_route_table.private",
        ),
        (
            ".terraform/modules/vpc/main.tf",
            14,
            "route table module.vpc.aws_route_table.private has no 0.0.0.0/0 route",
        ),
        (".terraform/modules/vpc/main.tf", 5, "VPC module.vpc.aws_vpc.this has no VPC endpoints"),
    ]
    assert coverage(result) == DECIDED
    assert unseen(result) == []
    assert result.units == 1  # .terraform is not walked as a unit of its own


def test_registry_module_not_downloaded_is_quiet_and_says_run_terraform_init(tmp_path) -> None:
    main = root_tf(REGISTRY_CALL, "[module.vpc.subnet_id]")
    # The module's code is there, but without modules.json nothing says it is this call's.
    write(tmp_path, {"main.tf": main, ".terraform/modules/vpc/main.tf": NETWORK})
    result = lint(tmp_path)
    at = line_of(main, "subnets =")
    assert where(result) == []
    assert unseen(result) == [("main.tf", 1, f"module.vpc was not read: {NOT_DOWNLOADED}")]
    assert coverage(result) == [
        (
            "aws_ecs_service.app",
            False,
            [
                (
                    "main.tf",
                    at,
                    f"the subnets: output of module.vpc, which was not read ({NOT_DOWNLOADED})",
                )
            ],
        )
    ]


def test_nested_downloaded_modules_use_dotted_manifest_keys(tmp_path) -> None:
    app = f"""\
module "vpc" {{
  source = "{REGISTRY_VPC}"
  cidr   = "10.0.0.0/16"
}}

output "subnet_id" {{
  value = module.vpc.subnet_id
}}
"""
    git = "git::https://example.com/app.git?ref=v1"
    manifest = {
        "Modules": [
            {"Key": "app", "Source": git, "Dir": ".terraform/modules/app"},
            {
                "Key": "app.vpc",
                "Source": f"registry.terraform.io/{REGISTRY_VPC}",
                "Dir": ".terraform/modules/app.vpc",
            },
        ]
    }
    call = f'module "app" {{\n  source = "{git}"\n}}\n'
    main = root_tf(call, "[module.app.subnet_id]")
    files = {
        "main.tf": main,
        ".terraform/modules/app/main.tf": app,
        ".terraform/modules/app.vpc/main.tf": NETWORK,
    }
    write(tmp_path, {**files, ".terraform/modules/modules.json": json.dumps(manifest)})
    result = lint(tmp_path)
    at = line_of(main, "subnets =")
    assert where(result) == [("FG010", "main.tf", at)]
    assert steps(result)[:2] == [
        ("main.tf", 1, "module.app is called here"),
        (".terraform/modules/app/main.tf", 1, "module.app.module.vpc is called here"),
    ]
    assert steps(result)[3][0] == ".terraform/modules/app.vpc/main.tf"

    (tmp_path / ".terraform/modules/modules.json").unlink()
    result = lint(tmp_path)
    assert where(result) == []
    why = f"module {git} is not downloaded: run terraform init"  # git: not "registry module"
    assert unseen(result) == [("main.tf", 1, f"module.app was not read: {why}")]


def test_arguments_handed_to_an_unread_module_make_findings_warnings(tmp_path) -> None:
    main = root_tf(ROOT_NETWORK, "[aws_subnet.private.id]")
    write(tmp_path, {"main.tf": main})
    before = lint(tmp_path)
    assert [(f.rule, f.severity, f.loc.line) for f in before.findings] == [
        ("FG010", "error", line_of(main, "subnets ="))
    ]

    # The same network, handed to a module we cannot read: it may add a route to it.
    call = 'module "routes" {\n  source         = "acme/routes/aws"\n  route_table_id = aws_route_table.private.id\n}\n'
    main = root_tf(ROOT_NETWORK + call, "[aws_subnet.private.id]")
    write(tmp_path, {"main.tf": main})
    after = lint(tmp_path)
    assert [(f.rule, f.severity, f.loc.line) for f in after.findings] == [
        ("FG010", "warning", line_of(main, "subnets ="))
    ]
    assert after.findings[0].message == STRANDED.format("aws_subnet.private") + (
        " (assuming aws_route_table.private is shared as an output or with a nested stack, "
        "so another stack or module may extend it)"
    )
    assert unseen(after) == [
        (
            "main.tf",
            line_of(main, 'module "routes"'),
            "module.routes was not read: registry module acme/routes/aws is not downloaded: run terraform init",
        )
    ]


# -- count / for_each of a module that cannot be counted -----------------------------------------

ROUTE_MODULE = """\
variable "route_table_id" {}

resource "aws_route" "out" {
  route_table_id         = var.route_table_id
  destination_cidr_block = "0.0.0.0/0"
  transit_gateway_id     = "tgw-0123456789abcdef0"
}
"""


def counted_call(count: str) -> str:
    return f"""\
module "nat" {{
  source         = "./modules/nat"
  count          = {count}
  route_table_id = aws_route_table.private.id
}}
"""


def test_module_of_unknown_count_makes_its_resource_types_uncertain(tmp_path) -> None:
    head = 'variable "nat_count" {}\n\n' + ROOT_NETWORK + counted_call("var.nat_count")
    main = root_tf(head, "[aws_subnet.private.id]")
    write(tmp_path, {"main.tf": main, "modules/nat/main.tf": ROUTE_MODULE})
    result = lint(tmp_path)
    why = "the count of module.nat (variable nat_count has no value)"
    assert where(result) == []  # the module may add the missing route
    assert coverage(result) == [
        (
            "aws_ecs_service.app",
            False,
            [
                (
                    "main.tf",
                    line_of(main, 'resource "aws_route_table" "private"'),
                    f"routes: {why}",
                ),
                (
                    "main.tf",
                    line_of(main, 'resource "aws_route_table" "private"'),
                    "aws_route_table.private is handed to module.nat, which was not read",
                ),
            ],
        )
    ]
    assert unseen(result) == [
        ("main.tf", line_of(main, 'module "nat"'), f"module.nat was not read: {why}")
    ]


def test_module_of_count_zero_adds_nothing(tmp_path) -> None:
    main = root_tf(ROOT_NETWORK + counted_call("0"), "[aws_subnet.private.id]")
    write(tmp_path, {"main.tf": main, "modules/nat/main.tf": ROUTE_MODULE})
    result = lint(tmp_path)
    assert [(f.rule, f.severity, f.loc.file, f.loc.line) for f in result.findings] == [
        ("FG010", "error", "main.tf", line_of(main, "subnets ="))
    ]
    assert coverage(result) == DECIDED
    assert unseen(result) == []


def test_module_left_out_by_a_default_count_is_an_assumption(tmp_path) -> None:
    head = (
        'variable "nat_count" {\n  default = 0\n}\n\n'
        + ROOT_NETWORK
        + counted_call("var.nat_count")
    )
    main = root_tf(head, "[aws_subnet.private.id]")
    write(tmp_path, {"main.tf": main, "modules/nat/main.tf": ROUTE_MODULE})
    result = lint(tmp_path)
    assert [(f.rule, f.severity, f.loc.line) for f in result.findings] == [
        ("FG010", "warning", line_of(main, "subnets ="))
    ]
    assert result.findings[0].message.endswith("(assuming variable nat_count default)")


# -- limits -------------------------------------------------------------------------------------


def test_a_module_that_calls_itself_is_not_followed(tmp_path) -> None:
    write(
        tmp_path,
        {
            "main.tf": 'module "loop" {\n  source = "./modules/loop"\n}\n\nmodule "self" {\n  source = "./"\n}\n',
            "modules/loop/main.tf": 'module "again" {\n  source = "./"\n}\n\nresource "aws_vpc" "this" {\n  cidr_block = "10.0.0.0/16"\n}\n',
        },
    )
    result = lint(tmp_path)
    assert where(result) == []
    assert unseen(result) == [
        ("main.tf", 5, "module.self was not read: the module calls itself"),
        (
            "modules/loop/main.tf",
            1,
            "module.loop.module.again was not read: the module calls itself",
        ),
    ]
    assert result.units == 1


def test_modules_nested_too_deep_are_cut(tmp_path) -> None:
    files = {"main.tf": 'module "next" {\n  source = "./m0"\n}\n'}
    for i in range(12):
        files[f"m{i}/main.tf"] = f'module "next" {{\n  source = "../m{i + 1}"\n}}\n'
    write(tmp_path, files)
    result = lint(tmp_path)
    address = ".".join(["module.next"] * 11)  # ten modules deep are read, the 11th is not
    assert unseen(result) == [
        ("m9/main.tf", 1, f"{address} was not read: modules nested more than 10 deep")
    ]


def test_module_instances_are_limited_per_root(tmp_path) -> None:
    write(
        tmp_path,
        {
            "main.tf": 'module "a" {\n  source = "./m"\n  count  = 100\n}\n\nmodule "b" {\n  source = "./m"\n  count  = 101\n}\n',
            "m/main.tf": 'output "x" {\n  value = 1\n}\n',
        },
    )
    result = lint(tmp_path)
    assert unseen(result) == [
        ("main.tf", 6, "module.b[100] was not read: more than 200 module instances")
    ]


# -- modules that do not parse ------------------------------------------------------------------

BROKEN = """\
variable "route_table_id" {}

resource "aws_route" "out" {
  route_table_id         = var.route_table_id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             =
}
"""

BROKEN_CALL = """\
module "nat" {
  source         = "./modules/nat"
  route_table_id = aws_route_table.private.id
}
"""


def test_local_module_that_does_not_parse_is_fg000_and_the_root_is_still_linted(tmp_path) -> None:
    main = root_tf(ROOT_NETWORK + BROKEN_CALL, "[aws_subnet.private.id]")
    write(tmp_path, {"main.tf": main, "modules/nat/main.tf": BROKEN})
    result = lint(tmp_path)
    assert where(result) == [
        ("FG010", "main.tf", line_of(main, "subnets =")),
        ("FG000", "modules/nat/main.tf", 6),
    ]
    fg010, fg000 = result.findings
    assert fg000.message.startswith("HCL syntax error: ")
    assert fg000.loc.column == 27
    # what the module was handed may be extended by it
    assert fg010.severity == "warning"
    # The module that did not parse was handed the route table: it may add a route.
    handed = "aws_route_table.private is handed to module.nat, which was not read"
    table = line_of(main, 'resource "aws_route_table" "private"')
    assert coverage(result) == [("aws_ecs_service.app", False, [("main.tf", table, handed)])]
    ((file, line, what),) = unseen(result)
    assert (file, line) == ("main.tf", line_of(main, 'module "nat"'))
    assert what.startswith("module.nat was not read: HCL syntax error: ")


def test_unparseable_module_unseen_text_names_no_local_path(tmp_path) -> None:
    main = root_tf(ROOT_NETWORK + BROKEN_CALL, "[aws_subnet.private.id]")
    write(tmp_path, {"main.tf": main, "modules/nat/main.tf": BROKEN})
    ((_, _, what),) = unseen(lint(tmp_path))
    assert str(tmp_path) not in what
    assert what.endswith("(modules/nat/main.tf:6:27)")


def test_downloaded_module_that_does_not_parse_is_not_our_fg000(tmp_path) -> None:
    main = root_tf(REGISTRY_CALL, "[module.vpc.subnet_id]")
    write(
        tmp_path,
        {
            "main.tf": main,
            ".terraform/modules/vpc/main.tf": BROKEN,
            ".terraform/modules/modules.json": json.dumps(MANIFEST),
        },
    )
    result = lint(tmp_path)
    assert where(result) == []
    ((file, line, what),) = unseen(result)
    assert (file, line) == ("main.tf", 1)
    assert what.startswith("module.vpc was not read: HCL syntax error: ")
    assert [c.decided for c in result.coverage] == [False]


def test_walked_directories_only_a_caller_reaches_are_not_units(tmp_path) -> None:
    main = root_tf(LOCAL_CALL, "[module.network.subnet_id]")
    other = 'resource "aws_vpc" "x" {\n  cidr_block = "10.9.0.0/16"\n}\n'
    write(tmp_path, {"main.tf": main, "modules/network/main.tf": NETWORK, "other/main.tf": other})
    result = lint(tmp_path)
    assert result.units == 2  # the root (with its module) and other/
    assert sorted(result.files) == ["main.tf", "modules/network/main.tf", "other/main.tf"]
    assert where(result) == [("FG010", "main.tf", line_of(main, "subnets ="))]

    # Named on its own, the module directory is a unit: its variable is not set.
    alone = run([str(tmp_path / "modules" / "network")], RULES)
    assert alone.units == 1 and alone.findings == []


# -- Terraform's type conversions ---------------------------------------------------------------

# A public subnet with a NAT gateway, and a private subnet beside it.
PUBLIC_NAT = """\
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_internet_gateway" "gw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.0.0/24"
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.gw.id
  }
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

resource "aws_eip" "nat" {
  domain = "vpc"
}

resource "aws_nat_gateway" "nat" {
  subnet_id     = aws_subnet.public.id
  allocation_id = aws_eip.nat.id
}

resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}
"""

# The private subnet's default route to the NAT exists when COND holds.
CONVERTED = (
    PUBLIC_NAT
    + """
resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "private" {
  subnet_id      = aws_subnet.private.id
  route_table_id = aws_route_table.private.id
}

resource "aws_route" "private_nat" {
  count                  = COND ? 1 : 0
  route_table_id         = aws_route_table.private.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.nat.id
}
"""
)


def converted(tmp_path: pathlib.Path, variable: str, cond: str) -> tuple[Result, str]:
    main = root_tf(variable + "\n" + CONVERTED.replace("COND", cond), "[aws_subnet.private.id]")
    write(tmp_path, {"main.tf": main})
    return lint(tmp_path), main


@pytest.mark.parametrize(
    ("variable", "cond"),
    [
        ('variable "x" {\n  type    = number\n  default = "1"\n}\n', "var.x == 1"),
        ('variable "x" {\n  type    = string\n  default = 1\n}\n', 'var.x == "1"'),
        ('variable "x" {\n  type    = bool\n  default = "true"\n}\n', "var.x == true"),
        ('variable "x" {\n  default = "true"\n}\n', "var.x"),  # "true" as a condition
        ('variable "x" {\n  type    = list(number)\n  default = ["1"]\n}\n', "var.x[0] == 1"),
        (
            'variable "x" {\n  type    = map(bool)\n  default = { on = "true" }\n}\n',
            "var.x.on == true",
        ),
        (
            'variable "x" {\n  type    = tuple([string, number])\n  default = ["a", "1"]\n}\n',
            "var.x[1] == 1",
        ),
        (
            'variable "x" {\n  type    = object({ n = number })\n  default = { n = "1" }\n}\n',
            "var.x.n == 1",
        ),
        (
            'variable "x" {\n  type    = object({ cidr = string, nat = optional(bool, true) })\n  default = { cidr = "10.0.0.0/16" }\n}\n',
            "var.x.nat",
        ),
        (
            'variable "x" {\n  type    = list(object({ n = optional(string, "yes") }))\n  default = [{}]\n}\n',
            'var.x[0].n == "yes"',
        ),
        (
            'variable "x" {\n  type    = object({ cidr = string, nat = optional(bool) })\n  default = { cidr = "10.0.0.0/16" }\n}\n',
            "var.x.nat == null",
        ),
    ],
    ids=[
        "number",
        "string",
        "bool",
        "true-as-condition",
        "list",
        "map",
        "tuple",
        "object",
        "optional-default",
        "nested-optional-default",
        "optional-null",
    ],
)
def test_variable_types_convert_as_terraform_does(tmp_path, variable, cond) -> None:
    result, _ = converted(tmp_path, variable, cond)
    assert where(result) == []
    assert coverage(result) == DECIDED


@pytest.mark.parametrize(
    ("variable", "cond"),
    [
        ('variable "x" {\n  default = "1"\n}\n', "var.x == 1"),  # no type: "1" is not 1
        ('variable "x" {\n  default = "false"\n}\n', "var.x"),
        ('variable "x" {\n  type    = bool\n  default = "false"\n}\n', "var.x"),
    ],
    ids=["untyped-string-is-not-a-number", "false-as-condition", "bool-false"],
)
def test_conversions_that_leave_the_route_out(tmp_path, variable, cond) -> None:
    result, main = converted(tmp_path, variable, cond)
    assert [(f.rule, f.severity, f.loc.file, f.loc.line) for f in result.findings] == [
        ("FG010", "warning", "main.tf", line_of(main, "subnets ="))
    ]
    assert result.findings[0].message.endswith("(assuming variable x default)")


OPTIONAL_FALSE = 'variable "x" {\n  type    = object({ cidr = string, nat = optional(bool, false) })\n  default = { cidr = "10.0.0.0/16" }\n}\n'


def test_optional_attribute_default_is_filled_in(tmp_path) -> None:
    result, main = converted(tmp_path, OPTIONAL_FALSE, "var.x.nat")
    assert where(result) == [("FG010", "main.tf", line_of(main, "subnets ="))]


def test_optional_attribute_default_keeps_the_variable_assumption(tmp_path) -> None:
    result, _ = converted(tmp_path, OPTIONAL_FALSE, "var.x.nat")
    assert [f.severity for f in result.findings] == ["warning"]
    assert result.findings[0].message.endswith("(assuming variable x default)")


def test_count_from_a_string_default(tmp_path) -> None:
    head = """\
variable "az_count" {
  default = "2"
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "private" {
  count      = var.az_count
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.${count.index}.0/24"
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "private" {
  count          = var.az_count
  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private.id
}
"""
    main = root_tf(head, "aws_subnet.private[*].id")
    write(tmp_path, {"main.tf": main})
    result = lint(tmp_path)
    at = line_of(main, "subnets =")
    assert where(result) == [("FG010", "main.tf", at), ("FG010", "main.tf", at)]
    assert [f.message for f in result.findings] == [
        STRANDED.format("aws_subnet.private[0]"),
        STRANDED.format("aws_subnet.private[1]"),
    ]
    assert steps(result, 1)[1] == (
        "main.tf",
        line_of(main, 'resource "aws_route_table_association"'),
        "aws_subnet.private[1] is associated with route table aws_route_table.private",
    )


def test_module_argument_converted_to_the_variable_type(tmp_path) -> None:
    module = NETWORK.replace(
        'resource "aws_subnet" "private" {\n',
        'variable "az_count" {\n  type = number\n}\n\nresource "aws_subnet" "private" {\n  count      = var.az_count == 2 ? 2 : 0\n',
    ).replace("aws_subnet.private.id", "aws_subnet.private[0].id")
    call = LOCAL_CALL.replace(
        '  cidr   = "10.0.0.0/16"\n', '  cidr     = "10.0.0.0/16"\n  az_count = "2"\n'
    )
    main = root_tf(call, "module.network.subnet_id")
    write(tmp_path, {"main.tf": main, "modules/network/main.tf": module})
    result = lint(tmp_path)
    # az_count = "2" became the number 2: the subnets exist (else the output is null).
    assert [f.message for f in result.findings] == [
        STRANDED.format("module.network.aws_subnet.private[0]")
    ]


@pytest.mark.parametrize(
    ("text", "number"),
    [
        (3, 3),
        (2.5, 2.5),
        ("2", 2),
        ("-1", -1),
        ("2.5", 2.5),
        ("1e3", 1000.0),
        (" 2", None),
        ("1_000", None),
        ("inf", None),
        ("nan", None),
        ("1e999", None),
        ("", None),
        ("0x10", None),
        (True, None),
        (None, None),
    ],
)
def test_to_number(text, number) -> None:
    got = to_number(text)
    assert got == number and type(got) is type(number)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        (False, False),
        ("true", True),
        ("false", False),
        ("True", None),
        ("1", None),
        (1, None),
        (None, None),
    ],
)
def test_to_bool(value, expected) -> None:
    assert to_bool(value) is expected


HERE = Loc("x.tf", 1, 1)


@pytest.mark.parametrize(
    ("value", "vtype", "expected"),
    [
        ("2", "number", 2),
        ("two", "number", "two"),  # does not convert: left as it is
        (2, "string", "2"),
        (2.0, "string", "2"),
        (2.5, "string", "2.5"),
        (True, "string", "true"),
        ("false", "bool", False),
        ("yes", "bool", "yes"),
        ("1", "any", "1"),
    ],
)
def test_convert_primitives(value, vtype, expected) -> None:
    got = convert(V(value, HERE, ("a default",)), vtype)
    assert got.value == expected and type(got.value) is type(expected)
    assert got.assumed == ("a default",)


def test_convert_collections() -> None:
    items = V([V("1", HERE), V("2", HERE)], HERE)
    assert [x.value for x in convert(items, ("list", "number")).value] == [1, 2]
    pair = V([V("a", HERE), V("1", HERE)], HERE)
    assert [x.value for x in convert(pair, ("tuple", ["string", "number"])).value] == ["a", 1]
    short = V([V("1", HERE)], HERE)
    assert convert(short, ("tuple", ["number", "number"])) is short  # wrong length: unchanged
    obj = V({"n": V("3", HERE)}, HERE)
    got = convert(obj, ("object", {"n": ("number", None), "m": ("string", None)})).value
    assert (got["n"].value, got["m"].value) == (3, None)  # left out, no default: null


# -- routes on the VPC's main table --------------------------------------------------------------

# A public NAT; the private subnet has no association, so it uses the VPC's main table.
MAIN_TABLE = PUBLIC_NAT


def route(table: str, destination: str = "0.0.0.0/0") -> str:
    return f"""
resource "aws_route" "out" {{
  route_table_id         = {table}
  destination_cidr_block = "{destination}"
  nat_gateway_id         = aws_nat_gateway.nat.id
}}
"""


ADOPTED = """
resource "aws_default_route_table" "main" {
  default_route_table_id = aws_vpc.main.default_route_table_id
ROUTES}
"""
NAT_BLOCK = '  route {\n    cidr_block     = "0.0.0.0/0"\n    nat_gateway_id = aws_nat_gateway.nat.id\n  }\n'

REPLACED = """
resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
}

resource "aws_main_route_table_association" "main" {
  vpc_id         = aws_vpc.main.id
  route_table_id = aws_route_table.private.id
}
"""


def main_table(tmp_path: pathlib.Path, extra: str) -> tuple[Result, str]:
    main = root_tf(MAIN_TABLE + extra, "[aws_subnet.private.id]")
    write(tmp_path, {"main.tf": main})
    return lint(tmp_path), main


@pytest.mark.parametrize(
    "extra",
    [
        route("aws_vpc.main.main_route_table_id"),
        route("aws_vpc.main.default_route_table_id"),
        ADOPTED.replace("ROUTES", NAT_BLOCK),
        ADOPTED.replace("ROUTES", "") + route("aws_vpc.main.main_route_table_id"),
        ADOPTED.replace("ROUTES", "") + route("aws_vpc.main.default_route_table_id"),
    ],
    ids=[
        "route-on-main_route_table_id",
        "route-on-default_route_table_id",
        "aws_default_route_table-route-block",
        "aws_default_route_table-and-route-on-main_route_table_id",
        "aws_default_route_table-and-route-on-default_route_table_id",
    ],
)
def test_default_route_on_the_main_table_is_quiet(tmp_path, extra) -> None:
    result, _ = main_table(tmp_path, extra)
    assert where(result) == []
    assert coverage(result) == DECIDED


def test_main_table_without_a_default_route_is_fg060(tmp_path) -> None:
    result, main = main_table(
        tmp_path, route("aws_vpc.main.default_route_table_id", "192.168.0.0/16")
    )
    at = line_of(main, "subnets =")
    assert where(result) == [("FG060", "main.tf", at)]
    assert steps(result) == [
        ("main.tf", at, "aws_ecs_service.app places tasks in subnet aws_subnet.private"),
        (
            "main.tf",
            line_of(main, 'resource "aws_subnet" "private"'),
            "aws_subnet.private has no route table association: it uses the main table aws_vpc.main.default_route_table",
        ),
        # the table AWS creates with the VPC: named after it, found at the VPC
        ("main.tf", 1, "route table aws_vpc.main.default_route_table has no 0.0.0.0/0 route"),
        ("main.tf", 1, "VPC aws_vpc.main has no VPC endpoints"),
    ]


def test_adopted_main_table_without_a_default_route_is_fg060(tmp_path) -> None:
    result, main = main_table(tmp_path, ADOPTED.replace("ROUTES", ""))
    assert where(result) == [("FG060", "main.tf", line_of(main, "subnets ="))]
    assert steps(result)[1:3] == [
        (
            "main.tf",
            line_of(main, 'resource "aws_subnet" "private"'),
            "aws_subnet.private has no route table association: it uses the main table aws_default_route_table.main",
        ),
        (
            "main.tf",
            line_of(main, 'resource "aws_default_route_table"'),
            "route table aws_default_route_table.main has no 0.0.0.0/0 route",
        ),
    ]


def test_main_route_table_association_makes_main_route_table_id_unknown(tmp_path) -> None:
    result, main = main_table(tmp_path, REPLACED + route("aws_vpc.main.main_route_table_id"))
    assert where(result) == []
    why = "the table of aws_route.out: aws_vpc.main.main_route_table_id, which an aws_main_route_table_association changes"
    assert coverage(result) == [
        (
            "aws_ecs_service.app",
            False,
            [("main.tf", line_of(main, 'resource "aws_route" "out"'), why)],
        )
    ]


def test_main_route_table_association_names_the_main_table(tmp_path) -> None:
    result, main = main_table(tmp_path, REPLACED)
    assert where(result) == [("FG060", "main.tf", line_of(main, "subnets ="))]
    assert steps(result)[1][2] == (
        "aws_subnet.private has no route table association: it uses the main table aws_route_table.private"
    )
    assert coverage(result) == DECIDED


# -- pre-commit names a module's file ----------------------------------------------------------


def test_naming_a_module_file_checks_it_through_its_caller(tmp_path, monkeypatch) -> None:
    """pre-commit passes the changed file: a module's own file is checked with the values
    its caller gives it, and what passes through it is reported."""
    main = root_tf(LOCAL_CALL, "[module.network.subnet_id]")
    write(tmp_path, {"main.tf": main, "modules/network/main.tf": NETWORK})
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    result = run(["modules/network/main.tf"], RULES)
    assert where(result) == [("FG010", "main.tf", line_of(main, "subnets ="))]
    assert result.units == 1
    # A root with a backend is nobody's module: no search for callers.
    write(tmp_path, {"modules/network/backend.tf": 'terraform {\n  backend "s3" {}\n}\n'})
    assert where(run(["modules/network/main.tf"], RULES)) == []
