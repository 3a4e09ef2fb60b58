# null for every attribute the rules read
resource "aws_vpc" "v" {
  cidr_block = null
  enable_dns_support = null
  enable_dns_hostnames = null
}
resource "aws_subnet" "s" {
  vpc_id = aws_vpc.v.id
  cidr_block = null
}
resource "aws_route_table" "r" {
  vpc_id = aws_vpc.v.id
  route { 
    cidr_block = null
    gateway_id = null
  }
}
resource "aws_route_table_association" "a" {
  subnet_id = aws_subnet.s.id
  route_table_id = aws_route_table.r.id
}
resource "aws_security_group" "g" {
  vpc_id = aws_vpc.v.id
  egress {
    from_port = null
    to_port = null
    protocol = null
    cidr_blocks = null
  }
}
resource "aws_network_acl" "n" {
  vpc_id = aws_vpc.v.id
  subnet_ids = [aws_subnet.s.id]
  egress {
    rule_no = null
    protocol = null
    action = null
    cidr_block = null
    from_port = null
    to_port = null
  }
}
resource "aws_vpc_endpoint" "e" {
  vpc_id = aws_vpc.v.id
  service_name = null
  vpc_endpoint_type = null
  private_dns_enabled = null
  subnet_ids = null
  security_group_ids = null
}
resource "aws_ecs_cluster" "c" { name = "c" }
resource "aws_ecs_task_definition" "t" {
  family = "t"
  network_mode = null
  requires_compatibilities = null
  container_definitions = jsonencode([{ name = null, image = null, linuxParameters = { initProcessEnabled = null }, portMappings = [{ containerPort = null, hostPort = null }], secrets = [{valueFrom = null}], logConfiguration = {logDriver = null} }])
}
resource "aws_ecs_service" "svc" {
  cluster = aws_ecs_cluster.c.id
  task_definition = aws_ecs_task_definition.t.arn
  launch_type = null
  enable_execute_command = null
  platform_version = null
  network_configuration {
    subnets = [aws_subnet.s.id]
    security_groups = [aws_security_group.g.id]
    assign_public_ip = null
  }
}
