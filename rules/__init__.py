"""The rule table: one explicit entry per rule id (no discovery by import side effect)."""

from __future__ import annotations

from types import ModuleType

from linter.rules import (
    FG000_unparseable_input,
    FG004_exec_without_init_process,
    FG005_exec_without_ssmmessages_path,
    FG010_no_egress_path,
    FG011_public_subnet_without_public_ip,
    FG012_missing_ecr_endpoints,
    FG013_missing_s3_gateway,
    FG015_missing_secrets_endpoints,
    FG016_missing_logs_endpoint,
    FG030_public_ip_on_ec2,
    FG031_ec2_awsvpc_expected_public,
    FG040_task_sg_egress,
    FG041_endpoint_sg_blocks_https,
    FG050_nacl_blocks_outbound,
    FG051_nacl_blocks_return,
    FG053_nacl_shadowed_or_empty,
    FG060_main_route_table_fallback,
    FG061_nat_without_internet,
    FG062_igw_not_attached,
    FG070_private_dns_without_vpc_dns,
    FG071_endpoint_private_dns_off,
    FG072_endpoint_type,
    FG090_fargate_network_mode,
    FG091_host_port_mismatch,
)

RULES: dict[str, ModuleType] = {
    "FG000": FG000_unparseable_input,
    "FG004": FG004_exec_without_init_process,
    "FG005": FG005_exec_without_ssmmessages_path,
    "FG010": FG010_no_egress_path,
    "FG011": FG011_public_subnet_without_public_ip,
    "FG012": FG012_missing_ecr_endpoints,
    "FG013": FG013_missing_s3_gateway,
    "FG015": FG015_missing_secrets_endpoints,
    "FG016": FG016_missing_logs_endpoint,
    "FG030": FG030_public_ip_on_ec2,
    "FG031": FG031_ec2_awsvpc_expected_public,
    "FG040": FG040_task_sg_egress,
    "FG041": FG041_endpoint_sg_blocks_https,
    "FG050": FG050_nacl_blocks_outbound,
    "FG051": FG051_nacl_blocks_return,
    "FG053": FG053_nacl_shadowed_or_empty,
    "FG060": FG060_main_route_table_fallback,
    "FG061": FG061_nat_without_internet,
    "FG062": FG062_igw_not_attached,
    "FG070": FG070_private_dns_without_vpc_dns,
    "FG071": FG071_endpoint_private_dns_off,
    "FG072": FG072_endpoint_type,
    "FG090": FG090_fargate_network_mode,
    "FG091": FG091_host_port_mismatch,
}
