# a template that includes itself twice at every level
resource "aws_ecs_task_definition" "web" {
  family       = "web"
  network_mode = "awsvpc"
  container_definitions = jsonencode([{ name = templatefile("t.tpl", {}), image = "nginx", portMappings = [{ containerPort = 1, hostPort = 2 }] }])
}
