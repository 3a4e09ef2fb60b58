# [1, 2] for every attribute the rules read
resource "aws_vpc" "v" {
  cidr_block = [1, 2]
  enable_dns_support = [1, 2]
  enable_dns_hostnames = [1, 2]
}
resource "aws_subnet" "s" {
  vpc_id = aws_vpc.v.id
  cidr_block = [1, 2]
}
resource "aws_route_table" "r" {
  vpc_id = aws_vpc.v.id
  route { 
    cidr_block = [1, 2]
    gateway_id = [1, 2]
  }
}
resource "aws_route_table_association" "a" {
  subnet_id = aws_subnet.s.id
  route_table_id = aws_route_table.r.id
}
resource "aws_security_group" "g" {
  vpc_id = aws_vpc.v.id
  egress {
    from_port = [1, 2]
    to_port = [1, 2]
    protocol = [1, 2]
    cidr_blocks = [1, 2]
  }
}
resource "aws_network_acl" "n" {
  vpc_id = aws_vpc.v.id
  subnet_ids = [aws_subnet.s.id]
  egress {
    rule_no = [1, 2]
    protocol = [1, 2]
    action = [1, 2]
    cidr_block = [1, 2]
    from_port = [1, 2]
    to_port = [1, 2]
  }
}
resource "aws_vpc_endpoint" "e" {
  vpc_id = aws_vpc.v.id
  service_name = [1, 2]
  vpc_endpoint_type = [1, 2]
  private_dns_enabled = [1, 2]
  subnet_ids = [1, 2]
  security_group_ids = [1, 2]
}
resource "aws_ecs_cluster" "c" { name = "c" }
resource "aws_ecs_task_definition" "t" {
  family = "t"
  network_mode = [1, 2]
  requires_compatibilities = [1, 2]
  container_definitions = jsonencode([{ name = [1, 2], image = [1, 2], linuxParameters = { initProcessEnabled = [1, 2] }, portMappings = [{ containerPort = [1, 2], hostPort = [1, 2] }], secrets = [{valueFrom = [1, 2]}], logConfiguration = {logDriver = [1, 2]} }])
}
resource "aws_ecs_service" "svc" {
  cluster = aws_ecs_cluster.c.id
  task_definition = aws_ecs_task_definition.t.arn
  launch_type = [1, 2]
  enable_execute_command = [1, 2]
  platform_version = [1, 2]
  network_configuration {
    subnets = [aws_subnet.s.id]
    security_groups = [aws_security_group.g.id]
    assign_public_ip = [1, 2]
  }
}
