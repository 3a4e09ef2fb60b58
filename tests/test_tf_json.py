"""Terraform's JSON syntax (`*.tf.json`): the same configuration as HCL gives the same
findings, located at the JSON properties that hold the values."""

from __future__ import annotations

import json
import textwrap
from collections import Counter

from linter.rules import RULES

from linter import engine
from linter import model as m
from linter.sources import terraform
from linter.values import Unknown

HCL_NETWORK = """\
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "private" {
  count      = 2
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.${count.index}.0/24"
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "private" {
  count          = 2
  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private.id
}

resource "aws_ecs_task_definition" "app" {
  family                   = "app"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  container_definitions = jsonencode([{
    name = "app", image = "nginx", portMappings = [{ containerPort = 1, hostPort = 2 }]
  }])
}

resource "aws_ecs_service" "app" {
  name            = "app"
  task_definition = aws_ecs_task_definition.app.arn
  launch_type     = "FARGATE"
  network_configuration {
    subnets = aws_subnet.private[*].id
  }
}
"""

JSON_NETWORK = r"""{
  "//": "the network of HCL_NETWORK, in JSON syntax",
  "resource": {
    "aws_vpc": {
      "main": {
        "cidr_block": "10.0.0.0/16"
      }
    },
    "aws_subnet": {
      "private": {
        "count": 2,
        "vpc_id": "${aws_vpc.main.id}",
        "cidr_block": "10.0.${count.index}.0/24"
      }
    },
    "aws_route_table": {
      "private": {
        "//": "no default route",
        "vpc_id": "${aws_vpc.main.id}"
      }
    },
    "aws_route_table_association": {
      "private": {
        "count": 2,
        "subnet_id": "${aws_subnet.private[count.index].id}",
        "route_table_id": "${aws_route_table.private.id}"
      }
    },
    "aws_ecs_task_definition": {
      "app": {
        "family": "app",
        "requires_compatibilities": ["FARGATE"],
        "network_mode": "awsvpc",
        "container_definitions": "${jsonencode([{name = \"app\", image = \"nginx\", portMappings = [{containerPort = 1, hostPort = 2}]}])}"
      }
    },
    "aws_ecs_service": {
      "app": {
        "name": "app",
        "task_definition": "${aws_ecs_task_definition.app.arn}",
        "launch_type": "FARGATE",
        "network_configuration": {
          "subnets": "${aws_subnet.private[*].id}"
        }
      }
    }
  }
}
"""


def write(directory, files: dict[str, str]):
    directory.mkdir(exist_ok=True)
    for name, body in files.items():
        (directory / name).write_text(textwrap.dedent(body))
    return directory


def load(directory, files: dict[str, str]) -> m.Template:
    loaded = terraform.load(str(write(directory, files)))
    assert not loaded.problems, loaded.problems
    return loaded.template


def line_of(text: str, needle: str) -> int:
    (n,) = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    return n


def test_json_network_gives_the_findings_of_the_hcl_one(in_tmp) -> None:
    write(in_tmp / "hcl", {"main.tf": HCL_NETWORK})
    write(in_tmp / "json", {"main.tf.json": JSON_NETWORK})
    hcl = engine.run(["hcl"], RULES).findings
    got = engine.run(["json"], RULES).findings
    assert Counter(f.rule for f in got) == Counter(f.rule for f in hcl)
    assert {"FG010", "FG091"} <= {f.rule for f in got}
    assert all(f.loc.file == "main.tf.json" for f in got)  # relative to the scanned directory
    for f in got:
        if f.rule == "FG010":
            assert f.loc.line == line_of(JSON_NETWORK, '"subnets"')
        if f.rule == "FG091":
            assert f.loc.line == line_of(JSON_NETWORK, '"container_definitions"')
    # Every step of every explanation is on a line that holds a JSON property.
    lines = JSON_NETWORK.splitlines()
    for f in got:
        for step in (f, *f.path):
            assert '":' in lines[step.loc.line - 1], (f.rule, step.loc)


def test_resources_are_located_at_their_name_keys(tmp_path) -> None:
    tpl = load(tmp_path, {"main.tf.json": JSON_NETWORK})
    rt = tpl.get("aws_route_table.private", m.RouteTable)
    vpc = tpl.get("aws_vpc.main", m.Vpc)
    assert (rt.loc.line, vpc.loc.line) == (17, 5)
    assert vpc.cidr.value == "10.0.0.0/16" and vpc.cidr.loc.line == 6
    assert tpl.get("aws_subnet.private[1]", m.Subnet).cidr.value == "10.0.1.0/24"
    # A resource's span runs from its name to its closing brace.
    assert m.Span(str(tmp_path / "main.tf.json"), 5, 7) in tpl.spans


def test_mixed_directory_references_across_syntaxes(in_tmp) -> None:
    write(
        in_tmp / "mixed",
        {
            "main.tf": """\
            resource "aws_vpc" "main" { cidr_block = "10.0.0.0/16" }
            resource "aws_subnet" "a" {
              vpc_id     = aws_vpc.main.id
              cidr_block = "10.0.1.0/24"
            }
            resource "aws_route_table_association" "a" {
              subnet_id      = aws_subnet.a.id
              route_table_id = aws_route_table.private.id
            }
            """,
            "extra.tf.json": json.dumps(
                {
                    "resource": {
                        "aws_route_table": {"private": {"vpc_id": "${aws_vpc.main.id}"}},
                        "aws_ecs_service": {
                            "app": {
                                "launch_type": "FARGATE",
                                "network_configuration": {"subnets": ["${aws_subnet.a.id}"]},
                            }
                        },
                    }
                },
                indent=2,
            ),
        },
    )
    assert terraform.tf_files("mixed") == ["mixed/extra.tf.json", "mixed/main.tf"]
    (f,) = engine.run(["mixed"], RULES).findings
    assert f.rule == "FG010" and f.loc.file == "extra.tf.json"
    assert {s.loc.file for s in f.path} == {"extra.tf.json", "main.tf"}


def test_string_templates(tmp_path) -> None:
    def endpoint(service: str) -> dict:
        return {"vpc_id": "${aws_vpc.main.id}", "service_name": service}

    services = {
        "interpolated": "com.amazonaws.${var.region}.ecr.dkr",
        "escaped": "$${not.a.reference}-%%{literal}-${var.region}",
        "quotes": 'a "q" \\ ${format("%s\\"-x", var.region)}',
        "plain": 'a \\ " % $ { %',
        "directive": '%{ if var.region == "eu" }x%{ endif }',
        "unknown": "com.amazonaws.${data.aws_region.here.name}.logs",
        "broken": "${var.region",
    }
    config = {
        "variable": {"region": {"default": "eu-west-1"}},
        "resource": {
            "aws_vpc": {"main": {"cidr_block": "10.0.0.0/16"}},
            "aws_vpc_endpoint": {k: endpoint(v) for k, v in services.items()},
        },
    }
    tpl = load(tmp_path, {"main.tf.json": json.dumps(config)})

    def service(name: str):
        return tpl.get(f"aws_vpc_endpoint.{name}", m.VpcEndpoint).service.value

    assert service("interpolated") == "com.amazonaws.eu-west-1.ecr.dkr"
    assert service("escaped") == "${not.a.reference}-%{literal}-eu-west-1"
    assert service("quotes") == 'a "q" \\ eu-west-1"-x'
    assert service("plain") == 'a \\ " % $ { %'
    assert isinstance(service("directive"), Unknown)
    assert isinstance(service("unknown"), Unknown)
    assert isinstance(service("broken"), Unknown)
    # A lone interpolation is the value itself, not a string: a reference.
    ep = tpl.get("aws_vpc_endpoint.plain", m.VpcEndpoint)
    assert tpl.deref(ep.vpc, m.Vpc) is tpl.get("aws_vpc.main", m.Vpc)


def test_arrays_of_label_objects_and_of_blocks(tmp_path) -> None:
    config = {
        "variable": [{"first": {"default": "10.1.0.0/16"}}, {"second": {"default": 2}}],
        "locals": [{"a": "${var.first}"}, {"b": "${var.second}"}],
        "resource": [
            {"aws_vpc": {"one": {"cidr_block": "${local.a}"}}},
            {"aws_vpc": [{"two": {"cidr_block": "10.${local.b}.0.0/16"}}]},
            {
                "aws_security_group": {
                    "sg": {
                        "ingress": [
                            {"protocol": "tcp", "from_port": 443, "to_port": 443},
                            {"protocol": "tcp", "from_port": 80, "to_port": 80},
                        ],
                        "egress": {"protocol": "-1", "from_port": 0, "to_port": 0},
                    }
                }
            },
        ],
    }
    tpl = load(tmp_path, {"main.tf.json": json.dumps(config, indent=1)})
    assert tpl.get("aws_vpc.one", m.Vpc).cidr.value == "10.1.0.0/16"
    assert tpl.get("aws_vpc.two", m.Vpc).cidr.value == "10.2.0.0/16"
    sg = tpl.get("aws_security_group.sg", m.SecurityGroup)
    assert [r.from_port.value for r in sg.ingress] == [443, 80]
    assert [r.protocol.value for r in sg.egress] == ["-1"] and sg.rules_known


def test_comments_are_ignored_in_block_bodies_only(tmp_path) -> None:
    config = {
        "//": "generated",
        "locals": {"//": "a comment", "nets": {"//": "a key", "a": "10.0.1.0/24"}},
        "resource": {
            "//": "a comment",
            "aws_vpc": {"main": {"//": "a comment", "cidr_block": "10.0.0.0/16"}},
            "aws_subnet": {
                "s": {
                    "for_each": "${local.nets}",
                    "vpc_id": "${aws_vpc.main.id}",
                    "cidr_block": "${each.value}",
                }
            },
            "aws_ecs_service": {
                "app": {"network_configuration": {"//": "a comment", "subnets": []}}
            },
        },
    }
    tpl = load(tmp_path, {"main.tf.json": json.dumps(config)})
    assert tpl.get("aws_vpc.main", m.Vpc).cidr.value == "10.0.0.0/16"
    # In an expression "//" is an ordinary key (Terraform's rule).
    subnets = sorted(r.id for r in tpl.of(m.Subnet))
    assert subnets == ['aws_subnet.s["//"]', 'aws_subnet.s["a"]']
    service = tpl.get("aws_ecs_service.app", m.Service)
    assert service.subnets.value == [] and "//" not in service.network.value


def test_count_as_a_number_and_as_an_interpolation(tmp_path) -> None:
    config = {
        "variable": {"n": {"type": "number", "default": 3}, "unset": {"type": "number"}},
        "resource": {
            "aws_vpc": {"main": {"cidr_block": "10.0.0.0/16"}},
            "aws_subnet": {
                "literal": {"count": 2, "cidr_block": "10.0.${count.index}.0/24"},
                "variable": {"count": "${var.n}", "cidr_block": "10.1.${count.index}.0/24"},
                "unset": {"count": "${var.unset}", "cidr_block": "10.2.0.0/24"},
            },
        },
    }
    tpl = load(tmp_path, {"main.tf.json": json.dumps(config)})
    ids = {r.id for r in tpl.of(m.Subnet)}
    assert {"aws_subnet.literal[1]", "aws_subnet.variable[2]"} <= ids
    assert "aws_subnet.variable[3]" not in ids
    assert not any(i.startswith("aws_subnet.unset") for i in ids)
    assert "aws_subnet" in tpl.uncertain
    assert tpl.get("aws_subnet.variable[2]", m.Subnet).cidr.value == "10.1.2.0/24"


def test_for_each_over_a_map(tmp_path) -> None:
    config = {
        "resource": {
            "aws_subnet": {
                "s": {
                    "for_each": {"web": "10.0.1.0/24", "api": "10.0.2.0/24"},
                    "cidr_block": "${each.value}",
                }
            }
        }
    }
    tpl = load(tmp_path, {"main.tf.json": json.dumps(config)})
    assert tpl.get('aws_subnet.s["web"]', m.Subnet).cidr.value == "10.0.1.0/24"
    assert tpl.get('aws_subnet.s["api"]', m.Subnet).cidr.value == "10.0.2.0/24"


def test_variable_default_and_module_source_are_literal(tmp_path) -> None:
    config = {
        "variable": {
            "svc": {"type": "string", "default": "${var.other}", "description": "${x}"},
            "other": {"default": "no"},
            "obj": {"type": "map(string)", "default": {"k": "%{ if true }y%{ endif }"}},
        },
        "module": {"m": {"source": "./${x}"}},
        "resource": {
            "aws_vpc_endpoint": {
                "a": {"service_name": "${var.svc}"},
                "b": {"service_name": "${var.obj.k}"},
            }
        },
    }
    tpl = load(tmp_path, {"main.tf.json": json.dumps(config)})
    assert tpl.get("aws_vpc_endpoint.a", m.VpcEndpoint).service.value == "${var.other}"
    assert tpl.get("aws_vpc_endpoint.b", m.VpcEndpoint).service.value == "%{ if true }y%{ endif }"


def test_dynamic_blocks_make_their_blocks_unknown(tmp_path) -> None:
    dynamic = {"ingress": {"for_each": "${var.ports}", "content": {"from_port": 1}}}
    config = {
        "resource": {
            "aws_security_group": {
                "top": {"ingress": {"protocol": "tcp"}, "dynamic": dynamic},
            },
            "aws_ecs_service": {
                "s": {"network_configuration": {"subnets": [], "dynamic": {"subnets": {}}}},
            },
        }
    }
    tpl = load(tmp_path, {"main.tf.json": json.dumps(config)})
    assert not tpl.get("aws_security_group.top", m.SecurityGroup).rules_known
    # Inside what may be a nested block, too: the block type it makes is unknown.
    assert not tpl.get("aws_ecs_service.s", m.Service).subnets.known


def lint_one(in_tmp, text: str):
    (in_tmp / "bad.tf.json").write_text(text)
    (f,) = engine.run(["."], RULES).findings
    assert f.rule == "FG000" and f.loc.file == "bad.tf.json", f
    return f


def test_invalid_json_is_a_located_fg000(in_tmp) -> None:
    f = lint_one(in_tmp, '{\n  "resource": {\n    "aws_vpc": {"a": {"x": 1 "y": 2}}\n  }\n}\n')
    assert (f.loc.line, f.loc.column) == (3, 30)
    assert "JSON syntax error" in f.message and "','" in f.message


def test_duplicate_keys_are_a_located_fg000(in_tmp) -> None:
    text = '{"resource": {"aws_vpc": {"a": {\n  "cidr_block": "10.0.0.0/16",\n  "cidr_block": "x"\n}}}}'
    f = lint_one(in_tmp, text)
    assert (f.loc.line, f.loc.column) == (3, 3)
    assert 'duplicate property "cidr_block"' in f.message and "line 2" in f.message


def test_a_top_level_that_is_not_an_object_is_a_located_fg000(in_tmp) -> None:
    f = lint_one(in_tmp, '\n  [{"resource": {}}]\n')
    assert (f.loc.line, f.loc.column) == (2, 3) and "top level" in f.message


def test_a_block_that_is_not_an_object_is_a_located_fg000(in_tmp) -> None:
    f = lint_one(in_tmp, '{\n  "resource": {"aws_vpc": {"a": "10.0.0.0/16"}}\n}')
    assert (f.loc.line, f.loc.column) == (2, 33) and '"resource"' in f.message


def test_empty_and_unterminated_json(in_tmp) -> None:
    assert "end" in lint_one(in_tmp, "").message
    f = lint_one(in_tmp, '{"locals": {"a": "x')
    assert (f.loc.line, f.loc.column) == (1, 18) and "unterminated" in f.message
    f = lint_one(in_tmp, '{"locals": {"a": "x\ny"}}')
    assert (f.loc.line, f.loc.column) == (1, 20) and "control character" in f.message
