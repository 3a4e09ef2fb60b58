# file() of /dev/zero: an endless device must not be read
resource "aws_ecs_task_definition" "web" {
  family       = "web"
  network_mode = "awsvpc"
  container_definitions = jsonencode([{ name = file("/dev/zero"), image = "nginx", portMappings = [{ containerPort = 1, hostPort = 2 }] }])
}
