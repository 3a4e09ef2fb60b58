# file() of the canary file the fuzz target puts beside the case directory
resource "aws_ecs_task_definition" "web" {
  family       = "web"
  network_mode = "awsvpc"
  container_definitions = jsonencode([{ name = file("${path.module}/../fuzz-canary.txt"), image = "nginx", portMappings = [{ containerPort = 1, hostPort = 2 }] }])
}
