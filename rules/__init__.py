"""The rule table: one explicit entry per rule id (no discovery by import side effect)."""

from __future__ import annotations

from types import ModuleType

from linter.rules import (
    FG000_unparseable_input,
    FG004_exec_without_init_process,
    FG010_no_egress_path,
    FG011_public_subnet_without_public_ip,
    FG030_public_ip_on_ec2,
    FG031_ec2_awsvpc_expected_public,
    FG041_endpoint_sg_blocks_https,
    FG090_fargate_network_mode,
    FG091_host_port_mismatch,
)

RULES: dict[str, ModuleType] = {
    "FG000": FG000_unparseable_input,
    "FG004": FG004_exec_without_init_process,
    "FG010": FG010_no_egress_path,
    "FG011": FG011_public_subnet_without_public_ip,
    "FG030": FG030_public_ip_on_ec2,
    "FG031": FG031_ec2_awsvpc_expected_public,
    "FG041": FG041_endpoint_sg_blocks_https,
    "FG090": FG090_fargate_network_mode,
    "FG091": FG091_host_port_mismatch,
}
