# templatefile() of the .tf file that calls it
resource "aws_ecs_task_definition" "web" {
  family       = "web"
  network_mode = "awsvpc"
  container_definitions = jsonencode([{ name = templatefile("${path.module}/main.tf", {}), image = "nginx", portMappings = [{ containerPort = 1, hostPort = 2 }] }])
}
