# file() of /dev/stdin: must not read (or wait on) the linter's stdin
resource "aws_ecs_task_definition" "web" {
  family       = "web"
  network_mode = "awsvpc"
  container_definitions = jsonencode([{ name = file("/dev/stdin"), image = "nginx", portMappings = [{ containerPort = 1, hostPort = 2 }] }])
}
