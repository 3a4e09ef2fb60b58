"""A seeded, deterministic mutation engine over lint inputs, for fuzzing.

Seeds are the project's fixtures and examples (and `../shared/corpus` when asked and
present): CloudFormation templates, task definitions and Terraform directories.
`make_case(seeds, run_seed, index)` draws everything from `random.Random(f"{run_seed}:
{index}")`, so a case is replayed from those two numbers and the same seed list.

Mutations know enough of each format to get past its parser most of the time: they
replace a YAML value, a JSON node or an HCL expression by a hostile one, insert whole
resources whose properties are hostile, rename files, add comments and `.tfvars`;
line edits, byte flips and truncation come last. Placeholders in the tables below:
@ID@ a logical id of the template, @SELF@ the id the edited line belongs to, @RES@ a
Terraform resource address, @VAR@ a declared variable, @FILE@ the edited file's name,
@LONG@ a very long run of text, @DEEP@ deep nesting.
"""

from __future__ import annotations

import json
import os
import pathlib
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
CFN, TASKDEF, TERRAFORM = "cloudformation", "taskdef", "terraform"
KINDS = (CFN, TASKDEF, TERRAFORM)
MAX_SEED_BYTES = 64 * 1024  # larger seeds make slow cases without finding more
MAX_CASE_BYTES = 1024 * 1024
DATA_SUFFIXES = (".json", ".yaml", ".yml", ".template", ".cfn")
TF_DIR_SUFFIXES = (".tf", ".tfvars", ".json", ".tpl", ".tftpl", ".yaml", ".yml", ".txt", ".sh")
CANARY_FILE = "fuzz-canary.txt"  # the fuzz target puts it beside the case directory

Files = dict[str, bytes]


@dataclass(frozen=True)
class Seed:
    name: str  # where it came from
    kind: str  # CFN, TASKDEF or TERRAFORM
    files: tuple[tuple[str, bytes], ...]  # relative name -> content


@dataclass
class Case:
    run_seed: int
    index: int
    seed: str  # the seed's name
    kind: str
    steps: list[str] = field(default_factory=list)
    files: Files = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.run_seed}:{self.index}"

    def describe(self) -> str:
        return f"case {self.id} from {self.seed} ({self.kind}): " + "; ".join(self.steps)


# -- seeds -----------------------------------------------------------------------------


def _file_kind(name: str, data: bytes) -> str | None:
    if name.endswith(".tf"):
        return TERRAFORM
    if not name.endswith(DATA_SUFFIXES) or name.endswith(".expected.yaml"):
        return None
    if b'"containerDefinitions"' in data and b'"Resources"' not in data:
        return TASKDEF
    return CFN


def _dir_seed(name: str, directory: pathlib.Path) -> Seed | None:
    files = {
        p.name: p.read_bytes()
        for p in sorted(directory.iterdir())
        if p.is_file() and p.name.endswith(TF_DIR_SUFFIXES) and p.name != "expected.yaml"
    }
    if not any(n.endswith(".tf") for n in files):
        return None
    if sum(map(len, files.values())) > MAX_SEED_BYTES:
        return None
    return Seed(name, TERRAFORM, tuple(sorted(files.items())))


def _file_seed(name: str, path: pathlib.Path) -> Seed | None:
    data = path.read_bytes()
    kind = _file_kind(path.name, data)
    if kind is None or len(data) > MAX_SEED_BYTES:
        return None
    return Seed(name, kind, ((path.name, data),))


def _project_seeds() -> list[Seed]:
    """fixtures/FGxxx/<file or Terraform directory> (see fixture_cases.py), examples/*."""
    fixtures = ROOT / "fixtures"
    entries = [p for d in sorted(fixtures.iterdir()) if d.is_dir() for p in sorted(d.iterdir())]
    entries += sorted((ROOT / "examples").iterdir())
    out: list[Seed] = []
    for p in entries:
        name = str(p.relative_to(ROOT))
        seed = _dir_seed(name, p) if p.is_dir() else _file_seed(name, p)
        if seed is not None:
            out.append(seed)
    return out


def _corpus_seeds(corpus: pathlib.Path) -> list[Seed]:
    out: list[Seed] = []
    for dirpath, _, filenames in sorted(os.walk(corpus)):  # sorted: the same order anywhere
        here = pathlib.Path(dirpath)
        rel = here.relative_to(corpus)
        if rel.parts and rel.parts[0] == "LICENSES":
            continue
        if any(f.endswith(".tf") for f in filenames):
            seed = _dir_seed(f"corpus/{rel}", here)
            if seed is not None:
                out.append(seed)
            continue
        for f in sorted(filenames):
            seed = _file_seed(f"corpus/{rel / f}", here / f)
            if seed is not None:
                out.append(seed)
    return out


def load_seeds(corpus: bool = True) -> list[Seed]:
    """Fixtures and examples, then the shared corpus if `corpus` and it is present.
    The corpus is read in place, never copied."""
    seeds = _project_seeds()
    if corpus and CORPUS.is_dir():
        seeds += _corpus_seeds(CORPUS)
    return seeds


# -- hostile values --------------------------------------------------------------------

# Escapes as YAML double-quoted strings spell them (\e is ESC, \a is BEL).
YAML_STRINGS = [
    r'"\e]0;pwned\a"', r'"\e]8;;http://evil.example\e\\click\e]8;;\e\\"', r'"\e[31mred\e[0m"',
    r'"\r\n::add-mask::x"', r'"\n::error file=x,line=1::pwned"', r'"\r::stop-commands::tok"',
    r'"\f"', r'"\v"', r'"\0"', r'"\x7f\x9b"', r'"\u202eevil"', r'"\u2028x\u2029"', r'"\N"',
    r'"\ud800"', r'"\udfff\ud800"', r'"\U0010FFFF"', r'"\uFEFF"', r'"%s%n%x{0}{}%%0A"',
    r'"</failure>]]><x>&amp;&#0;"', r'"${AWS::Region}"', r'"{{resolve:ssm:/x}}"',
    r'"{{resolve:secretsmanager:arn:aws:secretsmanager:us-east-1:1:secret:x:SecretString:p}}"',
    r'"{{resolve:ssm-secure:x:1}}"', r'"{{resolve:"', r'"a\tb"', r'"%0A%0D%25"',
]  # fmt: skip
YAML_SCALARS = [
    ".inf", "-.inf", ".nan", ".NaN", "1e999", "-1e999", "-1", "0", "-0", "1.5", "65536",
    "4294967296", "99999999999999999999999999", "0x1F", "0o777", "0b101", "1_000", "12:30:45",
    "2001-02-03", "~", "null", "''", '""', "yes", "no", "on", "off", "True", "FALSE",
    "0.0.0.0/0", "::/0", "10.0.0.0/33", "256.0.0.0/8", "10.0.0.0/-1", "fe80::1%eth0/64",
    "10.0.0.0/8/8", "10.0.0.1/8", "0/0", "2001:db8::/129", "' 10.0.0.0/16 '", "awsvpc", "host",
    "bridge", "none", "FARGATE", "EC2", "EXTERNAL", "ENABLED", "DISABLED", "Interface",
    "Gateway", "GatewayLoadBalancer", "'-1'", "tcp", "icmp", "all", "allow", "deny",
]  # fmt: skip
YAML_STRUCTURES = [
    "[]", "{}", "[a]", "{a: 1}", "[[[]]]", "[1, a, ~, {}]", "!!binary AAAA", "!!float nan",
    "!!set {a, b}", "!!omap [a: 1]", "!!timestamp 2001-01-01", "!!python/object/apply:os.getcwd []",
    "!!str", "&fzanchor x", "*fzundefined", "@DEEP@", "@LONG@",
]  # fmt: skip
YAML_INTRINSICS = [
    "!Ref AWS::NoValue", "!Ref AWS::Region", "!Ref AWS::AccountId", "!Ref @ID@", "!Ref @SELF@",
    "!Ref [a]", "!Ref {a: 1}", "!Ref 1", "!Ref ''", "!Ref", "!GetAtt @ID@.Arn",
    "!GetAtt @SELF@.Arn", "!GetAtt [@ID@, '']", "!GetAtt .", "!GetAtt [a]", "!GetAtt 1",
    "!GetAtt @ID@.CidrBlock", "!Select [.inf, [a]]", "!Select [-1, [a]]", "!Select [.nan, [a, b]]",
    "!Select [1e999, !Ref @ID@]", "!Select [0, []]", "!Select ['0', !GetAZs '']",
    "!Select [1, {a: 1}]", "!Select [!Ref @ID@, !Ref @ID@]", "!Select [0, !Ref @SELF@]",
    "!Join ['', [!Ref @ID@, !Ref @ID@]]", "!Join [.inf, a]", "!Join [[], [[]]]",
    "!Join ['', !Ref @ID@]", "!Join", "!Split [',', !Ref @ID@]", "!Split ['', abc]",
    "!Split [[a], b]", "!Sub '${@ID@}${@SELF@.Arn}${!x}${AWS::NoValue}'", "!Sub '${'",
    "!Sub ['${a}', {a: !Sub '${a}'}]", "!Sub [1, 2]", "!Sub {a: 1}", "!Sub '${@SELF@}'",
    "!If [C, !Ref AWS::NoValue, 1]", "!If [@ID@, a]", "!If [[a], b, c]",
    "!FindInMap [M, a, b]", "!FindInMap [[a], {b: 1}, .inf]", "!Cidr ['10.0.0.0/8', 1e999, 8]",
    "!Cidr [!GetAtt @ID@.CidrBlock, -1, 99]", "!Cidr ['::/0', 256, 128]", "!GetAZs ''",
    "!GetAZs [a]", "!ImportValue x", "!Base64 {a: 1}", "!Equals [a]", "!Not [a, b]", "!And []",
    "!Or [.inf]", "!Condition @ID@", "!Condition @SELF@", "!If [@SELF@, !Ref @SELF@, x]",
    "!FindInMap [@ID@, @ID@, @ID@]", "!FindInMap [@SELF@, a, b]", "!Transform {Name: x}", "!Length [a]",
    "!ToJsonString {a: 1}", "!Unknown x", "!GetAtt", "!Ref\t@ID@",
]  # fmt: skip
YAML_KEYS = [
    "1", "-1", "1.5", ".inf", ".nan", "null", "~", "true", "'1'", '""', "[a]", "{a: 1}",
    "? [a]\n ", "<<", '"\\e[31mx"', '"\\u202ex"', '"a b"', '"x\\ny"', "!Ref x", "*fzundefined",
    "Type", "Properties", "Fn::GetAtt", "Ref",
]  # fmt: skip

JSON_VALUES = [
    "1e999", "-1e999", "NaN", "Infinity", "-Infinity", "-0", "1.0", "1e-999", "-1", "65536",
    "4294967297", "99999999999999999999999999999", "1" + "0" * 5000, "true", "false", "null",
    "[]", "{}", "[[]]", '{"": ""}', '[1, "a", null, {}]', '{"a": 1, "a": 2}',
    r'"\ud800"', r'"\udfff\ud800"', r'"\u0000"', r'"\u001b]0;pwned\u0007"',
    r'"\u001b[31mred\u001b[0m"', r'"\r\n::add-mask::x"', r'"\n::error file=x,line=1::pwned"',
    r'"\u202eevil"', r'"\u2028x\u2029"', r'"\u0085"', r'"\f"', r'"\u000b"',
    r'"</testcase><x/>]]>"', r'"%0A%0D%25"', r'"{{resolve:ssm:/x}}"',
    r'"{{resolve:secretsmanager:x:SecretString:y}}"', '"0.0.0.0/0"', '"::/0"', '"10.0.0.0/33"',
    '"10.0.0.0/8/8"', '"awsvpc"', '"AWSVPC"', '"host"', '"bridge"', '"none"', '"FARGATE"',
    '"EC2"', '"ENABLED"', '"-1"', '"80"', '"tcp"', '"x/../../etc/passwd"',
    '{"Ref": "@ID@"}', '{"Ref": "@SELF@"}', '{"Ref": ["a"]}', '{"Ref": null}', '{"Ref": 1e999}',
    '{"Fn::GetAtt": ["@ID@", "Arn"]}', '{"Fn::GetAtt": "@SELF@.Arn"}', '{"Fn::GetAtt": []}',
    '{"Fn::Select": [1e999, ["a"]]}', '{"Fn::Select": [NaN, ["a"]]}', '{"Fn::Select": ["-1", ["a"]]}',
    '{"Fn::Select": [0, {"Ref": "@ID@"}]}', '{"Fn::Select": [0]}',
    '{"Fn::Join": ["", [{"Ref": "@ID@"}, {"Ref": "@ID@"}]]}', '{"Fn::Join": [1e999, "a"]}',
    '{"Fn::Sub": "${@ID@}${@SELF@.Arn}${!x}${"}', '{"Fn::Sub": ["${a}", {"a": {"Fn::Sub": "${a}"}}]}',
    '{"Fn::If": ["C", {"Ref": "AWS::NoValue"}, 1]}', '{"Fn::Cidr": ["10.0.0.0/8", 1e999, 8]}',
    '{"Fn::Cidr": ["::/0", -1, 200]}', '{"Fn::GetAZs": ""}', '{"Fn::FindInMap": [["a"], {"b": 1}, 1e999]}',
    '{"Fn::Split": ["", "abc"]}', '{"Ref": "AWS::NoValue"}', '{"Fn::Base64": {"a": 1}}',
    '{"Ref": "a", "Fn::GetAtt": ["b", "c"]}', '{"Fn::Unknown": 1}', '{"Condition": "@ID@"}',
    "@DEEP@", "@LONG@",
]  # fmt: skip
JSON_KEYS = [
    r"\ud800", r"\u001b[31m", r"\u202ex", "", " ", "1", "Ref", "Fn::GetAtt", "Type",
    "Properties", "containerDefinitions", "portMappings", "hostPort", "networkMode", "__proto__",
    "a\\nb", "x" * 300,
]  # fmt: skip

# HCL string escapes; \uD800 is a lone surrogate once decoded.
TF_STRINGS = [
    r'"\u001b]0;pwned\u0007"', r'"\u001b[31mred"', r'"\r\n::add-mask::x"',
    r'"\n::error file=x,line=1::pwned"', r'"\u202eevil"', r'"\uD800"', r'"\U0010FFFF"',
    r'"\u2028"', r'"\u0085"', r'"\u000c"', r'"%{for i in range(100000)}${i}%{endfor}"',
    r'"%{if true}x%{endif}"', r'"$${x}"', r'"%%{x}"', r'"${local.fz_s}${local.fz_s}"',
    r'"</failure>&#0;"', '"0.0.0.0/0"', '"::/0"', '"10.0.0.0/33"', '"-1"', '"awsvpc"', '"FARGATE"',
    '"@LONG@"',
]  # fmt: skip
TF_EXPRESSIONS = [
    "-1e999", "1e999", "-1", "0", "1.5", "4294967296", "9" * 400, "1e-999", "- - -1",
    'jsondecode("NaN")', 'jsondecode("Infinity")', 'jsondecode("[1e999]")',
    'jsondecode("1' + "0" * 5000 + '")', 'jsondecode("' + "[" * 3000 + "]" * 3000 + '")',
    'jsondecode("{\\"a\\":1,\\"a\\":2}")', 'jsondecode("\\"\\\\ud800\\"")', "range(1e11)",
    "range(100000)", "range(1e999)", "range(-1e999)", "range(0, 1e11, 1e-9)", "range(1, 10, 0)",
    'range(jsondecode("NaN"))', 'format("%999999999s", "x")', 'format("%.999999999f", 1)',
    'format("%s%s", "a")', 'format("%c", 1114112)', 'format("%*d", 1000000000, 1)',
    'format("%s", local.fz_l)', 'format("%d", "x")', 'replace(local.fz_s, "", local.fz_s)',
    'replace(replace(local.fz_s, "", local.fz_s), "", local.fz_s)', "[1] * 100000000",
    "[1, 2] + [3]", '"9" * "99999999999"', '"a" * 1e11', "1e308 * 10", "1 / 0", "1 % 0",
    "0 / 0", '-"a"', "!1", "true + 1", "{} == []", "1e999 - 1e999", '"1e999" + 0',
    '"0x10" + 1', '"nan" + 0', '"inf" * 0', '"1_0" + 1', '"\u0661" + 1', "local.fz_l[1e999]",
    "local.fz_l[-1]", 'local.fz_l[jsondecode("NaN")]', 'local.fz_l["1e999"]', "local.fz_l[1.5]",
    "local.fz_m[1e999]", "local.fz_l[true]", "local.fz_deep[0][0][0][0][0][0][0][0][0][0]",
    "{a = 1}", "[1, 2]", "null", "true", '"true"', '"1"', '["a", {b = [1]}]',
    '{for k in range(3) : "k" => k}', '{for k in range(3) : "k" => k...}', "{(local.fz_l) = 1}",
    "{1e999 = 1}", '{(jsondecode("NaN")) = 1}',
    "[for i in range(2000) : [for j in range(2000) : i]]",
    '[for i in range(200) : [for j in range(200) : [for k in range(200) : "${i}${j}${k}"]]]',
    "[for x in null : x]", "[for x in 5 : x]", "[for k, v in {a = 1} : v if v]",
    "[for x in range(10) : x if null]", '{for x in ["a"] : x => x if x}',
    'cidrsubnet("10.0.0.0/8", 16, count.index)', 'cidrsubnet("10.0.0.0/8", 16, 65535)',
    'cidrsubnet("::/0", 16, 1e999)', 'cidrsubnet("10.0.0.0/8", -1, 0)',
    'cidrsubnet("10.0.0.0/8", 1e999, 0)', 'cidrsubnet("10.0.0.0/8", 16, -1)',
    'cidrsubnet("x", 1, 1)', 'cidrsubnet("10.0.0.0/8", 8, jsondecode("NaN"))',
    'file("/proc/self/environ")', 'file("/dev/stdin")', 'file("../../etc/passwd")',
    'file("/etc/passwd")', 'file("../../../../../../../../etc/passwd")',
    f'file("../{CANARY_FILE}")', f'file("${{path.module}}/../{CANARY_FILE}")',
    'file("/dev/zero")', 'file("/dev/urandom")', 'file("/proc/self/cmdline")',
    'file("/proc/self/fd/0")', 'file(".")', 'file("")', 'file("/")', 'file("a\\u0000b")',
    'file("@FILE@")', "file(path.module)", 'file("~/.gitconfig")', 'file(pathexpand("~/.gitconfig"))',
    'filebase64("/etc/passwd")', 'fileset("/", "**")', 'fileexists("/etc/passwd")',
    'jsondecode(file("/etc/passwd"))', 'templatefile("/etc/passwd", {})',
    f'templatefile("../{CANARY_FILE}", {{}})', 'templatefile("${path.module}/@FILE@", {})',
    'templatefile("@FILE@", {a = templatefile("@FILE@", {})})', 'templatefile("fz.tpl", {})',
    "local.fz_self", "local.fz_a", "var.fz_undefined", "local.fz_undefined", "@RES@",
    "@RES@.id", "@RES@[*].id", "@RES@[1e999].id", "@RES@.*.id", "@RES@[-1]", "var.@VAR@",
    "var.@VAR@[1e999]", "each.value", "each.key", "count.index", "self.id", "path.module",
    "path.cwd", "abspath(path.root)", "terraform.workspace", "data.aws_vpc.x.id", "module.x.y",
    "distinct(range(100000))", 'join(",", range(1000000))', "tostring(1e999)",
    'tonumber("1e999")', 'tonumber("nan")', "tobool(1)", "min()", "max(range(100000)...)",
    "slice(local.fz_l, 1e999, 1)", "slice(local.fz_l, -1e999, 1e999)", "zipmap(local.fz_l, [])",
    "index([], 1)", "element([1], 1e999)", 'element([1], jsondecode("NaN"))', "element([], 0)",
    "lookup(local.fz_m, 1e999)", "length(5)", "length(null)", "coalesce()", "compact(null)",
    "flatten(local.fz_deep)", "merge(1)", "concat({})", "keys([1])", 'values("a")',
    'split("", "abc")', "upper(null)", "lower(1e999)", 'abs(jsondecode("NaN"))', "one([])",
    "contains(null, 1)", 'regex("(a*)*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaac")',
    "setproduct(range(1000), range(1000))", "sum(range(1000000))", "tolist(range(1000000))",
    "try(range(1e11), 1)", "can(range(1e11))", "jsonencode(range(100000))",
    'yamldecode("a: &a [*a, *a]")', 'base64decode("%%%")', "true ? 1 : \"a\"", "null ? 1 : 2",
    "1e999 > 1 ? [] : {}", 'jsondecode("NaN") == jsondecode("NaN") ? 1 : 2', "@DEEP@",
    "<<EOT\n${local.fz_s}\n\u001b]0;x\u0007\nEOT", '<<-EOT\n\t\t[{"name": "\\u001b", "hostPort": 1e999}]\n  EOT',
    *TF_STRINGS,
]  # fmt: skip
TF_PLAUSIBLE = [
    '"10.0.0.0/16"', '"10.0.1.0/24"', "true", "false", '"awsvpc"', '"FARGATE"', '"EC2"', "443",
    "0", '"-1"', '["0.0.0.0/0"]', '"tcp"', '"allow"', "100", '"Interface"', '"Gateway"',
    '"com.amazonaws.us-east-1.ecr.dkr"', '"com.amazonaws.us-east-1.s3"', "2", "[]", "@RES@.id",
    "[@RES@.id]", "var.@VAR@", "local.fz_l", "count.index",
]  # fmt: skip

TF_BLOCK_ATTRS = [
    "count", "for_each", "cidr_block", "vpc_id", "subnet_id", "map_public_ip_on_launch",
    "enable_dns_support", "enable_dns_hostnames", "assign_public_ip", "network_mode",
    "requires_compatibilities", "container_definitions", "launch_type", "enable_execute_command",
    "platform_version", "from_port", "to_port", "protocol", "cidr_blocks", "ipv6_cidr_blocks",
    "security_groups", "security_group_ids", "subnet_ids", "subnets", "route_table_id",
    "route_table_ids", "gateway_id", "nat_gateway_id", "destination_cidr_block", "service_name",
    "vpc_endpoint_type", "private_dns_enabled", "rule_no", "action", "egress", "ingress",
    "default", "type", "source", "depends_on", "provider", "family", "name", "value",
]  # fmt: skip

TF_BLOCKS = [
    'resource "aws_vpc" "fz" {\n  cidr_block = @H@\n  enable_dns_support = @H@\n  enable_dns_hostnames = @H@\n}',
    'resource "aws_subnet" "fz" {\n  count = @H@\n  vpc_id = @H@\n  cidr_block = @H@\n  map_public_ip_on_launch = @H@\n}',
    'resource "aws_route_table" "fz" {\n  vpc_id = @H@\n  route {\n    cidr_block = @H@\n    gateway_id = @H@\n    nat_gateway_id = @H@\n  }\n}',
    'resource "aws_route" "fz" {\n  route_table_id = @H@\n  destination_cidr_block = @H@\n  nat_gateway_id = @H@\n}',
    'resource "aws_route_table_association" "fz" {\n  for_each = @H@\n  subnet_id = @H@\n  route_table_id = @H@\n}',
    'resource "aws_main_route_table_association" "fz" {\n  vpc_id = @H@\n  route_table_id = @H@\n}',
    'resource "aws_internet_gateway" "fz" {\n  vpc_id = @H@\n}',
    'resource "aws_nat_gateway" "fz" {\n  subnet_id = @H@\n  connectivity_type = @H@\n}',
    'resource "aws_security_group" "fz" {\n  vpc_id = @H@\n  egress {\n    from_port = @H@\n    to_port = @H@\n    protocol = @H@\n    cidr_blocks = @H@\n    prefix_list_ids = @H@\n  }\n  dynamic "ingress" {\n    for_each = @H@\n    content {\n      from_port = ingress.value\n      to_port = @H@\n      protocol = "tcp"\n    }\n  }\n}',
    'resource "aws_security_group_rule" "fz" {\n  type = @H@\n  security_group_id = @H@\n  from_port = @H@\n  to_port = @H@\n  protocol = @H@\n  cidr_blocks = @H@\n}',
    'resource "aws_vpc_security_group_egress_rule" "fz" {\n  security_group_id = @H@\n  ip_protocol = @H@\n  from_port = @H@\n  to_port = @H@\n  cidr_ipv4 = @H@\n}',
    'resource "aws_network_acl" "fz" {\n  vpc_id = @H@\n  subnet_ids = @H@\n  egress {\n    rule_no = @H@\n    protocol = @H@\n    action = @H@\n    cidr_block = @H@\n    from_port = @H@\n    to_port = @H@\n  }\n}',
    'resource "aws_network_acl_rule" "fz" {\n  network_acl_id = @H@\n  rule_number = @H@\n  egress = @H@\n  protocol = @H@\n  rule_action = @H@\n  cidr_block = @H@\n  from_port = @H@\n  to_port = @H@\n}',
    'resource "aws_vpc_endpoint" "fz" {\n  vpc_id = @H@\n  service_name = @H@\n  vpc_endpoint_type = @H@\n  private_dns_enabled = @H@\n  subnet_ids = @H@\n  security_group_ids = @H@\n  route_table_ids = @H@\n}',
    'resource "aws_ecs_cluster" "fz" {\n  name = @H@\n}',
    'resource "aws_ecs_task_definition" "fz" {\n  family = @H@\n  network_mode = @H@\n  requires_compatibilities = @H@\n  container_definitions = @H@\n}',
    'resource "aws_ecs_task_definition" "fz2" {\n  family = "f"\n  network_mode = "awsvpc"\n  container_definitions = jsonencode([{ name = @H@, image = @H@, portMappings = [{ containerPort = @H@, hostPort = @H@ }], linuxParameters = { initProcessEnabled = @H@ }, secrets = [{ name = "a", valueFrom = @H@ }], logConfiguration = { logDriver = @H@ } }])\n}',
    'resource "aws_ecs_service" "fz" {\n  cluster = @H@\n  task_definition = @H@\n  launch_type = @H@\n  enable_execute_command = @H@\n  platform_version = @H@\n  network_configuration {\n    subnets = @H@\n    security_groups = @H@\n    assign_public_ip = @H@\n  }\n  capacity_provider_strategy {\n    capacity_provider = @H@\n    weight = @H@\n  }\n}',
    'resource "aws_cloudwatch_event_target" "fz" {\n  rule = "r"\n  arn = @H@\n  ecs_target {\n    task_definition_arn = @H@\n    launch_type = @H@\n    network_configuration {\n      subnets = @H@\n    }\n  }\n}',
    'variable "fz" {\n  default = @H@\n}',
    "locals {\n  fz_x = @H@\n}",
    'output "fz" {\n  value = @H@\n}',
    'module "fz" {\n  source = @H@\n}',
    'data "aws_vpc" "fz" {\n  id = @H@\n}',
    'resource @H@ "fz" {\n}',
]  # fmt: skip

# Resources in YAML flow style (one line); JSON templates are derived from them.
CFN_RESOURCES = [
    "{Type: AWS::EC2::VPC, Properties: {CidrBlock: @H@, EnableDnsSupport: @H@, EnableDnsHostnames: @H@}}",
    "{Type: AWS::EC2::Subnet, Properties: {VpcId: @H@, CidrBlock: @H@, MapPublicIpOnLaunch: @H@}}",
    "{Type: AWS::EC2::RouteTable, Properties: {VpcId: @H@}}",
    "{Type: AWS::EC2::Route, Properties: {RouteTableId: @H@, DestinationCidrBlock: @H@, NatGatewayId: @H@, GatewayId: @H@}}",
    "{Type: AWS::EC2::SubnetRouteTableAssociation, Properties: {SubnetId: @H@, RouteTableId: @H@}}",
    "{Type: AWS::EC2::InternetGateway}",
    "{Type: AWS::EC2::VPCGatewayAttachment, Properties: {VpcId: @H@, InternetGatewayId: @H@}}",
    "{Type: AWS::EC2::NatGateway, Properties: {SubnetId: @H@, ConnectivityType: @H@}}",
    "{Type: AWS::EC2::SecurityGroup, Properties: {VpcId: @H@, SecurityGroupEgress: [{IpProtocol: @H@, FromPort: @H@, ToPort: @H@, CidrIp: @H@, DestinationPrefixListId: @H@}]}}",
    "{Type: AWS::EC2::SecurityGroupEgress, Properties: {GroupId: @H@, IpProtocol: @H@, FromPort: @H@, ToPort: @H@, CidrIp: @H@}}",
    "{Type: AWS::EC2::NetworkAcl, Properties: {VpcId: @H@}}",
    "{Type: AWS::EC2::NetworkAclEntry, Properties: {NetworkAclId: @H@, RuleNumber: @H@, Protocol: @H@, RuleAction: @H@, Egress: @H@, CidrBlock: @H@, PortRange: {From: @H@, To: @H@}}}",
    "{Type: AWS::EC2::SubnetNetworkAclAssociation, Properties: {SubnetId: @H@, NetworkAclId: @H@}}",
    "{Type: AWS::EC2::VPCEndpoint, Properties: {VpcId: @H@, ServiceName: @H@, VpcEndpointType: @H@, PrivateDnsEnabled: @H@, SubnetIds: @H@, SecurityGroupIds: @H@, RouteTableIds: @H@}}",
    "{Type: AWS::ECS::Cluster, Properties: {ClusterName: @H@, CapacityProviders: @H@}}",
    "{Type: AWS::ECS::TaskDefinition, Properties: {NetworkMode: @H@, RequiresCompatibilities: @H@, ContainerDefinitions: [{Name: @H@, Image: @H@, PortMappings: [{ContainerPort: @H@, HostPort: @H@}], LinuxParameters: {InitProcessEnabled: @H@}, Secrets: [{Name: a, ValueFrom: @H@}], LogConfiguration: {LogDriver: @H@}}]}}",
    "{Type: AWS::ECS::Service, Properties: {Cluster: @H@, TaskDefinition: @H@, LaunchType: @H@, EnableExecuteCommand: @H@, PlatformVersion: @H@, NetworkConfiguration: {AwsvpcConfiguration: {Subnets: @H@, SecurityGroups: @H@, AssignPublicIp: @H@}}, CapacityProviderStrategy: @H@}}",
    "{Type: AWS::Events::Rule, Properties: {Targets: [{Arn: @H@, Id: t, EcsParameters: {TaskDefinitionArn: @H@, LaunchType: @H@, NetworkConfiguration: {AwsvpcConfiguration: {Subnets: @H@}}}}]}}",
    "{Type: AWS::CloudFormation::Stack, Properties: {TemplateURL: @H@}}",
    "{Type: @H@}",
    "{Type: AWS::EC2::VPC, Condition: @H@, DependsOn: @H@, Metadata: @H@, Properties: @H@}",
]  # fmt: skip
CFN_PLAUSIBLE = [
    "10.0.0.0/16", "10.0.1.0/24", "true", "false", "awsvpc", "FARGATE", "EC2", "443", "0",
    "'-1'", "tcp", "allow", "100", "Interface", "Gateway", "com.amazonaws.us-east-1.ecr.dkr",
    "!Ref @ID@", "[!Ref @ID@]", "!GetAtt @ID@.Arn", "ENABLED",
]  # fmt: skip
CONTAINER = (
    '{"name": @H@, "image": @H@, "essential": @H@, "portMappings": [{"containerPort": @H@, '
    '"hostPort": @H@, "protocol": @H@}], "linuxParameters": {"initProcessEnabled": @H@}, '
    '"secrets": [{"name": "a", "valueFrom": @H@}], "logConfiguration": {"logDriver": @H@, '
    '"options": @H@}, "environment": [{"name": @H@, "value": @H@}]}'
)
JSON_PLAUSIBLE = [
    '"awsvpc"', '"bridge"', '"FARGATE"', "80", "8080", "0", "true", '"tcp"', '"awslogs"',
    '"nginx"', '"arn:aws:ssm:us-east-1:1:parameter/x"', "[]", "{}",
]  # fmt: skip

# Bytes inserted as they are: raw control characters, broken UTF-8, line separators
# that str.splitlines() honours and YAML/HCL may not.
HOSTILE_BYTES = [
    b"\x00", b"\x1b]0;pwned\x07", b"\x1b[31m", b"\r", b"\r\n", b"\x0c", b"\x0b", b"\x1c",
    b"\x85", b"\xc2\x85", b"\xe2\x80\xa8", b"\xe2\x80\xa9", b"\xe2\x80\xae", b"\xef\xbb\xbf",
    b"\xed\xa0\x80", b"\xff", b"\xfe\xff", b"\xc0\xaf", b"\t", b"\x7f", b"\r::add-mask::x\r\n",
]  # fmt: skip
REASONS = [
    b"\x1b]0;pwned\x07", b"\r::stop-commands::tok", b"\x1b[31mred", b"\x0c", b"\xe2\x80\xae",
    b"\xe2\x80\xa8", b"\xc2\x85", b"\xed\xa0\x80", b"\x00", b"</x>&", b"%0A::error::x", b"\xff",
    b"reason", b"", b"x" * 5000,
]  # fmt: skip
RULE_IDS = [
    "FG000", "FG004", "FG010", "FG011", "FG012", "FG040", "FG050", "FG053", "FG060", "FG090",
    "FG091", "FG100", "INTERNAL", "FG01O", "fg010", "X9", "FG" + "9" * 300,
]  # fmt: skip
FILE_NAMES = [
    "t\x1b]0;x\x07", "a\nb", "a\rb", "::error", "%0A", "a,b:c", "-rf", "<x>&'\"", "\u202etxt",
    "t\udcff", "\u2028", " ", "..x", "x" * 200, "t\x85", "a\tb", "#x", "$(id)", "\x7f",
]  # fmt: skip


# -- helpers ---------------------------------------------------------------------------

Mutation = Callable[[random.Random, Files, str], tuple[str, Files] | None]

_YAML_VALUE = re.compile(r"^(\s*(?:- +)?[^\s#:'\"{[][^#:]*:[ \t]+)([^#\s][^#]*?)(\s*(?:#.*)?)$")
_YAML_ITEM = re.compile(r"^(\s*- +)([^#\s:{[][^#:]*?)(\s*(?:#.*)?)$")
_YAML_KEY = re.compile(r"^(\s*(?:- +)?)([A-Za-z0-9_]+|\"[^\"]*\")(:(?:\s|$).*)$")
_YAML_ID = re.compile(r"^  ([A-Za-z0-9]+):\s*(?:#.*)?$")
_TF_ATTR = re.compile(r"^(\s*)([A-Za-z_][\w-]*)(\s*=\s*)(.*?)\s*$")
_TF_OPEN = re.compile(r"^\s*[A-Za-z_][\w-]*(?:\s+\"[^\"]*\")*\s*\{\s*$")
_TF_RESOURCE = re.compile(r'^resource\s+"([\w-]+)"\s+"([\w-]+)"', re.MULTILINE)
_TF_VARIABLE = re.compile(r'^variable\s+"([\w-]+)"', re.MULTILINE)
_TF_STRING = re.compile(r'"(?:[^"\\\n$%]|\\.)*"')
_JSON_ID = re.compile(r"^[A-Za-z0-9]+$")


def _text(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def _pick_file(rng: random.Random, files: Files, suffixes: tuple[str, ...]) -> str | None:
    names = sorted(n for n in files if n.endswith(suffixes))
    return rng.choice(names) if names else None


def _kind_files(kind: str) -> tuple[str, ...]:
    return (".tf",) if kind == TERRAFORM else DATA_SUFFIXES


def _with(files: Files, name: str, data: bytes) -> Files:
    out = dict(files)
    out[name] = data
    return out


def _long(rng: random.Random) -> str:
    return rng.choice(["x", "ab", "\u00e9", "%", "$"]) * rng.choice([5_000, 50_000, 200_000])


def _deep(rng: random.Random, opener: str = "[", closer: str = "]") -> str:
    n = rng.choice([50, 190, 210, 400, 1000, 3000])
    return opener * n + closer * n


def _is_yaml(name: str) -> bool:
    return name.endswith((".yaml", ".yml", ".template", ".cfn"))


def _cfn_ids(text: str) -> list[str]:
    return sorted(set(_YAML_ID.findall(text))) or ["Nope"]


def _enclosing_id(lines: list[str], i: int) -> str:
    """The logical id (a key indented by two spaces) the YAML line `i` belongs to."""
    for j in range(i, -1, -1):
        found = _YAML_ID.match(lines[j]) or re.match(r"^  ([A-Za-z0-9]+):", lines[j])
        if found:
            return found.group(1)
    return "Nope"


def _fill(rng: random.Random, template: str, ids: list[str], self_id: str) -> str:
    """Replace the placeholders of a hostile value (see the module docstring)."""
    out = template.replace("@SELF@", self_id)
    while "@ID@" in out:
        out = out.replace("@ID@", rng.choice(ids), 1)
    if "@LONG@" in out:
        out = out.replace("@LONG@", _long(rng))
    if "@DEEP@" in out:
        out = out.replace("@DEEP@", _deep(rng))
    return out


def _yaml_value(rng: random.Random, ids: list[str], self_id: str) -> str:
    table = rng.choice([YAML_STRINGS, YAML_SCALARS, YAML_STRUCTURES, YAML_INTRINSICS])
    return _fill(rng, rng.choice(table), ids, self_id)


def _json_value(rng: random.Random, ids: list[str], self_id: str) -> str:
    value = rng.choice(JSON_VALUES)
    if value == "@DEEP@":
        return _deep(rng) if rng.random() < 0.5 else '{"a": ' * 500 + "1" + "}" * 500
    if value == "@LONG@":
        return json.dumps(_long(rng))
    return _fill(rng, value, ids, self_id)


def _tf_context(files: Files) -> tuple[list[str], list[str]]:
    text = "\n".join(_text(v) for n, v in sorted(files.items()) if n.endswith(".tf"))
    resources = [f"{t}.{n}" for t, n in _TF_RESOURCE.findall(text)] or ["aws_vpc.nope"]
    variables = _TF_VARIABLE.findall(text) or ["nope"]
    return sorted(set(resources)), sorted(set(variables))


def _tf_fill(rng: random.Random, expr: str, files: Files, name: str) -> str:
    resources, variables = _tf_context(files)
    out = expr.replace("@FILE@", os.path.basename(name))
    while "@RES@" in out:
        out = out.replace("@RES@", rng.choice(resources), 1)
    while "@VAR@" in out:
        out = out.replace("@VAR@", rng.choice(variables), 1)
    if "@LONG@" in out:
        out = out.replace("@LONG@", _long(rng))
    if "@DEEP@" in out:
        out = out.replace("@DEEP@", _deep(rng, *rng.choice([("[", "]"), ("(", ")")])))
    return out


FZ_LOCALS = """locals {
  fz_s    = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
  fz_l    = [1, 2, 3]
  fz_m    = { a = 1, b = "x" }
  fz_deep = [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]
  fz_self = local.fz_self
  fz_a    = local.fz_b
  fz_b    = [local.fz_a]
}
"""


def _tf_support(rng: random.Random, files: Files, expr: str) -> Files:
    """The files an expression leans on: the fz_ locals, a template that includes itself."""
    out = dict(files)
    if "local.fz_" in expr and "fz_locals.tf" not in out:
        out["fz_locals.tf"] = _bytes(FZ_LOCALS)
    if "fz.tpl" in expr and "fz.tpl" not in out:
        out["fz.tpl"] = b'${templatefile("fz.tpl", {})}${templatefile("fz.tpl", {})}\n'
    return out


def _tf_expr(rng: random.Random, plausible: float = 0.0) -> str:
    if rng.random() < plausible:
        return rng.choice(TF_PLAUSIBLE)
    return rng.choice(TF_EXPRESSIONS)


def _balanced(expr: str) -> bool:
    depth = 0
    for ch in expr:
        depth += ch in "([{"
        depth -= ch in ")]}"
        if depth < 0:
            return False
    return depth == 0 and expr.count('"') % 2 == 0 and not expr.startswith("<<")


# -- generic mutations -----------------------------------------------------------------


def _line_edit(rng: random.Random, files: Files, kind: str) -> tuple[str, Files] | None:
    name = _pick_file(rng, files, _kind_files(kind)) or _pick_file(rng, files, ("",))
    if name is None:
        return None
    lines = _text(files[name]).split("\n")
    if len(lines) < 2:
        return None
    op = rng.choice(["duplicate", "delete", "swap", "duplicate block", "delete block", "move"])
    i, j = sorted(rng.sample(range(len(lines)), 2))
    if op == "duplicate":
        lines.insert(i, lines[i])
    elif op == "delete":
        del lines[i]
    elif op == "swap":
        lines[i], lines[j] = lines[j], lines[i]
    elif op == "duplicate block":
        lines[j:j] = lines[i : min(j, i + 40)]
    elif op == "delete block":
        del lines[i : min(j, i + 20)]
    else:
        lines.insert(j, lines.pop(i))
    return f"{op} line {i + 1} (to {j + 1}) of {name}", _with(files, name, _bytes("\n".join(lines)))


def _bytes_edit(rng: random.Random, files: Files, kind: str) -> tuple[str, Files] | None:
    name = _pick_file(rng, files, _kind_files(kind)) or _pick_file(rng, files, ("",))
    if name is None or not files[name]:
        return None
    data = bytearray(files[name])
    op = rng.choice(["flip", "insert", "insert", "truncate"])
    at = rng.randrange(len(data))
    if op == "flip":
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return f"flip bytes of {name}", _with(files, name, bytes(data))
    if op == "insert":
        chunk = rng.choice(HOSTILE_BYTES)
        data[at:at] = chunk
        return f"insert {chunk!r} at byte {at} of {name}", _with(files, name, bytes(data))
    return f"truncate {name} at byte {at}", _with(files, name, bytes(data[:at]))


def _line_ends(rng: random.Random, files: Files, kind: str) -> tuple[str, Files] | None:
    """Rewrite every newline of a file: line numbers then disagree between readers."""
    name = _pick_file(rng, files, _kind_files(kind))
    if name is None:
        return None
    sep = rng.choice([b"\r\n", b"\r", b"\x0c\n", b"\n\x0c", b"\xe2\x80\xa8", b"\xc2\x85", b"\x0b"])
    data = files[name].replace(b"\n", sep) if rng.random() < 0.5 else files[name] + sep + b"x"
    return f"newlines of {name} as {sep!r}", _with(files, name, data)


def _suppression(rng: random.Random, files: Files, kind: str) -> tuple[str, Files] | None:
    """A suppression comment whose reason reports echo, on its own line or at a line's end."""
    name = _pick_file(rng, files, (".tf", ".yaml", ".yml", ".template"))
    if name is None:
        return None
    ids = ",".join(rng.sample(RULE_IDS, rng.randint(1, 3)))
    mark = rng.choice([b"#", b"//"]) if name.endswith(".tf") else b"#"
    comment = mark + b" fargate-lint: ignore=" + ids.encode() + b" " + rng.choice(REASONS)
    lines = files[name].split(b"\n")
    i = rng.randrange(len(lines))
    if rng.random() < 0.5 and lines[i].strip():
        lines[i] = lines[i] + b"  " + comment
    else:
        indent = re.match(rb"\s*", lines[i]).group(0)
        lines.insert(i, indent + comment)
    return f"suppression {comment!r} at line {i + 1} of {name}", _with(
        files, name, b"\n".join(lines)
    )


def _rename(rng: random.Random, files: Files, kind: str) -> tuple[str, Files] | None:
    """Reports name files: a name with control characters or markup must not break them."""
    name = _pick_file(rng, files, _kind_files(kind))
    if name is None:
        return None
    stem = rng.choice(FILE_NAMES)
    suffix = ".tf" if name.endswith(".tf") else os.path.splitext(name)[1]
    new = os.path.join(os.path.dirname(name), stem + suffix)
    out = {n: v for n, v in files.items() if n != name}
    out[new] = files[name]
    return f"rename {name} to {new!r}", out


# -- CloudFormation YAML ---------------------------------------------------------------


YAML_SUFFIXES = (".yaml", ".yml", ".template", ".cfn")


def _yaml_line_edit(
    rng: random.Random,
    files: Files,
    match: Callable[[str], re.Match | None],
    new: Callable[[re.Match, list[str], int, str], tuple[str, str]],
) -> tuple[str, Files] | None:
    """Rewrite the middle group of one line `match` finds in a YAML file: `new(found,
    lines, i, text)` gives the new text and what to call it."""
    name = _pick_file(rng, files, YAML_SUFFIXES)
    if name is None:
        return None
    text = _text(files[name])
    lines = text.split("\n")
    spots = [i for i, x in enumerate(lines) if match(x)]
    if not spots:
        return None
    i = rng.choice(spots)
    found = match(lines[i])
    value, what = new(found, lines, i, text)
    lines[i] = found.group(1) + value + found.group(3)
    return f"{what} at line {i + 1} of {name}", _with(files, name, _bytes("\n".join(lines)))


def _cfn_yaml_value(rng: random.Random, files: Files, kind: str) -> tuple[str, Files] | None:
    def new(found, lines, i, text):
        value = _yaml_value(rng, _cfn_ids(text), _enclosing_id(lines, i))
        return value, f"YAML value {value[:80]!r}"

    return _yaml_line_edit(rng, files, lambda x: _YAML_VALUE.match(x) or _YAML_ITEM.match(x), new)


def _cfn_yaml_key(rng: random.Random, files: Files, kind: str) -> tuple[str, Files] | None:
    def new(found, lines, i, text):
        key = rng.choice(YAML_KEYS)
        return key, f"YAML key {key!r}"

    return _yaml_line_edit(rng, files, _YAML_KEY.match, new)


def _resources_section(rng: random.Random, files: Files) -> tuple[str, str, list[str], int] | None:
    """A YAML template's (name, text, lines, index of its `Resources:` line)."""
    name = _pick_file(rng, files, YAML_SUFFIXES)
    if name is None:
        return None
    text = _text(files[name])
    lines = text.split("\n")
    pattern = re.compile(r"^Resources:\s*(#.*)?$")
    at = next((i for i, x in enumerate(lines) if pattern.match(x)), None)
    return None if at is None else (name, text, lines, at)


def _cfn_yaml_resource(rng: random.Random, files: Files, kind: str) -> tuple[str, Files] | None:
    """A resource of a type the rules read, its properties hostile or plausible."""
    found = _resources_section(rng, files)
    if found is None:
        return None
    name, text, lines, at = found
    ids = _cfn_ids(text)
    new_id = f"Fz{rng.randrange(100)}"
    body = rng.choice(CFN_RESOURCES)
    while "@H@" in body:
        value = rng.choice(CFN_PLAUSIBLE) if rng.random() < 0.5 else _yaml_value(rng, ids, new_id)
        body = body.replace("@H@", _fill(rng, value, [*ids, new_id], new_id), 1)
    lines.insert(at + 1, f"  {new_id}: {body}")
    return f"resource {new_id} after line {at + 1} of {name}: {body[:160]!r}", _with(
        files, name, _bytes("\n".join(lines))
    )


def _cfn_yaml_amplify(rng: random.Random, files: Files, kind: str) -> tuple[str, Files] | None:
    """Anchors whose aliases multiply: each level repeats the one before `width` times."""
    found = _resources_section(rng, files)
    if found is None:
        return None
    name, text, lines, at = found
    ids = _cfn_ids(text)
    width, depth = rng.randint(2, 10), rng.randint(2, 7)
    style = rng.choice(["list", "join", "sub", "merge"])
    target = rng.choice(["CidrBlock", "Subnets", "SecurityGroupIds", "VpcId", "Tags", "Name"])
    kind_type = rng.choice(["AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::ECS::Service"])
    out = ["  FzAmp:", f"    Type: {kind_type}", "    Properties:"]
    base = f"!Ref {rng.choice(ids)}"
    out.append(f"      Fz0: &fz0 [{', '.join([base] * width)}]")
    for level in range(1, depth + 1):
        refs = ", ".join([f"*fz{level - 1}"] * width)
        if style == "join":
            value = f"!Join ['', [{refs}]]"
        elif style == "sub":
            value = f"!Sub ['{'${a}' * width}', {{a: *fz{level - 1}}}]"
        elif style == "merge":
            value = (
                f"{{<<: [*fz{level - 1}], k{level}: [{refs}]}}" if level > 1 else f"{{k: [{refs}]}}"
            )
        else:
            value = f"[{refs}]"
        out.append(f"      Fz{level}: &fz{level} {value}")
    out.append(f"      {target}: *fz{depth}")
    lines[at + 1 : at + 1] = out
    return f"{style} alias amplification {width}^{depth} into {target} of {name}", _with(
        files, name, _bytes("\n".join(lines))
    )


def _cfn_yaml_self_ref(rng: random.Random, files: Files, kind: str) -> tuple[str, Files] | None:
    """A value that names its own resource or parameter (a Default of !Ref itself)."""

    def new(found, lines, i, text):
        me = _enclosing_id(lines, i)
        value = rng.choice([f"!Ref {me}", f"!GetAtt {me}.Arn", f"!Sub '${{{me}}}'", f"[!Ref {me}]"])
        return value, f"self reference {value}"

    def nested(x: str) -> re.Match | None:
        return _YAML_VALUE.match(x) if x.startswith("    ") else None

    return _yaml_line_edit(rng, files, nested, new)


def _cfn_yaml_deep(rng: random.Random, files: Files, kind: str) -> tuple[str, Files] | None:
    def new(found, lines, i, text):
        n = rng.choice([30, 100, 300, 1000])
        value = rng.choice(["!Select [0, " * n + "[a]" + "]" * n, "{a: " * n + "1" + "}" * n])
        value = rng.choice([value, "[" * n + "]" * n, "!Join ['', [" * n + "a" + "]]" * n])
        return value, f"nesting {n} deep"

    return _yaml_line_edit(rng, files, _YAML_VALUE.match, new)


# -- JSON (CloudFormation and task definitions) -----------------------------------------


def _json_paths(node: object, path: tuple = (), out: list | None = None) -> list[tuple]:
    out = [] if out is None else out
    out.append(path)
    if len(out) > 5000:
        return out
    if isinstance(node, dict):
        for k, v in node.items():
            _json_paths(v, (*path, k), out)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            _json_paths(v, (*path, i), out)
    return out


def _json_ids(tree: object) -> list[str]:
    if not isinstance(tree, dict):
        return ["Nope"]
    ids = [
        k
        for section in ("Resources", "Parameters", "Conditions")
        if isinstance(tree.get(section), dict)
        for k in tree[section]
    ]
    return sorted(i for i in ids if _JSON_ID.match(i)) or ["Nope"]


def _get(tree: object, path: tuple) -> object:
    for p in path:
        tree = tree[p]  # type: ignore[index]
    return tree


def _json_dump(rng: random.Random, tree: object, raw: dict[str, str]) -> bytes:
    """The tree as JSON, each placeholder string replaced by its raw JSON text."""
    indent = rng.choice([None, 1, 2, 4, "\t"])
    text = json.dumps(tree, indent=indent, ensure_ascii=rng.random() < 0.8)
    for marker, value in raw.items():
        text = text.replace(json.dumps(marker), value)
    return text.encode("utf-8", "surrogatepass")


def _json_tree(rng: random.Random, files: Files) -> tuple[str, object] | None:
    name = _pick_file(rng, files, (".json",))
    if name is None:
        return None
    try:
        return name, json.loads(files[name])
    except (ValueError, RecursionError):
        return None


def _json_node(rng: random.Random, files: Files, kind: str) -> tuple[str, Files] | None:
    """Replace, delete, rename, duplicate or retype one node of a JSON document."""
    got = _json_tree(rng, files)
    if got is None:
        return None
    name, tree = got
    paths = [p for p in _json_paths(tree) if p]
    if not paths:
        return None
    path = rng.choice(paths)
    parent, key = _get(tree, path[:-1]), path[-1]
    ids = _json_ids(tree)
    self_id = next((str(p) for p in path[1:2]), "Nope")
    raw: dict[str, str] = {}
    op = rng.choice(["replace", "replace", "replace", "delete", "rename", "duplicate", "retype"])
    if op == "replace":
        raw["\x00fz0"] = _json_value(rng, ids, self_id)
        parent[key] = "\x00fz0"  # type: ignore[index]
        what = raw["\x00fz0"][:80]
    elif op == "delete":
        del parent[key]  # type: ignore[union-attr]
        what = ""
    elif op == "rename" and isinstance(parent, dict):
        new_key = rng.choice(JSON_KEYS)
        raw["\x00fz1"] = f'"{new_key}"'  # JSON_KEYS are JSON text already (escapes kept)
        parent["\x00fz1"] = parent.pop(key)
        what = new_key
    elif op == "duplicate" and isinstance(parent, list):
        parent.insert(key, parent[key])  # type: ignore[arg-type]
        what = ""
    else:
        value = parent[key]  # type: ignore[index]
        parent[key] = (  # type: ignore[index]
            [value] if not isinstance(value, list) else {"a": value}
        )
        what = "wrapped"
        op = "retype"
    return f"JSON {op} at {list(path)[:8]} of {name} {what!r}", _with(
        files, name, _json_dump(rng, tree, raw)
    )


def _json_resource(rng: random.Random, files: Files, kind: str) -> tuple[str, Files] | None:
    """A CloudFormation resource, or a task definition's container, built of hostile values."""
    got = _json_tree(rng, files)
    if got is None:
        return None
    name, tree = got
    if not isinstance(tree, dict):
        return None
    ids = _json_ids(tree)
    raw: dict[str, str] = {}
    if isinstance(tree.get("containerDefinitions"), list):
        body = CONTAINER
    elif isinstance(tree.get("Resources"), dict):
        body = _yaml_flow_to_json(rng.choice(CFN_RESOURCES))
    else:
        return None
    while "@H@" in body:
        if rng.random() < 0.5:
            value = _fill(rng, rng.choice(JSON_PLAUSIBLE), ids, "Fz")
        else:
            value = _json_value(rng, ids, "Fz")
        body = body.replace("@H@", value, 1)
    raw["\x00fzr"] = body
    if isinstance(tree.get("containerDefinitions"), list):
        tree["containerDefinitions"].append("\x00fzr")
    else:
        tree["Resources"]["Fz"] = "\x00fzr"
    return f"JSON resource into {name}: {body[:160]!r}", _with(
        files, name, _json_dump(rng, tree, raw)
    )


def _yaml_flow_to_json(flow: str) -> str:
    word = r"(?<![@\w])[A-Za-z][A-Za-z0-9]*(?:::[A-Za-z0-9]+)*(?!@)"
    return re.sub(word, lambda m: json.dumps(m.group()), flow)


# -- Terraform -------------------------------------------------------------------------


def _tf_replace(rng: random.Random, files: Files, kind: str) -> tuple[str, Files] | None:
    """Replace the expression of an attribute (a one-line one) by a hostile one."""
    name = _pick_file(rng, files, (".tf",))
    if name is None:
        return None
    lines = _text(files[name]).split("\n")
    spots = [i for i, x in enumerate(lines) if (m := _TF_ATTR.match(x)) and _balanced(m.group(4))]
    if not spots:
        return None
    i = rng.choice(spots)
    found = _TF_ATTR.match(lines[i])
    expr = _tf_fill(rng, _tf_expr(rng), files, name)
    lines[i] = found.group(1) + found.group(2) + found.group(3) + expr
    out = _tf_support(rng, files, expr)
    out[name] = _bytes("\n".join(lines))
    return f"HCL {found.group(2)} at line {i + 1} of {name} -> {expr[:80]!r}", out


def _tf_string(rng: random.Random, files: Files, kind: str) -> tuple[str, Files] | None:
    """Replace a string literal anywhere (inside lists, objects, jsonencode) by a hostile one."""
    name = _pick_file(rng, files, (".tf",))
    if name is None:
        return None
    text = _text(files[name])
    spots = list(_TF_STRING.finditer(text))
    if not spots:
        return None
    found = rng.choice(spots)
    expr = _tf_fill(rng, rng.choice([*TF_STRINGS, *TF_EXPRESSIONS[:40]]), files, name)
    out = _tf_support(rng, files, expr)
    out[name] = _bytes(text[: found.start()] + expr + text[found.end() :])
    return f"HCL string {found.group()[:40]!r} of {name} -> {expr[:80]!r}", out


_TF_REFERENCE = re.compile(r"\b(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)((?:\.[a-z_]+|\[[^\]\n]*\])*)")
REFERENCE_FORMS = [
    "{r}", "{r}[*]", "{r}[*].id", "{r}[0].id", '{r}["a"].id', "{r}.*.id", "one({r}[*].id)",
    "{r}.id.foo", "{r}[count.index].id", "values({r})[0].id", "{r}[each.key].id", "[{r}.id]",
    "{{a = {r}.id}}", "{r}.arn", "{r}.tags", "{o}.id", "{o}", "tolist({r}[*].id)",
]  # fmt: skip


def _tf_reference(rng: random.Random, files: Files, kind: str) -> tuple[str, Files] | None:
    """Re-shape a reference to another resource: the whole object, a splat, an index,
    another resource. The network model follows these to build its graph."""
    name = _pick_file(rng, files, (".tf",))
    if name is None:
        return None
    text = _text(files[name])
    spots = list(_TF_REFERENCE.finditer(text))
    if not spots:
        return None
    found = rng.choice(spots)
    resources, _ = _tf_context(files)
    ref = f"{found.group(1)}.{found.group(2)}"
    new = rng.choice(REFERENCE_FORMS).format(r=ref, o=rng.choice(resources))
    out = _with(files, name, _bytes(text[: found.start()] + new + text[found.end() :]))
    return f"HCL reference {found.group()!r} of {name} -> {new!r}", out


def _tf_insert_attr(rng: random.Random, files: Files, kind: str) -> tuple[str, Files] | None:
    name = _pick_file(rng, files, (".tf",))
    if name is None:
        return None
    lines = _text(files[name]).split("\n")
    spots = [i for i, x in enumerate(lines) if _TF_OPEN.match(x)]
    if not spots:
        return None
    i = rng.choice(spots)
    attr = rng.choice(TF_BLOCK_ATTRS)
    expr = _tf_fill(rng, _tf_expr(rng, plausible=0.3), files, name)
    lines.insert(i + 1, f"  {attr} = {expr}")
    out = _tf_support(rng, files, expr)
    out[name] = _bytes("\n".join(lines))
    return f"HCL {attr} = {expr[:80]!r} after line {i + 1} of {name}", out


def _tf_block(rng: random.Random, files: Files, kind: str) -> tuple[str, Files] | None:
    """A block of a type the rules read, its attributes hostile or plausible."""
    name = _pick_file(rng, files, (".tf",))
    if name is None:
        return None
    body = rng.choice(TF_BLOCKS)
    out = dict(files)
    while "@H@" in body:
        expr = _tf_fill(rng, _tf_expr(rng, plausible=0.5), files, name)
        out = _tf_support(rng, out, expr)
        body = body.replace("@H@", expr, 1)
    out[name] = files[name] + b"\n" + _bytes(body) + b"\n"
    return f"HCL block appended to {name}: {body[:200]!r}", out


def _tf_amplify(rng: random.Random, files: Files, kind: str) -> tuple[str, Files] | None:
    """Locals that double a string (or a list) at every step, used where rules look."""
    name = _pick_file(rng, files, (".tf",))
    if name is None:
        return None
    depth = rng.randint(8, 60)
    as_list = rng.random() < 0.5
    body = ["locals {", '  fz_c0 = ["xxxxxxxxxx"]' if as_list else '  fz_c0 = "xxxxxxxxxx"']
    for i in range(1, depth + 1):
        prev = f"local.fz_c{i - 1}"
        double = f"concat({prev}, {prev})" if as_list else '"${' + prev + "}${" + prev + '}"'
        body.append(f"  fz_c{i} = {double}")
    body.append("}")
    use = rng.choice(
        [
            f'resource "aws_vpc" "fz_amp" {{\n  cidr_block = local.fz_c{depth}\n}}',
            f'resource "aws_subnet" "fz_amp" {{\n  count = length(local.fz_c{depth})\n  vpc_id = "x"\n}}',
            f'resource "aws_ecs_task_definition" "fz_amp" {{\n  family = "f"\n  container_definitions = jsonencode([{{ name = local.fz_c{depth}, image = "i" }}])\n}}',
        ]
    )
    out = dict(files)
    out["fz_amp.tf"] = _bytes("\n".join(body) + "\n" + use + "\n")
    return f"{'list' if as_list else 'string'} doubling {depth} times", out


def _tfvars(rng: random.Random, files: Files, kind: str) -> tuple[str, Files] | None:
    """Values for the declared variables, as terraform.tfvars or *.auto.tfvars give them."""
    if not any(n.endswith(".tf") for n in files):
        return None
    _, variables = _tf_context(files)
    target = rng.choice(["terraform.tfvars", "fz.auto.tfvars", "terraform.tfvars.json"])
    names = rng.sample(variables, min(len(variables), rng.randint(1, 3)))
    if target.endswith(".json"):
        body = "{" + ", ".join(f'"{v}": {_json_value(rng, ["Nope"], "Nope")}' for v in names) + "}"
    else:
        body = "\n".join(f"{v} = {_tf_fill(rng, _tf_expr(rng, 0.3), files, target)}" for v in names)
    out = _tf_support(rng, files, body)
    out[target] = _bytes(body + "\n")
    return f"{target}: {body[:160]!r}", out


def _tf_json_file(rng: random.Random, files: Files, kind: str) -> tuple[str, Files] | None:
    """A .tf.json file beside the .tf ones, its values hostile JSON."""
    value = _json_value(rng, ["Nope"], "Nope")
    body = (
        '{"resource": {"aws_ecs_task_definition": {"fzj": {"family": "f", "network_mode": '
        f'{value}, "container_definitions": {_json_value(rng, ["Nope"], "Nope")}}}}}}}'
    )
    return f"main.tf.json with {body[:120]!r}", _with(files, "fz.tf.json", _bytes(body))


# -- tables ----------------------------------------------------------------------------

LAST_RESORT: list[tuple[Mutation, int]] = [(_bytes_edit, 2), (_line_ends, 1)]
GENERIC: list[tuple[Mutation, int]] = [(_line_edit, 4), (_suppression, 2), (_rename, 1)]
BY_KIND: dict[str, list[tuple[Mutation, int]]] = {
    CFN: [
        (_cfn_yaml_value, 10),
        (_cfn_yaml_key, 3),
        (_cfn_yaml_resource, 6),
        (_cfn_yaml_amplify, 2),
        (_cfn_yaml_self_ref, 2),
        (_cfn_yaml_deep, 1),
        (_json_node, 8),
        (_json_resource, 4),
    ],
    TASKDEF: [(_json_node, 12), (_json_resource, 4)],
    TERRAFORM: [
        (_tf_replace, 10),
        (_tf_string, 4),
        (_tf_reference, 5),
        (_tf_insert_attr, 4),
        (_tf_block, 6),
        (_tf_amplify, 1),
        (_tfvars, 2),
        (_tf_json_file, 1),
    ],
}


def _choose(rng: random.Random, table: list[tuple[Mutation, int]]) -> Mutation:
    fns, weights = zip(*table, strict=True)
    return rng.choices(fns, weights=weights)[0]


def mutate(rng: random.Random, files: Files, kind: str) -> tuple[str, Files]:
    """One mutation: a structure-aware one most of the time, a blind one otherwise."""
    for _ in range(20):  # a mutation may not apply (no YAML line, no JSON); try another
        r = rng.random()
        table = BY_KIND[kind] if r < 0.75 else GENERIC if r < 0.92 else LAST_RESORT
        got = _choose(rng, table)(rng, files, kind)
        if got is not None and sum(map(len, got[1].values())) <= MAX_CASE_BYTES:
            return got
    return "unchanged", dict(files)


def make_case(seeds: list[Seed], run_seed: int, index: int) -> Case:
    """Case `index` of run `run_seed`: a seed (a kind first, so each gets a third of
    the cases), then one to four mutations applied in turn."""
    rng = random.Random(f"{run_seed}:{index}")
    kinds = [k for k in KINDS if any(s.kind == k for s in seeds)]
    kind = rng.choice(kinds)
    seed = rng.choice([s for s in seeds if s.kind == kind])
    case = Case(run_seed, index, seed.name, kind, files=dict(seed.files))
    for _ in range(rng.choices([1, 2, 3, 4], weights=[5, 3, 1, 1])[0]):
        step, case.files = mutate(rng, case.files, kind)
        case.steps.append(step)
    return case
