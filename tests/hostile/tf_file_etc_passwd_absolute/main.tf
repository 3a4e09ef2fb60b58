# file() of an absolute path outside the repository
resource "aws_ecs_task_definition" "web" {
  family       = "web"
  network_mode = "awsvpc"
  container_definitions = jsonencode([{ name = file("/etc/passwd"), image = "nginx", portMappings = [{ containerPort = 1, hostPort = 2 }] }])
}
