# {a = 1} for every attribute the rules read
resource "aws_vpc" "v" {
  cidr_block = {a = 1}
  enable_dns_support = {a = 1}
  enable_dns_hostnames = {a = 1}
}
resource "aws_subnet" "s" {
  vpc_id = aws_vpc.v.id
  cidr_block = {a = 1}
}
resource "aws_route_table" "r" {
  vpc_id = aws_vpc.v.id
  route { 
    cidr_block = {a = 1}
    gateway_id = {a = 1}
  }
}
resource "aws_route_table_association" "a" {
  subnet_id = aws_subnet.s.id
  route_table_id = aws_route_table.r.id
}
resource "aws_security_group" "g" {
  vpc_id = aws_vpc.v.id
  egress {
    from_port = {a = 1}
    to_port = {a = 1}
    protocol = {a = 1}
    cidr_blocks = {a = 1}
  }
}
resource "aws_network_acl" "n" {
  vpc_id = aws_vpc.v.id
  subnet_ids = [aws_subnet.s.id]
  egress {
    rule_no = {a = 1}
    protocol = {a = 1}
    action = {a = 1}
    cidr_block = {a = 1}
    from_port = {a = 1}
    to_port = {a = 1}
  }
}
resource "aws_vpc_endpoint" "e" {
  vpc_id = aws_vpc.v.id
  service_name = {a = 1}
  vpc_endpoint_type = {a = 1}
  private_dns_enabled = {a = 1}
  subnet_ids = {a = 1}
  security_group_ids = {a = 1}
}
resource "aws_ecs_cluster" "c" { name = "c" }
resource "aws_ecs_task_definition" "t" {
  family = "t"
  network_mode = {a = 1}
  requires_compatibilities = {a = 1}
  container_definitions = jsonencode([{ name = {a = 1}, image = {a = 1}, linuxParameters = { initProcessEnabled = {a = 1} }, portMappings = [{ containerPort = {a = 1}, hostPort = {a = 1} }], secrets = [{valueFrom = {a = 1}}], logConfiguration = {logDriver = {a = 1}} }])
}
resource "aws_ecs_service" "svc" {
  cluster = aws_ecs_cluster.c.id
  task_definition = aws_ecs_task_definition.t.arn
  launch_type = {a = 1}
  enable_execute_command = {a = 1}
  platform_version = {a = 1}
  network_configuration {
    subnets = [aws_subnet.s.id]
    security_groups = [aws_security_group.g.id]
    assign_public_ip = {a = 1}
  }
}
