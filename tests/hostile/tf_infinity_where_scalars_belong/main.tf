# 1e999 for every attribute the rules read
resource "aws_vpc" "v" {
  cidr_block = 1e999
  enable_dns_support = 1e999
  enable_dns_hostnames = 1e999
}
resource "aws_subnet" "s" {
  vpc_id = aws_vpc.v.id
  cidr_block = 1e999
}
resource "aws_route_table" "r" {
  vpc_id = aws_vpc.v.id
  route { 
    cidr_block = 1e999
    gateway_id = 1e999
  }
}
resource "aws_route_table_association" "a" {
  subnet_id = aws_subnet.s.id
  route_table_id = aws_route_table.r.id
}
resource "aws_security_group" "g" {
  vpc_id = aws_vpc.v.id
  egress {
    from_port = 1e999
    to_port = 1e999
    protocol = 1e999
    cidr_blocks = 1e999
  }
}
resource "aws_network_acl" "n" {
  vpc_id = aws_vpc.v.id
  subnet_ids = [aws_subnet.s.id]
  egress {
    rule_no = 1e999
    protocol = 1e999
    action = 1e999
    cidr_block = 1e999
    from_port = 1e999
    to_port = 1e999
  }
}
resource "aws_vpc_endpoint" "e" {
  vpc_id = aws_vpc.v.id
  service_name = 1e999
  vpc_endpoint_type = 1e999
  private_dns_enabled = 1e999
  subnet_ids = 1e999
  security_group_ids = 1e999
}
resource "aws_ecs_cluster" "c" { name = "c" }
resource "aws_ecs_task_definition" "t" {
  family = "t"
  network_mode = 1e999
  requires_compatibilities = 1e999
  container_definitions = jsonencode([{ name = 1e999, image = 1e999, linuxParameters = { initProcessEnabled = 1e999 }, portMappings = [{ containerPort = 1e999, hostPort = 1e999 }], secrets = [{valueFrom = 1e999}], logConfiguration = {logDriver = 1e999} }])
}
resource "aws_ecs_service" "svc" {
  cluster = aws_ecs_cluster.c.id
  task_definition = aws_ecs_task_definition.t.arn
  launch_type = 1e999
  enable_execute_command = 1e999
  platform_version = 1e999
  network_configuration {
    subnets = [aws_subnet.s.id]
    security_groups = [aws_security_group.g.id]
    assign_public_ip = 1e999
  }
}
