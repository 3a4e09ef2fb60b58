"""Terraform plan JSON (`terraform show -json`): instances by address, unknowns that stay
unknown unless the configuration's references name exactly one instance, locations in
the plan file, and FG000 (never a traceback) for what is not a readable plan."""

from __future__ import annotations

import json
import pathlib
import time
from typing import Any

import pytest
import yaml
from conftest import FIXTURES
from linter.rules import RULES

from linter import engine
from linter import model as m
from linter.budget import Budget
from linter.discover import Unit, discover, kind_of
from linter.files import Files
from linter.sources import tf_plan
from linter.values import Ref, Unknown, V

ACCOUNT = "123456789012"
VPC, RTB, NAT = "vpc-0a1b2c3d4e5f60718", "rtb-0f1e2d3c4b5a69788", "nat-0123456789abcdef0"
SUBNETS = ["subnet-0aa1bb2cc3dd4ee51", "subnet-0aa1bb2cc3dd4ee52"]


# -- a small plan builder ----------------------------------------------------------------


def _split(address: str) -> tuple[str, str, str, str, Any]:
    module = ""
    parts = address.split(".")
    while parts[0] == "module":
        module = ".".join(filter(None, [module, parts[0], parts[1]]))
        parts = parts[2:]
    mode = "data" if parts[0] == "data" else "managed"
    parts = parts[1:] if mode == "data" else parts
    rtype, name = parts[0], ".".join(parts[1:])
    index = None
    if "[" in name:
        name, _, key = name.partition("[")
        index = json.loads(key[:-1])
    return module, mode, rtype, name, index


def plan(
    resources: dict[str, dict],
    unknown: dict[str, Any] | None = None,
    config: dict | None = None,
    **extra: Any,
) -> dict:
    """A plan of `resources` (address -> planned values); `unknown`: after_unknown by address."""
    unknown = unknown or {}
    modules: dict[str, list] = {}
    changes = []
    for address, values in resources.items():
        module, mode, rtype, name, index = _split(address)
        r = {"address": address, "mode": mode, "type": rtype, "name": name}
        if index is not None:
            r["index"] = index
        modules.setdefault(module, []).append(
            {**r, "provider_name": "registry.terraform.io/hashicorp/aws", "values": values}
        )
        after_unknown = unknown.get(address, {})
        change = {"actions": ["create"], "before": None, "after": values}
        changes.append({**r, "change": {**change, "after_unknown": after_unknown}})

    def module(path: str) -> dict:
        kids = [
            k
            for k in modules
            if k.startswith(path) and k.count("module.") == path.count("module.") + 1
        ]
        out: dict[str, Any] = {"resources": modules.get(path, [])}
        if kids:
            out["child_modules"] = [{"address": k, **module(k)} for k in sorted(kids)]
        return out

    doc = {
        "format_version": "1.2",
        "terraform_version": "1.9.5",
        "planned_values": {"root_module": module("")},
        "resource_changes": changes,
    }
    if config is not None:
        doc["configuration"] = {"root_module": config}
    doc.update(extra)
    return doc


def ref(*refs: str) -> dict:
    return {"references": list(refs)}


def res(address: str, expressions: dict, **kw: Any) -> dict:
    rtype, name = address.split(".")[-2:]
    return {
        "address": address,
        "mode": "managed",
        "type": rtype,
        "name": name,
        "expressions": expressions,
        **kw,
    }


def load(
    tmp_path: pathlib.Path, doc: dict | str, name: str = "plan.json"
) -> tuple[m.Template | None, list]:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc, indent=2))
    loaded = tf_plan.load(str(path), Files(str(tmp_path)), Budget())
    return loaded.template, loaded.problems


def line_of(tmp_path: pathlib.Path, needle: str, after: int = 0, name: str = "plan.json") -> int:
    for n, line in enumerate((tmp_path / name).read_text().splitlines(), 1):
        if n > after and needle in line:
            return n
    raise AssertionError(f"{needle} not in the plan")


def findings(path: pathlib.Path) -> set[tuple[str, str]]:
    result = engine.run([str(path)], RULES)
    assert not result.internal_errors
    return {(f.rule, f.message) for f in result.findings}


# -- a network being created, tied together by the configuration's references ------------


def network(assoc_subnet: list[str] | None = None, count: int = 2) -> tuple[dict, dict, dict]:
    resources: dict[str, dict] = {"aws_vpc.main": {"cidr_block": "10.0.0.0/16"}}
    unknown: dict[str, Any] = {"aws_vpc.main": {"id": True}}
    for i in range(count):
        resources[f"aws_subnet.private[{i}]"] = {"cidr_block": f"10.0.{i}.0/24"}
        unknown[f"aws_subnet.private[{i}]"] = {"id": True, "vpc_id": True}
        resources[f"aws_route_table_association.private[{i}]"] = {"gateway_id": None}
        unknown[f"aws_route_table_association.private[{i}]"] = {
            "subnet_id": True,
            "route_table_id": True,
        }
    resources["aws_route_table.private"] = {"route": []}
    unknown["aws_route_table.private"] = {"id": True, "vpc_id": True}
    config = {
        "resources": [
            res("aws_vpc.main", {"cidr_block": {"constant_value": "10.0.0.0/16"}}),
            res("aws_subnet.private", {"vpc_id": ref("aws_vpc.main.id", "aws_vpc.main")}),
            res("aws_route_table.private", {"vpc_id": ref("aws_vpc.main.id", "aws_vpc.main")}),
            res(
                "aws_route_table_association.private",
                {
                    "subnet_id": ref(*(assoc_subnet or ["aws_subnet.private", "count.index"])),
                    "route_table_id": ref("aws_route_table.private.id", "aws_route_table.private"),
                },
            ),
        ]
    }
    return resources, unknown, config


def test_known_after_apply_ids_become_references_where_the_configuration_names_one(tmp_path):
    resources, unknown, config = network()
    tpl, problems = load(tmp_path, plan(resources, unknown, config))
    assert problems == [] and tpl is not None and tpl.kind == m.TERRAFORM
    subnet = tpl.get("aws_subnet.private[1]", m.Subnet)
    assert subnet.vpc.value == Ref("aws_vpc.main", "id")
    assert subnet.cidr.value == "10.0.1.0/24"
    assoc = tpl.get("aws_route_table_association.private[1]", m.RouteTableAssociation)
    # count.index: both resources have instances 0 and 1, so [count.index] is [1] here
    assert assoc.subnet.value == Ref("aws_subnet.private[1]", "id")
    assert assoc.route_table.value == Ref("aws_route_table.private", "id")
    # the unknown is located where the attribute would be: the values object
    assert (
        assoc.subnet.loc.line
        == line_of(tmp_path, '"gateway_id": null', line_of(tmp_path, "association.private[1]")) - 1
    )
    assert m.TFPLAN == "tfplan" and tpl.uncertain == set()


@pytest.mark.parametrize(
    ("refs", "why"),
    [
        (["local.subnet_ids", "count.index"], "local values are not in the plan"),
        (["data.aws_subnet.x.id", "data.aws_subnet.x"], "is a data source"),
        (["aws_subnet.private"], "2 resources"),  # a splat where one id belongs
        (["aws_subnet.private", "var.index"], "var.index is a variable of the root module"),
        (
            ["aws_subnet.private[5].id", "aws_subnet.private[5]", "aws_subnet.private"],
            "not in the plan",
        ),
        (
            ["aws_subnet.private[0].cidr_block", "aws_subnet.private[0]", "aws_subnet.private"],
            "not an id",
        ),
        (
            [
                "aws_vpc.main.id",
                "aws_vpc.main",
                "aws_subnet.private[0].id",
                "aws_subnet.private[0]",
            ],
            "2 resources",
        ),
    ],
)
def test_references_that_do_not_name_one_instance_stay_unknown(tmp_path, refs, why):
    resources, unknown, config = network(assoc_subnet=refs)
    tpl, _ = load(tmp_path, plan(resources, unknown, config))
    assoc = tpl.get("aws_route_table_association.private[0]", m.RouteTableAssociation)
    assert isinstance(assoc.subnet.value, Unknown)
    assert why in assoc.subnet.value.reason, assoc.subnet.value.reason
    # an association that could be any subnet's: no subnet may be taken as unassociated
    assert "aws_route_table_association" in tpl.uncertain


def test_count_index_needs_instance_sets_that_correspond(tmp_path):
    resources, unknown, config = network()
    # three subnets, two associations: aws_subnet.private[count.index] may be any mapping
    resources["aws_subnet.private[2]"] = {"cidr_block": "10.0.2.0/24"}
    unknown["aws_subnet.private[2]"] = {"id": True, "vpc_id": True}
    tpl, _ = load(tmp_path, plan(resources, unknown, config))
    assoc = tpl.get("aws_route_table_association.private[0]", m.RouteTableAssociation)
    assert "indexed by what the plan does not show" in assoc.subnet.value.reason


def test_for_each_keys_and_each_value(tmp_path):
    resources = {
        'aws_subnet.private["a"]': {"cidr_block": "10.0.0.0/24"},
        'aws_subnet.private["b"]': {"cidr_block": "10.0.1.0/24"},
        'aws_route_table_association.by_key["a"]': {},
        'aws_route_table_association.by_key["b"]': {},
        'aws_route_table_association.by_value["a"]': {},
        'aws_route_table_association.by_value["b"]': {},
    }
    unknown = {a: {"id": True} for a in resources if "subnet" in a}
    unknown.update({a: {"subnet_id": True} for a in resources if "association" in a})
    config = {
        "resources": [
            res(
                "aws_route_table_association.by_key",
                {"subnet_id": ref("aws_subnet.private", "each.key")},
            ),
            res(
                "aws_route_table_association.by_value",
                {"subnet_id": ref("each.value.id", "each.value")},
                for_each_expression=ref("aws_subnet.private"),
            ),
        ]
    }
    tpl, _ = load(tmp_path, plan(resources, unknown, config))
    for name in ("by_key", "by_value"):
        assoc = tpl.get(f'aws_route_table_association.{name}["b"]', m.RouteTableAssociation)
        assert assoc.subnet.value == Ref('aws_subnet.private["b"]', "id"), name


def test_known_ids_of_managed_instances_are_references(tmp_path):
    default_rtb = "rtb-0c0c0c0c0c0c0c0c0"
    resources = {
        "aws_vpc.main": {
            "id": VPC,
            "default_route_table_id": default_rtb,
            "enable_dns_support": True,
        },
        "aws_default_route_table.main": {"id": default_rtb, "default_route_table_id": default_rtb},
        "aws_route.out": {
            "route_table_id": default_rtb,
            "destination_cidr_block": "0.0.0.0/0",
            "gateway_id": "igw-0123456789abcdef0",
        },
        "aws_subnet.a": {
            "id": SUBNETS[0],
            "vpc_id": VPC,
            "ipv6_cidr_block": "",
            "outpost_arn": None,
        },
        "aws_subnet.b": {"id": SUBNETS[1], "vpc_id": "vpc-00000000000000000"},  # not ours
        "aws_ecs_cluster.main": {
            "name": "main",
            "arn": f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/main",
        },
        "aws_ecs_cluster_capacity_providers.main": {
            "cluster_name": "main",
            "default_capacity_provider_strategy": [],
        },
    }
    config = {
        "resources": [
            res(
                "aws_ecs_cluster_capacity_providers.main",
                {"cluster_name": ref("aws_ecs_cluster.main.name", "aws_ecs_cluster.main")},
            )
        ]
    }
    tpl, _ = load(tmp_path, plan(resources, {}, config))
    assert tpl.get("aws_subnet.a", m.Subnet).vpc.value == Ref("aws_vpc.main", "id")
    assert tpl.get("aws_subnet.b", m.Subnet).vpc.value == "vpc-00000000000000000"
    # unset in the provider's way ("" and null): absent, as the HCL leaves them out
    assert tpl.get("aws_subnet.a", m.Subnet).ipv6_cidr is None
    # a resource's own id wins over the VPC's attribute naming the same table
    assert tpl.get("aws_route.out", m.Route).route_table.value == Ref(
        "aws_default_route_table.main", "id"
    )
    drt = tpl.get("aws_default_route_table.main", m.RouteTable)
    assert drt.main and drt.vpc.value == Ref("aws_vpc.main")
    # a name, not an id: a reference when the configuration names the instance holding it
    cps = tpl.get("aws_ecs_cluster_capacity_providers.main", m.ClusterCapacityProviders)
    assert cps.cluster.value == Ref("aws_ecs_cluster.main", "name")
    assert cps.default_strategy is None


def test_data_sources_are_values_not_resources(tmp_path):
    resources = {
        "data.aws_vpc.shared": {"id": VPC, "cidr_block": "10.0.0.0/16"},
        "aws_subnet.a": {"id": SUBNETS[0], "vpc_id": VPC},
    }
    tpl, _ = load(tmp_path, plan(resources))
    assert tpl.get("aws_subnet.a", m.Subnet).vpc.value == VPC  # known, and not ours
    assert "data.aws_vpc.shared" not in tpl.resources and "data.aws_vpc.shared" not in tpl.types


def test_nested_blocks_take_their_own_expressions(tmp_path):
    resources = {
        "aws_nat_gateway.main": {"connectivity_type": "public"},
        "aws_route_table.private": {
            "route": [
                {"cidr_block": "0.0.0.0/0", "gateway_id": "", "nat_gateway_id": None},
                {
                    "cidr_block": "10.1.0.0/16",
                    "gateway_id": "",
                    "transit_gateway_id": "tgw-0123456789abcdef0",
                },
            ]
        },
        "aws_security_group.app": {
            "ingress": [
                {"from_port": 443, "to_port": 443, "protocol": "tcp", "security_groups": [None]}
            ]
        },
        "aws_security_group.lb": {},
    }
    unknown = {
        "aws_nat_gateway.main": {"id": True},
        "aws_security_group.lb": {"id": True},
        "aws_route_table.private": {"route": [{"nat_gateway_id": True}, {}]},
        "aws_security_group.app": {"ingress": [{"security_groups": [True]}]},
    }
    config = {
        "resources": [
            res(
                "aws_route_table.private",
                {
                    "route": [
                        {
                            "cidr_block": {"constant_value": "0.0.0.0/0"},
                            "nat_gateway_id": ref(
                                "aws_nat_gateway.main.id", "aws_nat_gateway.main"
                            ),
                        },
                        {
                            "cidr_block": {"constant_value": "10.1.0.0/16"},
                            "transit_gateway_id": {"constant_value": "tgw-0123456789abcdef0"},
                        },
                    ]
                },
            ),
            res(
                "aws_security_group.app",
                {
                    "ingress": [
                        {
                            "security_groups": ref(
                                "aws_security_group.lb.id", "aws_security_group.lb"
                            )
                        }
                    ]
                },
            ),
        ]
    }
    tpl, _ = load(tmp_path, plan(resources, unknown, config))
    route = tpl.get("aws_route_table.private.route[0]", m.Route)
    assert route.target_attr == "nat_gateway_id"
    assert route.target.value == Ref("aws_nat_gateway.main", "id")
    assert tpl.get("aws_route_table.private.route[1]", m.Route).target_attr == "transit_gateway_id"
    sg = tpl.get("aws_security_group.app", m.SecurityGroup)
    assert sg.ingress[0].peer_group.value[0].value == Ref("aws_security_group.lb", "id")


def test_a_dynamic_block_leaves_its_blocks_unknown(tmp_path):
    # Two routes in the plan, one written in the configuration: the other comes from a
    # dynamic block, which the JSON configuration leaves out. Which is which is not known.
    resources = {
        "aws_nat_gateway.main": {},
        "aws_route_table.private": {
            "route": [{"cidr_block": "0.0.0.0/0"}, {"cidr_block": "10.9.0.0/16"}]
        },
    }
    unknown = {
        "aws_nat_gateway.main": {"id": True},
        "aws_route_table.private": {
            "route": [{"nat_gateway_id": True}, {"transit_gateway_id": True}]
        },
    }
    nat = {"nat_gateway_id": ref("aws_nat_gateway.main.id", "aws_nat_gateway.main")}
    config = {"resources": [res("aws_route_table.private", {"route": [nat]})]}
    tpl, _ = load(tmp_path, plan(resources, unknown, config))
    target = tpl.get("aws_route_table.private.route[0]", m.Route).target
    assert isinstance(target.value, Unknown)
    assert "does not say" in target.value.reason


def test_whole_unknown_lists_and_splats(tmp_path):
    resources = {
        "aws_subnet.private[0]": {},
        "aws_subnet.private[1]": {},
        "aws_ecs_service.app": {
            "launch_type": "FARGATE",
            "network_configuration": [{"assign_public_ip": False}],
        },
        "aws_ecs_service.other": {
            "launch_type": "FARGATE",
            "network_configuration": [{"assign_public_ip": False}],
        },
    }
    unknown = {a: {"id": True} for a in resources if "subnet" in a}
    unknown["aws_ecs_service.app"] = {"network_configuration": [{"subnets": True}]}
    unknown["aws_ecs_service.other"] = {"network_configuration": [{"subnets": True}]}
    config = {
        "resources": [
            res(
                "aws_ecs_service.app",
                {"network_configuration": [{"subnets": ref("aws_subnet.private")}]},
            ),
            # a function of the ids (slice, a condition...) is not the ids
            res(
                "aws_ecs_service.other", {"network_configuration": [{"subnets": ref("local.ids")}]}
            ),
        ]
    }
    tpl, _ = load(tmp_path, plan(resources, unknown, config))
    # aws_subnet.private[*].id and [for k, s in aws_subnet.private : s.id if k == "a"]
    # have the same references: which instances the list holds is not shown.
    subnets = tpl.get("aws_ecs_service.app", m.Service).subnets
    assert isinstance(subnets.value, Unknown) and "2 resources" in subnets.value.reason
    assert isinstance(tpl.get("aws_ecs_service.other", m.Service).subnets.value, Unknown)
    del resources["aws_subnet.private[1]"], unknown["aws_subnet.private[1]"]
    tpl, _ = load(tmp_path, plan(resources, unknown, config))
    subnets = tpl.get("aws_ecs_service.app", m.Service).subnets
    assert [x.value for x in subnets.value] == [Ref("aws_subnet.private[0]", "id")]


def test_list_elements_match_known_ids_and_the_rest_of_the_splat(tmp_path):
    resources = {
        "aws_subnet.private[0]": {"id": SUBNETS[0]},
        "aws_subnet.private[1]": {},
        "aws_ecs_service.app": {"network_configuration": [{"subnets": [SUBNETS[0], None]}]},
    }
    unknown = {
        "aws_subnet.private[1]": {"id": True},
        "aws_ecs_service.app": {"network_configuration": [{"subnets": [False, True]}]},
    }
    config = {
        "resources": [
            res(
                "aws_ecs_service.app",
                {"network_configuration": [{"subnets": ref("aws_subnet.private")}]},
            )
        ]
    }
    tpl, _ = load(tmp_path, plan(resources, unknown, config))
    subnets = tpl.get("aws_ecs_service.app", m.Service).subnets.value
    assert [x.value for x in subnets] == [
        Ref("aws_subnet.private[0]", "id"),
        Ref("aws_subnet.private[1]", "id"),
    ]
    assert subnets[1].loc.line == line_of(tmp_path, "null", line_of(tmp_path, '"subnets"'))


def _modules(hops: int) -> tuple[dict, dict, dict]:
    """module.app's service takes its subnets through `hops` nested module inputs from
    module.network's output."""
    resources = {
        "module.network.aws_subnet.private[0]": {},
        "module.network.aws_subnet.private[1]": {},
        "module.app.aws_ecs_service.this": {"network_configuration": [{"subnets": [None, None]}]},
    }
    unknown = {a: {"id": True} for a in resources if "subnet" in a}
    unknown["module.app.aws_ecs_service.this"] = {
        "network_configuration": [{"subnets": [True, True]}]
    }
    network = {"outputs": {"ids": {"expression": ref("aws_subnet.private")}}, "resources": []}
    inner: dict = {
        "resources": [
            res("aws_ecs_service.this", {"network_configuration": [{"subnets": ref("var.ids")}]})
        ]
    }
    calls = {
        "network": {"module": network},
        "app": {
            "expressions": {"ids": ref("module.network.ids", "module.network")},
            "module": inner,
        },
    }
    for _ in range(hops):  # module.app's own input, passed on: var.ids -> var.ids -> ...
        inner["module_calls"] = {
            "app": {"expressions": {"ids": ref("var.ids")}, "module": {"resources": []}}
        }
    return resources, unknown, {"module_calls": calls}


def test_module_inputs_and_outputs_are_followed(tmp_path):
    resources, unknown, config = _modules(0)
    tpl, _ = load(tmp_path, plan(resources, unknown, config))
    subnets = tpl.get("module.app.aws_ecs_service.this", m.Service).subnets.value
    assert [x.value.id for x in subnets] == [
        "module.network.aws_subnet.private[0]",
        "module.network.aws_subnet.private[1]",
    ]


def test_module_outputs_of_a_counted_module_need_its_key(tmp_path):
    resources, unknown, config = _modules(0)
    config["module_calls"]["network"]["count_expression"] = {"constant_value": 1}
    keyed = {a.replace("module.network.", "module.network[0]."): v for a, v in resources.items()}
    unknown = {a.replace("module.network.", "module.network[0]."): v for a, v in unknown.items()}
    tpl, _ = load(tmp_path, plan(keyed, unknown, config))
    subnets = tpl.get("module.app.aws_ecs_service.this", m.Service).subnets.value
    assert all(isinstance(x.value, Unknown) for x in subnets)
    assert "module network has several instances" in subnets[0].value.reason


def test_module_chains_are_bounded(tmp_path):
    resources, unknown, config = network()
    # an output that names itself through a module input: followed a few hops, then unknown
    config["module_calls"] = {}
    loop = {"expressions": {"x": ref("module.loop.out", "module.loop")}}
    loop["module"] = {"outputs": {"out": {"expression": ref("var.x")}}, "resources": []}
    config["module_calls"]["loop"] = loop
    config["resources"][3]["expressions"]["subnet_id"] = ref("module.loop.out", "module.loop")
    tpl, _ = load(tmp_path, plan(resources, unknown, config))
    assoc = tpl.get("aws_route_table_association.private[0]", m.RouteTableAssociation)
    assert "more than" in assoc.subnet.value.reason


def test_locations_point_into_the_plan(tmp_path):
    resources, unknown, config = network()
    resources["aws_ecs_task_definition.app"] = {
        "family": "app",
        "network_mode": "awsvpc",
        "container_definitions": json.dumps(
            [
                {
                    "name": "app",
                    "image": "nginx",
                    "portMappings": [{"containerPort": 80, "hostPort": 8080}],
                }
            ]
        ),
    }
    tpl, _ = load(tmp_path, plan(resources, unknown, config))
    subnet = tpl.get("aws_subnet.private[0]", m.Subnet)
    assert subnet.loc.line == line_of(tmp_path, '"address": "aws_subnet.private[0]"')
    assert subnet.loc.end_line > subnet.loc.line
    assert subnet.cidr.loc.line == line_of(tmp_path, '"10.0.0.0/24"')
    assert subnet.cidr.loc.column == 27
    td = tpl.get("aws_ecs_task_definition.app", m.TaskDefinition)
    assert td.network_mode.loc.line == line_of(tmp_path, '"awsvpc"')
    (container,) = td.containers
    assert container.port_mappings[0].host_port.value == 8080
    assert container.loc.line == line_of(tmp_path, '"container_definitions"')
    assert any(s.first == subnet.loc.line for s in tpl.spans)
    assert tpl.types["aws_subnet.private[0]"] == tpl.types["aws_subnet.private"] == "aws_subnet"


def test_root_outputs_are_exported(tmp_path):
    resources, unknown, config = network()
    config["outputs"] = {
        "rt": {"expression": ref("aws_route_table.private.id", "aws_route_table.private")}
    }
    tpl, _ = load(tmp_path, plan(resources, unknown, config))
    assert tpl.exported == {"aws_route_table.private"}


def test_a_plan_without_planned_values_is_read_from_its_changes(tmp_path):
    resources, unknown, config = network()
    doc = plan(resources, unknown, config)
    del doc["planned_values"]
    doc["resource_changes"].append(
        {
            "address": "aws_subnet.gone",
            "mode": "managed",
            "type": "aws_subnet",
            "name": "gone",
            "change": {
                "actions": ["delete"],
                "before": {"id": "subnet-0ffffffffffffffff"},
                "after": None,
            },
        }
    )
    tpl, _ = load(tmp_path, doc)
    assoc = tpl.get("aws_route_table_association.private[0]", m.RouteTableAssociation)
    assert assoc.subnet.value == Ref("aws_subnet.private[0]", "id")
    assert "aws_subnet.gone" not in tpl.resources


def test_deferred_changes_leave_their_types_uncertain(tmp_path):
    resources, unknown, config = network()
    deferred = [
        {
            "reason": "provider_config_unknown",
            "resource_change": {"address": "aws_route.x", "type": "aws_route"},
        }
    ]
    tpl, _ = load(
        tmp_path, plan(resources, unknown, config, deferred_changes=deferred, complete=False)
    )
    assert "aws_route" in tpl.uncertain


# -- detection -----------------------------------------------------------------------------


def test_a_plan_is_detected_by_content_before_task_definitions_and_templates(tmp_path):
    resources = {
        "aws_cloudformation_stack.s": {
            "template_body": '{"Resources": {"X": {"Type": "AWS::SNS::Topic"}}}'
        },
        "aws_ecs_task_definition.t": {
            "container_definitions": "[]",
            "tags": {"containerDefinitions": "x"},
        },
    }
    doc = plan(resources)
    doc["prior_state"] = {
        "values": {"root_module": {}},
        "Resources": {},
        "AWSTemplateFormatVersion": "x",
    }
    text = json.dumps(doc, indent=2).replace(
        '"tags": {\n', '"containerDefinitions": [],\n"tags": {\n', 1
    )
    assert kind_of(text) == m.TFPLAN
    (tmp_path / "plan.json").write_text(text)
    (tmp_path / "state.json").write_text(json.dumps({"format_version": "1.0", "values": {}}))
    units = discover([str(tmp_path)], files=Files(str(tmp_path)))
    assert [(u.kind, pathlib.Path(u.path).name) for u in units] == [(m.TFPLAN, "plan.json")]


def test_the_plan_of_a_configuration_finds_what_the_configuration_finds():
    hcl = findings(FIXTURES / "FG010" / "tf_private_no_nat")
    from_plan = findings(FIXTURES / "FG010" / "tfplan_private_no_nat.json")
    assert {r for r, _ in hcl} == {r for r, _ in from_plan} == {"FG010"}
    assert {msg for _, msg in from_plan} == {msg for _, msg in hcl}


def test_findings_are_reported_as_terraform(tmp_path):
    result = engine.run([str(FIXTURES / "FG010" / "tfplan_known_after_apply.json")], RULES)
    assert set(result.files.values()) == {m.TERRAFORM}
    side = yaml.safe_load(
        (FIXTURES / "FG010" / "tfplan_known_after_apply.expected.yaml").read_text()
    )
    lines = [e["line"] for e in side["expect"]]
    assert [f.loc.line for f in result.findings if f.rule == "FG010"] == lines
    broken = engine.run([str(FIXTURES / "FG000" / "tfplan_truncated.json")], RULES)
    assert set(broken.files.values()) == {m.TERRAFORM}
    assert [(f.rule, f.loc.line) for f in broken.findings] == [("FG000", 57)]


# -- what is not a readable plan -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        (
            '{"format_version": "1.2", "planned_values": {"root_module": {"resources": [\n  {"address": "aws_vpc.a",',
            2,
            27,
            "expected a property name",
        ),
        (
            '{"format_version": "1.2", "planned_values": [],\n "resource_changes": []}',
            1,
            45,
            "planned_values is not an object",
        ),
        (
            '{"format_version": "2.0", "planned_values": {}}',
            1,
            2,
            "format_version '2.0' is not supported",
        ),
        (
            '{"format_version": "1.2",\n "errored": true, "planned_values": {}}',
            2,
            2,
            "the plan errored",
        ),
        (
            '{"format_version": "1.2", "prior_state": {"x": NaN}, "planned_values": {}}',
            1,
            42,
            "NaN is not JSON",
        ),
        (
            '{"format_version": "1.2", "prior_state": 1' + "0" * 5000 + ', "planned_values": {}}',
            1,
            42,
            "digits",
        ),
        (
            '{"format_version": "1.2", "prior_state": '
            + "[" * 5000
            + "]" * 5000
            + ', "planned_values": {}}',
            1,
            42,
            "nested too deeply",
        ),
        (
            '{"format_version": "1.2", "planned_values": {"root_module": {"resources": [{"type": "aws_vpc", "address": "aws_vpc.a", "values": '
            + "[" * 300
            + "]" * 300
            + "}]}}}",
            1,
            331,
            "nested too deeply",
        ),
        (
            '{"format_version": "1.2", "resource_changes": [{"address": "a", "address": "b"}]}',
            1,
            65,
            "duplicate property",
        ),
        (
            '{"format_version": "1.2", "planned_values": {}} trailing',
            1,
            49,
            "unexpected text after the plan",
        ),
    ],
)
def test_malformed_plans_are_fg000_with_a_position(tmp_path, text, line, column, message):
    tpl, problems = load(tmp_path, text)
    assert tpl is None
    (problem,) = problems
    assert message in problem.message, problem.message
    assert (problem.loc.line, problem.loc.column) == (line, column), problem.message


def test_odd_shapes_are_skipped_not_crashed_on(tmp_path):
    doc = {
        "format_version": "1.2",
        "planned_values": {
            "root_module": {
                "resources": [
                    {"address": 7, "type": "aws_vpc", "values": {}},
                    {"address": "not an address!", "type": "aws_vpc", "values": {}},
                    {"address": "aws_vpc.a", "type": "aws_vpc", "values": None},
                    {
                        "values": {"cidr_block": "10.0.0.0/16"},
                        "type": "aws_vpc",
                        "address": "aws_vpc.b",
                    },
                ],
                "child_modules": None,
            }
        },
        "resource_changes": [
            {"address": "aws_vpc.b", "change": {"after_unknown": {"cidr_block": [True]}}}
        ],
        "configuration": {"root_module": {"resources": "no", "module_calls": {"x": 1}}},
    }
    tpl, problems = load(tmp_path, doc)
    assert problems == []
    assert tpl.get("aws_vpc.b", m.Vpc).cidr.value == "10.0.0.0/16"  # values before type
    assert "aws_vpc" in tpl.uncertain  # aws_vpc.a: values that are not an object


def test_empty_and_unreadable(tmp_path):
    tpl, problems = load(tmp_path, "  \n")
    assert tpl is None and problems[0].message == "file is empty"
    unit = Unit(m.TFPLAN, str(tmp_path / "missing.json"))
    loaded = engine.load_unit(unit, Files(str(tmp_path)))
    assert loaded.template is None and "cannot read" in loaded.problems[0].message


def test_a_plan_beyond_the_budget_is_one_fg000(tmp_path):
    resources = {
        f"aws_subnet.s[{i}]": {"cidr_block": "10.0.0.0/24", "tags": {"a": "b"}} for i in range(300)
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan(resources)))
    loaded = engine.load_unit(Unit(m.TFPLAN, str(path)), Files(str(tmp_path)), Budget(steps=100))
    assert loaded.template is None
    assert "too complex" in loaded.problems[0].message


def test_a_large_plan_is_read_in_seconds(tmp_path):
    resources: dict[str, dict] = {}
    for i in range(3000):
        resources[f"aws_subnet.s[{i}]"] = {
            "id": f"subnet-{i:017x}",
            "vpc_id": VPC,
            "cidr_block": "10.0.0.0/24",
            "tags": {"Name": f"s{i}"},
        }
        resources[f"aws_iam_role.r[{i}]"] = {
            "arn": f"arn:aws:iam::{ACCOUNT}:role/r{i}",
            "assume_role_policy": "{}" * 100,
        }
    doc = plan(resources)
    doc["prior_state"] = {
        "values": {"root_module": {"resources": doc["planned_values"]["root_module"]["resources"]}}
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc, indent=2))
    assert path.stat().st_size > 3_000_000
    start = time.perf_counter()
    loaded = engine.load_unit(
        Unit(m.TFPLAN, str(path)), Files(str(tmp_path)), Budget.for_kind(m.TFPLAN)
    )
    assert loaded.problems == [] and len(loaded.template.of(m.Subnet)) == 3000
    assert time.perf_counter() - start < 10


def test_values_are_located_V(tmp_path):
    resources, unknown, config = network()
    tpl, _ = load(tmp_path, plan(resources, unknown, config))
    for r in tpl.resources.values():
        for v in vars(r).values():
            if isinstance(v, V):
                assert v.loc.file.endswith("plan.json") and v.loc.line >= 1 and v.loc.column >= 1


def test_routes_on_the_vpc_main_table_land_on_it(tmp_path):
    main_rtb = "rtb-0c0c0c0c0c0c0c0c0"
    resources = {
        "aws_vpc.main": {
            "id": VPC,
            "default_route_table_id": main_rtb,
            "main_route_table_id": main_rtb,
        },
        "aws_route.known": {"route_table_id": main_rtb, "destination_cidr_block": "0.0.0.0/0"},
        "aws_route.unknown": {"destination_cidr_block": "10.1.0.0/16"},
    }
    unknown = {"aws_route.unknown": {"route_table_id": True}}
    main = ref("aws_vpc.main.main_route_table_id", "aws_vpc.main")
    config = {"resources": [res("aws_route.unknown", {"route_table_id": main})]}
    tpl, _ = load(tmp_path, plan(resources, unknown, config))
    table = "aws_vpc.main.default_route_table"  # the table AWS made with the VPC
    assert tpl.get(table, m.RouteTable).main
    assert tpl.get("aws_route.known", m.Route).route_table.value == Ref(table)
    assert tpl.get("aws_route.unknown", m.Route).route_table.value == Ref(table)


def test_child_modules_nested_beyond_the_bound_are_fg000(tmp_path):
    module: dict = {"resources": []}
    for _ in range(tf_plan.MAX_MODULE_DEPTH + 2):
        module = {"address": "module.m", "child_modules": [module]}
    doc = {"format_version": "1.2", "planned_values": {"root_module": module}}
    tpl, problems = load(tmp_path, doc)
    assert tpl is None and "child modules nested more than" in problems[0].message
    assert problems[0].loc.line > 1


def test_routes_the_provider_computes_stay_unknown(tmp_path):
    # A route table being created without inline routes: its `route` is known only after
    # apply (the provider computes it; a dynamic block would look the same in the plan).
    resources, unknown, config = network()
    unknown["aws_route_table.private"]["route"] = True
    del resources["aws_route_table.private"]["route"]
    tpl, _ = load(tmp_path, plan(resources, unknown, config))
    assert tpl.get("aws_route_table.private", m.RouteTable).routes_known is False


def test_findings_point_at_the_configuration_beside_the_plan(tmp_path) -> None:
    """`terraform show -json plan.out > plan.json` in the root module: a finding names the
    `.tf` line a person edits, not the plan's."""
    import shutil

    from linter.rules import RULES

    from linter.engine import run

    shutil.copy(FIXTURES / "FG010" / "tfplan_private_no_nat.json", tmp_path / "plan.json")
    (tmp_path / "ecs.tf").write_text(
        'resource "aws_ecs_service" "app" {\n'
        '  name        = "app"\n'
        '  launch_type = "FARGATE"\n'
        "  network_configuration {\n"
        "    subnets = aws_subnet.private[*].id\n"
        "  }\n"
        "}\n"
    )
    result = run([str(tmp_path / "plan.json")], RULES)
    assert [(f.rule, f.loc.file, f.loc.line) for f in result.findings] == [
        ("FG010", "ecs.tf", 5),
        ("FG010", "ecs.tf", 5),
    ]
    # A resource the configuration does not hold keeps its place in the plan.
    assert any(s.loc.file == "plan.json" for s in result.findings[0].path)
