# file() of /proc/self/environ: the environment must not reach a report
resource "aws_ecs_task_definition" "web" {
  family       = "web"
  network_mode = "awsvpc"
  container_definitions = jsonencode([{ name = file("/proc/self/environ"), image = "nginx", portMappings = [{ containerPort = 1, hostPort = 2 }] }])
}
